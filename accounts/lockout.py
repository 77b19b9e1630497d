"""What a person sees after too many failed logins (django-axes): 429, in their language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from core.problems import problem_json_response


def lockout_response(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    detail = _("Too many failed logins. Try again in %(minutes)d minutes or reset your password.") % {
        "minutes": minutes
    }
    if request.path.startswith("/api/"):
        response: HttpResponse = problem_json_response(429, detail, code="locked_out")
    else:
        response = HttpResponse(f"<!doctype html><title>Kredsløb</title><h1>{detail}</h1>", status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """The email a login attempt was for — from the credentials given to `authenticate`, or the login form's
    `username`/`email` field — lowercased, so "Anna@Example.dk" and "anna@example.dk" count together."""
    value = None
    if credentials:
        value = credentials.get("username") or credentials.get("email")
    if not value:
        data = getattr(request, "data", None) or request.POST
        value = data.get("username") or data.get("email")
    return str(value).strip().lower() if value else None
