"""RFC 9457 problem+json bodies, in the request's language. The API's exception handler (`api.exceptions`) and
the few answers made outside DRF (database down, login lockout, 404/500 under /api/) all build them here."""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse
from django.utils.translation import gettext as _

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "https://kredslob.dk/problems/"

TITLES = {
    400: lambda: _("Invalid input."),
    401: lambda: _("Authentication required."),
    403: lambda: _("You are not allowed to do that."),
    404: lambda: _("Not found."),
    405: lambda: _("Method not allowed."),
    406: lambda: _("Not acceptable."),
    409: lambda: _("The request conflicts with the current state."),
    413: lambda: _("The upload is too large."),
    415: lambda: _("Unsupported media type."),
    429: lambda: _("Too many requests."),
    503: lambda: _("The service is temporarily unavailable. Please try again shortly."),
}


def problem(status_code: int, detail: str, *, code: str = "", errors: Any = None, title: str = "") -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + code if code else "about:blank",
        "title": title or TITLES.get(status_code, lambda: _("Error."))(),
        "status": status_code,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    return body


def problem_json_response(status_code: int, detail: str, *, code: str) -> JsonResponse:
    """A problem+json answer for code outside DRF (middleware, error handlers)."""
    return JsonResponse(problem(status_code, detail, code=code), status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def problem_not_found() -> JsonResponse:
    return problem_json_response(404, _("Not found."), code="not_found")


def problem_server_error() -> JsonResponse:
    return problem_json_response(500, _("Something went wrong on our side. Please try again."), code="server_error")
