"""/api/v1/ routing. Each domain module owns its own urlpatterns."""

from django.urls import path

from . import (
    accounts,
    categories,
    donations,
    invitations,
    listings,
    organisations,
    photos,
    privacy,
    repairs,
    social,
    trade,
    workshops,
)

app_name = "api"

urlpatterns = [
    path("auth/register/", accounts.RegisterView.as_view(), name="register"),
    path("auth/token/", accounts.TokenView.as_view(), name="token"),
    path("me/", accounts.MeView.as_view(), name="me"),
    path("me/export/", privacy.MeExportView.as_view(), name="me-export"),
    path("categories/", categories.CategoryListView.as_view(), name="categories"),
    # Workshops and repairs (issue 4)
    path("workshops/", workshops.WorkshopListView.as_view(), name="workshops"),
    path("workshops/<slug:slug>/", workshops.WorkshopDetailView.as_view(), name="workshop"),
    path("workshops/<slug:slug>/members/", workshops.WorkshopMemberView.as_view(), name="workshop-members"),
    path("invitations/<str:token>/", invitations.InvitationDetailView.as_view(), name="invitation"),
    path("invitations/<str:token>/accept/", invitations.InvitationAcceptView.as_view(), name="invitation-accept"),
    path("invitations/<str:token>/decline/", invitations.InvitationDeclineView.as_view(), name="invitation-decline"),
    # Organisations and their donation batches (issue 13)
    path("organisations/", organisations.OrganisationListView.as_view(), name="organisations"),
    path("organisations/<slug:slug>/", organisations.OrganisationDetailView.as_view(), name="organisation"),
    path(
        "organisations/<slug:slug>/members/",
        organisations.OrganisationMemberView.as_view(),
        name="organisation-members",
    ),
    path(
        "organisation-invitations/<str:token>/accept/",
        organisations.OrganisationInvitationAcceptView.as_view(),
        name="organisation-invitation-accept",
    ),
    path(
        "organisation-invitations/<str:token>/decline/",
        organisations.OrganisationInvitationDeclineView.as_view(),
        name="organisation-invitation-decline",
    ),
    path("donation-batches/", donations.BatchListView.as_view(), name="donation-batches"),
    path("donation-batches/<int:batch_id>/", donations.BatchDetailView.as_view(), name="donation-batch"),
    path("donation-batches/<int:batch_id>/devices/", donations.BatchDevicesView.as_view(), name="batch-devices"),
    path(
        "donation-batches/<int:batch_id>/devices.csv", donations.BatchDevicesCsvView.as_view(), name="batch-devices-csv"
    ),
    path("donation-batches/<int:batch_id>/accept/", donations.BatchAcceptView.as_view(), name="batch-accept"),
    path("donation-batches/<int:batch_id>/collected/", donations.BatchCollectedView.as_view(), name="batch-collected"),
    path("donation-batches/<int:batch_id>/received/", donations.BatchReceivedView.as_view(), name="batch-received"),
    path(
        "donation-batches/<int:batch_id>/lots/<int:lot_id>/use/", donations.LotUseView.as_view(), name="batch-lot-use"
    ),
    path(
        "donation-batches/<int:batch_id>/certificate.pdf",
        donations.BatchCertificateView.as_view(),
        name="batch-certificate",
    ),
    path("repair-jobs/", repairs.JobListView.as_view(), name="repair-jobs"),
    path("repair-jobs/<int:job_id>/", repairs.JobDetailView.as_view(), name="repair-job"),
    path("repair-jobs/<int:job_id>/claim/", repairs.ClaimView.as_view(), name="repair-job-claim"),
    path("repair-jobs/<int:job_id>/release/", repairs.ReleaseView.as_view(), name="repair-job-release"),
    path("repair-jobs/<int:job_id>/start/", repairs.StartView.as_view(), name="repair-job-start"),
    path("repair-jobs/<int:job_id>/complete/", repairs.CompleteView.as_view(), name="repair-job-complete"),
    path("repair-jobs/<int:job_id>/no-storage/", repairs.NoStorageView.as_view(), name="repair-job-no-storage"),
    path("repair-jobs/<int:job_id>/work-logs/", repairs.WorkLogCreateView.as_view(), name="repair-job-work-logs"),
    path("repair-jobs/<int:job_id>/data-wipes/", repairs.DataWipeCreateView.as_view(), name="repair-job-data-wipes"),
    path("repair-jobs/<int:job_id>/certificate/", repairs.CertificateView.as_view(), name="repair-job-certificate"),
    path(
        "repair-jobs/<int:job_id>/certificate.pdf",
        repairs.CertificatePdfView.as_view(),
        name="repair-job-certificate-pdf",
    ),
    path("repair-jobs/<int:job_id>/messages/", repairs.JobMessagesView.as_view(), name="repair-job-messages"),
    path("repair-jobs/<int:job_id>/publish/", repairs.PublishView.as_view(), name="repair-job-publish"),
    path("repair-jobs/<int:job_id>/quote/", repairs.QuoteView.as_view(), name="repair-job-quote"),
    path("repair-jobs/<int:job_id>/quote/accept/", repairs.QuoteAcceptView.as_view(), name="repair-job-quote-accept"),
    path(
        "repair-jobs/<int:job_id>/quote/decline/", repairs.QuoteDeclineView.as_view(), name="repair-job-quote-decline"
    ),
    path("repair-jobs/<int:job_id>/received/", repairs.ReceivedView.as_view(), name="repair-job-received"),
    path("repair-jobs/<int:job_id>/handed-back/", repairs.HandedBackView.as_view(), name="repair-job-handed-back"),
    path("impact/", repairs.ImpactView.as_view(), name="impact"),
    path("impact/report.pdf", repairs.ImpactReportView.as_view(), name="impact-report"),
    path("exports/ords.csv", repairs.OrdsExportView.as_view(), name="ords-export"),
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
    # Favourites, offers, profiles and ratings (api/social.py)
    path("listings/<int:pk>/favourite/", social.ListingFavouriteView.as_view(), name="listing-favourite"),
    path("favourites/", social.FavouriteListView.as_view(), name="favourites"),
    path("listings/<int:pk>/offers/", social.ListingOfferView.as_view(), name="listing-offers"),
    path("offers/", social.OfferListView.as_view(), name="offers"),
    *[
        path(f"offers/<int:pk>/{action}/", social.OfferActionView.as_view(action=action), name=f"offer-{action}")
        for action in ("accept", "decline", "counter")
    ],
    path("profiles/<int:pk>/", social.ProfileView.as_view(), name="profile"),
    path("reservations/<int:pk>/rating/", social.ReservationRatingView.as_view(), name="reservation-rating"),
    path("ratings/<int:pk>/reports/", social.RatingReportView.as_view(), name="rating-reports"),
    path("listings/<int:listing_id>/photos/", photos.ListingPhotoUploadView.as_view(), name="listing-photos"),
    path("listings/<int:listing_id>/photos/order/", photos.ListingPhotoOrderView.as_view(), name="listing-photo-order"),
    path("photos/<int:photo_id>/", photos.PhotoDetailView.as_view(), name="photo-detail"),
    path("photos/<int:photo_id>/cover/", photos.PhotoCoverView.as_view(), name="photo-cover"),
]
