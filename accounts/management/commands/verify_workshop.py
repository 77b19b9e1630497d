from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Workshop
from accounts.services import workshop_verify


class Command(BaseCommand):
    help = "Mark a workshop as verified by a moderator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")

    def handle(self, *args: Any, slug: str, **options: Any) -> None:
        try:
            workshop = Workshop.objects.get(slug=slug)
        except Workshop.DoesNotExist as exc:
            raise CommandError(f"No workshop with slug {slug!r}.") from exc
        workshop_verify(workshop=workshop)
        self.stdout.write(self.style.SUCCESS(f"Workshop {workshop.slug} is verified."))
