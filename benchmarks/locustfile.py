"""Locust users for `make bench-load` (benchmarks/load.py runs them headless, one bounded run per step).

`MixUser` does what residents and buyers do, weighted roughly as they do it: mostly reading (the home page,
browsing a category as a page and through the API, searching, a listing's page, the impact page), now and then
logging in and reserving, sending a message, or uploading a photo (which the Celery worker then renders).
`TrivialUser` asks for an address that does not exist: a 404 through the same middleware, no work.

Every user sends at a fixed pace (`LOAD_PACE` requests per second), so the offered rate is users × pace. The fixture
(`LOAD_FIXTURE`, written by benchmarks/load.py) names the seeded accounts, listings, categories and search words.
Only 127.0.0.1 is ever asked (load.py passes --host)."""

from __future__ import annotations

import itertools
import json
import os
import random
import uuid
from pathlib import Path
from typing import Any

from locust import FastHttpUser, constant_throughput, task

FIXTURE: dict[str, Any] = (
    json.loads(Path(os.environ["LOAD_FIXTURE"]).read_text()) if os.environ.get("LOAD_FIXTURE") else {}
)
PACE = float(os.environ.get("LOAD_PACE", "0.5"))
PHOTO = bytes.fromhex(FIXTURE.get("photo", ""))
# Each reservation, message and upload takes the next buyer, listing or draft: no two collide within a run.
_active = itertools.cycle(random.sample(FIXTURE.get("active", [0]), len(FIXTURE.get("active", [0]))))
_buyers = itertools.cycle(random.sample(FIXTURE.get("buyers", [{}]), len(FIXTURE.get("buyers", [{}]))))
_drafts = itertools.cycle(random.sample(FIXTURE.get("drafts", [0]), len(FIXTURE.get("drafts", [0]))))


class MixUser(FastHttpUser):
    wait_time = constant_throughput(PACE)

    @task(24)
    def home(self) -> None:
        self.client.get("/", name="home /")

    @task(12)
    def browse_page(self) -> None:
        self.client.get(f"/?category={random.choice(FIXTURE['categories'])}", name="browse /?category=")

    @task(6)
    def browse_api(self) -> None:
        category = random.choice(FIXTURE["categories"])
        self.client.get(f"/api/v1/listings/?category={category}", name="browse /api/v1/listings/?category=")

    @task(10)
    def search_page(self) -> None:
        self.client.get(f"/?q={random.choice(FIXTURE['words'])}", name="search /?q=")

    @task(5)
    def search_api(self) -> None:
        self.client.get(f"/api/v1/listings/?q={random.choice(FIXTURE['words'])}", name="search /api/v1/listings/?q=")

    @task(25)
    def listing_page(self) -> None:
        self.client.get(f"/listings/{random.choice(FIXTURE['active'])}/", name="listing /listings/<id>/")

    @task(5)
    def impact_page(self) -> None:
        self.client.get("/impact/", name="impact /impact/")

    @task(2)
    def log_in_and_reserve(self) -> None:
        buyer = next(_buyers)
        with self.client.post(
            "/api/v1/auth/token/",
            json={"email": buyer["email"], "password": FIXTURE["password"]},
            name="log in POST /api/v1/auth/token/",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"log in: {response.status_code} {response.text[:200]}")
                return
            token = response.json()["token"]
        with self.client.post(
            f"/api/v1/listings/{next(_active)}/reservations/",
            json={},
            headers={"Authorization": f"Token {token}"},
            name="reserve POST /api/v1/listings/<id>/reservations/",
            catch_response=True,
        ) as response:
            # 409: somebody (an earlier run) reserved it first: the rule working, not an error of the stack.
            if response.status_code in (201, 409):
                response.success()
            else:
                response.failure(f"reserve: {response.status_code} {response.text[:200]}")

    @task(2)
    def send_message(self) -> None:
        buyer = next(_buyers)
        with self.client.post(
            "/api/v1/conversations/",
            json={"listing": next(_active), "body": f"Hej! Er den stadig til salg? ({uuid.uuid4().hex[:6]})"},
            headers={"Authorization": f"Token {buyer['token']}"},
            name="message POST /api/v1/conversations/",
            catch_response=True,
        ) as response:
            if response.status_code in (200, 201):
                response.success()
            else:
                response.failure(f"message: {response.status_code} {response.text[:200]}")

    @task(1)
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
        with self.client.post(
            f"/api/v1/listings/{next(_drafts)}/photos/",
            data=body,  # type: ignore[arg-type]  # a multipart body: bytes, which geventhttpclient sends as is
            headers={
                "Authorization": f"Token {FIXTURE['seller_token']}",
                "Content-Type": f"multipart/form-data; boundary={boundary}",
            },
            name="upload POST /api/v1/listings/<id>/photos/",
            catch_response=True,
        ) as response:
            # 409: that draft already has its ten photos (long runs cycle through the drafts).
            if response.status_code in (201, 409):
                response.success()
            else:
                response.failure(f"upload: {response.status_code} {response.text[:200]}")


class TrivialUser(FastHttpUser):
    wait_time = constant_throughput(PACE)

    @task
    def nothing(self) -> None:
        with self.client.get("/load-bench-nothing/", name="trivial 404", catch_response=True) as response:
            if response.status_code == 404:
                response.success()
            else:
                response.failure(f"expected 404, got {response.status_code}")
