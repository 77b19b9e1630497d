"""Plain helpers the whole suite shares (fixtures live in tests/conftest.py and are used by name): what the run
requires, where the repository is, an API client logged in as someone, and waiting for a background process."""

from __future__ import annotations

import os
import time
from pathlib import Path

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"
ROOT = Path(__file__).resolve().parent.parent


def client_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.2) -> bool:  # type: ignore[no-untyped-def]
    """Poll `predicate` until it is true or `timeout` seconds pass (for background processes only)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())
