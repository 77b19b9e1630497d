"""Organisation and donation-batch pages (issue 13), thin like `api/organisations.py` and `api/donations.py`: the
same selectors decide who sees what (404 otherwise), the same services do the work. `/verify/<code>/` is public."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import organisations as orgs
from accounts.models import OrganisationKind, Role
from accounts.selectors import user_verified_workshops
from core.errors import DomainError, InvalidInput
from core.throttle import throttle_request
from donations import selectors, services
from donations.certificate import certificate_filename, certificate_pdf
from donations.models import BatchKind, BatchStatus, MaterialKind

from .refusals import shows_refusals
from .throttling import too_many_requests


def _problem(request: HttpRequest, exc: DomainError) -> None:
    if isinstance(exc, InvalidInput) and exc.errors:
        for field, problems in list(exc.errors.items())[:50]:
            for problem in problems:
                messages.error(request, f"{field}: {problem}" if field.startswith(("row", "lot")) else str(problem))
    else:
        messages.error(request, str(exc.detail))


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: is this batch certificate genuine? Batch, workshop, device count, date — no personal data."""
    wait = throttle_request(request, scope="verify")
    if wait is not None:
        return too_many_requests(request, wait)
    batch = selectors.batch_by_code(code=code)
    if batch is None:
        raise Http404(_("No certificate has this verification code."))
    return render(
        request,
        "frontend/donations/verify.html",
        {"batch": batch, "device_count": batch.devices.count(), "workshop": batch.workshop},
    )


# --- Organisations ------------------------------------------------------------------------------------------------


@login_required
@shows_refusals()
@require_http_methods(["GET", "POST"])
def organisation_new(request: HttpRequest) -> HttpResponse:
    values: dict[str, Any] = {"kind": OrganisationKind.COMPANY}
    errors: dict[str, list[Any]] = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in ("name", "cvr", "address", "kind")}
        try:
            organisation = orgs.organisation_create(
                owner=request.user,  # type: ignore[arg-type]
                may_be_named=request.POST.get("may_be_named") == "on",
                **values,
            )
        except InvalidInput as exc:
            errors = {k: [str(m) for m in v] for k, v in exc.errors.items()}
        else:
            messages.success(request, _("The organisation is registered. A moderator verifies it shortly."))
            return redirect("frontend:organisation", slug=organisation.slug)
    return render(
        request,
        "frontend/donations/organisation_new.html",
        {"values": values, "errors": errors, "kinds": OrganisationKind.choices},
        status=400 if errors else 200,
    )


@login_required
@shows_refusals()
@require_GET
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = orgs.organisation_get(user=request.user, slug=slug)
    is_owner = orgs.organisation_ids_of(user=request.user, owner=True).filter(organisation_id=organisation.pk).exists()
    return render(
        request,
        "frontend/donations/organisation.html",
        {
            "organisation": organisation,
            "members": orgs.organisation_members(organisation=organisation),
            "is_owner": is_owner,
            "is_member": orgs.is_organisation_member(user=request.user, organisation=organisation),
            "batches": organisation.batches.select_related("workshop"),
            "kinds": BatchKind.choices,
            "materials": MaterialKind.choices,
            "roles": Role.choices,
        },
    )


@login_required
@shows_refusals()
@require_POST
def organisation_invite(request: HttpRequest, slug: str) -> HttpResponse:
    wait = throttle_request(request, scope="invite")
    if wait is not None:
        return too_many_requests(request, wait)
    organisation = orgs.organisation_get(user=request.user, slug=slug)
    try:
        orgs.organisation_invite(
            organisation=organisation,
            actor=request.user,  # type: ignore[arg-type]
            email=request.POST.get("email", "")[:254],
            role=Role.OWNER if request.POST.get("role") == Role.OWNER else Role.STAFF,
        )
    except DomainError as exc:
        _problem(request, exc)
    else:
        messages.success(request, _("The invitation has been sent."))
    return redirect("frontend:organisation", slug=slug)


@login_required
@shows_refusals()
@require_http_methods(["GET", "POST"])
def organisation_invitation(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST" and request.POST.get("action") == "decline":
        try:
            orgs.organisation_invitation_decline(token=token, user=request.user)  # type: ignore[arg-type]
        except DomainError as exc:
            _problem(request, exc)
        else:
            messages.success(request, _("You have declined the invitation."))
            return redirect("frontend:home")
    elif request.method == "POST":
        try:
            membership = orgs.organisation_invitation_accept(token=token, user=request.user)  # type: ignore[arg-type]
        except DomainError as exc:
            _problem(request, exc)
        else:
            messages.success(request, _("You are now a member of %(name)s.") % {"name": membership.organisation.name})
            return redirect("frontend:organisation", slug=membership.organisation.slug)
    return render(request, "frontend/donations/organisation_invitation.html", {"token": token})


# --- Batches ------------------------------------------------------------------------------------------------------


def _device_lines(text: str) -> list[dict[str, Any]]:
    """The form's device list: one device a line, "serial; model; category; storage (ja/nej)"."""
    rows = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("\t", ";").split(";")]
        parts += [""] * (4 - len(parts))
        rows.append(
            {"serial_number": parts[0], "model": parts[1], "category": parts[2], "has_storage": parts[3] or "ja"}
        )
    return rows


