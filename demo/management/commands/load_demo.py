from typing import Any

from django.core.management.base import BaseCommand

from demo.demo import DEMO_PASSWORD, PEOPLE, demo_load


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        demo_load()
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded. Logins (password for all: {DEMO_PASSWORD}):"))
        for person in PEOPLE:
            role = "  (moderator, /admin/)" if person.moderator else ""
            self.stdout.write(f"  {person.email:<26} {person.name}{role}")
