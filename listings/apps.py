from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from core import pagecache


class ListingsConfig(AppConfig):
    name = "listings"
    verbose_name = _("Listings")

    def ready(self) -> None:
        # Django requires models, and modules that import them, to be imported once the app registry is ready.
        from accounts.models import User, Workshop

        # (Django's app registry again: these import models too.)
        from .models import Category, Listing, Photo
        from .photos import photo_deleted
        from .search import rum_forget, search_index_listing, search_unindex_listing
        from .selectors import listing_is_public

        # Storage housekeeping, not a state change: a deleted photo row takes its files along, whichever way
        # it was deleted (see photos.photo_files_delete_later).
        post_delete.connect(photo_deleted, sender=Photo, dispatch_uid="listings.photo_files")

        # SQLite's full-text table follows every saved listing, whoever saves it (services, admin, demo loader);
        # on PostgreSQL the search column is generated and these do nothing (listings.search).
        def index(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
            if update_fields is None or set(update_fields) & {"title", "description", "brand", "model"}:
                search_index_listing(instance)

        def unindex(sender: Any, instance: Any, **kwargs: Any) -> None:
            search_unindex_listing(instance.pk)

        post_save.connect(index, sender=Listing, dispatch_uid="listings.search_index", weak=False)
        post_delete.connect(unindex, sender=Listing, dispatch_uid="listings.search_unindex", weak=False)
        # Whether PostgreSQL has the optional RUM index for bounded relevance search: asked again on each new
        # connection's first search (listings.search.rum_available).
        connection_created.connect(rum_forget, dispatch_uid="listings.rum_forget")

        # What anonymous visitors see may have changed: renew the page cache's catalogue version (core.pagecache).
        # Saves and deletes of any listing or category go through here, and of a photo of a public listing (a
        # draft's photos are seen by nobody anonymous; its publishing renews the version); the services' queryset
        # updates call `pagecache.catalogue_changed()` themselves.
        def catalogue_changed(sender: Any, **kwargs: Any) -> None:
            pagecache.catalogue_changed()

        def photo_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
            if listing_is_public(instance.listing_id):
                pagecache.catalogue_changed()

        for model in (Listing, Category):
            for signal in (post_save, post_delete):
                signal.connect(
                    catalogue_changed, sender=model, dispatch_uid=f"listings.pagecache.{model.__name__}", weak=False
                )
        for signal in (post_save, post_delete):
            signal.connect(photo_changed, sender=Photo, dispatch_uid="listings.pagecache.Photo", weak=False)

        # Listing pages name the seller (and their area) or the workshop: a change to those renews it too. Logging
        # in saves only last_login, which shows nowhere, and renews nothing.
        def person_changed(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
            if update_fields is None or set(update_fields) & {"display_name", "area", "is_active"}:
                pagecache.catalogue_changed()

        post_save.connect(person_changed, sender=User, dispatch_uid="listings.pagecache.User", weak=False)
        post_delete.connect(catalogue_changed, sender=User, dispatch_uid="listings.pagecache.User.delete", weak=False)
        for signal in (post_save, post_delete):
            signal.connect(catalogue_changed, sender=Workshop, dispatch_uid="listings.pagecache.Workshop", weak=False)
