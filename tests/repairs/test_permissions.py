"""Permission matrix: every job action × {owner resident (donor), other resident, member of the claiming
workshop, member of another verified workshop, member of an unverified workshop, anonymous}."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from listings.models import Listing
from marketplace.models import Message
from repairs import returns, services
from repairs.models import JobStatus, RepairJob
from tests import factories
from tests.helpers import client_for
from tests.repairs.helpers import make_job, url

pytestmark = pytest.mark.django_db

PERSONAS = ["donor", "other_resident", "claiming_member", "other_verified_member", "unverified_member", "anonymous"]


def _wipe(job: RepairJob, actor) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    services.datawipe_create(
        job=job, actor=actor, serial_number="SN1", model="SSD", size_gb=Decimal(128), nist_level="purge",
        technique="nvme_sanitize", tool="nvme-cli 2.8", verified=True, result="success",
        started_at=now - timedelta(minutes=30), finished_at=now,
    )  # fmt: skip


def build(state: str):  # type: ignore[no-untyped-def]
    """The people, and a laptop job in `state` held (if not open) by the claiming workshop."""
    claiming = factories.MembershipFactory(workshop__categories=["laptop"])
    other = factories.MembershipFactory(workshop__categories=["laptop"])
    unverified = factories.MembershipFactory(workshop__categories=["laptop"], workshop__verified=False)
    returning = state.startswith("ret_")
    job = make_job("laptop", mode="return" if returning else "donate")
    people = {
        "donor": job.listing.seller,
        "other_resident": factories.UserFactory(),
        "claiming_member": claiming.user,
        "other_verified_member": other.user,
        "unverified_member": unverified.user,
    }
    member = claiming.user
    if returning:
        _return_state(job, state, member, claiming.workshop)
        job.refresh_from_db()
        return job, people, {"claiming_member": claiming.workshop, "other_verified_member": other.workshop}
    if state != "open":
        services.job_claim(job=job, workshop=claiming.workshop, actor=member)
    if state in ("in_progress", "completed"):
        services.job_start(job=job, actor=member)
    if state == "completed":
        _wipe(job, member)
        services.job_complete(job=job, actor=member, outcome="fixed")
    job.refresh_from_db()
    workshops = {"claiming_member": claiming.workshop, "other_verified_member": other.workshop}
    workshops["unverified_member"] = unverified.workshop
    return job, people, workshops


def _return_state(job: RepairJob, state: str, member, workshop) -> None:  # type: ignore[no-untyped-def]
    """A "repair and hand back" job: claimed (ret_claimed), quoted, accepted, or completed after receipt."""
    services.job_claim(job=job, workshop=workshop, actor=member)
    if state == "ret_claimed":
        return
    returns.job_quote(job=job, actor=member, price_dkk="450", estimate_days=4)
    if state == "ret_quoted":
        return
    returns.job_quote_accept(job=job, actor=job.listing.seller)
    if state == "ret_accepted":
        return
    returns.job_receive(job=job, actor=member)
    services.job_start(job=job, actor=member)
    services.job_mark_no_storage(job=job, actor=member)
    services.job_complete(job=job, actor=member, outcome="fixed")


def client(persona: str, people) -> APIClient:  # type: ignore[no-untyped-def]
    return APIClient() if persona == "anonymous" else client_for(people[persona])


TODAY = timezone.localdate


# action: (state, method, path, body, expected per persona). 404 = may not even see the job.
SEEN_BY_HOLDER = {
    "donor": 403,
    "other_resident": 404,
    "other_verified_member": 404,
    "unverified_member": 404,
    "anonymous": 401,
}
MATRIX = {
    "claim": (
        "open",  # (a claimed job answers other verified workshops of the category 409: see test_lifecycle)
        "post",
        "claim",
        None,  # body built per persona: the persona's own workshop, or the claiming one for non-members
        {**SEEN_BY_HOLDER, "claiming_member": 200, "other_verified_member": 200},
    ),
    "release": ("claimed", "post", "release", {"reason": "Ingen dele"}, {**SEEN_BY_HOLDER, "claiming_member": 200}),
    "start": ("claimed", "post", "start", {}, {**SEEN_BY_HOLDER, "claiming_member": 200}),
    "work_log": (
        "in_progress",
        "post",
        "work-logs",
        {"hours": "1.5", "date": "TODAY"},
        {**SEEN_BY_HOLDER, "claiming_member": 201},
    ),
    "data_wipe": (
        "in_progress",
        "post",
        "data-wipes",
        {
            "serial_number": "X1",
            "model": "HDD",
            "size_gb": "500",
            "nist_level": "clear",
            "technique": "overwrite_verify",
            "tool": "nwipe 0.34",
            "verified": True,
            "result": "success",
            "started_at": "2024-01-01T10:00:00+01:00",
            "finished_at": "2024-01-01T12:00:00+01:00",
        },
        {**SEEN_BY_HOLDER, "claiming_member": 201},
    ),
    "no_storage": ("in_progress", "post", "no-storage", {}, {**SEEN_BY_HOLDER, "claiming_member": 200}),
    "complete": (
        "in_progress",
        "post",
        "complete",
        {"outcome": "end_of_life", "barrier": "lack_of_equipment"},
        {**SEEN_BY_HOLDER, "claiming_member": 200},
    ),
    "publish": (
        "completed",
        "post",
        "publish",
        {"title": "Istandsat bærbar", "description": "Ny SSD", "price_dkk": "900", "condition": "good"},
        {**SEEN_BY_HOLDER, "claiming_member": 201},
    ),
    "detail_open": (
        "open",
        "get",
        "",
        None,
        {**SEEN_BY_HOLDER, "donor": 200, "claiming_member": 200, "other_verified_member": 200},
    ),
    "detail_claimed": ("claimed", "get", "", None, {**SEEN_BY_HOLDER, "donor": 200, "claiming_member": 200}),
    "certificate": ("completed", "get", "certificate", None, {**SEEN_BY_HOLDER, "donor": 200, "claiming_member": 200}),
    # Repair and hand back: the claiming workshop quotes, receives and hands back; only the donor answers.
    "quote": (
        "ret_claimed",
        "post",
        "quote",
        {"price_dkk": "450", "estimate_days": 3},
        {**SEEN_BY_HOLDER, "claiming_member": 200},
    ),
    "quote_accept": (
        "ret_quoted",
        "post",
        "quote/accept",
        {},
        {**SEEN_BY_HOLDER, "donor": 200, "claiming_member": 403},
    ),
    "quote_decline": (
        "ret_quoted",
        "post",
        "quote/decline",
        {},
        {**SEEN_BY_HOLDER, "donor": 200, "claiming_member": 403},
    ),
    "received": ("ret_accepted", "post", "received", {}, {**SEEN_BY_HOLDER, "claiming_member": 200}),
    "handed_back": (
        "ret_completed",
        "post",
        "handed-back",
        {"paid_dkk": "450"},
        {**SEEN_BY_HOLDER, "claiming_member": 200},
    ),
    # The donor and the workshop that holds the job talk (`marketplace.selectors.job_talk_allowed`).
    "messages_read": ("claimed", "get", "messages", None, {**SEEN_BY_HOLDER, "donor": 200, "claiming_member": 200}),
    "messages_write": (
        "in_progress",
        "post",
        "messages",
        {"body": "Hvornår kan I hente den?"},
        {**SEEN_BY_HOLDER, "donor": 201, "claiming_member": 201},
    ),
    "messages_write_completed": (
        "completed",
        "post",
        "messages",
        {"body": "Tak for reparationen!"},
        {**SEEN_BY_HOLDER, "donor": 201, "claiming_member": 201},
    ),
    # On the board nobody holds the job: the donor reads an empty conversation and may not write yet (409); the
    # workshops that see it on their board may do neither (403).
    "messages_read_open": (
        "open",
        "get",
        "messages",
        None,
        {**SEEN_BY_HOLDER, "donor": 200, "claiming_member": 403, "other_verified_member": 403},
    ),
    "messages_write_open": (
        "open",
        "post",
        "messages",
        {"body": "Hej"},
        {**SEEN_BY_HOLDER, "donor": 409, "claiming_member": 403, "other_verified_member": 403},
    ),
    # The PDF: the same people as the HTML certificate; 409 to them while nothing is recorded to certify.
    "certificate_pdf": (
        "completed",
        "get",
        "certificate.pdf",
        None,
        {**SEEN_BY_HOLDER, "donor": 200, "claiming_member": 200},
    ),
    "certificate_pdf_not_ready": (
        "in_progress",
        "get",
        "certificate.pdf",
        None,
        {**SEEN_BY_HOLDER, "donor": 409, "claiming_member": 409},
    ),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", list(MATRIX))
def test_permission_matrix(action, persona):
    state, method, path, body, expected = MATRIX[action]
    job, people, workshops = build(state)
    if action == "claim":
        body = {"workshop": workshops.get(persona, workshops["claiming_member"]).slug}
    if body and body.get("date") == "TODAY":
        body = {**body, "date": TODAY().isoformat()}
    before = RepairJob.objects.get(pk=job.pk)
    target = url(job) + path if path.endswith(".pdf") else url(job, path)
    response = getattr(client(persona, people), method)(target, body or {}, format="json")
    assert response.status_code == expected[persona], (action, persona, response.content[:300])
    if response.status_code == 200 and path.endswith(".pdf"):
        assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF-")
    after = RepairJob.objects.get(pk=job.pk)
    if response.status_code >= 400:
        assert response["Content-Type"] == "application/problem+json"
        # Refused requests change nothing.
        assert (after.status, after.workshop_id, after.no_storage) == (
            before.status,
            before.workshop_id,
            before.no_storage,
        )
        assert (after.quote_status, after.quote_price_dkk, after.received_at, after.handed_back_at) == (
            before.quote_status,
            before.quote_price_dkk,
            before.received_at,
            before.handed_back_at,
        )
        assert after.work_logs.count() == before.work_logs.count()
        assert not Message.objects.exists()
        assert after.data_wipes.count() == (1 if state == "completed" else 0)
        assert after.events.count() == before.events.count()
        assert not Listing.objects.filter(source_job=job).exists()


def test_unverified_workshop_members_cannot_claim_even_a_job_they_can_see_as_donor():
    """A donor who is also in an unverified workshop sees their own job but still may not claim it."""
    job, people, workshops = build("open")
    factories.MembershipFactory(user=people["donor"], workshop=workshops["unverified_member"], role="staff")
    response = client_for(people["donor"]).post(
        url(job, "claim"), {"workshop": workshops["unverified_member"].slug}, format="json"
    )
    assert response.status_code == 403
    assert RepairJob.objects.get(pk=job.pk).status == JobStatus.OPEN
