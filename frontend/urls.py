from django.urls import path
from django.views.i18n import set_language

from . import views, views_invitations, views_post, views_talk, views_trade, views_workshop

app_name = "frontend"

urlpatterns = [
    path("", views.home, name="home"),
    path("listings/<int:pk>/", views.listing_detail, name="listing"),
    path("impact/", views.impact, name="impact"),
    path("workshops/<slug:slug>/", views.workshop_detail, name="workshop"),
    path("language/", set_language, name="set_language"),
    path("signup/", views.signup, name="signup"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password-reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("invitations/<str:token>/", views_invitations.invitation, name="invitation"),
    # --- Residents and buyers: post, edit, photos, reserve, messages, My page (branch pages2) -----------
    path("post/", views_post.post_create, name="post"),
    path("listings/<int:pk>/edit/", views_post.listing_edit, name="listing_edit"),
    path("listings/<int:pk>/photos/", views_post.listing_photo_list, name="listing_photo_list"),
    path("listings/<int:pk>/photos/add/", views_post.listing_photos_add, name="listing_photos_add"),
    path("listings/<int:pk>/publish/", views_post.listing_publish, name="listing_publish"),
    path("listings/<int:pk>/withdraw/", views_post.listing_withdraw, name="listing_withdraw"),
    path("photos/<int:pk>/delete/", views_post.photo_remove, name="photo_remove"),
    path("photos/<int:pk>/<slug:action>/", views_post.photo_arrange, name="photo_arrange"),
    path("listings/<int:pk>/reserve/", views_trade.listing_reserve, name="listing_reserve"),
    path("listings/<int:pk>/message/", views_trade.listing_message, name="listing_message"),
    path("listings/<int:pk>/report/", views_trade.listing_report, name="listing_report"),
    path("reservations/<int:pk>/<slug:action>/", views_trade.reservation_act, name="reservation_act"),
    path("conversations/<int:pk>/", views_trade.conversation_detail, name="conversation"),
    path("notifications/read/", views_trade.notifications_read, name="notifications_read"),
    path("saved-searches/", views_trade.saved_search_create, name="saved_search_create"),
    path("saved-searches/<int:pk>/delete/", views_trade.saved_search_delete, name="saved_search_delete"),
]

# --- Workshop pages (views_workshop.py) ---------------------------------------------------------------------------
urlpatterns += [
    path("repairs/<int:pk>/messages/", views_talk.job_messages, name="job_messages"),
    path("workshop/", views_workshop.board, name="workshop_board"),
    path("workshop/jobs/<int:pk>/", views_workshop.job_detail, name="workshop_job"),
    path("workshop/jobs/<int:pk>/claim/", views_workshop.job_claim, name="workshop_job_claim"),
    path("workshop/jobs/<int:pk>/release/", views_workshop.job_release, name="workshop_job_release"),
    path("workshop/jobs/<int:pk>/start/", views_workshop.job_start, name="workshop_job_start"),
    path("workshop/jobs/<int:pk>/work-logs/", views_workshop.job_worklog, name="workshop_job_worklog"),
    path("workshop/jobs/<int:pk>/data-wipes/", views_workshop.job_wipe, name="workshop_job_wipe"),
    path("workshop/jobs/<int:pk>/no-storage/", views_workshop.job_no_storage, name="workshop_job_no_storage"),
    path("workshop/jobs/<int:pk>/complete/", views_workshop.job_complete, name="workshop_job_complete"),
    path("workshop/jobs/<int:pk>/publish/", views_workshop.job_publish, name="workshop_job_publish"),
    path("workshop/jobs/<int:pk>/photos/", views_workshop.job_photo, name="workshop_job_photo"),
    path("workshop/<slug:slug>/manage/", views_workshop.workshop_manage, name="workshop_manage"),
]
