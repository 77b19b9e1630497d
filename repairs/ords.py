"""Open Repair Data Standard (ORDS v0.3): export our repair records as CSV, import records from any ORDS
source (Restarters, RepairMonitor, Repair Café Denmark…) as completed jobs of a workshop.

Export: the fields of `tableschema.json` in order, every cell through `core.csv.safe_cell` (no formula injection:
the text is donors' and workshops'), ORDS labels for status and barrier, ids `<prefix>-<n>`
(`kredslob-<job id>`; an imported record keeps its original id, written in the schema's pattern — the Repair
Café Denmark ids `rcdenmark_2` become `rcdenmark-2`), country DNK, personal data removed from `problem`.
Import: idempotent by record id (`RepairJob.external_id`), categories by `product_category_id`, tolerant of
real-world variants; bulk inserts in batches; every skipped row reported with its reason."""

from __future__ import annotations

import csv
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, TextIO

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User, Workshop
from core.csv import cell_value, safe_row
from listings.models import Category

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
                # …with a genitive too: "Karens", "Østergaards", "Karen's".
                text = re.sub(rf"\b{re.escape(part)}(?:['’]?s)?\b", REDACTED, text, flags=re.IGNORECASE)
    return " ".join(text.split())


def public_text(*parts: str, donor: User | None = None) -> str:
    """The one rule for what of a job's free text the open data publishes: the parts joined, without contact
    details and without the donor's name as their account has it now. Called when the text is written (donation,
    completion, import) and stored as `RepairJob.public_problem`, so the export never has to look the donor up —
    an account deleted since, or renamed, changes nothing that was published."""
    names = [donor.display_name] if donor is not None and donor.display_name else []
    return scrub_personal_data(" ".join(part for part in parts if part), names=names)


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
    return jobs.select_related("category", "workshop").order_by("completed_at", "id")


