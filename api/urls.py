"""/api/v1/ routing. Each domain module owns its own urlpatterns."""

from django.urls import path

from . import accounts, categories, listings, trade

app_name = "api"

urlpatterns = [
    path("auth/register/", accounts.RegisterView.as_view(), name="register"),
    path("auth/token/", accounts.TokenView.as_view(), name="token"),
    path("me/", accounts.MeView.as_view(), name="me"),
    path("categories/", categories.CategoryListView.as_view(), name="categories"),
    # Marketplace: listings (api/listings.py)
    path("listings/", listings.ListingListView.as_view(), name="listings"),
    path("listings/<int:pk>/", listings.ListingDetailView.as_view(), name="listing"),
    path("listings/<int:pk>/publish/", listings.ListingPublishView.as_view(), name="listing-publish"),
    path("listings/<int:pk>/reports/", listings.ListingReportView.as_view(), name="listing-reports"),
    # Marketplace: trade (api/trade.py)
    path("listings/<int:pk>/reservations/", trade.ListingReservationView.as_view(), name="listing-reservations"),
    path("reservations/", trade.ReservationListView.as_view(), name="reservations"),
    *[
        path(
            f"reservations/<int:pk>/{action}/",
            trade.ReservationActionView.as_view(action=action),
            name=f"reservation-{action}",
        )
        for action in ("confirm", "complete", "cancel")
    ],
    path("conversations/", trade.ConversationListView.as_view(), name="conversations"),
    path("conversations/<int:pk>/messages/", trade.ConversationMessagesView.as_view(), name="conversation-messages"),
    path("notifications/", trade.NotificationListView.as_view(), name="notifications"),
    path("notifications/read/", trade.NotificationReadView.as_view(), name="notifications-read"),
    path("saved-searches/", trade.SavedSearchListView.as_view(), name="saved-searches"),
    path("saved-searches/<int:pk>/", trade.SavedSearchDetailView.as_view(), name="saved-search"),
]
