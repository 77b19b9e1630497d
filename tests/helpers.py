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


def job_publish_on_sale(*, job, actor, **fields):  # type: ignore[no-untyped-def]
    """What a workshop does to sell a repaired item: publish the completed job (a workshop draft,
    `repairs.services.job_publish`), add a ready photo, then put it on sale (`listings.services.listing_publish`,
    which refuses a workshop's listing without a ready photo). Returns the active listing."""
    from listings.services import listing_publish
    from repairs import services as repairs
    from tests.factories import PhotoFactory

    listing = repairs.job_publish(job=job, actor=actor, **fields)
    PhotoFactory(listing=listing)
    return listing_publish(listing=listing, actor=actor)
