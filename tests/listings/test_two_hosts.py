"""Two hosts that share nothing but services (issue 14, part 1): two gunicorn processes and two Celery workers, each
in its own empty folder, sharing only PostgreSQL (this test's database), Redis and the object store.

A photo uploaded through host A is processed by host B's worker (host A's worker takes only a queue of its own, so
it cannot), is served by both hosts from the bucket, and deleting it removes its objects. Neither host's folder
gets a file."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import requests

from tests.conftest import _database_url_for_subprocess
from tests.faults.helpers import Resident, phone_jpeg, sign_up
from tests.faults.stack import Process, WebServer, free_port, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.s3, pytest.mark.postgres, pytest.mark.redis]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


class Host:
    """One host: its own empty folder (working directory, var, media), a web process and a worker."""

    def __init__(self, name: str, folder: Path, logs: Path, env: dict[str, str]) -> None:
        self.name = name
        self.folder = folder
        self.logs = logs
        self.env = {
            **env,
            "KREDSLOB_VAR_DIR": str(folder / "var"),
            "MEDIA_ROOT": str(folder / "media"),
            "PRIVATE_MEDIA_ROOT": str(folder / "private"),
        }
        self.processes: list[Process] = []

    def spawn(self, role: str, command: list[str], extra: dict[str, str] | None = None) -> Process:
        log_path = self.logs / f"{self.name}-{role}.log"
        log = open(log_path, "wb")  # noqa: SIM115 — closed by Process.stop
        popen = subprocess.Popen(
            command,
            cwd=self.folder,
            env={**self.env, **(extra or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process = Process(f"{self.name}-{role}", popen, log_path, log)
        self.processes.append(process)
        return process

    def web(self) -> WebServer:
        port = free_port()
        process = self.spawn(
            "web",
            [
                str(BIN / "gunicorn"), "config.wsgi:application", "--pythonpath", str(ROOT),
                "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4", "--timeout", "60",
            ],
        )  # fmt: skip
        server = WebServer(f"http://127.0.0.1:{port}", process)
        wait_until(server.is_up, 60, f"{self.name}'s gunicorn:\n{process.log_text()}", interval=0.25)
        return server

    def worker(self, *, queue: str) -> Process:
        return self.spawn(
            "worker",
            [
                str(BIN / "celery"), "-A", "config", "worker", "--pool", "solo", "--loglevel", "INFO",
                "--without-heartbeat", "--without-gossip", "--without-mingle",
                "--hostname", f"{self.name}-{uuid.uuid4().hex[:6]}@%h", "--queues", queue,
            ],
        )  # fmt: skip

    def files(self) -> list[Path]:
        return [p for p in self.folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts]

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()


@pytest.fixture
def two_hosts(transactional_db, s3_buckets, tmp_path: Path) -> Iterator[tuple[Host, Host, str]]:  # type: ignore[no-untyped-def]
    queue = f"two-hosts-{uuid.uuid4().hex[:8]}"
    shared = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_", "CELERY_", "AWS_"))}
    shared |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": _database_url_for_subprocess(),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "THROTTLE_USER": "100000/min",
        "THROTTLE_ANON": "100000/min",
        "THROTTLE_AUTH": "1000/min",
        "AWS_S3_ENDPOINT_URL": s3_buckets["endpoint"],
        "AWS_ACCESS_KEY_ID": s3_buckets["AWS_ACCESS_KEY_ID"],
        "AWS_SECRET_ACCESS_KEY": s3_buckets["AWS_SECRET_ACCESS_KEY"],
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_STORAGE_BUCKET_NAME": s3_buckets["public"],
        "AWS_PRIVATE_BUCKET_NAME": s3_buckets["private"],
        "AWS_PUBLIC_ACL": "public-read",
    }
    logs = tmp_path / "logs"
    logs.mkdir()
    hosts = []
    for name in ("host-a", "host-b"):
        folder = tmp_path / name
        folder.mkdir()
        hosts.append(Host(name, folder, logs, shared))
    try:
        yield hosts[0], hosts[1], queue
    finally:
        for host in hosts:
            host.stop()
        with contextlib.suppress(OSError):
            shutil.rmtree(logs)


def bucket_keys(s3_buckets: dict[str, str], which: str) -> set[str]:
    client = boto3.client(
        "s3",
        endpoint_url=s3_buckets["endpoint"],
        region_name="us-east-1",
        aws_access_key_id=s3_buckets["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=s3_buckets["AWS_SECRET_ACCESS_KEY"],
    )
    return {item["Key"] for item in client.list_objects_v2(Bucket=s3_buckets[which]).get("Contents", [])}


def test_a_photo_uploaded_through_one_host_is_processed_by_the_other_and_served_by_both(two_hosts, s3_buckets):
    host_a, host_b, queue = two_hosts
    web_a, web_b = host_a.web(), host_b.web()
    # Host A's worker runs but takes only a queue nobody sends to; host B's takes the deployment's queue.
    worker_a = host_a.worker(queue=f"{queue}-host-a-only")
    worker_b = host_b.worker(queue=queue)
    seller = sign_up(web_a)
    listing_id = seller.listing()
    upload = seller.request(
        "POST", f"/listings/{listing_id}/photos/", files={"file": ("IMG_2041.JPG", phone_jpeg(7), "image/jpeg")}
    )
    assert upload.status_code in (201, 202), upload.text
    photo_id = upload.json()["id"]

    seen: dict[str, object] = {}

    def ready() -> bool:
        seen.update(seller.photo(photo_id))
        return seen.get("status") == "ready"

    wait_until(ready, 90, f"photo {photo_id} processed:\n{worker_b.log_text()}", interval=0.5)
    ran = "Task listings.tasks.photo_process["  # Celery's "received" and "succeeded" lines
    assert ran in worker_b.log_text()
    assert ran not in worker_a.log_text()

    # Served by both hosts, with the same URLs on the object store, which answer to anyone.
    on_b = Resident(web_b, seller.token).photo(photo_id)
    urls = sorted(v["url"] for v in seen["variants"].values())  # type: ignore[attr-defined]
    assert urls and urls == sorted(v["url"] for v in on_b["variants"].values())
    assert all(url.startswith(s3_buckets["endpoint"]) for url in urls)
    for url in urls:
        response = requests.get(url, timeout=10)
        assert response.status_code == 200 and response.headers["Content-Type"].startswith("image/"), url
    for web in (web_a, web_b):
        detail = Resident(web, seller.token).request("GET", f"/listings/{listing_id}/")
        assert detail.status_code == 200, detail.text
        assert [p["id"] for p in detail.json()["photos"]] == [photo_id]
    assert len(bucket_keys(s3_buckets, "public")) == len(urls)
    assert len(bucket_keys(s3_buckets, "private")) == 1

    # Deleting it through host B removes its objects from both buckets.
    assert Resident(web_b, seller.token).request("DELETE", f"/photos/{photo_id}/").status_code == 204
    assert bucket_keys(s3_buckets, "public") == bucket_keys(s3_buckets, "private") == set()
    assert {requests.get(url, timeout=10).status_code for url in urls} <= {403, 404}

    # Nothing was written to either host's folder.
    assert host_a.files() == [] and host_b.files() == []
