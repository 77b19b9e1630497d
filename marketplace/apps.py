from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from listings.signals import listing_price_changed, listing_published


class TradeConfig(AppConfig):
    name = "marketplace"
    label = "trade"
    verbose_name = _("Trade")

    def ready(self) -> None:
        # Django requires models, and modules that import them, to be imported once the app registry is ready.
        from .services import on_listing_price_changed
        from .tasks import on_listing_published

        # Listings cannot import trade: a price change reaches who saved the listing through its signal.
        listing_price_changed.connect(on_listing_price_changed, dispatch_uid="trade.favourite_price_drop")
        # Listings cannot import trade: a listing going public tells it by its own signal (instant saved searches).
        listing_published.connect(on_listing_published, dispatch_uid="trade.listing_published")
