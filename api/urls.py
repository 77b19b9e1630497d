"""/api/v1/ routing. Each domain module owns its own urlpatterns."""

from django.urls import path

from . import accounts, categories

app_name = "api"

urlpatterns = [
    path("auth/register/", accounts.RegisterView.as_view(), name="register"),
    path("auth/token/", accounts.TokenView.as_view(), name="token"),
    path("me/", accounts.MeView.as_view(), name="me"),
    path("me/export/", accounts.MeExportView.as_view(), name="me-export"),
    path("categories/", categories.CategoryListView.as_view(), name="categories"),
]
