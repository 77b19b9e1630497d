"""Your data and your account (My page: download, delete) and the pages about the site: privacy policy, terms,
about and contact. The export is `privacy.export.user_export`, the API's own; deletion is
`privacy.services.user_delete`, and what the page says it removes and keeps is `privacy.services`' list."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.utils.encoders import JSONEncoder

from accounts.models import User
from core.throttle import throttle_request
from privacy import services as privacy_services
from privacy.export import user_export

from .forms import AccountDeleteForm
from .refusals import refusals_on
from .throttling import too_many_requests


@login_required
@require_POST
def data_download(request: HttpRequest) -> HttpResponseBase:
    """Everything Kredsløb holds about the visitor, as a JSON file (GDPR art. 15 and 20); a POST, counted per account
    against THROTTLE_DATA_EXPORT (each one builds the whole export)."""
    user: User = request.user  # type: ignore[assignment]
    wait = throttle_request(request, scope="data_export", ident=f"user:{user.pk}")
    if wait is not None:
        return too_many_requests(request, wait)
    body = json.dumps(user_export(user=user), cls=JSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="kredslob-data-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            privacy_services.user_delete_confirmed(user=user, password=form.cleaned_data["password"])
            logout(request)
            messages.success(request, _("Your account is deleted. Thank you for using Kredsløb."))
            return redirect("frontend:home")
    context = {
        "form": form,
        "removes": privacy_services.DELETION_REMOVES,
        "keeps": privacy_services.DELETION_KEEPS,
    }
    return render(request, "frontend/accounts/delete.html", context, status=400 if form.errors else 200)


def _controller() -> dict[str, Any]:
    return {
        "name": settings.DATA_CONTROLLER_NAME,
        "address": settings.DATA_CONTROLLER_ADDRESS,
        "email": settings.DATA_CONTROLLER_EMAIL,
        "cvr": settings.DATA_CONTROLLER_CVR,
    }


def privacy_policy(request: HttpRequest) -> HttpResponse:
    context = {
        "controller": _controller(),
        # Each period from the setting that enforces it (privacy.tasks.retention_enforce, the session, the lockout).
        "photo_original_days": settings.PHOTO_ORIGINAL_RETENTION_DAYS,
        "login_record_days": settings.LOGIN_RECORD_RETENTION_DAYS,
        "session_days": max(1, settings.SESSION_COOKIE_AGE // 86_400),
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        # None: until the browser is closed.
        "language_cookie_days": settings.LANGUAGE_COOKIE_AGE // 86_400 if settings.LANGUAGE_COOKIE_AGE else None,
        "language_cookie_name": settings.LANGUAGE_COOKIE_NAME,
        "session_cookie_name": settings.SESSION_COOKIE_NAME,
        "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
        "reservation_hours": settings.RESERVATION_HOURS,
        "invitation_days": settings.WORKSHOP_INVITATION_DAYS,
    }
    return render(request, "frontend/about/privacy.html", context)


def terms(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "frontend/about/terms.html",
        {"controller": _controller(), "reservation_hours": settings.RESERVATION_HOURS},
    )


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "frontend/about/about.html", {"controller": _controller()})
