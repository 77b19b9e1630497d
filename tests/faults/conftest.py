"""Fixtures for the fault tests (`make test-faults`; deselected from `make test` by the `faults` marker)."""

from __future__ import annotations

import io
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from PIL import Image

from tests.faults.stack import Stack, WebServer, running_stack


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    with running_stack() as running:
        yield running


@pytest.fixture
def services(stack: Stack) -> Iterator[Stack]:
    """The stack, given back to the next test with both servers up and no process of this test left."""
    yield stack
    stack.close()
    if not stack.redis.is_up():
        stack.redis.start()
    if not stack.postgres.is_up():
        stack.postgres.start()


@dataclass
class Resident:
    """A resident signed up through the API, with a token."""

    web: WebServer
    token: str

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Token {self.token}", "Accept-Language": "da"}
        return requests.request(method, f"{self.web.base_url}/api/v1{path}", headers=headers, timeout=30, **kwargs)

    def listing(self, title: str = "Lænestol i teak") -> int:
        response = self.request(
            "POST",
            "/listings/",
            json={"title": title, "description": "Velholdt", "category": "furniture", "condition": "good",
                  "kind": "free"},
        )  # fmt: skip
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    def photo(self, photo_id: int) -> dict[str, Any]:
        response = self.request("GET", f"/photos/{photo_id}/")
        assert response.status_code == 200, response.text
        return dict(response.json())


def sign_up(web: WebServer) -> Resident:
    email = f"beboer-{secrets.token_hex(4)}@example.org"
    password = secrets.token_urlsafe(16)
    register = requests.post(
        f"{web.base_url}/api/v1/auth/register/",
        json={"email": email, "password": password, "display_name": "Beboer"},
        timeout=30,
    )
    assert register.status_code == 201, register.text
    token = requests.post(f"{web.base_url}/api/v1/auth/token/", json={"email": email, "password": password}, timeout=30)
    assert token.status_code == 200, token.text
    return Resident(web, token.json()["token"])


def phone_jpeg(seed: int, size: tuple[int, int] = (1600, 1200)) -> bytes:
    """A photo-like JPEG (a gradient with noise, so it compresses like a photo), different for each seed."""
    noise = Image.effect_noise(size, 40 + seed % 20).convert("RGB")
    gradient = Image.linear_gradient("L").resize(size).convert("RGB")
    image = Image.blend(noise, gradient, 0.5)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()
