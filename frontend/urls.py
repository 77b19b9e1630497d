from django.urls import path
from django.views.i18n import set_language

from . import views, views_workshop

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
    path("workshop/<slug:slug>/manage/", views_workshop.workshop_manage, name="workshop_manage"),
]
