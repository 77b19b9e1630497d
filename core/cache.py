"""Django's Redis cache, made to degrade instead of fail: nothing in Kredsløb needs the cache to be right,
only fast (throttle counters, rendered fragments), so while Redis is down every read is a miss, every write
is dropped, and the request goes on. Timeouts are short (settings), so an outage costs ~1 s, not a hang."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Log an outage once per interval, not once per request.
_LOG_EVERY_SECONDS = 30.0
_last_logged = 0.0


def _log_outage(operation: str, exc: Exception) -> None:
    global _last_logged
    now = time.monotonic()
    if now - _last_logged >= _LOG_EVERY_SECONDS:
        _last_logged = now
        logger.warning("Cache unavailable (%s): %s; serving without the cache.", operation, exc)


class ReusedRedisCacheClient(RedisCacheClient):
    """Django's client with one `redis.Redis` per connection pool, made once. Django's makes a new one for every
    cache operation, and each copies redis-py's ~170 response callbacks into a case-insensitive dict: ~0.1 ms a
    call, several calls a request (page cache, throttles). A `redis.Redis` is safe to share between threads: each
    command takes a connection from the pool."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class TolerantRedisCache(RedisCache):
    def __init__(self, server: Any, params: Any) -> None:
        super().__init__(server, params)
        self._class = ReusedRedisCacheClient

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except RedisError as exc:
            _log_outage("get", exc)
            return default

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        try:
            return super().get_many(keys, version)
        except RedisError as exc:
            _log_outage("get_many", exc)
            return {}

    def has_key(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().has_key(key, version)
        except RedisError as exc:
            _log_outage("has_key", exc)
            return False

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        try:
            super().set(key, value, timeout, version)
        except RedisError as exc:
            _log_outage("set", exc)

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        try:
            return super().add(key, value, timeout, version)
        except RedisError as exc:
            _log_outage("add", exc)
            return False

    def set_many(self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[Any]:
        try:
            return super().set_many(data, timeout, version)
        except RedisError as exc:
            _log_outage("set_many", exc)
            return list(data)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        try:
            return super().touch(key, timeout, version)
        except RedisError as exc:
            _log_outage("touch", exc)
            return False

    def delete(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().delete(key, version)
        except RedisError as exc:
            _log_outage("delete", exc)
            return False

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        try:
            super().delete_many(keys, version)
        except RedisError as exc:
            _log_outage("delete_many", exc)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        # A missing key raises ValueError as usual; an outage behaves like a missing key.
        try:
            return super().incr(key, delta, version)
        except RedisError as exc:
            _log_outage("incr", exc)
            raise ValueError(f"Key {key!r} not found (cache unavailable)") from exc

    def clear(self) -> None:
        try:
            super().clear()
        except RedisError as exc:
            _log_outage("clear", exc)
