"""The anonymous page cache: what everybody sees (the home, browse and search pages, a listing's page, the impact
page, the listings API's pages, the public impact figures), built once per catalogue version instead of once per
request.

Correctness rests on one token, the catalogue version, kept in the cache (Redis). Every change to what is public —
a listing created, edited, published, hidden, restored, withdrawn or sold, a photo of a public listing ready,
withheld or deleted, a category changed, a seller's shown name or area or a workshop changed, an account deleted, a
repair job moved — calls `catalogue_changed()`, which renews the token once the transaction
commits; every cached entry holds the token it was built under and is served only while that token is current, so
the next request after a change builds afresh (and its entry takes the old one's place). Keys hold the language, the
host, the path and the full query string. The token and the entry are read in one round trip to Redis (`get`).

One change does not renew it: a listing being reserved (`marketplace.services.reservation_create`, the most frequent
write). A reserved listing stays public — only its "reserved" mark changes — so hiding nothing, it reaches anonymous
pages within `PAGE_CACHE_SECONDS` instead of emptying every cached page at each reservation; anyone signed in (and
so anyone who can reserve) sees it at once.

Only anonymous requests read or fill it (`cacheable`): a signed-in person's pages depend on who they are (their
own drafts, favourites, the save-search form), so they are always built. Whole pages (`anonymous_page`) are kept
only for a visitor without a session (no flash messages to show) and only as a 200 HTML answer that sets no
cookie; the CSRF token in their forms (the language switch) is kept as a placeholder, filled in with the visitor's
own token each time the page is served. `PAGE_CACHE_SECONDS = 0` (the default without Redis, so `make run` and the
tests on SQLite) turns it off: `get` misses and `set` drops.

Why renew on commit, not before: a request that read the old token and the old rows keeps them under the old token,
which nobody is served after the renewal; a request that reads the new token reads committed rows. So what is built
is kept under the token read *before* building (`Slot.version`, read by `get`), never one read after."""

from __future__ import annotations

import functools
import hashlib
import random
import time
import uuid
from collections.abc import Callable, Collection
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.utils import translation

VERSION_KEY = "pagecache:catalogue-version"

T = TypeVar("T")
View = TypeVar("View", bound=Callable[..., HttpResponseBase])

# What a page built for the cache carries where each CSRF token goes (`csrf_placeholder`); letters only, so no
# escaping changes it. Filled in with the visitor's own token (`get_token`) whenever the page is served.
CSRF_PLACEHOLDER = "pagecacheCsrfPlaceholder7Kq2"
_BUILDING = "_pagecache_building"


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


class Slot:
    """Where one answer is kept: its key and, once `get` has looked, the catalogue version it read then — the one
    whatever is built next is kept under (`set`)."""

    __slots__ = ("key", "version")

    def __init__(self, key: str) -> None:
        self.key = key
        self.version: str | None = None


def key_for(request: HttpRequest, name: str, *, params: Collection[str] | None = None) -> Slot | None:
    """Where `name` is kept for this request, or None when it must not be cached — also, given `params`, when
    the query has a parameter not among them: only a face's own parameters make an answer worth keeping, and
    `?anything=…` would make a new entry per request (Redis filled with copies); such a request is answered, not
    kept."""
    if not cacheable(request):
        return None
    if params is not None and any(param not in params for param in request.GET):
        return None
    htmx = "1" if request.headers.get("HX-Request") else "0"
    query = request.META.get("QUERY_STRING", "")
    # The host too: the API's next/previous links are absolute.
    raw = f"{name}|{translation.get_language()}|{htmx}|{request.get_host()}|{request.path}|{query}"
    return Slot("pagecache:" + hashlib.sha256(raw.encode()).hexdigest())


# An entry is rebuilt before it expires, by one request: from `REFRESH_FROM` of its lifetime on, the first request
# to find it takes the refresh (a lock that lasts `REFRESH_LOCK_SECONDS`) and builds the answer afresh, while every
# other request is still served the entry. Without this, a busy page's entry expiring sent every request of the next
# moment to build it at once (a search page over a million listings, built by each of them): a stall of the whole
# site, every PAGE_CACHE_SECONDS. Never past its lifetime: what an entry shows is at most PAGE_CACHE_SECONDS old,
# and only ever under the catalogue version it was built in.
REFRESH_FROM = 0.75
REFRESH_LOCK_SECONDS = 10


