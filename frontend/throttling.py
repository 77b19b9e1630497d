"""Throttled pages: forms that send mail or make accounts answer 429 past their rate, before doing anything.

The counting is `core.throttle`'s, the API's own (same rates table, same client address, same counters where
the scope is shared: `/signup/` and `POST /api/v1/auth/register/` count together, and so do `/login/` and
`POST /api/v1/auth/token/`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.throttle import throttle_request

View = Callable[..., Any]


def too_many_requests(request: HttpRequest, wait: int) -> HttpResponse:
    minutes = max(1, -(-wait // 60))
    response = render(request, "frontend/429.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(wait)
    return response


def throttle_posts(scope: str, *, per_email: str | None = None) -> Callable[[View], View]:
    """Count every POST against `scope` per client address and, with `per_email`, also against that scope per
    email address written in the form's `email` field (whether or not it has an account, so the answer tells
    nothing about accounts). Past either rate: the 429 page, and the view does not run."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if request.method == "POST":
                wait = throttle_request(request, scope=scope)
                email = request.POST.get("email", "").strip().lower()
                if wait is None and per_email and email:
                    wait = throttle_request(request, scope=per_email, ident=f"email:{email}")
                if wait is not None:
                    return too_many_requests(request, wait)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
