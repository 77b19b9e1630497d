"""'Repair and hand back' on the pages: the resident's page of their repair (`/repairs/<id>/`, where every repair
notification leads) with the quote's answer, and the workshop's side — quote, received, handed back — and its
intake queue, the shared PC's start page.

Thin like the rest: `repairs.selectors.job_get` finds the job (404 when it is not the person's to see),
`repairs.returns` does each step and holds every rule."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from repairs import returns
from repairs import selectors as job_selectors
from repairs.models import RepairJob

from .forms_workshop import HandBackForm, QuoteForm
from .refusals import refusals_on, shows_refusals
from .views_workshop import _job_back, _job_context, _job_for_member, _verified_workshops

# --- The resident's page ------------------------------------------------------------------------------------


def _own_job(request: HttpRequest, pk: int) -> RepairJob:
    """The job if the person asked for the repair; a workshop member who may see it goes to the workshop's page
    of it (raised as a redirect by the caller); anyone else: 404."""
    job = job_selectors.job_get(user=request.user, job_id=pk, detail=True)
    if not job_selectors.user_is_job_donor(user=request.user, job=job):
        raise Http404
    return job


def _resident_back(request: HttpRequest, pk: int, **_kwargs: Any) -> str:
    return reverse("frontend:repair", kwargs={"pk": pk})


@login_required
@require_GET
@shows_refusals()
def repair_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]
    job = job_selectors.job_get(user=user, job_id=pk, detail=True)
    if not job_selectors.user_is_job_donor(user=user, job=job):
        # A workshop's member who followed a link to the resident's page: the workshop's page of the job.
        if job_selectors.user_acts_for_job(user=user, job=job) or job_selectors.job_is_on_board(job=job):
            return redirect("frontend:workshop_job", pk=pk)
        raise Http404
    history = job_selectors.job_history_visible_to(job=job, user=user)
    stage, stage_label = job_selectors.job_stage_for_resident(job=job)
    context: dict[str, Any] = {
        "job": job,
        "stage": stage,
        "stage_label": stage_label,
        "events": [(e, job_selectors.event_words_for_resident(entry=e, mode=job.mode)) for e in history.events],
        "workshop": job.workshop,
    }
    return render(request, "frontend/repair.html", context)


@login_required
@require_POST
@shows_refusals(back_to=_resident_back)
def repair_quote_answer(request: HttpRequest, pk: int, answer: str) -> HttpResponseBase:
    job = _own_job(request, pk)
    if answer == "accept":
        returns.job_quote_accept(job=job, actor=request.user)  # type: ignore[arg-type]
        messages.success(request, _("You accepted the quote. See below where and when to bring the item."))
    elif answer == "decline":
        returns.job_quote_decline(job=job, actor=request.user)  # type: ignore[arg-type]
        messages.success(request, _("You declined the quote. Another workshop can now take on the repair."))
    else:
        raise Http404
    return redirect("frontend:repair", pk=pk)


# --- The workshop's side --------------------------------------------------------------------------------------


def _workshop_form_action(request: HttpRequest, pk: int, form: Any, form_name: str, act: Any, done: str) -> Any:
    """As `views_workshop._form_action`: who may not see the job hears so (403/404) before their input is read."""
    job, workshops = _job_for_member(request, pk)
    if form.is_valid():
        with refusals_on(form):
            act(job, request.user, form.cleaned_data)
            messages.success(request, done)
            return redirect(reverse("frontend:workshop_job", kwargs={"pk": pk}) + "#return-heading")
    context = _job_context(job, workshops, request.user, **{form_name: form})  # type: ignore[arg-type]
    return render(request, "frontend/workshop/job.html", context, status=400)


@login_required
@require_POST
@shows_refusals(back_to=_job_back)
def job_quote(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _workshop_form_action(
        request,
        pk,
        QuoteForm(request.POST),
        "quote_form",
        lambda job, user, data: returns.job_quote(job=job, actor=user, **data),
        _("The quote is sent to the resident."),
    )


@login_required
@require_POST
@shows_refusals(back_to=_job_back)
def job_received(request: HttpRequest, pk: int) -> HttpResponseBase:
    job, _workshops = _job_for_member(request, pk)
    returns.job_receive(job=job, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("The item is marked received."))
    if request.POST.get("back") == "intake":
        return redirect("frontend:workshop_intake")
    return redirect("frontend:workshop_job", pk=pk)


@login_required
@require_POST
@shows_refusals(back_to=_job_back)
def job_handed_back(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _workshop_form_action(
        request,
        pk,
        HandBackForm(request.POST),
        "handback_form",
        lambda job, user, data: returns.job_hand_back(job=job, actor=user, paid_dkk=data["paid_dkk"]),
        _("The item is handed back."),
    )


@login_required
@require_GET
def intake(request: HttpRequest) -> HttpResponse:
    """The workshop's counter: items to come in, quotes awaiting an answer, items ready for pick-up."""
    user: User = request.user  # type: ignore[assignment]
    workshops = _verified_workshops(user)
    return render(
        request,
        "frontend/workshop/intake.html",
        {"queue": job_selectors.intake_queue(user=user), "workshops": workshops},
    )
