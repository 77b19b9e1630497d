"""Error pages: problem+json under /api/, friendly HTML elsewhere."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.selectors import user_pending_workshops
from core.problems import problem_not_found, problem_server_error


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return problem_not_found()
    return render(request, "frontend/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return problem_server_error()
    return render(request, "frontend/500.html", status=500)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403 in words: what the person may not do and, on the workshop pages, what happens next — their workshop
    waits for a moderator, or how to register one. (The API answers its own 403s as problem+json.)"""
    user = request.user
    context = {
        "reason": str(exception) if exception and str(exception) else "",
        "workshop_pages": request.path.startswith("/workshop/"),
        "pending": user_pending_workshops(user=user) if user.is_authenticated else [],
    }
    return render(request, "frontend/403.html", context, status=403)
