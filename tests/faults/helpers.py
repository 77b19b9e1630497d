"""Helpers of the fault tests: a resident signed up through the API of the private stack, a phone photo."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from typing import Any

import requests
from PIL import Image

from tests.faults.stack import WebServer


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
