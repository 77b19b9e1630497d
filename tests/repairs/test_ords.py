"""ORDS: the export validates against the Open Repair Alliance's table schema and carries no personal data;
the import is idempotent, tolerant of real-world variants, and round-trips the real Repair Café Denmark file."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from repairs.models import JobEvent, JobStatus, RepairJob
from repairs.ords import ords_csv_lines, ords_import, ords_jobs, scrub_personal_data
from tests import factories
from tests.helpers import client_for
from tests.repairs.helpers import make_job

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "repairs" / "data" / "ords"
SCHEMA = json.loads((DATA / "tableschema.json").read_text())["resources"][0]["schema"]


def validate(text: str) -> list[dict[str, str]]:
    """Check a CSV against the ORDS table schema: field order, types, patterns, enums, unique ids."""
    rows = list(csv.reader(io.StringIO(text)))
    fields = SCHEMA["fields"]
    assert rows[0] == [f["name"] for f in fields]
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    for field in fields:
        name, constraints = field["name"], field.get("constraints", {})
        missing = set(field.get("missingValues", [""]))
        enum = None
        if "enum" in constraints:
            enum = {v.strip() for v in constraints["enum"].strip("[]").split(",")}
        for record in records:
            value = record[name]
            if value in missing:
                assert name not in ("id", "country", "repair_status", "event_date", "product_category_id"), name
                continue
            if "pattern" in constraints:
                assert re.fullmatch(constraints["pattern"], value), (name, value)
            if enum is not None:
                assert value in enum, (name, value)
            if field["type"] == "integer":
                int(value)
            if field["type"] == "number":
                float(value)
            if field["type"] == "date":
                datetime.strptime(value, "%Y-%m-%d")
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids))
    return records


def export(**filters) -> str:  # type: ignore[no-untyped-def]
    return "".join(ords_csv_lines(ords_jobs(**filters)))


def write_csv(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    header = [f["name"] for f in SCHEMA["fields"]]
    path = tmp_path / "ords.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in header})
    return path


def row(**overrides) -> dict[str, str]:  # type: ignore[no-untyped-def]
    base = {
        "id": "restarters-1",
        "data_provider": "Restarters",
        "country": "GBR",
        "product_category": "Laptop",
        "product_category_id": "16",
        "brand": "Lenovo",
        "repair_status": "Fixed",
        "event_date": "2022-05-14",
        "problem": "Hængsel knækket — limet.",
    }
    base.update(overrides)
    return base


def test_our_own_completed_jobs_export_valid_ords_without_personal_data(member, workshop):
    from repairs import services

    # A fixed name: a random one could share a word with the fault text.
    donor = factories.UserFactory(display_name="Karen Østergaard")
    fault = f"Ring til {donor.display_name} på +45 20 30 40 50 eller skriv til {donor.email}."
    job = make_job("furniture", fault=fault, seller=donor)  # unpowered: exported as ORDS Misc (18)
    services.job_claim(job=job, workshop=workshop, actor=member)
    services.job_start(job=job, actor=member)
    services.job_complete(job=job, actor=member, outcome="end_of_life", barrier="no_way_to_open", notes="Ben knækket")
    make_job("laptop")  # open: not exported
    records = validate(export())
    assert len(records) == 1
    record = records[0]
    assert record["id"] == f"kredslob-{job.pk}"
    assert (record["country"], record["product_category_id"], record["product_category"]) == ("DNK", "18", "Misc")
    assert (record["repair_status"], record["repair_barrier_if_end_of_life"]) == (
        "End of life",
        "No way to open product",
    )
    assert record["event_date"] == timezone.localdate().isoformat()
    assert "20 30 40 50" not in record["problem"]
    assert donor.email not in record["problem"]
    for part in donor.display_name.split():
        if len(part) >= 3:
            assert part not in record["problem"]
    assert "Ben knækket" in record["problem"]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Kontakt anna.jensen@example.dk", "Kontakt"),
        ("Ring 20304050 i dag", "Ring"),
        ("Tlf. +45 20 30 40 50.", "Tlf."),
        ("tel 0045-2030-4050", "tel"),
        ("UK +44 20 7946 0958", "UK"),
        ("CPR 010190-1234", "CPR"),
        ("se https://example.dk/anna", "se"),
    ],
)
def test_scrubbing_removes_contact_details(text, kept):
    scrubbed = scrub_personal_data(text)
    assert kept in scrubbed
    assert not re.search(r"\d{4}|@|https?://", scrubbed), scrubbed


def test_scrubbing_keeps_ordinary_numbers():
    assert scrub_personal_data("Skærm 15 tommer, 230 V, model 2019") == "Skærm 15 tommer, 230 V, model 2019"


def test_import_tolerates_real_world_variants_and_reports_skipped_rows(tmp_path):
    workshop = factories.WorkshopFactory()
    path = write_csv(
        tmp_path,
        [
            row(),
            row(id="restarters-2", repair_status="End of life", repair_barrier_if_end_of_life="Item too worn out"),
            row(id="restarters-3", brand="Unknown", product_category_id="", product_category="Furniture"),
            row(id="restarters-4", product_category_id="99", product_category="Rumraket", brand=""),
            row(id="restarters-5", repair_status="Unknown"),
            row(id="restarters-6", event_date=""),
            row(id="restarters-1"),  # duplicate in the file
            row(id="", repair_status="Fixed"),
            row(id="restarters-7", repair_status="repairable", event_date="03-02-2021", problem="Kan ikke tænde"),
            row(
                id="restarters-8",
                repair_status="End of life",
                repair_barrier_if_end_of_life="No way to open the product",
            ),
            row(id="restarters-9", repair_status="Fixed", repair_barrier_if_end_of_life="Too worn out"),
            row(
                id="restarters-10",
                problem="Linje 1\nLinje\t2 \\N C:\\ æøå",
                product_age="3,5",
                year_of_manufacture="2015",
            ),
        ],
    )
    with path.open(encoding="utf-8") as handle:
        report = ords_import(file=handle, workshop=workshop)
    assert (report.rows, report.created, report.already_imported) == (12, 8, 0)
    reasons = {record_id: reason for _line, record_id, reason in report.skipped}
    assert reasons["restarters-5"].startswith("repair status not a completed outcome: Unknown")
    assert reasons["restarters-6"].startswith("event date missing")
    assert reasons["restarters-1"] == "duplicate id in the file"
    assert reasons[""] == "no id"
    jobs = {j.external_id: j for j in RepairJob.objects.filter(workshop=workshop)}
    assert jobs["restarters-1"].category.slug == "laptop"
    assert (jobs["restarters-1"].status, jobs["restarters-1"].outcome) == (JobStatus.COMPLETED, "fixed")
    assert jobs["restarters-1"].listing is None
    assert jobs["restarters-1"].completed_at.date() == date(2022, 5, 14)
    assert [(e.from_status, e.to_status) for e in jobs["restarters-1"].events.all()] == [("", "completed")]
    assert (jobs["restarters-2"].outcome, jobs["restarters-2"].barrier) == ("end_of_life", "too_worn_out")
    assert (jobs["restarters-3"].brand, jobs["restarters-3"].category.slug) == ("", "furniture")
    assert jobs["restarters-4"].category.slug == "misc-powered"
    assert jobs["restarters-7"].outcome == "repairable"
    assert jobs["restarters-7"].completed_at.date() == date(2021, 2, 3)
    assert jobs["restarters-7"].fault_description == "Kan ikke tænde"
    assert jobs["restarters-8"].barrier == "no_way_to_open"
    assert jobs["restarters-9"].barrier == ""  # a barrier only for end of life
    assert jobs["restarters-10"].fault_description == "Linje 1\nLinje\t2 \\N C:\\ æøå"
    assert (jobs["restarters-10"].product_age, jobs["restarters-10"].year_of_manufacture) == (Decimal("3.5"), 2015)

    with path.open(encoding="utf-8") as handle:
        again = ords_import(file=handle, workshop=workshop)
    assert (again.created, again.already_imported) == (0, 8)
    assert RepairJob.objects.filter(workshop=workshop).count() == 8
    assert JobEvent.objects.filter(job__workshop=workshop).count() == 8


def test_a_file_without_ords_columns_is_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("name,price\nstol,100\n")
    with path.open() as handle, pytest.raises(ValueError, match="Not an ORDS file"):
        ords_import(file=handle, workshop=factories.WorkshopFactory())


@pytest.mark.slow
def test_the_repair_cafe_denmark_file_round_trips(tmp_path, api_client):
    workshop = factories.WorkshopFactory(slug="repair-cafe-danmark")
    out = io.StringIO()
    call_command("import_ords", str(DATA / "RepairCafeDenmark_202210.csv"), "--workshop", workshop.slug, stdout=out)
    assert "5150 rows: 4200 imported, 0 already imported, 950 skipped." in out.getvalue()
    assert "skipped 950: repair status not a completed outcome" in out.getvalue()
    out = io.StringIO()
    call_command("import_ords", str(DATA / "RepairCafeDenmark_202210.csv"), "--workshop", workshop.slug, stdout=out)
    assert "0 imported, 4200 already imported" in out.getvalue()

    response = api_client.get("/api/v1/exports/ords.csv", {"workshop": workshop.slug})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    exported = validate(b"".join(response.streaming_content).decode())

    barrier_variants = {"Item too worn out": "Too worn out", "No way to open the product": "No way to open product"}
    with (DATA / "RepairCafeDenmark_202210.csv").open(encoding="utf-8") as handle:
        original = [r for r in csv.DictReader(handle) if r["repair_status"] != "Unknown"]

    def key(r: dict[str, str], *, source: bool) -> tuple[str, ...]:
        record_id = r["id"].replace("_", "-") if source else r["id"]  # the schema's id pattern uses "-"
        barrier = r["repair_barrier_if_end_of_life"]
        barrier = barrier_variants.get(barrier, barrier) if source else barrier
        return (
            record_id, r["data_provider"], r["partner_product_category"], r["product_category_id"],
            r["repair_status"], barrier, r["event_date"],
        )  # fmt: skip

    assert len(exported) == len(original) == 4200
    assert sorted(key(r, source=False) for r in exported) == sorted(key(r, source=True) for r in original)

    # Filters by completion date.
    response = api_client.get("/api/v1/exports/ords.csv", {"from": "2022-10-01", "to": "2022-10-31"})
    october = validate(b"".join(response.streaming_content).decode())
    assert october and all(r["event_date"].startswith("2022-10") for r in october)
    assert len(october) == sum(1 for r in original if r["event_date"].startswith("2022-10"))


# --- CSV formula injection (issue 11, item 16) ------------------------------------------------------------------

FORMULA = "=cmd|' /C calc'!A0"


def test_the_public_export_never_hands_a_spreadsheet_a_formula(tmp_path, api_client, member, workshop):
    from repairs import services

    job = make_job("furniture", fault="@SUM(1+1)*cmd|' /C calc'!A0", brand=FORMULA)
    services.job_claim(job=job, workshop=workshop, actor=member)
    services.job_start(job=job, actor=member)
    services.job_complete(job=job, actor=member, outcome="repairable")
    response = api_client.get("/api/v1/exports/ords.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    records = validate(text)
    assert records[0]["brand"] == "'" + FORMULA
    assert records[0]["problem"].startswith("'@SUM(1+1)")
    for record in records:
        for name, cell in record.items():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, cell)
    # …and our own export imports as it was written.
    path = tmp_path / "ours.csv"
    path.write_text(text, encoding="utf-8")
    other = factories.WorkshopFactory()
    with path.open(encoding="utf-8") as handle:
        ords_import(file=handle, workshop=other)
    imported = RepairJob.objects.get(workshop=other)
    assert imported.brand == FORMULA
    assert imported.fault_description.startswith("@SUM(1+1)")


# --- The public export is not rebuilt for every anonymous request (issue 11, item 22) ---------------------------

EXPORT = "/api/v1/exports/ords.csv"


def _complete(job: RepairJob, member, workshop) -> None:  # type: ignore[no-untyped-def]
    from repairs import services

    services.job_claim(job=job, workshop=workshop, actor=member)
    services.job_start(job=job, actor=member)
    services.job_complete(job=job, actor=member, outcome="repairable")


def _get(client, **params) -> tuple[str, list[str]]:  # type: ignore[no-untyped-def]
    """The export's text, and the SQL run to answer (the body is streamed: it counts too)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(EXPORT, params)
        assert response.status_code == 200, response.content
        text = b"".join(response.streaming_content).decode()
    return text, [q["sql"] for q in queries.captured_queries]


