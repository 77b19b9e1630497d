"""Who sent a request: the client's address, read one way everywhere — the API's throttles, the pages' throttles,
the login lockout (django-axes) and the logs.

`X-Forwarded-For` is whatever the client wrote, plus one address appended by each reverse proxy on the way. Only
the proxies' part can be trusted, so the one setting `TRUSTED_PROXY_COUNT` says how many proxies stand in front
of the app (0 by default: none, the header is ignored and the TCP peer `REMOTE_ADDR` is the client). With N
proxies, the client is the N-th address from the right; everything left of it may be made up."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

# One IPv6 subscriber usually holds a whole /64 and can send from any address in it: limits count per /64.
IPV6_LIMIT_PREFIX = 64


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client's IP address (see the module's docstring). An entry that is not an IP address — a proxy that
    is not set up as `docs/operations.md` says — counts as no header: the TCP peer is used."""
    remote = _address(request.META.get("REMOTE_ADDR") or "") or "0.0.0.0"  # noqa: S104  # nosec B104 — a key, never bound
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies <= 0 or not forwarded:
        return remote
    return _address(forwarded[-min(proxies, len(forwarded))]) or remote


def client_key(request: HttpRequest) -> str:
    """What limits count per — throttles and the login lockout: the client's address, an IPv6 address reduced
    to its /64 network (written as that network's first address, so it stays a valid IP address)."""
    address = ipaddress.ip_address(client_ip(request))
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, IPV6_LIMIT_PREFIX), strict=False).network_address)
    return str(address)
