"""The anonymous page cache: what everybody sees (the home/browse results grid, the listings API's pages, the
public impact figures), rendered once per catalogue version instead of once per request.

Correctness rests on one token, the catalogue version, kept in the cache (Redis). Every change to what is public —
a listing created, edited, published, hidden, restored, withdrawn, reserved or sold, a photo ready or withheld, a
category changed, a repair job moved — calls `catalogue_changed()`, which renews the token once the transaction
commits; every cached entry's key holds the token it was built under, so the next request after a change builds
afresh and the old entries simply expire. Keys also hold the language and the full query string.

Only anonymous requests read or fill it (`cacheable`): a signed-in person's pages depend on who they are (their
own drafts, favourites, the save-search form), so they are always built. A rendered fragment that carries a CSRF
token is never stored. `PAGE_CACHE_SECONDS = 0` (the default without Redis, so `make run` and the tests on SQLite)
turns it off: `get` misses and `set` drops.

Why renew on commit, not before: a request that read the old token and the old rows writes them under the old key,
which nobody reads after the renewal; a request that reads the new token reads committed rows."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import translation

VERSION_KEY = "pagecache:catalogue-version"

T = TypeVar("T")


def enabled() -> bool:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 0) or 0) > 0


def _renew() -> None:
    # A fresh random token (not a counter): a token evicted or lost with Redis can never come back to name old entries.
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def catalogue_changed() -> None:
    """What is public may have changed: renew the catalogue version when the current transaction commits (at once
    outside one). Cheap; call it from the one place each change happens."""
    if enabled():
        transaction.on_commit(_renew)


def catalogue_version() -> str | None:
    """The current token; None when the cache cannot be trusted (Redis down) — then nothing is read or stored."""
    token = cache.get(VERSION_KEY)
    if token is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        token = cache.get(VERSION_KEY)
    return token if isinstance(token, str) else None


def cacheable(request: HttpRequest) -> bool:
    """Only an anonymous GET (or HEAD) may read or fill the cache."""
    user = getattr(request, "user", None)
    return (
        enabled()
        and request.method in ("GET", "HEAD")
        and not (user is not None and user.is_authenticated)
        and not getattr(request, "auth", None)
    )


def key_for(request: HttpRequest, name: str) -> str | None:
    """The cache key of `name` for this request, or None when it must not be cached."""
    if not cacheable(request):
        return None
    version = catalogue_version()
    if version is None:
        return None
    htmx = "1" if request.headers.get("HX-Request") else "0"
    query = request.META.get("QUERY_STRING", "")
    # The host too: the API's next/previous links are absolute.
    raw = f"{name}|{version}|{translation.get_language()}|{htmx}|{request.get_host()}|{request.path}|{query}"
    return "pagecache:" + hashlib.sha256(raw.encode()).hexdigest()


def get(key: str | None) -> Any:
    return cache.get(key) if key else None


def set(key: str | None, value: Any) -> None:
    if key and value is not None:
        cache.set(key, value, timeout=int(settings.PAGE_CACHE_SECONDS))


def cached_fragment(key: str | None, build: Callable[[], str]) -> str:
    """`build()`'s HTML, from the cache when `key` is there; a fragment with a CSRF token is never stored."""
    html = get(key)
    if isinstance(html, str):
        return html
    html = build()
    if "csrfmiddlewaretoken" not in html:
        set(key, html)
    return html


def cached_value(name: str, build: Callable[[], T]) -> T:
    """A value everybody sees the same (not per request), cached under the catalogue version and the language."""
    if not enabled():
        return build()
    version = catalogue_version()
    if version is None:
        return build()
    key = f"pagecache:value:{name}:{version}:{translation.get_language()}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout=int(settings.PAGE_CACHE_SECONDS))
    return value  # type: ignore[no-any-return]
