from django.apps import AppConfig
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


class ListingsConfig(AppConfig):
    name = "listings"
    verbose_name = _("Listings")

    def ready(self) -> None:
        # Django requires models, and modules that import them, to be imported once the app registry is ready.
        from .models import Photo
        from .photos import photo_deleted

        # Storage housekeeping, not a state change: a deleted photo row takes its files along, whichever way
        # it was deleted (see photos.photo_files_delete_later).
        post_delete.connect(photo_deleted, sender=Photo, dispatch_uid="listings.photo_files")
