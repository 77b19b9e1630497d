"""Faults with real servers and real processes: Redis stopped during uploads, a worker SIGKILLed in the
middle of processing a photo, PostgreSQL restarted under traffic. Nothing is lost, nothing is done twice,
and every request in between gets an answer a client can act on.

Run with `make test-faults` (CI runs it as its own step). Each test uses a private PostgreSQL cluster and
Redis server (see stack.py), so stopping them disturbs no other test or developer."""

from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.faults.helpers import Resident, phone_jpeg, sign_up
from tests.faults.stack import Process, Stack, wait_until

pytestmark = pytest.mark.faults

DERIVATIVES = ["w1024.webp", "w2048.webp", "w2048_jpeg.jpg", "w320.webp"]  # sorted: one set, nothing else


def _photo_dir(photo: dict[str, Any]) -> str:
    """photos/<listing>/<token>: the one folder that holds every derivative of the photo."""
    return str(Path(photo["variants"]["w320"]["url"].split("/media/", 1)[1]).parent)


def _upload(resident: Resident, listing_id: int, data: bytes) -> tuple[int, float, dict[str, Any]]:
    started = time.monotonic()
    response = resident.request(
        "POST", f"/listings/{listing_id}/photos/", files={"file": ("IMG_2041.JPG", data, "image/jpeg")}
    )
    elapsed = time.monotonic() - started
    body = response.json() if response.headers.get("content-type", "").endswith("json") else {"raw": response.text}
    return response.status_code, elapsed, body