def ords_row(job: RepairJob) -> dict[str, str]:
    category = job.category
    if category.ords_category_id:
        ords_id, ords_name = category.ords_category_id, category.name_en
        if ords_id == MISC_ORDS_ID:
            ords_name = MISC_ORDS_NAME
    else:  # unpowered categories have no ORDS id of their own
        ords_id, ords_name = MISC_ORDS_ID, MISC_ORDS_NAME
    completed = timezone.localtime(job.completed_at).date() if job.completed_at else None
    return {
        "id": export_id(job),
        "data_provider": job.external_provider or DATA_PROVIDER,
        "country": COUNTRY,
        "partner_product_category": job.external_category or category.name_da,
        "product_category": ords_name,
        "product_category_id": str(ords_id),
        "brand": job.brand or "Unknown",
        "year_of_manufacture": str(job.year_of_manufacture) if job.year_of_manufacture else "",
        "product_age": f"{job.product_age.normalize():f}" if job.product_age is not None else "",
        "repair_status": STATUS_LABELS[Outcome(job.outcome)],
        "repair_barrier_if_end_of_life": BARRIER_LABELS[Barrier(job.barrier)] if job.barrier else "",
        "group_identifier": job.workshop.name if job.workshop else DATA_PROVIDER,
        "event_date": completed.isoformat() if completed else "",
        "problem": job.public_problem,
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
        yield writer.writerow(safe_row(row))  # type: ignore[misc]


# The public export is built once per query and served from the cache until ORDS_EXPORT_CACHE_SECONDS pass or
# the records change (`ords_export_changed`: a job completed, an import): anonymous requests cost a cache read.
_CACHE_PREFIX = "ords-export"
_GENERATION_KEY = f"{_CACHE_PREFIX}:generation"


def ords_export_changed() -> None:
    """Every cached export is stale from now on (call it once the change is committed)."""
    cache.set(_GENERATION_KEY, uuid.uuid4().hex, None)


def ords_csv_cached(
    *, date_from: date | None = None, date_to: date | None = None, workshop: Workshop | None = None
) -> Iterator[str]:
    """`ords_csv_lines` for these filters, from the cache when it holds them; a build is streamed as it is made
    and cached once complete."""
    seconds = settings.ORDS_EXPORT_CACHE_SECONDS
    generation = cache.get(_GENERATION_KEY) or "0"
    key = ":".join(
        [_CACHE_PREFIX, str(generation), str(date_from or ""), str(date_to or ""), str(workshop.pk if workshop else "")]
    )
    cached = cache.get(key) if seconds > 0 else None
    if cached is not None:
        yield cached
        return
    parts: list[str] = []
    for line in ords_csv_lines(ords_jobs(date_from=date_from, date_to=date_to, workshop=workshop)):
        parts.append(line)
        yield line
    if seconds > 0:
        cache.set(key, "".join(parts), seconds)


# --- import -------------------------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
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
    try:
        return date.fromisoformat(raw)  # the usual case, and fast
    except ValueError:
        pass
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


def _job_from_row(row: dict[str, str], workshop: Workshop, categories: _Categories) -> dict[str, Any] | str:
    """The job's field values for the row, or the reason to skip it."""
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
    year = int(year_raw) if len(year_raw) == 4 and year_raw.isdigit() and year_raw[0] in "12" else None
    age_raw = row.get("product_age") or ""
    return {
        "category_id": categories.find(row).pk,
        "mode": RepairMode.RETURN.value,
        "fault_description": (row.get("problem") or "").strip(),
        "public_problem": public_text((row.get("problem") or "").strip()),
        "brand": "" if brand.lower() in UNKNOWN_BRANDS else brand[:80],
        "status": JobStatus.COMPLETED.value,
        "workshop_id": workshop.pk,
        "outcome": outcome.value,
        "barrier": str(barrier),
        "notes": "",
        "no_storage": False,
        "external_id": record_id,
        "external_provider": (row.get("data_provider") or "").strip()[:80],
        "external_category": (row.get("partner_product_category") or "").strip()[:120],
        "year_of_manufacture": year,
        "product_age": _parse_age(age_raw) if age_raw.strip() else None,
        "when": when,
    }


# Imported records go straight to the database with one multi-row INSERT per batch: the ORM's bulk_create
# spends most of its time compiling values field by field, which caps it far below 5,000 rows/s.
_JOB_COLUMNS = [
    "category_id",
    "mode",
    "fault_description",
    "public_problem",
    "brand",
    "status",
    "workshop_id",
    "outcome",
    "barrier",
    "notes",
    "no_storage",
    "external_id",
    "external_provider",
    "external_category",
    "year_of_manufacture",
    "product_age",
    "created_at",
    "updated_at",
    "claimed_at",
    "started_at",
    "completed_at",
]


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_field(value: Any) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _copy_line(values: tuple[Any, ...]) -> str:
    return "\t".join(map(_copy_field, values)) + "\n"


class _Writer:
    def __init__(self, workshop: Workshop) -> None:
        self.workshop = workshop
        self.ops = connection.ops
        qn = self.ops.quote_name
        jobs, events = RepairJob._meta.db_table, JobEvent._meta.db_table
        by_attname = {f.attname: str(f.column) for f in RepairJob._meta.concrete_fields}
        columns = [by_attname[c] for c in _JOB_COLUMNS]
        # Identifiers come from the model's metadata, values are always query parameters.
        self.insert_jobs = (
            f"INSERT INTO {qn(jobs)} ({', '.join(qn(c) for c in columns)}) VALUES {{rows}} "  # noqa: S608  # nosec B608
            f"ON CONFLICT ({qn('external_id')}) DO NOTHING"
        )
        self.row_placeholder = f"({', '.join(['%s'] * len(columns))})"
        # PostgreSQL: COPY the batch into a temporary table, then one INSERT … SELECT — binding thousands of
        # parameters costs more than the insert itself there.
        self.postgres = connection.vendor == "postgresql"
        column_list = ", ".join(qn(c) for c in columns)
        self.create_staging = (
            f"CREATE TEMP TABLE ords_staging ON COMMIT DROP AS SELECT {column_list} "  # noqa: S608  # nosec B608
            f"FROM {qn(jobs)} WITH NO DATA"
        )
        self.copy_staging = f"COPY ords_staging ({column_list}) FROM STDIN"
        # …and the jobs actually inserted get their "completed" event in the same statement.
        self.insert_from_staging = (
            f"WITH new AS (INSERT INTO {qn(jobs)} ({column_list}) SELECT {column_list} FROM ords_staging "  # noqa: S608  # nosec B608
            f"ON CONFLICT ({qn('external_id')}) DO NOTHING RETURNING id, workshop_id, external_id) "
            f"INSERT INTO {qn(events)} (job_id, workshop_id, from_status, to_status, note, at) "
            f"SELECT id, workshop_id, '', %s, %s || external_id, %s FROM new"
        )
        # One "completed" event per newly imported job: the transition is recorded too.
        self.insert_events = (
            f"INSERT INTO {qn(events)} (job_id, workshop_id, from_status, to_status, note, at) "  # noqa: S608  # nosec B608
            f"SELECT j.id, j.workshop_id, '', %s, %s || j.external_id, %s FROM {qn(jobs)} j "
            f"WHERE j.workshop_id = %s AND {{ids}} "
            f"AND NOT EXISTS (SELECT 1 FROM {qn(events)} e WHERE e.job_id = j.id)"
        )
        self.now = self.ops.adapt_datetimefield_value(timezone.now())
        self._event_values = [JobStatus.COMPLETED.value, "Imported from ORDS record ", self.now]
        self._noon: dict[date, Any] = {}

    def _at(self, day: date) -> Any:
        if day not in self._noon:
            self._noon[day] = self.ops.adapt_datetimefield_value(timezone.make_aware(datetime.combine(day, time(12))))
        return self._noon[day]

    def _values(self, values: dict[str, Any]) -> tuple[Any, ...]:
        at = self._at(values["when"])
        age = values["product_age"]
        return (
            *(values[c] for c in _JOB_COLUMNS[: _JOB_COLUMNS.index("product_age")]),
            self.ops.adapt_decimalfield_value(age, 5, 1) if age is not None else None,
            self.now,
            self.now,
            at,
            at,
            at,
        )

    def write(self, rows: list[dict[str, Any]]) -> None:
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(self.create_staging)
                with cursor.copy(self.copy_staging) as copy:
                    copy.write("".join(_copy_line(self._values(values)) for values in rows))
                cursor.execute(self.insert_from_staging, self._event_values)
                cursor.execute("DROP TABLE ords_staging")
                return
            # SQLite: one multi-row INSERT per batch (one statement to plan), then the events of the new jobs.
            ids = [values["external_id"] for values in rows]
            params = [value for values in rows for value in self._values(values)]
            cursor.execute(self.insert_jobs.format(rows=", ".join([self.row_placeholder] * len(rows))), params)
            cursor.execute(
                self.insert_events.format(ids=self._in("j.external_id", ids)),
                [*self._event_values, self.workshop.pk, *self._in_params(ids)],
            )

    def _in(self, column: str, ids: list[str]) -> str:
        # PostgreSQL takes the whole list as one array parameter; SQLite gets one placeholder per id.
        return f"{column} = ANY(%s)" if self.postgres else f"{column} IN ({', '.join(['%s'] * len(ids))})"

    def _in_params(self, ids: list[str]) -> list[Any]:
        return [ids] if self.postgres else list(ids)

    def existing(self, ids: list[str]) -> set[str]:
        """Which of these record ids are already imported (by any workshop)."""
        table = self.ops.quote_name(RepairJob._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT external_id FROM {table} WHERE {self._in('external_id', ids)}",  # noqa: S608  # nosec B608
                self._in_params(ids),
            )
            return {row[0] for row in cursor.fetchall()}


@transaction.atomic
def ords_import(*, file: TextIO, workshop: Workshop, batch_size: int | None = None) -> ImportReport:
    """Load ORDS records as completed jobs of `workshop`, all or nothing. Running it again with the same file
    adds nothing."""
    report = ImportReport()
    categories = _Categories()
    writer = _Writer(workshop)
    batch_size = batch_size or (5000 if writer.postgres else 1000)
    reader = csv.DictReader(file)
    missing = {"id", "repair_status", "event_date"} - set(reader.fieldnames or [])
    if missing:
        raise ValueError(f"Not an ORDS file: missing columns {', '.join(sorted(missing))}.")
    seen: set[str] = set()
    batch: list[dict[str, Any]] = []

    def flush() -> None:
        if not batch:
            return
        existing = writer.existing([values["external_id"] for values in batch])
        new = [values for values in batch if values["external_id"] not in existing]
        report.already_imported += len(batch) - len(new)
        if new:
            writer.write(new)
        report.created += len(new)
        batch.clear()

    for line, raw in enumerate(reader, start=2):
        report.rows += 1
        row = {key: cell_value(value) if isinstance(value, str) else value for key, value in raw.items()}
        result = _job_from_row(row, workshop, categories)
        if isinstance(result, str):
            report.skipped.append((line, (row.get("id") or "").strip(), result))
            continue
        if result["external_id"] in seen:
            report.skipped.append((line, result["external_id"], "duplicate id in the file"))
            continue
        seen.add(result["external_id"])
        batch.append(result)
        if len(batch) >= batch_size:
            flush()
    flush()
    if report.created:
        transaction.on_commit(ords_export_changed)
    return report
