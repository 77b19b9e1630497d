"""A database that is down (restart, failover) answers 503 with Retry-After — problem+json under /api/ —
instead of a 500, and the same process serves again once it is back (connections are health-checked)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .problems import problem_json_response

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        except (OperationalError, InterfaceError) as exc:
            return self._unavailable(request, exc)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, (OperationalError, InterfaceError)):
            return self._unavailable(request, exception)
        return None

    def _unavailable(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.warning("Database unavailable for %s %s: %s", request.method, request.path, exc)
        for conn in connections.all(initialized_only=True):
            conn.close_if_unusable_or_obsolete()
        detail = _("The service is temporarily unavailable. Please try again shortly.")
        if request.path.startswith("/api/"):
            response: HttpResponse = problem_json_response(503, detail, code="unavailable")
        else:
            response = HttpResponse(f"<!doctype html><title>Kredsløb</title><h1>{detail}</h1>", status=503)
        response["Retry-After"] = "5"
        return response
