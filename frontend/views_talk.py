"""The donor and the workshop talking about a repair job: one thread per job, on the workshop's job page and on
the donor's own page for it (`/repairs/<id>/messages/`).

Thin like `api/repairs.py`'s `JobMessagesView`: `repairs.selectors.job_get` finds the job (404 when it is not
the person's to see), `marketplace.selectors.job_talk_allowed` says who may talk (403 otherwise), and
`marketplace.services.job_message_send` writes."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.models import User
from marketplace import selectors as trade_selectors
from marketplace import services as trade_services
from repairs import selectors as job_selectors
from repairs.models import RepairJob

from .forms_post import MessageForm
from .refusals import refusals_on, shows_refusals


def job_thread_context(
    *, job: RepairJob, user: User, form: MessageForm | None = None, allowed: bool | None = None
) -> dict[str, Any]:
    """What `frontend/_job_thread.html` shows: the messages with who wrote them, and the form while somebody is
    there to write to. Pages that show the thread (the workshop's job page, the donor's page) add this; `allowed`:
    `job_talk_allowed` when the page has asked it already."""
    if allowed is None:
        allowed = trade_selectors.job_talk_allowed(job=job, user=user)
    rows = list(trade_selectors.job_messages(job=job)) if allowed else []
    return {
        "thread_job": job,
        "thread_allowed": allowed,
        "thread_messages": [
            {"message": m, "side": trade_selectors.job_talk_side(job=job, message=m), "mine": m.sender_id == user.pk}
            for m in rows
        ],
        "thread_form": form or MessageForm(),
        "thread_action": reverse("frontend:job_messages", kwargs={"pk": job.pk}),
    }


@login_required
@require_http_methods(["GET", "POST"])
@shows_refusals()
def job_messages(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The donor's page for their job's conversation (the workshop's members post here from the job page too,
    and go back there)."""
    user: User = request.user  # type: ignore[assignment]
    job = job_selectors.job_get(user=user, job_id=pk)
    is_donor = job_selectors.job_donor(job=job) == user
    if not is_donor and not trade_selectors.job_talk_allowed(job=job, user=user):
        raise PermissionDenied
    back = (
        reverse("frontend:job_messages", kwargs={"pk": pk})
        if is_donor
        else reverse("frontend:workshop_job", kwargs={"pk": pk})
    ) + "#talk-heading"
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            trade_services.job_message_send(job=job, sender=user, body=form.cleaned_data["body"])
            return redirect(back)
    if request.method == "GET" and not is_donor:
        return redirect(back)
    trade_services.job_messages_mark_read(job=job, reader=user)
    context = {"job": job, **job_thread_context(job=job, user=user, form=form)}
    status = 400 if request.method == "POST" else 200
    return render(request, "frontend/job_messages.html", context, status=status)
