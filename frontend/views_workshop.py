"""Workshop pages: the job board, a job's page with its actions, and the owner's settings.

Thin, like the API views in `api/repairs.py` and `api/workshops.py`: the same selectors find the job (404 when
it is not the user's to see), the same services do the work and enforce every rule. Only members of a verified
workshop get here (anyone else: 403)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import invitations
from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.models import User, Workshop
from accounts.selectors import is_owner
from core.errors import InvalidInput
from core.throttle import throttle_request
from listings import photos
from listings import services as listing_services
from listings.models import Listing, ListingStatus, Photo
from listings.selectors import category_leaves_named, category_tree, listing_may_go_on_sale, ready_photos_prefetch
from repairs import selectors as job_selectors
from repairs import services as job_services
from repairs.models import JobStatus, RepairJob, RepairMode

from .forms_workshop import (
    BoardFilterForm,
    CategoriesForm,
    CompleteForm,
    DataWipeForm,
    HandBackForm,
    MemberAddForm,
    PhotoForm,
    PublishForm,
    QuoteForm,
    ReleaseForm,
    WorkLogForm,
    WorkshopApplyForm,
    WorkshopPracticalForm,
)
from .refusals import refusals_on, shows_refusals
from .selectors.browse import category_choices, decode_cursor, newest_first_page
from .selectors.photos import photo_image
from .throttling import too_many_requests
from .views_talk import job_thread_context

BOARD_PAGE = 50


def _verified_workshops(user: User) -> list[Workshop]:
    """The verified workshops the user belongs to; none → 403 on every workshop page."""
    workshops = list(account_selectors.user_verified_workshops(user=user).prefetch_related("categories"))
    if not workshops:
        raise PermissionDenied(_("Only members of a verified workshop can use the workshop pages."))
    return workshops


# --- Job board ----------------------------------------------------------------------------------------------


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    workshops = _verified_workshops(user)
    form = BoardFilterForm(request.GET or None, categories=category_choices(category_tree()))
    filters = form.filters()
    queryset = job_selectors.job_list(user=user, status=filters["status"], category=filters["category"])
    cursor = request.GET.get("cursor", "")
    is_next_page = decode_cursor(cursor) is not None
    jobs, next_cursor = newest_first_page(queryset, cursor=cursor, limit=BOARD_PAGE)
    # each card shows the item's first ready photo (one query for the page)
    prefetch_related_objects([job.listing for job in jobs if job.listing], ready_photos_prefetch())
    for job in jobs:
        ready = getattr(job.listing, "ready_photos", None) if job.listing else None
        job.image = photo_image(ready[0]) if ready else None  # type: ignore[attr-defined]
    more_url = None
    if next_cursor:
        params = {k: v for k, v in request.GET.items() if k != "cursor" and v}
        params["cursor"] = next_cursor
        more_url = f"{request.path}?{urlencode(params)}"
    context = {
        "workshops": workshops,
        "owned": [w for w in workshops if is_owner(user=user, workshop=w)],
        "form": form,
        "jobs": jobs,
        "more_url": more_url,
        "more_target": "#job-list",
        "is_next_page": is_next_page,
    }
    if getattr(request, "htmx", False) and is_next_page:
        return render(request, "frontend/workshop/_board_more.html", context)
    return render(request, "frontend/workshop/board.html", context)


# --- One job ------------------------------------------------------------------------------------------------


def _job_for_member(request: HttpRequest, pk: int, *, to_claim: bool = False) -> tuple[RepairJob, list[Workshop]]:
    """The job, if the member may see it (`repairs.selectors.job_get`; NotFound otherwise: the 404 page)."""
    user: User = request.user  # type: ignore[assignment]
    workshops = _verified_workshops(user)
    return job_selectors.job_get(user=user, job_id=pk, detail=True, to_claim=to_claim), workshops


def _job_back(request: HttpRequest, pk: int) -> str:
    """Where a refused action on a job goes back to: the job's page while the member may still see the job, else
    the board (a job another workshop took is no longer theirs to see)."""
    visible = RepairJob.objects.filter(job_selectors.job_visibility_q(user=request.user), pk=pk).exists()
    return reverse("frontend:workshop_job", kwargs={"pk": pk}) if visible else reverse("frontend:workshop_board")


def _job_context(job: RepairJob, workshops: list[Workshop], user: User, **forms_in: Any) -> dict[str, Any]:
    mine = any(w.pk == job.workshop_id for w in workshops)  # the verified workshops: `user_acts_for_job`, loaded
    claimers = [w for w in workshops if any(c.pk == job.category_id for c in w.categories.all())]
    active = job.status in (JobStatus.CLAIMED, JobStatus.IN_PROGRESS)
    published: Listing | None = Listing.objects.filter(source_job=job).first()
    history = job_selectors.job_history_visible_to(job=job, user=user)
    publishable = mine and published is None and job_selectors.job_publishable(job=job)
    listing = job.listing
    initial_publish = {"title": listing.title if listing else "", "description": listing.description if listing else ""}
    return {
        "job": job,
        "workshops": workshops,
        "donor_area": (listing.area if listing else "") or "",
        "mine": mine,
        "can_claim": bool(claimers) and job_selectors.job_is_on_board(job=job),
        "claimers": claimers,
        "active": active,
        "wipes": history.data_wipes,
        "needs_wipe": job.category.needs_data_wipe,
        "wipe_satisfied": job_services.job_wipe_satisfied(job=job),
        "work_logs": history.work_logs,
        "events": history.events,
        "published": published,
        "published_photos": list(Photo.objects.filter(listing=published).order_by("position")) if published else [],
        "publishable": publishable,
        # A workshop draft goes on sale once it has a ready photo (`listings.selectors.listing_may_go_on_sale`).
        "awaiting_sale": published is not None and published.status == ListingStatus.DRAFT,
        "may_go_on_sale": published is not None
        and published.status == ListingStatus.DRAFT
        and listing_may_go_on_sale(published),
        "release_form": forms_in.get("release_form") or ReleaseForm(),
        "worklog_form": forms_in.get("worklog_form") or WorkLogForm(),
        "wipe_form": forms_in.get("wipe_form") or DataWipeForm(),
        "complete_form": forms_in.get("complete_form") or CompleteForm(),
        "publish_form": forms_in.get("publish_form") or PublishForm(initial=initial_publish),
        "photo_form": forms_in.get("photo_form") or PhotoForm(),
        "returning": job.mode == RepairMode.RETURN,
        "quote_form": forms_in.get("quote_form") or QuoteForm(),
        "handback_form": forms_in.get("handback_form") or HandBackForm(initial=_handback_initial(job)),
        "pickup_note": job_selectors.job_pickup_note(job=job, user=user, acts=mine),
        # (`mine` is `user_acts_for_job`, which for a member is `job_talk_allowed`: no query asks it again)
        **(job_thread_context(job=job, user=user, allowed=True) if mine else {}),
    }


def _handback_initial(job: RepairJob) -> dict[str, Any]:
    """The quoted price as the amount to pay at the counter, written as the reader types it."""
    if job.quote_price_dkk is None:
        return {}
    return {"paid_dkk": number_format(job.quote_price_dkk, decimal_pos=2, use_l10n=True)}


@login_required
@require_GET
@shows_refusals()
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job, workshops = _job_for_member(request, pk)
    return render(request, "frontend/workshop/job.html", _job_context(job, workshops, request.user))  # type: ignore[arg-type]


@login_required
@require_POST
@shows_refusals(back_to=_job_back)
def job_claim(request: HttpRequest, pk: int) -> HttpResponseBase:
    job, workshops = _job_for_member(request, pk, to_claim=True)
    slug = request.POST.get("workshop", "")
    workshop = next((w for w in workshops if w.slug == slug), None) or (workshops[0] if len(workshops) == 1 else None)
    if workshop is None:
        messages.error(request, _("Choose the workshop that claims the job."))
        return redirect("frontend:workshop_job", pk=pk)
    job_services.job_claim(job=job, workshop=workshop, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Your workshop has claimed the job."))
    return redirect("frontend:workshop_job", pk=pk)


def _form_action(
    request: HttpRequest,
    pk: int,
    form_class: type[forms.Form],
    form_name: str,
    act: Callable[[RepairJob, User, dict[str, Any]], Any],
    done: str,
) -> HttpResponseBase:
    """Validate the form, call the service; on invalid input show the job page again with the errors beside
    the fields (400); any other refusal rises to the view's `@shows_refusals` (a message above the job page)."""
    job, workshops = _job_for_member(request, pk)
    user: User = request.user  # type: ignore[assignment]
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        with refusals_on(form):
            act(job, user, form.cleaned_data)
            messages.success(request, done)
            return redirect(reverse("frontend:workshop_job", kwargs={"pk": pk}) + f"#{form_name}")
    job, workshops = _job_for_member(request, pk)
    context = _job_context(job, workshops, user, **{form_name: form})
    return render(request, "frontend/workshop/job.html", context, status=400)


