"""Open Repair Data Standard (ORDS v0.3): export our repair records as CSV, import records from any ORDS
source (Restarters, RepairMonitor, Repair Café Denmark…) as completed jobs of a workshop.

Export: the fields of `tableschema.json` in order, ORDS labels for status and barrier, ids `<prefix>-<n>`
(`kredslob-<job id>`; an imported record keeps its original id, written in the schema's pattern — the Repair
Café Denmark ids `rcdenmark_2` become `rcdenmark-2`), country DNK, personal data removed from `problem`.
Import: idempotent by record id (`RepairJob.external_id`), categories by `product_category_id`, tolerant of
real-world variants; bulk inserts in batches; every skipped row reported with its reason."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any, TextIO

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from listings.models import Category
from marketplace.accounts.models import Workshop

from .models import Barrier, JobEvent, JobStatus, Outcome, RepairJob, RepairMode

ORDS_FIELDS = [
    "id",
    "data_provider",
    "country",
    "partner_product_category",
    "product_category",
    "product_category_id",
    "brand",
    "year_of_manufacture",
    "product_age",
    "repair_status",
    "repair_barrier_if_end_of_life",
    "group_identifier",
    "event_date",
    "problem",
]
DATA_PROVIDER = "Kredsløb"
COUNTRY = "DNK"
ID_PREFIX = "kredslob"
MISC_ORDS_ID = 18
MISC_ORDS_NAME = "Misc"

STATUS_LABELS = {Outcome.FIXED: "Fixed", Outcome.REPAIRABLE: "Repairable", Outcome.END_OF_LIFE: "End of life"}
BARRIER_LABELS = {
    Barrier.SPARE_PARTS_NOT_AVAILABLE: "Spare parts not available",
    Barrier.SPARE_PARTS_TOO_EXPENSIVE: "Spare parts too expensive",
    Barrier.NO_WAY_TO_OPEN: "No way to open product",
    Barrier.REPAIR_INFO_NOT_AVAILABLE: "Repair information not available",
    Barrier.LACK_OF_EQUIPMENT: "Lack of equipment",
    Barrier.TOO_WORN_OUT: "Too worn out",
}

# --- personal data ----------------------------------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", re.UNICODE)
_URL = re.compile(r"\b(https?://|www\.)\S+", re.IGNORECASE)
_CPR = re.compile(r"\b\d{6}-?\d{4}\b")
# Danish and international phone numbers: +45 12 34 56 78, 0045 12345678, 12 34 56 78, 1234 5678, +44 20 7946 0958…
_PHONE = re.compile(r"(?<![\w])(\+|00)?\d(?:[ .\-/]?\d){7,13}(?![\w])")
REDACTED = "[…]"


def scrub_personal_data(text: str, *, names: Iterable[str] = ()) -> str:
    """Remove email addresses, web addresses, CPR numbers, phone numbers and the given names from free text."""
    text = _EMAIL.sub(REDACTED, text)
    text = _URL.sub(REDACTED, text)
    text = _CPR.sub(REDACTED, text)
    text = _PHONE.sub(REDACTED, text)
    for name in names:
        for part in {name.strip(), *name.split()}:
            if len(part) >= 3:
                text = re.sub(rf"\b{re.escape(part)}\b", REDACTED, text, flags=re.IGNORECASE)
    return " ".join(text.split())


# --- export -------------------------------------------------------------------------------------------------------

_ORIGINAL_ID = re.compile(r"([A-Za-z]+)[^A-Za-z0-9]*([0-9]+)")
_ORDS_ID = re.compile(r"^[a-z]+-[0-9]+$")


def export_id(job: RepairJob) -> str:
    """`kredslob-<pk>`, or for an imported record its original id in the schema's pattern."""
    if job.external_id:
        if _ORDS_ID.match(job.external_id):
            return job.external_id
        match = _ORIGINAL_ID.fullmatch(job.external_id.strip())
        if match:
            return f"{match[1].lower()}-{int(match[2])}"
    return f"{ID_PREFIX}-{job.pk}"


def ords_jobs(
    *, date_from: date | None = None, date_to: date | None = None, workshop: Workshop | None = None
) -> QuerySet[RepairJob]:
    jobs = RepairJob.objects.filter(status=JobStatus.COMPLETED).exclude(outcome="")
    if date_from:
        jobs = jobs.filter(completed_at__date__gte=date_from)
    if date_to:
        jobs = jobs.filter(completed_at__date__lte=date_to)
    if workshop:
        jobs = jobs.filter(workshop=workshop)
    return jobs.select_related("category", "workshop", "listing__seller").order_by("completed_at", "id")


