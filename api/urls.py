"""/api/v1/ routing. Each domain module owns its own urlpatterns."""

from django.urls import path

from . import accounts, categories, photos

app_name = "api"

urlpatterns = [
    path("auth/register/", accounts.RegisterView.as_view(), name="register"),
    path("auth/token/", accounts.TokenView.as_view(), name="token"),
    path("me/", accounts.MeView.as_view(), name="me"),
    path("categories/", categories.CategoryListView.as_view(), name="categories"),
    path("listings/<int:listing_id>/photos/", photos.ListingPhotoUploadView.as_view(), name="listing-photos"),
    path("photos/<int:photo_id>/", photos.PhotoDetailView.as_view(), name="photo-detail"),
]