@pytest.fixture
def own_cache(monkeypatch):  # type: ignore[no-untyped-def]
    """A cache of this test's own for the export and its throttle: the suite's shared Redis is cleared by the
    other test workers at any moment, which would rebuild or un-throttle in the middle of a test."""
    from django.core.cache.backends.locmem import LocMemCache
    from rest_framework.throttling import SimpleRateThrottle

    from repairs import ords

    private = LocMemCache(f"ords-test-{uuid.uuid4().hex}", {})  # (same-named LocMemCaches share their data)
    monkeypatch.setattr(ords, "cache", private)
    monkeypatch.setattr(SimpleRateThrottle, "cache", private)
    return private


def test_a_second_anonymous_request_is_served_without_rebuilding(
    api_client, member, workshop, django_capture_on_commit_callbacks, own_cache
):
    with django_capture_on_commit_callbacks(execute=True):
        _complete(make_job("furniture"), member, workshop)
    first, built = _get(api_client)
    assert any("repairs_repairjob" in sql for sql in built)
    second, again = _get(api_client)
    assert second == first
    assert not any("repairs_repairjob" in sql for sql in again), again
    # Other filters are another export…
    october, _sql = _get(api_client, **{"from": "2001-10-01", "to": "2001-10-31"})
    assert len(validate(october)) == 0
    # …and a completed job makes every cached export stale.
    with django_capture_on_commit_callbacks(execute=True):
        _complete(make_job("furniture"), member, workshop)
    third, rebuilt = _get(api_client)
    assert len(validate(third)) == 2
    assert any("repairs_repairjob" in sql for sql in rebuilt)


