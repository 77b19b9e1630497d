from django.urls import path
from django.views.i18n import set_language

from . import (
    views,
    views_donations,
    views_invitations,
    views_post,
    views_privacy,
    views_repairs,
    views_social,
    views_trade,
    views_workshop,
)

app_name = "frontend"

urlpatterns = [
    path("", views.home, name="home"),
    path("listings/<int:pk>/", views.listing_detail, name="listing"),
    path("impact/", views.impact, name="impact"),
    path("impact/report/", views.impact_report, name="impact_report"),
    path("workshops/<slug:slug>/", views.workshop_detail, name="workshop"),
    path("language/", set_language, name="set_language"),
    path("signup/", views.signup, name="signup"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/data/", views_privacy.data_download, name="data_download"),
    path("profile/delete/", views_privacy.account_delete, name="account_delete"),
    path("privacy/", views_privacy.privacy_policy, name="privacy"),
    path("terms/", views_privacy.terms, name="terms"),
    path("about/", views_privacy.about, name="about"),
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
    path("listings/<int:pk>/reserve/", views_trade.listing_reserve, name="listing_reserve"),
    path("listings/<int:pk>/message/", views_trade.listing_message, name="listing_message"),
    path("listings/<int:pk>/report/", views_trade.listing_report, name="listing_report"),
    path("reservations/<int:pk>/rating/", views_social.reservation_rate, name="reservation_rate"),
    path("reservations/<int:pk>/<slug:action>/", views_trade.reservation_act, name="reservation_act"),
    path("listings/<int:pk>/favourite/", views_social.listing_favourite, name="listing_favourite"),
    path("listings/<int:pk>/offer/", views_social.listing_offer, name="listing_offer"),
    path("offers/<int:pk>/<slug:action>/", views_social.offer_act, name="offer_act"),
    path("people/<int:pk>/", views_social.public_profile, name="public_profile"),
    path("ratings/<int:pk>/report/", views_social.rating_report, name="rating_report"),
    path("conversations/<int:pk>/", views_trade.conversation_detail, name="conversation"),
    path("notifications/read/", views_trade.notifications_read, name="notifications_read"),
    path("repairs/<int:pk>/", views_repairs.repair_detail, name="repair"),
    path("repairs/<int:pk>/quote/<slug:answer>/", views_repairs.repair_quote_answer, name="repair_quote_answer"),
    path("saved-searches/", views_trade.saved_search_create, name="saved_search_create"),
    path("saved-searches/<int:pk>/delete/", views_trade.saved_search_delete, name="saved_search_delete"),
]

# --- Workshop pages (views_workshop.py) ---------------------------------------------------------------------------
urlpatterns += [
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
    path("workshop/intake/", views_repairs.intake, name="workshop_intake"),
    path("workshop/jobs/<int:pk>/quote/", views_repairs.job_quote, name="workshop_job_quote"),
    path("workshop/jobs/<int:pk>/received/", views_repairs.job_received, name="workshop_job_received"),
    path("workshop/jobs/<int:pk>/handed-back/", views_repairs.job_handed_back, name="workshop_job_handed_back"),
    path("workshop/<slug:slug>/manage/", views_workshop.workshop_manage, name="workshop_manage"),
]

# --- Organisations and donation batches (views_donations.py, issue 13) ------------------------------------------
urlpatterns += [
    path("verify/<str:code>/", views_donations.verify, name="verify"),
    path("organisations/new/", views_donations.organisation_new, name="organisation_new"),
    path(
        "organisations/invitations/<str:token>/",
        views_donations.organisation_invitation,
        name="organisation_invitation",
    ),
    path("organisations/<slug:slug>/", views_donations.organisation_detail, name="organisation"),
    path("organisations/<slug:slug>/invite/", views_donations.organisation_invite, name="organisation_invite"),
    path("organisations/<slug:slug>/batches/", views_donations.batch_new, name="batch_new"),
    path("donations/", views_donations.batch_list, name="batches"),
    path("donations/<int:pk>/", views_donations.batch_detail, name="batch"),
    path("donations/<int:pk>/devices.csv", views_donations.batch_csv, name="batch_csv"),
    path("donations/<int:pk>/accept/", views_donations.batch_accept, name="batch_accept"),
    path("donations/<int:pk>/collected/", views_donations.batch_collected, name="batch_collected"),
    path("donations/<int:pk>/received/", views_donations.batch_received, name="batch_received"),
    path("donations/<int:pk>/certificate.pdf", views_donations.batch_certificate, name="batch_certificate"),
]
