"""`make bench-ords`: ORDS import speed (rows per second) on the real Repair Café Denmark file (5,150 rows),
on SQLite and on PostgreSQL, against a named baseline measured in the same run: the naive import (one
`save()` per row, in one transaction) of the same rows. Target: ≥ 5,000 rows/s.

Each backend runs in its own process on a scratch database: a temporary SQLite file, and the PostgreSQL
database named by BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/kr_repairs_bench, created if
missing; skipped if the server does not answer)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILE = ROOT / "repairs" / "data" / "ords" / "RepairCafeDenmark_202210.csv"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/kr_repairs_bench"
REPEAT = 3


def _measure() -> dict[str, float]:
    """Runs inside the child process, on the database in DATABASE_URL."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    import csv
    from datetime import datetime
    from datetime import time as clock_time

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Workshop
    from repairs.models import JobEvent, RepairJob
    from repairs.ords import _Categories, _job_from_row, ords_import

    call_command("migrate", verbosity=0, interactive=False)
    workshop, _ = Workshop.objects.get_or_create(
        slug="bench-ords", defaults={"name": "Bench", "cvr": "12345678", "address": "Aalborg Øst", "verified": True}
    )

    def clear() -> None:
        # A scratch database: every run starts without any of the file's records (ids are globally unique).
        JobEvent.objects.all().delete()
        RepairJob.objects.all().delete()

    def naive() -> int:
        categories = _Categories()
        with FILE.open(encoding="utf-8") as handle, transaction.atomic():
            created = 0
            for row in csv.DictReader(handle):
                values = _job_from_row(row, workshop, categories)
                if isinstance(values, str) or RepairJob.objects.filter(external_id=values["external_id"]).exists():
                    continue
                at = timezone.make_aware(datetime.combine(values.pop("when"), clock_time(12)))
                RepairJob(**values, claimed_at=at, started_at=at, completed_at=at).save()
                created += 1
        return created

    def ours() -> int:
        with FILE.open(encoding="utf-8") as handle:
            return ords_import(file=handle, workshop=workshop).created

    rows = sum(1 for _ in FILE.open(encoding="utf-8")) - 1
    expected = 4200  # rows with a completed outcome; the other 950 say "Unknown" and are skipped
    results: dict[str, float] = {"rows": rows}
    for name, run in (("baseline_naive", naive), ("import", ours)):
        best = float("inf")
        for _ in range(REPEAT):
            clear()
            start = time.perf_counter()
            created = run()
            best = min(best, time.perf_counter() - start)
        results[f"{name}_seconds"] = best
        results[f"{name}_rows_per_s"] = rows / best
        results[f"{name}_created"] = created
        assert created == expected, f"{name} created {created} jobs, expected {expected}"
    start = time.perf_counter()
    ours()  # everything already imported: the idempotent pass
    results["reimport_seconds"] = time.perf_counter() - start
    results["reimport_rows_per_s"] = rows / results["reimport_seconds"]
    clear()
    results["vendor"] = connection.vendor  # type: ignore[assignment]
    return results


def _postgres_ready(url: str) -> bool:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        print(f"PostgreSQL skipped: {exc}", file=sys.stderr)
        return False
    return True


def main() -> None:
    if "--child" in sys.argv:
        print(json.dumps(_measure()))
        return
    backends = []
    with tempfile.TemporaryDirectory(prefix="bench-ords-") as tmp:
        backends.append(("SQLite", f"sqlite:///{tmp}/bench.sqlite3"))
        pg = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_PG)
        if _postgres_ready(pg):
            backends.append(("PostgreSQL", pg))
        print(f"ORDS import of {FILE.name}, best of {REPEAT}; baseline = one save() per row in one transaction")
        header = ("backend", "rows", "baseline rows/s", "import rows/s", "× baseline", "re-import rows/s")
        print("{:<11} {:>5} {:>16} {:>14} {:>11} {:>17}".format(*header))
        for label, url in backends:
            env = {**os.environ, "DATABASE_URL": url, "KREDSLOB_VAR_DIR": tmp}
            out = subprocess.run(
                [sys.executable, "-m", "benchmarks.ords", "--child"], cwd=ROOT, env=env, capture_output=True, text=True
            )
            if out.returncode:
                print(f"{label}: failed\n{out.stderr[-2000:]}", file=sys.stderr)
                continue
            r = json.loads(out.stdout.strip().splitlines()[-1])
            ratio = r["import_rows_per_s"] / r["baseline_naive_rows_per_s"]
            print(
                f"{label:<11} {int(r['rows']):>5} {r['baseline_naive_rows_per_s']:>16,.0f} "
                f"{r['import_rows_per_s']:>14,.0f} {ratio:>10.1f}× {r['reimport_rows_per_s']:>17,.0f}"
                f"   ({int(r['import_created'])} created, {r['import_seconds']:.3f} s)"
            )


if __name__ == "__main__":
    main()
