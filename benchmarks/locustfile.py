"""Locust users for `make bench-load` (benchmarks/load.py runs them headless, one bounded run per step).

`MixUser` does what residents and buyers do, weighted roughly as they do it (per 1,000 requests): reading 970 —
the home page 260, a category as a page 130 and through the API 70, a search as a page 110 and through the API 60,
a listing's page 280, the impact page 60 — and writing 30: a password log-in 5 (one starts a session that lasts
two weeks, so it is a small share of requests), a reservation 10, a message 10, a photo upload 5 (which the Celery
worker then renders). Reservations, messages and uploads are signed in with the accounts' API tokens.
`TrivialUser` asks for an address that does not exist: a 404 through the same middleware, no work.

Every user sends at a mean pace (`LOAD_PACE` requests per second), so the offered rate is users × pace. The gaps
between one user's requests are random (exponential, less the time the last request took) and each user starts at a
random moment within its first gap: many independent visitors, so the requests arrive as a Poisson stream. (With
Locust's `constant_throughput` every user spawned in the same second fires in the same instant every 1/pace s: the
stack then answers bursts of hundreds of requests at once, and latency measures the burst, not the rate.) The fixture
(`LOAD_FIXTURE`, written by benchmarks/load.py) names the seeded accounts, listings, categories and search words.
Only 127.0.0.1 is ever asked (load.py passes --host)."""

from __future__ import annotations

import itertools
import json
import os
import random
import time
import uuid
from pathlib import Path
from typing import Any

import gevent
from locust import FastHttpUser, events, task

FIXTURE: dict[str, Any] = (
    json.loads(Path(os.environ["LOAD_FIXTURE"]).read_text()) if os.environ.get("LOAD_FIXTURE") else {}
)
PACE = float(os.environ.get("LOAD_PACE", "0.5"))
PHOTO = bytes.fromhex(FIXTURE.get("photo", ""))
# Each reservation, message and upload takes the next buyer, listing or draft: no two collide within a run.
_active = itertools.cycle(random.sample(FIXTURE.get("active", [0]), len(FIXTURE.get("active", [0]))))
_buyers = itertools.cycle(random.sample(FIXTURE.get("buyers", [{}]), len(FIXTURE.get("buyers", [{}]))))
_drafts = itertools.cycle(random.sample(FIXTURE.get("drafts", [0]), len(FIXTURE.get("drafts", [0]))))


SETTLE = float(os.environ.get("LOAD_SETTLE", "0"))
_ENVIRONMENT: dict[str, Any] = {}


@events.init.add_listener
def _remember_environment(environment: Any, **kwargs: Any) -> None:
    _ENVIRONMENT["environment"] = environment


@events.spawning_complete.add_listener
def _count_after_settling(**kwargs: Any) -> None:
    """`--reset-stats` empties the figures when every user is spawned; empty them once more `LOAD_SETTLE` seconds
    later, so a step counts the stack at that rate, not Locust's own start beside it."""
    environment = _ENVIRONMENT.get("environment")
    if SETTLE > 0 and environment is not None and environment.runner is not None:
        gevent.spawn_later(SETTLE, environment.runner.stats.reset_all)


def poisson_pace(pace: float) -> Any:
    """Locust wait time: on average `pace` tasks a second per user, with exponential gaps (the task's own run time
    is taken off the gap, as `constant_throughput` does, so a slow answer does not lower the offered rate)."""

    def wait_time(user: Any) -> float:
        now = time.monotonic()
        ran = now - getattr(user, "_pace_started", now)
        gap = random.expovariate(pace)
        user._pace_started = now + max(0.0, gap - ran)
        return max(0.0, gap - ran)

    return wait_time


class PacedUser(FastHttpUser):
    abstract = True
    wait_time = poisson_pace(PACE)

    def on_start(self) -> None:
        gevent.sleep(random.uniform(0, 1 / PACE))  # not all at once: each user starts at its own moment
        self._pace_started = time.monotonic()


