from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from listings.categories import categories_load


class Command(BaseCommand):
    help = "Create or update the category tree from lca_categories.csv (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--csv", type=Path, default=None, help="Another copy of lca_categories.csv")

    def handle(self, *args: Any, csv: Path | None = None, **options: Any) -> None:
        parents, leaves = categories_load(csv)
        self.stdout.write(self.style.SUCCESS(f"Categories: {parents} parents, {leaves} leaves."))
