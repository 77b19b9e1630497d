from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Workshop
from repairs.ords import ords_import


class Command(BaseCommand):
    help = "Import repair records from an ORDS CSV file as completed jobs of a workshop (idempotent by record id)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--workshop", required=True, help="slug of the workshop the records belong to")
        parser.add_argument("--show-skipped", type=int, default=20, help="how many skipped rows to list")

    def handle(self, *args: Any, file: Path, workshop: str, show_skipped: int, **options: Any) -> None:
        try:
            target = Workshop.objects.get(slug=workshop)
        except Workshop.DoesNotExist as exc:
            raise CommandError(f"No workshop with slug {workshop!r}.") from exc
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        with file.open(encoding="utf-8-sig", newline="") as handle:
            try:
                report = ords_import(file=handle, workshop=target)
            except (ValueError, UnicodeDecodeError) as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.rows} rows: {report.created} imported, {report.already_imported} already imported, "
                f"{len(report.skipped)} skipped."
            )
        )
        for reason, count in sorted(report.skipped_by_reason().items(), key=lambda kv: -kv[1]):
            self.stdout.write(f"  skipped {count}: {reason}")
        for line, record_id, reason in report.skipped[:show_skipped]:
            self.stdout.write(f"  line {line} ({record_id or 'no id'}): {reason}")
