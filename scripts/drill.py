"""Backup and restore drill (`make drill`, docs/operations.md): nothing is lost on the way.

With PostgreSQL (DATABASE_URL: any database on the server; the drill makes its own) and an S3-compatible server
(AWS_S3_ENDPOINT_URL; CI runs moto's emulator), it:

1. creates a fresh database and two fresh buckets, migrates, and loads the demo through the services (listings,
   photos processed into objects, repair jobs, reservations);
2. `pg_dump`s that database and `pg_restore`s it into another fresh one;
3. copies every object of both buckets from the source prefix to a fresh prefix (`AWS_LOCATION`);
4. reads, from each side, the row count of every table, the impact figures (`impact.selectors.impact_summary`) and
   every photo's URLs and object bytes — and checks that they are the same (URLs modulo the prefix).

Prints PASS or FAIL and exits 0 or 1; every step has a time limit. It drops what it made, also on failure.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
STEP_TIMEOUT = 600  # seconds, for each subprocess step
BUDGET = 1200  # seconds, for the whole drill


def _credentials() -> dict[str, str]:
    return {
        "AWS_ACCESS_KEY_ID": os.environ.get("AWS_ACCESS_KEY_ID") or "testing",
        "AWS_SECRET_ACCESS_KEY": os.environ.get("AWS_SECRET_ACCESS_KEY") or "testing",
    }


def _s3() -> Any:
    import boto3

    credentials = _credentials()
    return boto3.client(
        "s3",
        endpoint_url=os.environ["AWS_S3_ENDPOINT_URL"],
        region_name=os.environ.get("AWS_S3_REGION_NAME") or "us-east-1",
        aws_access_key_id=credentials["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=credentials["AWS_SECRET_ACCESS_KEY"],
    )


def _database_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _pg_env(url: str) -> dict[str, str]:
    """libpq's environment for a postgres:// URL (so no password is on a command line)."""
    parts = urlsplit(url)
    env = {**os.environ, "PGHOST": parts.hostname or "127.0.0.1", "PGPORT": str(parts.port or 5432)}
    if parts.username:
        env["PGUSER"] = parts.username
    if parts.password:
        env["PGPASSWORD"] = parts.password
    return env


def _run(args: list[str], *, env: dict[str, str], deadline: float, log: Path | None = None) -> None:
    """Run one step within the drill's time budget; with `log`, its output goes there (and is shown if it fails)."""
    timeout = max(1.0, min(STEP_TIMEOUT, deadline - time.monotonic()))
    if log is None:
        subprocess.run(args, env=env, check=True, timeout=timeout, cwd=ROOT)  # nosec B603
        return
    with open(log, "wb") as out:
        try:
            subprocess.run(args, env=env, check=True, timeout=timeout, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)  # nosec B603
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            print(log.read_text(errors="replace")[-4000:])
            raise


# --- Inside Django (a subprocess per database: `drill.py seed|snapshot OUT`) -------------------------------------


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _snapshot() -> dict[str, Any]:
    """What must come back the same: row counts, impact figures, photo URLs (prefix cut off) and object digests."""
    from django.conf import settings
    from django.core.files.storage import storages
    from django.db import connection

    from impact.selectors import impact_summary
    from listings.models import Photo

    with connection.cursor() as cursor:
        tables = sorted(t for t in connection.introspection.table_names(cursor) if t != "django_migrations")
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608  # nosec B608 — introspected, quoted names
            counts[table] = cursor.fetchone()[0]
    prefix = settings.AWS_LOCATION.strip("/")
    public, private = storages["default"], storages["private"]

    def unprefixed(url: str) -> str:
        return url.replace(f"/{prefix}/", "/<prefix>/", 1)

    def digest(storage: Any, name: str) -> str:
        with storage.open(name, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()

    photos = {}
    for photo in Photo.objects.order_by("pk"):
        variants = {key: v["name"] for key, v in sorted((photo.variants or {}).items()) if v.get("name")}
        photos[str(photo.pk)] = {
            "status": photo.status,
            "urls": {key: unprefixed(public.url(name)) for key, name in variants.items()},
            "objects": {key: digest(public, name) for key, name in variants.items()},
            "original": digest(private, photo.original.name) if photo.original.name else "",
        }
    impact = json.loads(json.dumps(impact_summary(details=True), default=str, sort_keys=True))
    return {"counts": counts, "impact": impact, "photos": photos}


def seed(out: str) -> None:
    _django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo", verbosity=0)
    Path(out).write_text(json.dumps(_snapshot(), sort_keys=True))


def snapshot(out: str) -> None:
    _django()
    Path(out).write_text(json.dumps(_snapshot(), sort_keys=True))


# --- The drill -----------------------------------------------------------------------------------------------------


def _copy_prefix(client: Any, bucket: str, source: str, target: str) -> int:
    copied = 0
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{source}/"):
        for item in page.get("Contents", []):
            key = f"{target}/{item['Key'][len(source) + 1 :]}"
            client.copy_object(Bucket=bucket, Key=key, CopySource={"Bucket": bucket, "Key": item["Key"]})
            copied += 1
    return copied


def _empty_and_remove(client: Any, bucket: str) -> None:
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=bucket, Key=item["Key"])
    client.delete_bucket(Bucket=bucket)


