from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


class ListingsConfig(AppConfig):
    name = "listings"
    verbose_name = _("Listings")

    def ready(self) -> None:
        # Storage housekeeping, not a state change: a deleted photo row takes its files along, whichever way
        # it was deleted (see photos.photo_files_delete_later).
        from .models import Photo

        post_delete.connect(_photo_deleted, sender=Photo, dispatch_uid="listings.photo_files")


def _photo_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    from .photos import photo_files_delete_later

    photo_files_delete_later(photo=instance)