def test_the_export_is_throttled_per_client(api_client, own_cache):
    statuses = [api_client.get(EXPORT).status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429


# --- Scrubbing does not depend on the donor's account still existing (issue 11, item 17) -----------------------

DONOR = "Karen Østergaard"


def _problem(job: RepairJob) -> str:
    records = {r["id"]: r for r in validate(export())}
    return records[f"kredslob-{job.pk}"]["problem"]


def _donated(fault: str) -> RepairJob:
    donor = factories.UserFactory(display_name=DONOR)
    return make_job("furniture", fault=fault, seller=donor)


@pytest.mark.parametrize("deleted", ["before_completion", "after_completion"])
def test_the_donors_name_stays_out_of_the_export_after_they_delete_their_account(member, workshop, deleted):
    from privacy.services import user_delete
    from repairs import services

    job = _donated(f"{DONOR}s gamle stol, ring 20 30 40 50. Benet er løst.")
    donor = job.listing.seller
    services.job_claim(job=job, workshop=workshop, actor=member)
    services.job_start(job=job, actor=member)
    if deleted == "before_completion":
        user_delete(user=donor)
    services.job_complete(job=job, actor=member, outcome="fixed", notes="Limet benet.")
    if deleted == "after_completion":
        user_delete(user=donor)
    problem = _problem(job)
    for part in ("Karen", "Østergaard", "20 30 40 50"):
        assert part not in problem, problem
    assert "Benet er løst." in problem and "Limet benet." in problem
    # The workshop's own view of the job keeps no name or number of a deleted donor either.
    fault = client_for(member).get(f"/api/v1/repair-jobs/{job.pk}/").json()["fault_description"]
    assert "Karen" not in fault and "20 30 40 50" not in fault


def test_the_name_the_donor_had_when_writing_stays_out_after_a_rename(member, workshop):
    from repairs import services

    job = _donated(f"Hilsen {DONOR}. Benet er løst.")
    donor = job.listing.seller
    donor.display_name = "K. Ø."
    donor.save(update_fields=["display_name"])
    services.job_claim(job=job, workshop=workshop, actor=member)
    services.job_start(job=job, actor=member)
    services.job_complete(job=job, actor=member, outcome="fixed")
    problem = _problem(job)
    assert "Karen" not in problem and "Østergaard" not in problem, problem
    assert "Benet er løst." in problem


def test_deleting_the_account_cancels_a_donation_no_workshop_holds(member):
    from privacy.services import user_delete

    job = _donated("Benet er løst.")
    user_delete(user=job.listing.seller)
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert client_for(member).get(f"/api/v1/repair-jobs/{job.pk}/").status_code == 404


def test_scrubbing_removes_a_name_in_the_genitive_too():
    assert scrub_personal_data("Karens stol og Østergaards bord, Karen's lamp", names=[DONOR]) == (
        "[…] stol og […] bord, […] lamp"
    )