class MixUser(PacedUser):
    def _post(self, path: str, *, name: str, expected: tuple[int, ...], **kwargs: Any) -> None:
        """POST, counted a failure unless the status is one of `expected`."""
        with self.client.post(path, name=name, catch_response=True, **kwargs) as response:
            if response.status_code in expected:
                response.success()
            else:
                response.failure(f"{name}: {response.status_code} {response.text[:200]}")

    @task(260)
    def home(self) -> None:
        self.client.get("/", name="home /")

    @task(130)
    def browse_page(self) -> None:
        self.client.get(f"/?category={random.choice(FIXTURE['categories'])}", name="browse /?category=")

    @task(70)
    def browse_api(self) -> None:
        category = random.choice(FIXTURE["categories"])
        self.client.get(f"/api/v1/listings/?category={category}", name="browse /api/v1/listings/?category=")

    @task(110)
    def search_page(self) -> None:
        self.client.get(f"/?q={random.choice(FIXTURE['words'])}", name="search /?q=")

    @task(60)
    def search_api(self) -> None:
        self.client.get(f"/api/v1/listings/?q={random.choice(FIXTURE['words'])}", name="search /api/v1/listings/?q=")

    @task(280)
    def listing_page(self) -> None:
        self.client.get(f"/listings/{random.choice(FIXTURE['active'])}/", name="listing /listings/<id>/")

    @task(60)
    def impact_page(self) -> None:
        self.client.get("/impact/", name="impact /impact/")

    @task(5)
    def log_in(self) -> None:
        """A password log-in (a real Argon2id check at OWASP's parameters, core/passwords.py): one starts a session
        of many requests, so it is 1 request in 200 here."""
        buyer = next(_buyers)
        with self.client.post(
            "/api/v1/auth/token/",
            json={"email": buyer["email"], "password": FIXTURE["password"]},
            name="log in POST /api/v1/auth/token/",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or "token" not in response.json():
                response.failure(f"log in: {response.status_code} {response.text[:200]}")

    @task(10)
    def reserve(self) -> None:
        self._post(
            f"/api/v1/listings/{next(_active)}/reservations/",
            json={},
            headers={"Authorization": f"Token {next(_buyers)['token']}"},
            name="reserve POST /api/v1/listings/<id>/reservations/",
            # 409: somebody (an earlier run) reserved it first: the rule working, not an error of the stack.
            expected=(201, 409),
        )

    @task(10)
    def send_message(self) -> None:
        self._post(
            "/api/v1/conversations/",
            json={"listing": next(_active), "body": f"Hej! Er den stadig til salg? ({uuid.uuid4().hex[:6]})"},
            headers={"Authorization": f"Token {next(_buyers)['token']}"},
            name="message POST /api/v1/conversations/",
            expected=(200, 201),
        )

    @task(5)
    def upload_photo(self) -> None:
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="photo.jpg"\r\n'
                "Content-Type: image/jpeg\r\n\r\n"
            ).encode()
            + PHOTO
            + f"\r\n--{boundary}--\r\n".encode()
        )
        self._post(
            f"/api/v1/listings/{next(_drafts)}/photos/",
            data=body,  # type: ignore[arg-type]  # a multipart body: bytes, which geventhttpclient sends as is
            headers={
                "Authorization": f"Token {FIXTURE['seller_token']}",
                "Content-Type": f"multipart/form-data; boundary={boundary}",
            },
            name="upload POST /api/v1/listings/<id>/photos/",
            # 409: that draft already has its ten photos (long runs cycle through the drafts).
            expected=(201, 409),
        )


class TrivialUser(PacedUser):
    @task
    def nothing(self) -> None:
        with self.client.get("/load-bench-nothing/", name="trivial 404", catch_response=True) as response:
            if response.status_code == 404:
                response.success()
            else:
                response.failure(f"expected 404, got {response.status_code}")
