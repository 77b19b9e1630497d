from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from core import pagecache
from listings.signals import listing_published, listing_withdrawn


class RepairsConfig(AppConfig):
    name = "repairs"
    verbose_name = _("Repairs")

    def ready(self) -> None:
        # Django requires models, and modules that import them, to be imported once the app registry is ready.
        from .models import RepairJob
        from .services import on_listing_published, on_listing_withdrawn

        # Listings cannot import repairs: withdrawing a donation tells it by its own signal, in the same transaction.
        listing_withdrawn.connect(on_listing_withdrawn, dispatch_uid="repairs.donation_withdrawn")
        # ... and a repaired item put on sale (`listings.services.listing_publish`) tells the donor the same way.
        listing_published.connect(on_listing_published, dispatch_uid="repairs.job_listing_published")

        # The public impact figures count jobs: a saved or deleted job renews the page cache's version.
        def catalogue_changed(sender: Any, **kwargs: Any) -> None:
            pagecache.catalogue_changed()

        for signal in (post_save, post_delete):
            signal.connect(catalogue_changed, sender=RepairJob, dispatch_uid="repairs.pagecache", weak=False)
