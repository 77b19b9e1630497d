"""The Redis cache degrades to misses while Redis is down: requests go on (throttling fails open)."""

from __future__ import annotations

import socket

import pytest
from django.core.cache import caches
from django.test import override_settings

from core.cache import TolerantRedisCache
from tests.helpers import client_for


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def dead_redis_cache():  # type: ignore[no-untyped-def]
    config = {
        "default": {
            "BACKEND": "core.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with override_settings(CACHES=config):  # Django's setting_changed handler rebuilds the cache handler
        yield caches["default"]


def test_every_operation_degrades_instead_of_raising(dead_redis_cache):
    cache = dead_redis_cache
    assert isinstance(cache, TolerantRedisCache)
    assert cache.get("k", "fallback") == "fallback"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("k") is False
    cache.set("k", 1, 10)
    assert cache.add("k", 1) is False
    assert cache.set_many({"a": 1}) == ["a"]
    assert cache.touch("k") is False
    assert cache.delete("k") is False
    cache.delete_many(["a"])
    cache.clear()
    with pytest.raises(ValueError):
        cache.incr("k")


@pytest.mark.django_db
def test_an_api_request_with_throttling_succeeds_while_the_cache_is_down(dead_redis_cache, user):
    response = client_for(user).get("/api/v1/me/")
    assert response.status_code == 200, response.content


@pytest.mark.redis
def test_one_redis_client_serves_every_operation(settings) -> None:  # type: ignore[no-untyped-def]
    """Django's client makes a `redis.Redis` per operation (~0.2 ms each); ours makes one per connection pool and
    keeps it. It holds no connection of its own (the pool does), so sharing it is what redis-py intends."""
    cache = TolerantRedisCache(settings.REDIS_URL, {"KEY_PREFIX": "test-one-client"})
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client() is client and cache._cache.get_client(write=True) is client
    cache.set("k", "v", 10)
    assert cache.get("k") == "v" and cache._cache.get_client() is client
    cache.delete("k")
