from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from listings.models import Listing
from listings.services import listing_hide


class Command(BaseCommand):
    help = "Hide a listing (moderator action): it disappears from browse and search."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("listing_id", type=int)

    def handle(self, *args: Any, listing_id: int, **options: Any) -> None:
        try:
            listing = Listing.objects.get(pk=listing_id)
        except Listing.DoesNotExist as exc:
            raise CommandError(f"No listing with id {listing_id}.") from exc
        listing_hide(listing=listing)
        self.stdout.write(self.style.SUCCESS(f"Listing {listing_id} is hidden."))
