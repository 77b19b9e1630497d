from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from listings.signals import listing_published, listing_withdrawn


class RepairsConfig(AppConfig):
    name = "repairs"
    verbose_name = _("Repairs")

    def ready(self) -> None:
        # Django requires models, and modules that import them, to be imported once the app registry is ready.
        from .services import on_listing_published, on_listing_withdrawn

        # Listings cannot import repairs: withdrawing a donation tells it by its own signal, in the same transaction.
        listing_withdrawn.connect(on_listing_withdrawn, dispatch_uid="repairs.donation_withdrawn")
        # ... and a repaired item put on sale (`listings.services.listing_publish`) tells the donor the same way.
        listing_published.connect(on_listing_published, dispatch_uid="repairs.job_listing_published")
