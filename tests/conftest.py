"""Shared fixtures (used by name; plain helpers are in tests/helpers.py): factories, API clients, service
requirements, a real Celery worker process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.signals import setting_changed
from django.db import connection
from pytest_factoryboy import register
from rest_framework.test import APIClient

from accounts.models import Workshop
from config.celery import app as celery_app
from repairs.models import RepairJob
from tests import factories
from tests.frontend.helpers import CHROMIUM, CHROMIUM_ARGS, PHONE
from tests.helpers import REQUIRE_BROWSER, REQUIRE_SERVICES, ROOT, client_for
from tests.repairs.helpers import make_job

for _factory in (
    factories.UserFactory,
    factories.WorkshopFactory,
    factories.ListingFactory,
    factories.RepairJobFactory,
    factories.ReservationFactory,
):
    register(_factory)


def _redis_ok() -> bool:
    url = os.environ.get("REDIS_URL")
    if not url:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def s3_endpoint() -> str:
    """The S3-compatible server the storage tests use (CI: moto's standalone server, `.ci/run`)."""
    return os.environ.get("AWS_S3_ENDPOINT_URL", "")


def _s3_ok() -> bool:
    endpoint = s3_endpoint()
    if not endpoint.startswith(("http://", "https://")):
        return False
    import urllib.request

    try:
        with urllib.request.urlopen(endpoint, timeout=2):  # noqa: S310 — http(s) only, checked above
            return True
    except OSError as exc:  # an HTTPError (403 from a real S3) still means it answers
        return hasattr(exc, "code")


def pytest_configure(config: pytest.Config) -> None:
    # Hashing at the production cost (Argon2id, core/passwords.py) makes every login in the suite slower; tests check
    # behaviour (tests/accounts/test_password_hashing.py puts the production hashers back).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Parallel workers (pytest -n) share one Redis database: each keeps its cache keys under its own prefix, and
    # clears only those (`_clear_cache`), never the whole database — which also holds the other worker's
    # throttle counters and its Celery queue.
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and settings.CACHES["default"]["BACKEND"] == "core.cache.TolerantRedisCache":
        settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{worker}"}}
        setting_changed.send(sender=type(settings), setting="CACHES", value=settings.CACHES, enter=True)
    # …and its own Celery queue, so the worker process one of them starts never takes the other's tasks (and
    # runs them against the wrong test database).
    if worker:
        settings.CELERY_TASK_DEFAULT_QUEUE = celery_app.conf.task_default_queue = f"celery-{worker}"


def pytest_sessionstart(session: pytest.Session) -> None:
    problems = []
    if REQUIRE_BROWSER and not Path("/usr/bin/chromium").exists():
        problems.append("REQUIRE_BROWSER=1 but /usr/bin/chromium is missing (apt-get install chromium)")
    if not REQUIRE_SERVICES:
        if problems:
            pytest.exit("; ".join(problems), returncode=3)
        return
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        problems.append("REQUIRE_SERVICES=1 but DATABASE_URL is not a PostgreSQL URL")
    if not _redis_ok():
        problems.append(f"REQUIRE_SERVICES=1 but Redis does not answer at REDIS_URL={os.environ.get('REDIS_URL')!r}")
    if not _s3_ok():
        problems.append(f"REQUIRE_SERVICES=1 but no S3 server answers at AWS_S3_ENDPOINT_URL={s3_endpoint()!r}")
    if problems:
        pytest.exit("; ".join(problems), returncode=3)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_postgres = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    redis_ok = _redis_ok() if any(item.get_closest_marker("redis") for item in items) else True
    chromium = Path("/usr/bin/chromium").exists()
    s3_ok = _s3_ok() if any(item.get_closest_marker("s3") for item in items) else True
    for item in items:
        if item.get_closest_marker("s3") and not s3_ok:
            item.add_marker(
                pytest.mark.skip(reason="needs an S3 server: set AWS_S3_ENDPOINT_URL (REQUIRE_SERVICES=1 fails)")
            )
        if item.get_closest_marker("postgres") and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL (REQUIRE_SERVICES=1 fails)"))
        if item.get_closest_marker("redis") and not redis_ok:
            item.add_marker(pytest.mark.skip(reason="needs Redis: set REDIS_URL (REQUIRE_SERVICES=1 fails)"))
        if item.get_closest_marker("browser") and not chromium:  # (REQUIRE_BROWSER=1 stopped the run already)
            item.add_marker(pytest.mark.skip(reason="needs Chromium at /usr/bin/chromium (REQUIRE_BROWSER=1)"))


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Every test writes media and private originals into its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            "OPTIONS": {"location": str(tmp_path / "media"), "base_url": settings.MEDIA_URL},
        },
        "private": {
            **settings.STORAGES["private"],
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def s3_buckets(settings) -> Iterator[dict[str, str]]:  # type: ignore[no-untyped-def]
    """Two fresh buckets on the S3 server at AWS_S3_ENDPOINT_URL — public derivatives (written `public-read`) and
    private originals — and the storages pointed at them (tests marked `s3`). Emptied and removed afterwards."""
    import uuid

    import boto3

    from config.settings import s3_storage

    endpoint = s3_endpoint()
    suffix = uuid.uuid4().hex[:12]
    names = {"public": f"kredslob-public-{suffix}", "private": f"kredslob-private-{suffix}"}
    credentials = {
        "AWS_ACCESS_KEY_ID": os.environ.get("AWS_ACCESS_KEY_ID") or "testing",
        "AWS_SECRET_ACCESS_KEY": os.environ.get("AWS_SECRET_ACCESS_KEY") or "testing",
    }
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=credentials["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=credentials["AWS_SECRET_ACCESS_KEY"],
    )
    for bucket in names.values():
        client.create_bucket(Bucket=bucket)
    storages = {}
    for key, storage_name, public in (("public", "default", True), ("private", "private", False)):
        entry = s3_storage(bucket=names[key], public=public, location="")
        entry["OPTIONS"] |= {
            "endpoint_url": endpoint,
            "region_name": "us-east-1",
            "access_key": credentials["AWS_ACCESS_KEY_ID"],
            "secret_key": credentials["AWS_SECRET_ACCESS_KEY"],
            "custom_domain": None,
            "addressing_style": "path",
        }
        if public:
            entry["OPTIONS"]["default_acl"] = "public-read"  # as AWS_PUBLIC_ACL=public-read: anyone may read
        storages[storage_name] = entry
    settings.STORAGES = {**settings.STORAGES, **storages}
    try:
        yield {**names, "endpoint": endpoint, **credentials}
    finally:
        for bucket in names.values():
            for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
                for item in page.get("Contents", []):
                    client.delete_object(Bucket=bucket, Key=item["Key"])
            client.delete_bucket(Bucket=bucket)


def _uses_transactional_db(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    fixtures = set(request.fixturenames)
    return bool(
        fixtures & {"transactional_db", "live_server", "celery_worker_process"}
        or (marker is not None and marker.kwargs.get("transaction"))
    )


@pytest.fixture(autouse=True)
def _category_tree(request: pytest.FixtureRequest) -> None:
    """Transactional tests flush the database after they run, migration-loaded categories included; put the
    tree back for them (the ordinary tests roll back and keep it)."""
    if _uses_transactional_db(request):
        request.getfixturevalue("transactional_db")
        from listings.categories import categories_load
        from listings.models import Category

        if not Category.objects.exists():
            categories_load()


def _clear_this_workers_cache() -> None:
    from django.core.cache import cache

    prefix = settings.CACHES["default"].get("KEY_PREFIX")
    if not prefix:
        cache.clear()
        return
    client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    """Throttle counters live in the cache: each test starts with none."""
    _clear_this_workers_cache()
    yield
    _clear_this_workers_cache()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user_client(user):  # type: ignore[no-untyped-def]
    return client_for(user)


@pytest.fixture
def member(db):  # type: ignore[no-untyped-def]
    """A member (owner) of a verified workshop that handles IT equipment and furniture."""
    return factories.MembershipFactory(workshop__verified=True).user


@pytest.fixture
def workshop(member) -> Workshop:  # type: ignore[no-untyped-def]
    """The verified workshop `member` owns (in place of pytest-factoryboy's `workshop`, a fresh one nobody is in)."""
    return member.workshops.get()


@pytest.fixture
def open_job(db) -> RepairJob:  # type: ignore[no-untyped-def]
    """A laptop donated for repair through the service, open for workshops to claim."""
    return make_job()


def _database_url_for_subprocess() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:  # type: ignore[no-untyped-def]
    """A real `celery worker` process on the configured broker (the filesystem broker, or Redis with
    REDIS_URL), using this test's database. Tests must use `transactional_db` data so it is visible."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url_for_subprocess(),
        "KREDSLOB_VAR_DIR": str(settings.VAR_DIR),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    celery = shutil.which("celery", path=str(Path(sys.executable).parent)) or "celery"
    log_path = tmp_path / "worker.log"
    log = open(log_path, "wb")  # noqa: SIM115 — closed after the worker stops
    proc = subprocess.Popen(
        [
            celery,
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--hostname",
            f"test-{os.getpid()}@%h",
            "--queues",
            celery_app.conf.task_default_queue,
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    proc.log_path = log_path  # type: ignore[attr-defined]
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright, for the browser journeys (tests/frontend/test_browser*.py)."""
    # Playwright's sync API runs an event loop in this thread; Django's ORM, used by the test itself between
    # browser steps, refuses to run where a loop is running unless told that this is safe (it is: one thread).
    # Only for these tests: the variable must not leak into other tests' subprocesses (`check --deploy` refuses it).
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE, locale="da-DK", base_url=live_server.url)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()