def ords_row(job: RepairJob) -> dict[str, str]:
    category = job.category
    if category.ords_category_id:
        ords_id, ords_name = category.ords_category_id, category.name_en
        if ords_id == MISC_ORDS_ID:
            ords_name = MISC_ORDS_NAME
    else:  # unpowered categories have no ORDS id of their own
        ords_id, ords_name = MISC_ORDS_ID, MISC_ORDS_NAME
    donor = job.listing.seller if job.listing_id and job.listing else None
    names = [donor.display_name] if donor else []
    problem = " ".join(p for p in (job.fault_description, job.notes) if p)
    completed = timezone.localtime(job.completed_at).date() if job.completed_at else None
    return {
        "id": export_id(job),
        "data_provider": DATA_PROVIDER,
        "country": COUNTRY,
        "partner_product_category": category.name_da,
        "product_category": ords_name,
        "product_category_id": str(ords_id),
        "brand": job.brand or "Unknown",
        "year_of_manufacture": str(job.year_of_manufacture) if job.year_of_manufacture else "",
        "product_age": f"{job.product_age.normalize():f}" if job.product_age is not None else "",
        "repair_status": STATUS_LABELS[Outcome(job.outcome)],
        "repair_barrier_if_end_of_life": BARRIER_LABELS[Barrier(job.barrier)] if job.barrier else "",
        "group_identifier": job.workshop.name if job.workshop else DATA_PROVIDER,
        "event_date": completed.isoformat() if completed else "",
        "problem": scrub_personal_data(problem, names=names),
    }


class _Echo:
    def write(self, value: str) -> str:
        return value


def ords_csv_lines(jobs: QuerySet[RepairJob]) -> Iterator[str]:
    """The CSV, line by line (for a streaming response); ids are unique even if two sources collide."""
    writer = csv.DictWriter(_Echo(), fieldnames=ORDS_FIELDS, lineterminator="\r\n")  # type: ignore[type-var]
    yield writer.writeheader() or ",".join(ORDS_FIELDS) + "\r\n"
    seen: set[str] = set()
    for job in jobs.iterator(chunk_size=2000):
        row = ords_row(job)
        if row["id"] in seen:
            row["id"] = f"{ID_PREFIX}-{job.pk}"
        seen.add(row["id"])
        yield writer.writerow(row)  # type: ignore[misc]


# --- import -------------------------------------------------------------------------------------------------------


def _norm(value: str) -> str:
    return " ".join(value.replace("_", " ").replace("-", " ").lower().split())