def _differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    problems = []
    for part in ("counts", "impact", "photos"):
        if before[part] != after[part]:
            keys = sorted(set(before[part]) | set(after[part]))
            changed = [k for k in keys if before[part].get(k) != after[part].get(k)]
            problems.append(f"{part} differ: {', '.join(changed[:10])}")
    return problems


def drill() -> int:
    base = os.environ.get("DATABASE_URL", "")
    endpoint = os.environ.get("AWS_S3_ENDPOINT_URL", "")
    if not base.startswith(("postgres://", "postgresql://")) or not endpoint:
        print("drill: FAIL — needs DATABASE_URL (PostgreSQL) and AWS_S3_ENDPOINT_URL (an S3-compatible server)")
        return 1
    for tool in ("pg_dump", "pg_restore", "createdb", "dropdb"):
        if not shutil.which(tool):
            print(f"drill: FAIL — {tool} is not installed")
            return 1
    deadline = time.monotonic() + BUDGET
    run_id = uuid.uuid4().hex[:10]
    source_db, restored_db = f"drill_{run_id}_source", f"drill_{run_id}_restored"
    buckets = {"public": f"kredslob-drill-{run_id}-public", "private": f"kredslob-drill-{run_id}-private"}
    source_prefix, restored_prefix = f"source-{run_id}", f"restored-{run_id}"
    pg = _pg_env(base)
    client = _s3()
    work = Path(tempfile.mkdtemp(prefix="kredslob-drill-"))
    started = time.monotonic()
    made_dbs: list[str] = []
    made_buckets: list[str] = []
    try:
        for bucket in buckets.values():
            client.create_bucket(Bucket=bucket)
            made_buckets.append(bucket)
        for name in (source_db, restored_db):
            _run(["createdb", name], env=pg, deadline=deadline)
            made_dbs.append(name)

        def django_env(database: str, prefix: str) -> dict[str, str]:
            return {
                **os.environ,
                **_credentials(),
                "DATABASE_URL": _database_url(base, database),
                "AWS_STORAGE_BUCKET_NAME": buckets["public"],
                "AWS_PRIVATE_BUCKET_NAME": buckets["private"],
                "AWS_LOCATION": prefix,
                "AWS_S3_CUSTOM_DOMAIN": "media.kredslob.example",
                "MEDIA_ROOT": str(work / "media-must-stay-empty"),
                "PRIVATE_MEDIA_ROOT": str(work / "private-must-stay-empty"),
                "CELERY_TASK_ALWAYS_EAGER": "1",
                "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
                "KREDSLOB_VAR_DIR": str(work / "var"),
            }

        me = str(Path(__file__).resolve())
        print(f"drill: 1/4 seeding {source_db} (demo data, photos in buckets under {source_prefix}/)")
        _run(
            [sys.executable, me, "seed", str(work / "before.json")],
            env=django_env(source_db, source_prefix),
            log=work / "seed.log",
            deadline=deadline,
        )
        print("drill: 2/4 pg_dump and pg_restore into a fresh database")
        dump = work / "kredslob.dump"
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", source_db], env=pg, deadline=deadline)
        _run(
            ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored_db}", str(dump)],
            env=pg,
            deadline=deadline,
        )
        print(f"drill: 3/4 copying objects to the fresh prefix {restored_prefix}/")
        copied = sum(_copy_prefix(client, bucket, source_prefix, restored_prefix) for bucket in buckets.values())
        print("drill: 4/4 reading the restored copy back")
        _run(
            [sys.executable, me, "snapshot", str(work / "after.json")],
            env=django_env(restored_db, restored_prefix),
            log=work / "snapshot.log",
            deadline=deadline,
        )
        before = json.loads((work / "before.json").read_text())
        after = json.loads((work / "after.json").read_text())
        problems = _differences(before, after)
        local = [p for p in work.rglob("*") if p.is_file() and "must-stay-empty" in str(p)]
        if local:
            problems.append(f"{len(local)} file(s) written to a host's local media folder")
        if not before["photos"] or not any(p["urls"] for p in before["photos"].values()):
            problems.append("the seeded database has no processed photos: nothing was checked")
        elapsed = time.monotonic() - started
        rows = sum(before["counts"].values())
        summary = (
            f"{rows} rows in {len(before['counts'])} tables, {len(before['photos'])} photos, "
            f"{copied} objects, impact figures compared, {elapsed:.0f} s"
        )
        if problems:
            print(f"drill: FAIL — {summary}")
            for problem in problems:
                print(f"  - {problem}")
            return 1
        print(f"drill: PASS — {summary}")
        return 0
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        print(f"drill: FAIL — {exc}")
        return 1
    finally:
        for name in made_dbs:
            subprocess.run(["dropdb", "--if-exists", name], env=pg, check=False, timeout=60)
        for bucket in made_buckets:
            _empty_and_remove(client, bucket)
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] in ("seed", "snapshot"):
        (seed if sys.argv[1] == "seed" else snapshot)(sys.argv[2])
        return 0
    return drill()


if __name__ == "__main__":
    sys.exit(main())
