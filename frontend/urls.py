from django.urls import path
from django.views.i18n import set_language

from . import views

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