STATUS_VARIANTS = {
    "fixed": Outcome.FIXED,
    "repaired": Outcome.FIXED,
    "repareret": Outcome.FIXED,
    "fikset": Outcome.FIXED,
    "repairable": Outcome.REPAIRABLE,
    "kan repareres": Outcome.REPAIRABLE,
    "end of life": Outcome.END_OF_LIFE,
    "eol": Outcome.END_OF_LIFE,
    "kasseret": Outcome.END_OF_LIFE,
    "ikke repareret": Outcome.END_OF_LIFE,
}
BARRIER_VARIANTS = {
    "spare parts not available": Barrier.SPARE_PARTS_NOT_AVAILABLE,
    "reservedele ikke tilgængelige": Barrier.SPARE_PARTS_NOT_AVAILABLE,
    "spare parts too expensive": Barrier.SPARE_PARTS_TOO_EXPENSIVE,
    "reservedele for dyre": Barrier.SPARE_PARTS_TOO_EXPENSIVE,
    "no way to open product": Barrier.NO_WAY_TO_OPEN,
    "no way to open the product": Barrier.NO_WAY_TO_OPEN,
    "kan ikke åbnes": Barrier.NO_WAY_TO_OPEN,
    "repair information not available": Barrier.REPAIR_INFO_NOT_AVAILABLE,
    "reparationsinformation ikke tilgængelig": Barrier.REPAIR_INFO_NOT_AVAILABLE,
    "lack of equipment": Barrier.LACK_OF_EQUIPMENT,
    "mangler udstyr": Barrier.LACK_OF_EQUIPMENT,
    "too worn out": Barrier.TOO_WORN_OUT,
    "item too worn out": Barrier.TOO_WORN_OUT,
    "for slidt": Barrier.TOO_WORN_OUT,
}
UNKNOWN_BRANDS = {"", "unknown", "ukendt", "n/a", "na", "none", "-", "?"}
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d")


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    already_imported: int = 0
    skipped: list[tuple[int, str, str]] = field(default_factory=list)  # (line, record id, reason)

    def skipped_by_reason(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for _line, _id, reason in self.skipped:
            key = reason.split(":")[0]
            counts[key] = counts.get(key, 0) + 1
        return counts


class _Categories:
    def __init__(self) -> None:
        cats = list(Category.objects.exclude(lca_key=""))
        self.by_ords = {c.ords_category_id: c for c in cats if c.ords_category_id}
        self.by_name = {_norm(n): c for c in cats for n in (c.name_en, c.name_da, c.slug)}
        self.misc_powered = next(c for c in cats if c.slug == "misc-powered")
        self.misc_unpowered = next(c for c in cats if c.slug == "misc-unpowered")

    def find(self, row: dict[str, str]) -> Category:
        raw = (row.get("product_category_id") or "").strip()
        if raw.isdigit() and int(raw) in self.by_ords:
            return self.by_ords[int(raw)]
        for name in (row.get("product_category") or "", row.get("partner_product_category") or ""):
            if _norm(name) in self.by_name:
                return self.by_name[_norm(name)]
        text = _norm(row.get("product_category") or "")
        return self.misc_unpowered if "unpowered" in text or "non powered" in text else self.misc_powered


def _parse_date(raw: str) -> date | None:
    raw = raw.strip()[:10]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


def _parse_age(raw: str) -> Decimal | None:
    try:
        age = Decimal(raw.strip().replace(",", "."))
    except InvalidOperation:
        return None
    return age.quantize(Decimal("0.1")) if 0 <= age < 1000 else None


def _job_from_row(row: dict[str, str], workshop: Workshop, categories: _Categories) -> RepairJob | str:
    """A job for the row, or the reason to skip it."""
    record_id = (row.get("id") or "").strip()
    if not record_id:
        return "no id"
    if len(record_id) > 80:
        return "id longer than 80 characters"
    status_raw = row.get("repair_status") or ""
    outcome = STATUS_VARIANTS.get(_norm(status_raw))
    if outcome is None:
        return f"repair status not a completed outcome: {status_raw.strip() or 'empty'}"
    when = _parse_date(row.get("event_date") or "")
    if when is None:
        return f"event date missing or not a date: {(row.get('event_date') or '').strip() or 'empty'}"
    barrier_raw = row.get("repair_barrier_if_end_of_life") or ""
    barrier = BARRIER_VARIANTS.get(_norm(barrier_raw), "") if outcome == Outcome.END_OF_LIFE else ""
    brand = (row.get("brand") or "").strip()
    year_raw = (row.get("year_of_manufacture") or "").strip()
    year = int(year_raw) if re.fullmatch(r"[12][0-9]{3}", year_raw) else None
    at = timezone.make_aware(datetime.combine(when, time(12, 0)))
    return RepairJob(
        listing=None,
        category=categories.find(row),
        mode=RepairMode.RETURN,
        fault_description=(row.get("problem") or "").strip(),
        brand="" if brand.lower() in UNKNOWN_BRANDS else brand[:80],
        status=JobStatus.COMPLETED,
        workshop=workshop,
        outcome=outcome,
        barrier=barrier,
        external_id=record_id,
        year_of_manufacture=year,
        product_age=_parse_age(row.get("product_age") or ""),
        claimed_at=at,
        started_at=at,
        completed_at=at,
    )


def ords_import(*, file: TextIO, workshop: Workshop, batch_size: int = 1000) -> ImportReport:
    """Load ORDS records as completed jobs of `workshop`. Running it again with the same file adds nothing."""
    report = ImportReport()
    categories = _Categories()
    reader = csv.DictReader(file)
    missing = {"id", "repair_status", "event_date"} - set(reader.fieldnames or [])
    if missing:
        raise ValueError(f"Not an ORDS file: missing columns {', '.join(sorted(missing))}.")
    seen: set[str] = set()
    batch: list[tuple[int, RepairJob]] = []

    def flush() -> None:
        if not batch:
            return
        ids = [job.external_id for _line, job in batch]
        existing = set(RepairJob.objects.filter(external_id__in=ids).values_list("external_id", flat=True))
        new = [job for _line, job in batch if job.external_id not in existing]
        report.already_imported += len(batch) - len(new)
        with transaction.atomic():
            RepairJob.objects.bulk_create(new, batch_size=batch_size, ignore_conflicts=True)
            # The transition is recorded too: one "completed" event per imported record.
            created = RepairJob.objects.filter(
                external_id__in=[job.external_id for job in new], workshop=workshop, events__isnull=True
            ).values_list("pk", "external_id")
            JobEvent.objects.bulk_create(
                [
                    JobEvent(
                        job_id=pk,
                        workshop=workshop,
                        from_status="",
                        to_status=JobStatus.COMPLETED,
                        note=f"Imported from ORDS record {external_id}",
                    )
                    for pk, external_id in created
                ],
                batch_size=batch_size,
            )
        report.created += len(new)
        batch.clear()

    for line, row in enumerate(reader, start=2):
        report.rows += 1
        result = _job_from_row(row, workshop, categories)
        if isinstance(result, str):
            report.skipped.append((line, (row.get("id") or "").strip(), result))
            continue
        assert result.external_id is not None
        if result.external_id in seen:
            report.skipped.append((line, result.external_id, "duplicate id in the file"))
            continue
        seen.add(result.external_id)
        batch.append((line, result))
        if len(batch) >= batch_size:
            flush()
    flush()
    return report


def read_ords_rows(lines: Iterable[str]) -> list[dict[str, Any]]:
    return list(csv.DictReader(lines))