@login_required
@require_POST
@shows_refusals(back_to=_job_back)
def job_release(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _form_action(
        request,
        pk,
        ReleaseForm,
        "release_form",
        lambda job, user, data: job_services.job_release(job=job, actor=user, reason=data["reason"]),
        _("The job is released and open for every workshop again."),
    )


@login_required
@require_POST
@shows_refusals(back_to=_job_back)
def job_start(request: HttpRequest, pk: int) -> HttpResponseBase:
    job, _workshops = _job_for_member(request, pk)
    job_services.job_start(job=job, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("The repair has started."))
    return redirect("frontend:workshop_job", pk=pk)


@login_required
@require_POST
@shows_refusals(back_to=_job_back)
def job_worklog(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _form_action(
        request,
        pk,
        WorkLogForm,
        "worklog_form",
        lambda job, user, data: job_services.worklog_create(job=job, actor=user, **data),
        _("Your hours are logged."),
    )


@login_required
@require_POST
@shows_refusals(back_to=_job_back)
def job_wipe(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _form_action(
        request,
        pk,
        DataWipeForm,
        "wipe_form",
        lambda job, user, data: job_services.datawipe_create(job=job, actor=user, **data),
        _("The data wipe is recorded."),
    )


@login_required
@require_POST
@shows_refusals(back_to=_job_back)
def job_no_storage(request: HttpRequest, pk: int) -> HttpResponseBase:
    job, _workshops = _job_for_member(request, pk)
    job_services.job_mark_no_storage(job=job, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Recorded that the item has no storage."))
    return redirect("frontend:workshop_job", pk=pk)


@login_required
@require_POST
@shows_refusals(back_to=_job_back)
def job_complete(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _form_action(
        request,
        pk,
        CompleteForm,
        "complete_form",
        lambda job, user, data: job_services.job_complete(job=job, actor=user, **data),
        _("The job is completed."),
    )


@login_required
@require_POST
@shows_refusals(back_to=_job_back)
def job_publish(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _form_action(
        request,
        pk,
        PublishForm,
        "publish_form",
        lambda job, user, data: job_services.job_publish(job=job, actor=user, **data),
        _("The item is saved as a draft. Add photos of it below, then put it on sale."),
    )


@login_required
@require_POST
@shows_refusals(back_to=_job_back)
def job_photo(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Add a photo to the listing published from this job, through the photo upload service."""

    def upload(job: RepairJob, user: User, data: dict[str, Any]) -> list[Photo]:
        listing = Listing.objects.filter(source_job=job).first()
        if listing is None:
            raise InvalidInput(_("Publish the item before adding photos."))
        # Several at once, all or none (`listings.photos.photos_upload_many`).
        files: list[Any] = list(request.FILES.getlist("file"))
        return photos.photos_upload_many(listing_id=listing.pk, user=user, files=files)

    return _form_action(
        request, pk, PhotoForm, "photo_form", upload, _("The photos are uploaded and are being prepared.")
    )


@login_required
@require_POST
@shows_refusals(back_to=_job_back)
def job_on_sale(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Put the workshop draft made from this job on sale (`listings.services.listing_publish`, which refuses it
    while it has no ready photo: `listings.selectors.listing_may_go_on_sale`; the refusal shows above the page)."""
    job, _workshops = _job_for_member(request, pk)
    listing = Listing.objects.filter(source_job=job).first()
    if listing is None:
        raise InvalidInput(_("Publish the item before putting it on sale."))
    listing_services.listing_publish(listing=listing, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("The item is on sale."))
    return redirect(reverse("frontend:workshop_job", kwargs={"pk": pk}) + "#published-heading")


# --- The owner's settings -----------------------------------------------------------------------------------


def _leaf_choices() -> list[tuple[str, str]]:
    return [(c.slug, c.name) for c in category_tree() if c.lca_key]


@login_required
@require_http_methods(["GET", "POST"])
@shows_refusals()
def workshop_manage(request: HttpRequest, slug: str) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]
    workshop = account_selectors.member_workshop(user=user, slug=slug)
    if workshop is None:
        raise Http404
    if not is_owner(user=user, workshop=workshop):
        raise PermissionDenied(_("Only an owner of the workshop may change it."))
    current = list(workshop.categories.values_list("slug", flat=True))
    member_form = MemberAddForm()
    categories_form = CategoriesForm(initial={"categories": current}, choices=_leaf_choices())
    practical_form = WorkshopPracticalForm(
        initial={"opening_hours": workshop.opening_hours, "dropoff_instructions": workshop.dropoff_instructions}
    )
    status = 200
    if request.method == "POST" and request.POST.get("form") == "member":
        member_form = MemberAddForm(request.POST)
        if (wait := throttle_request(request, scope="invite", ident=f"user:{user.pk}")) is not None:
            return too_many_requests(request, wait)
        if member_form.is_valid():
            with refusals_on(member_form, others_on="email"):  # not verified, already a member, mail not sent…
                sent = invitations.workshop_invite(workshop=workshop, actor=user, **member_form.cleaned_data)
                messages.success(
                    request,
                    _("An invitation is on its way to %(email)s. They join when they accept it.")
                    % {"email": sent.invitation.email},
                )
                return redirect("frontend:workshop_manage", slug=slug)
        status = 400
    elif request.method == "POST" and request.POST.get("form") == "categories":
        categories_form = CategoriesForm(request.POST, choices=_leaf_choices())
        if categories_form.is_valid():
            with refusals_on(categories_form):
                account_services.workshop_update(
                    workshop=workshop,
                    actor=user,
                    categories=category_leaves_named(categories_form.cleaned_data["categories"]),
                )
                messages.success(request, _("The categories are saved."))
                return redirect("frontend:workshop_manage", slug=slug)
        status = 400
    elif request.method == "POST" and request.POST.get("form") == "practical":
        practical_form = WorkshopPracticalForm(request.POST)
        if practical_form.is_valid():
            with refusals_on(practical_form):
                account_services.workshop_update(workshop=workshop, actor=user, **practical_form.cleaned_data)
                messages.success(request, _("The opening hours and drop-off instructions are saved."))
                return redirect("frontend:workshop_manage", slug=slug)
        status = 400
    elif request.method == "POST":
        status = 400
    context = {
        "workshop": workshop,
        "members": list(workshop.memberships.select_related("user").order_by("user__display_name")),
        "invitations": list(account_selectors.workshop_open_invitations(workshop=workshop)),
        "member_form": member_form,
        "categories_form": categories_form,
        "practical_form": practical_form,
    }
    return render(request, "frontend/workshop/manage.html", context, status=status)


# --- Applying as a workshop -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@shows_refusals()
def workshop_apply(request: HttpRequest) -> HttpResponseBase:
    """Anyone logged in may apply to register a workshop: it is created unverified with them as its owner, and the
    moderators are told (`accounts.signals.workshop_applied`). The page lists their applications still waiting."""
    user: User = request.user  # type: ignore[assignment]
    form = WorkshopApplyForm(request.POST or None, choices=_leaf_choices())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusals_on(form):
            workshop = account_services.workshop_create(
                owner=user,
                name=data["name"],
                cvr=data["cvr"],
                address=data["address"],
                description=data["description"],
                categories=category_leaves_named(data["categories"]),
            )
            messages.success(
                request,
                _("Thank you. %(name)s is registered and waits for a moderator.") % {"name": workshop.name},
            )
            return redirect("frontend:workshop_apply")
    context = {"form": form, "pending": account_selectors.user_pending_workshops(user=user)}
    return render(request, "frontend/workshop/apply.html", context, status=400 if form.errors else 200)
