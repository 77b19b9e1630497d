"""Throttling, one mechanism for the API and the pages: a counter per scope and client in the cache.

The rates live in one table, `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` (`"20/min"`, `"10/hour"`… as DRF writes
them), for the API's throttle classes below (set in `DEFAULT_THROTTLE_CLASSES`) and for the pages'
`throttle_request`. Clients are told apart by `core.http.client_key` — never by a header the client chose.

Counting is atomic (`cache.add` + `cache.incr`; a sliding window estimated from two fixed ones, see
`throttle_hit`), so a burst of parallel requests gets exactly the allowed number through; DRF's own throttles
keep a list per client that parallel requests read and write over each other. While the cache is down (Redis
outage) throttling fails open, like the rest of the cache (`core.cache`)."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import time
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from .http import client_ip, client_key

logger = logging.getLogger(__name__)

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """`"20/min"` → (20, 60): DRF's format (the period's first letter counts)."""
    number, period = rate.split("/")
    return int(number), PERIODS[period.strip()[0]]


def _rate(scope: str) -> str | None:
    rates = api_settings.DEFAULT_THROTTLE_RATES
    if scope not in rates:
        raise ImproperlyConfigured(f"No throttle rate for scope {scope!r} in DEFAULT_THROTTLE_RATES.")
    rate = rates[scope]
    return None if rate is None else str(rate)


def throttle_hit(*, scope: str, ident: str) -> int | None:
    """Count one request of `scope` by `ident`. None while within the scope's rate, else the seconds to wait (for
    `Retry-After`); a refused request is not counted, as with DRF's throttles.

    A sliding window, estimated from two fixed ones: the requests of this period so far, plus the previous
    period's weighted by how much of it still lies within the last `period` seconds. So a burst across a window's
    edge is counted whole (a plain fixed window would let twice the rate through there), and each counter is one
    atomic `cache.incr`."""
    rate = _rate(scope)
    if rate is None:
        return None
    limit, seconds = parse_rate(rate)
    now = time.time()
    window, elapsed = divmod(now, seconds)
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]  # no email address or IP in the cache's keys
    key = f"throttle:{scope}:{digest}:{int(window)}"
    previous = cache.get(f"throttle:{scope}:{digest}:{int(window) - 1}", 0)
    if cache.add(key, 1, timeout=2 * seconds + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr, or the cache is down: count afresh (fail open)
            count = 1
    weight = 1 - elapsed / seconds
    if previous * weight + count <= limit:
        return None
    with contextlib.suppress(ValueError):  # a refused request does not count (gone or cache down: nothing to undo)
        cache.decr(key)
    if count > limit or previous == 0:
        return max(1, math.ceil(seconds - elapsed))  # this window is full: until it ends
    # Until enough of the previous window has slid out: previous * (1 - (elapsed + wait) / seconds) + count <= limit.
    wait = seconds * (1 - (limit - count) / previous) - elapsed
    return max(1, math.ceil(wait))


def throttle_request(request: HttpRequest, *, scope: str, ident: str | None = None) -> int | None:
    """A page's throttle: count this request of `scope` for `ident` (by default the client's address, as
    `core.http.client_key` reads it). None when allowed, else the seconds to wait."""
    wait = throttle_hit(scope=scope, ident=ident if ident is not None else f"ip:{client_key(request)}")
    if wait is not None:
        logger.warning("Throttled %s %s (%s) from %s", request.method, request.path, scope, client_ip(request))
    return wait


# --- The API's throttle classes (REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]) ----------------------------------


class _ApiThrottle(BaseThrottle):
    """Counts through `throttle_hit`: per user when logged in, else per client address (`client_key`)."""

    def __init__(self) -> None:
        self._wait: int | None = None

    def scope_for(self, request: Any, view: Any) -> str | None:
        raise NotImplementedError

    def get_ident(self, request: Any) -> str:
        return f"ip:{client_key(request)}"

    def allow_request(self, request: Any, view: Any) -> bool:
        scope = self.scope_for(request, view)
        if not scope:
            return True
        user = getattr(request, "user", None)
        ident = f"user:{user.pk}" if user is not None and user.is_authenticated else self.get_ident(request)
        self._wait = throttle_hit(scope=scope, ident=ident)
        if self._wait is not None:
            logger.warning("Throttled %s %s (%s) from %s", request.method, request.path, scope, client_ip(request))
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait


class AnonRateThrottle(_ApiThrottle):
    """Scope `anon`, for requests without a login."""

    def scope_for(self, request: Any, view: Any) -> str | None:
        user = getattr(request, "user", None)
        return None if user is not None and user.is_authenticated else "anon"


class UserRateThrottle(_ApiThrottle):
    """Scope `user`, for every request (a logged-in user counts per user)."""

    def scope_for(self, request: Any, view: Any) -> str | None:
        return "user"


class ScopedRateThrottle(_ApiThrottle):
    """The view's own `throttle_scope` (`auth`, `signup`…), if it has one."""

    def scope_for(self, request: Any, view: Any) -> str | None:
        return getattr(view, "throttle_scope", None)