def test_uploads_during_a_redis_outage_are_all_answered_and_all_processed_afterwards(services: Stack) -> None:
    web = services.web()
    services.worker()
    resident = sign_up(web)
    per_listing = 10  # PHOTO_MAX_PER_LISTING
    listings = [resident.listing(f"Stol nr. {n}") for n in range(5)]
    images = [phone_jpeg(seed) for seed in range(50)]

    results: list[tuple[int, float, dict[str, Any]]] = []
    lock = threading.Lock()
    ten_done = threading.Event()

    def upload(n: int) -> None:
        outcome = _upload(resident, listings[n // per_listing], images[n])
        with lock:
            results.append(outcome)
            if len(results) >= 10:
                ten_done.set()

    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(upload, n) for n in range(50)]
        # Redis goes away while uploads are under way: the first ten have been answered, forty are to come.
        assert ten_done.wait(60)
        services.redis.stop()
        for future in futures:
            future.result()
    assert not services.redis.is_up()

    statuses = sorted({status for status, _, _ in results})
    slow = [round(elapsed, 2) for _, elapsed, _ in results if elapsed >= 2.0]
    assert statuses == [201], [body for status, _, body in results if status != 201][:3]
    assert slow == [], f"uploads slower than 2 s while Redis was down: {slow}"
    photo_ids = sorted(body["id"] for _, _, body in results)
    assert len(set(photo_ids)) == 50

    # Reading works during the outage too (the cache degrades; the API does not depend on Redis).
    assert resident.request("GET", "/listings/?mine=1").status_code == 200
    pending_during_outage = sum(resident.photo(pid)["status"] == "pending" for pid in photo_ids)

    # Redis comes back empty (it keeps nothing on disk): every message queued before the stop is gone too.
    services.redis.start()
    started = time.monotonic()
    # The sweep (every 2 s) re-queues what has been pending for 5 s; the worker reconnects on its own.
    wait_until(
        lambda: all(resident.photo(pid)["status"] != "pending" for pid in photo_ids),
        timeout=2 + 5 + 120,
        what="all 50 photos to leave `pending`",
        interval=1,
    )
    recovery = time.monotonic() - started
    photos = [resident.photo(pid) for pid in photo_ids]
    assert [p["status"] for p in photos] == ["ready"] * 50, [p for p in photos if p["status"] != "ready"][:2]
    for photo in photos:
        assert services.media_files(_photo_dir(photo)) == DERIVATIVES
    slowest = max(elapsed for _, elapsed, _ in results)
    print(
        f"\n50 uploads (slowest {slowest:.2f} s), {pending_during_outage} left pending by the outage, "
        f"all ready {recovery:.1f} s after Redis came back"
    )


def _photo_stalled_mid_processing(services: Stack, seed: int) -> tuple[Resident, Process, int, int]:
    """A resident's upload, held by a stalling worker right after its first derivative is written: the
    resident, the worker, the photo's id and the pid of the pool process holding it."""
    marker = services.workdir / f"stall-{seed}"
    web = services.web()
    worker = services.worker("stalling", stall_marker=marker, beat=False)
    resident = sign_up(web)
    status, _, body = _upload(resident, resident.listing(), phone_jpeg(seed))
    assert status == 201, body
    wait_until(marker.exists, 60, f"the worker to start processing the photo:\n{worker.log_text()}")
    return resident, worker, int(body["id"]), int(marker.read_text())


def test_a_pool_process_killed_mid_photo_is_redelivered_and_processed_once(services: Stack) -> None:
    resident, worker, photo_id, child = _photo_stalled_mid_processing(services, 1)
    assert child != worker.popen.pid  # the pool process that is processing, not the worker's main process
    os.kill(child, signal.SIGKILL)

    # acks_late + reject_on_worker_lost: the main process puts the message back; a new pool process takes it.
    wait_until(lambda: resident.photo(photo_id)["status"] != "pending", 60, f"redelivery:\n{worker.log_text()}")
    photo = resident.photo(photo_id)
    assert photo["status"] == "ready", photo
    assert services.media_files(_photo_dir(photo)) == DERIVATIVES  # one set: the half-written one was replaced
    assert "WorkerLostError" in worker.log_text()
    assert worker.alive()
    query = f"from listings.models import Photo; print(Photo.objects.get(pk={photo_id}).attempts)"
    attempts = services.manage("shell", "--verbosity", "0", "-c", query)
    assert attempts.strip() == "2"  # the killed run and the one that finished: processed exactly once more


def test_a_whole_worker_killed_mid_photo_is_recovered_by_the_sweep_and_processed_once(services: Stack) -> None:
    resident, worker, photo_id, _child = _photo_stalled_mid_processing(services, 2)

    # The main process and its pool die together: nobody is left to put the message back. It stays unacked
    # in Redis (redelivered only after the visibility timeout); the sweep must recover the photo.
    worker.kill_group()
    assert services.redis.is_up()
    replacement = services.worker("replacement")
    wait_until(lambda: resident.photo(photo_id)["status"] != "pending", 60, f"recovery:\n{replacement.log_text()}")
    photo = resident.photo(photo_id)
    assert photo["status"] == "ready", photo
    assert services.media_files(_photo_dir(photo)) == DERIVATIVES
    assert "photos_sweep" in replacement.log_text()


def test_postgres_restarted_under_traffic_answers_503_and_the_same_process_serves_again(services: Stack) -> None:
    web = services.web()
    resident = sign_up(web)
    listing_id = resident.listing()
    gunicorn_workers = web.worker_pids()
    assert len(gunicorn_workers) == 1

    @dataclass
    class Answer:
        path: str
        sent: float
        received: float
        status: int  # 0: no HTTP answer at all (a dropped connection), which would be a failure too
        content_type: str = ""
        retry_after: str | None = None
        body: Any = None

    answers: list[Answer] = []
    stop = threading.Event()

    def traffic(path: str, authenticated: bool) -> None:
        while not stop.is_set():
            sent = time.monotonic()
            try:
                if authenticated:
                    response = resident.request("GET", path)
                else:
                    response = requests.get(f"{web.base_url}/api/v1{path}", timeout=30)
            except requests.RequestException as exc:
                answers.append(Answer(path, sent, time.monotonic(), 0, body=repr(exc)))
                continue
            content_type = response.headers.get("content-type", "")
            answers.append(
                Answer(path, sent, time.monotonic(), response.status_code, content_type,
                       response.headers.get("Retry-After"), response.json() if "json" in content_type else None)
            )  # fmt: skip
            time.sleep(0.02)

    threads = [
        threading.Thread(target=traffic, args=("/listings/", False)),
        threading.Thread(target=traffic, args=(f"/listings/{listing_id}/", True)),
        threading.Thread(target=traffic, args=("/me/", True)),
    ]
    for thread in threads:
        thread.start()
    try:
        wait_until(lambda: len(answers) > 30, 30, "traffic before the restart")
        services.postgres.stop()
        down_since = time.monotonic()
        time.sleep(3)  # down for a while, as in a real restart
        starting = time.monotonic()  # it may accept connections a little before pg_ctl sees that it does
        services.postgres.start()
        up_since = time.monotonic()
        wait_until(lambda: sum(a.sent > up_since for a in answers) >= 100, 60, "traffic after the restart")
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

    assert [a for a in answers if a.status not in (200, 503)] == []
    while_down = [a for a in answers if a.sent > down_since and a.received < starting]
    assert len(while_down) > 10
    served_while_down = [(a.path, a.status, a.body) for a in while_down if a.status != 503]
    assert served_while_down == []
    unavailable = [a for a in answers if a.status == 503]
    for answer in unavailable:
        assert answer.content_type == "application/problem+json"
        assert answer.retry_after == "5"
        assert answer.body["status"] == 503 and answer.body["type"].endswith("unavailable") and answer.body["detail"]
    # Every request sent once PostgreSQL was back is served, by the same gunicorn worker: it recovered on its
    # own (health-checked persistent connections), nobody restarted it.
    after = [a for a in answers if a.sent > up_since]
    assert {a.status for a in after} == {200}, [(a.path, a.status, a.body) for a in after if a.status != 200][:3]
    assert web.worker_pids() == gunicorn_workers
    assert web.process.alive()
    print(f"\n{len(answers)} requests: {len(unavailable)} answered 503 during the restart, the rest 200")