def get(slot: Slot | None) -> Any:
    """The kept value, or None: when there is none under the current catalogue version — or when it is due for a
    refresh and this request is the one to rebuild it (the others are served the kept value meanwhile). Reads the
    version and the entry in one round trip, and remembers the version in `slot` for `set`."""
    if slot is None:
        return None
    found = cache.get_many([VERSION_KEY, slot.key])
    version = found.get(VERSION_KEY)
    slot.version = version if isinstance(version, str) else catalogue_version()
    entry = found.get(slot.key)
    if slot.version is None or not (isinstance(entry, tuple) and len(entry) == 3) or entry[0] != slot.version:
        return None
    _, value, refresh_at = entry
    if time.time() >= refresh_at and cache.add(f"{slot.key}:refresh", 1, timeout=REFRESH_LOCK_SECONDS):
        return None
    return value


def _lifetime() -> int:
    """PAGE_CACHE_SECONDS, give or take a fifth: entries made in the same moment (after a restart, or a renewal)
    expire spread over a while instead of all at once, so their rebuilding does not pile up in one second."""
    seconds = int(settings.PAGE_CACHE_SECONDS)
    return max(1, round(seconds * random.uniform(0.8, 1.2)))  # nosec B311 — spreading, not secrecy


def set(slot: Slot | None, value: Any) -> None:
    """Keep `value` under the version `get` read before it was built; nothing is kept without one (`get` not
    asked, or the cache down)."""
    if slot is not None and slot.version is not None and value is not None:
        lifetime = _lifetime()
        cache.set(slot.key, (slot.version, value, time.time() + REFRESH_FROM * lifetime), timeout=lifetime)


def csrf_placeholder(request: HttpRequest) -> dict[str, str]:
    """Context processor, last in TEMPLATES: while `anonymous_page` builds a page for the cache, `{% csrf_token %}`
    (and `{{ csrf_token }}`) render the placeholder instead of this visitor's token."""
    return {"csrf_token": CSRF_PLACEHOLDER} if getattr(request, _BUILDING, False) else {}


def _with_token(request: HttpRequest, content: bytes) -> bytes:
    if CSRF_PLACEHOLDER.encode() not in content:
        return content
    return content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())


def _page_key(request: HttpRequest, name: str, params: Collection[str]) -> Slot | None:
    # A session may hold flash messages (MESSAGE_STORAGE is the session) or a signed-in person: built every time.
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None
    return key_for(request, f"page:{name}", params=params)


def _entry(response: HttpResponseBase) -> dict[str, Any] | None:
    """What is kept of a response, or None when it must not be kept."""
    if (
        not isinstance(response, HttpResponse)  # (a StreamingHttpResponse is not one)
        or response.status_code != 200
        or response.cookies
        or not response.get("Content-Type", "").startswith("text/html")
    ):
        return None
    return {"content": response.content, "content_type": response["Content-Type"]}


def anonymous_page(name: str, *, params: Collection[str] = ()) -> Callable[[View], View]:
    """A page view whose anonymous answer is the same for everybody (given the language, the host, the path and
    the query): kept whole under the catalogue version; signed-in people and visitors with a session are always
    built afresh, and so is a request with a query parameter not in `params`. The view still decides what may be
    shown (a 404 or a refusal is never kept)."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            key = _page_key(request, name, params)
            if key is None:
                return view(request, *args, **kwargs)
            entry = get(key)
            if isinstance(entry, dict):
                hit = HttpResponse(_with_token(request, entry["content"]), content_type=entry["content_type"])
                hit["X-Page-Cache"] = "hit"
                return hit
            setattr(request, _BUILDING, True)
            try:
                response = view(request, *args, **kwargs)
            finally:
                setattr(request, _BUILDING, False)
            entry = _entry(response)
            if entry is not None:
                set(key, entry)
            if isinstance(response, HttpResponse):
                response.content = _with_token(request, response.content)
            return response

        return wrapped  # type: ignore[return-value]

    return decorator


def cached_value(name: str, build: Callable[[], T]) -> T:
    """A value everybody sees the same (not per request), cached under the catalogue version and the language."""
    if not enabled():
        return build()
    slot = Slot(f"pagecache:value:{name}:{translation.get_language()}")
    value = get(slot)
    if value is None:
        value = build()
        set(slot, value)
    return value  # type: ignore[no-any-return]