@login_required
@shows_refusals()
@require_POST
def batch_new(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = orgs.organisation_get(user=request.user, slug=slug)
    kind = request.POST.get("kind", "")
    lots = []
    if kind == BatchKind.MATERIALS:
        lots = [{"kind": request.POST.get("material", ""), "kg": request.POST.get("kg", ""), "description": ""}]
    try:
        batch = services.batch_create(
            organisation=organisation,
            actor=request.user,  # type: ignore[arg-type]
            kind=kind,
            title=request.POST.get("title", "")[:120],
            note=request.POST.get("note", "")[:2000],
            devices=_device_lines(request.POST.get("devices", "")[:200_000]),
            lots=lots,
        )
    except DomainError as exc:
        _problem(request, exc)
        return redirect("frontend:organisation", slug=slug)
    messages.success(request, _("The batch is offered to the workshops."))
    return redirect("frontend:batch", pk=batch.pk)


@login_required
@shows_refusals()
@require_GET
def batch_list(request: HttpRequest) -> HttpResponse:
    batches = list(selectors.batches_visible_to(user=request.user))
    workshops = list(user_verified_workshops(user=request.user))
    return render(
        request,
        "frontend/donations/batch_list.html",
        {
            "offered": [b for b in batches if b.status == BatchStatus.OFFERED],
            "others": [b for b in batches if b.status != BatchStatus.OFFERED],
            "organisations": orgs.organisations_visible_to(user=request.user).filter(
                pk__in=orgs.organisation_ids_of(user=request.user)
            ),
            "workshops": workshops,
        },
    )


@login_required
@shows_refusals()
@require_GET
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get(user=request.user, batch_id=pk)
    party = selectors.batch_custody_visible(user=request.user, batch=batch)
    org_member = selectors.user_is_batch_organisation_member(user=request.user, batch=batch)
    workshops = list(user_verified_workshops(user=request.user)) if batch.status == BatchStatus.OFFERED else []
    holds = bool(
        batch.workshop_id and any(w.pk == batch.workshop_id for w in user_verified_workshops(user=request.user))
    )
    return render(
        request,
        "frontend/donations/batch.html",
        {
            "batch": batch,
            "devices": batch.devices.select_related("category", "job"),
            "lots": batch.lots.all(),
            "custody": selectors.batch_custody(batch=batch) if party else None,
            "party": party,
            "processed": selectors.batch_processed(batch=batch),
            "can_upload": org_member and batch.status == BatchStatus.OFFERED and batch.kind == BatchKind.DEVICES,
            "accept_workshops": workshops,
            "holds": holds,
        },
    )


def _act(request: HttpRequest, pk: int, action: Any, success: str, *, to_accept: bool = False) -> HttpResponse:
    batch = selectors.batch_get(user=request.user, batch_id=pk, to_accept=to_accept)
    try:
        action(batch)
    except DomainError as exc:
        _problem(request, exc)
    else:
        messages.success(request, success)
    return redirect("frontend:batch", pk=pk)


@login_required
@shows_refusals()
@require_POST
def batch_csv(request: HttpRequest, pk: int) -> HttpResponse:
    upload = request.FILES.get("file")
    raw = upload.read(5_000_000) if upload else b""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        messages.error(request, _("The file must be UTF-8 text."))
        return redirect("frontend:batch", pk=pk)
    return _act(
        request,
        pk,
        lambda b: services.batch_add_devices_csv(batch=b, actor=request.user, text=text),  # type: ignore[arg-type]
        _("The devices were added."),
    )


@login_required
@shows_refusals()
@require_POST
def batch_accept(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = user_verified_workshops(user=request.user).filter(slug=request.POST.get("workshop", "")).first()
    if workshop is None:
        raise Http404
    return _act(
        request,
        pk,
        lambda b: services.batch_accept(batch=b, workshop=workshop, actor=request.user),  # type: ignore[arg-type]
        _("Your workshop accepted the batch. A repair job was created for each device."),
        to_accept=True,
    )


@login_required
@shows_refusals()
@require_POST
def batch_collected(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda b: services.batch_collected(
            batch=b,
            actor=request.user,  # type: ignore[arg-type]
            collected_by=request.POST.get("collected_by", "")[:120],
            signed_for_by=request.POST.get("signed_for_by", "")[:120],
        ),
        _("The collection is recorded."),
    )


@login_required
@shows_refusals()
@require_POST
def batch_received(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda b: services.batch_received(batch=b, actor=request.user),  # type: ignore[arg-type]
        _("The receipt is recorded."),
    )


@login_required
@shows_refusals()
@require_GET
def batch_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get(user=request.user, batch_id=pk)
    try:
        certificate = selectors.batch_certificate_for(user=request.user, batch=batch)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from exc
        _problem(request, exc)
        return redirect("frontend:batch", pk=pk)
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate_filename(batch)}"'
    return response
