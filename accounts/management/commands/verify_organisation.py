from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Organisation
from accounts.organisations import organisation_verify


class Command(BaseCommand):
    help = "Mark an organisation (company, housing association, public body) as verified by a moderator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")

    def handle(self, *args: Any, slug: str, **options: Any) -> None:
        try:
            organisation = Organisation.objects.get(slug=slug)
        except Organisation.DoesNotExist as exc:
            raise CommandError(f"No organisation with slug {slug!r}.") from exc
        organisation_verify(organisation=organisation)
        self.stdout.write(self.style.SUCCESS(f"Organisation {organisation.slug} is verified."))
