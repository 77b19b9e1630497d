"""Reads for donation batches. `batches_visible_to` is the one rule for who sees a batch and its chain of custody
(docs/rules.md): the donating organisation's members, the members of the workshop that accepted it, and
moderators; an offered batch also to the members of verified workshops that handle its categories (to accept it).
Never the public."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from accounts.organisations import organisation_ids_of
from accounts.selectors import workshop_ids_of
from core.errors import NotFound
from listings.models import Category, Listing
from repairs.models import JobStatus, NistLevel, WipeResult

from .errors import BatchNotFound, BatchWrongStatus
from .models import BatchKind, BatchStatus, CustodyStep, Device, DonationBatch, MaterialLot


def _signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def batches_visible_to(*, user: Any, to_accept: bool = False) -> QuerySet[DonationBatch]:
    """Who sees a batch (list, detail, custody, certificate, every action's 404). `to_accept` adds the batches that
    were offered to the user's workshops and are taken since, so a workshop that lost the race hears 409 "already
    accepted" rather than 404."""
    batches = DonationBatch.objects.select_related("organisation", "workshop")
    if not _signed_in(user):
        return batches.none()
    if user.is_staff:
        return batches
    handled = Category.objects.filter(workshops__pk__in=workshop_ids_of(user=user, verified_only=True)).values("pk")
    # Materials are offered to every verified workshop; devices to those that handle one of their categories.
    in_a_verified_workshop = workshop_ids_of(user=user, verified_only=True).exists()
    materials = Q(kind=BatchKind.MATERIALS) if in_a_verified_workshop else Q(pk__in=[])
    offered_to_me = (Q() if to_accept else Q(status=BatchStatus.OFFERED)) & (
        materials | Exists(Device.objects.filter(batch=OuterRef("pk"), category_id__in=handled))
    )
    return batches.filter(
        Q(organisation_id__in=organisation_ids_of(user=user))
        | Q(workshop_id__in=workshop_ids_of(user=user))
        | offered_to_me
    )


def batch_get(*, user: Any, batch_id: int, to_accept: bool = False) -> DonationBatch:
    batch = batches_visible_to(user=user, to_accept=to_accept).filter(pk=batch_id).first()
    if batch is None:
        raise BatchNotFound()
    return batch


def batch_custody_visible(*, user: Any, batch: DonationBatch) -> bool:
    """The chain of custody: the organisation's members, the accepting workshop's members, moderators."""
    if not _signed_in(user):
        return False
    if user.is_staff:
        return True
    return bool(
        organisation_ids_of(user=user).filter(organisation_id=batch.organisation_id).exists()
        or (batch.workshop_id and workshop_ids_of(user=user).filter(workshop_id=batch.workshop_id).exists())
    )


def user_is_batch_organisation_member(*, user: Any, batch: DonationBatch) -> bool:
    return _signed_in(user) and organisation_ids_of(user=user).filter(organisation_id=batch.organisation_id).exists()


def batch_custody(*, batch: DonationBatch) -> QuerySet[CustodyStep]:
    return batch.custody.select_related("actor", "workshop")


def batch_processed(*, batch: DonationBatch) -> bool:
    """Derived: received, and every device's job completed (or, for materials, every lot used)."""
    if batch.status != BatchStatus.RECEIVED:
        return False
    if batch.kind == BatchKind.MATERIALS:
        return not batch.lots.filter(used_at__isnull=True).exists() and batch.lots.exists()
    devices = batch.devices.all()
    return devices.exists() and not devices.exclude(job__status=JobStatus.COMPLETED).exists()


def batch_by_code(*, code: str) -> DonationBatch | None:
    """The batch whose certificate carries `code` (an accepted one), or None."""
    if not code or len(code) > 32:
        return None
    return (
        DonationBatch.objects.select_related("organisation", "workshop")
        .exclude(status=BatchStatus.OFFERED)
        .filter(certificate_code=code)
        .first()
    )


@dataclass(frozen=True)
class CertificateRow:
    serial_number: str
    model: str
    category: str
    state: str  # "wiped", "no_storage", "destroyed", "pending"
    nist_level: str = ""
    technique: str = ""
    tool: str = ""
    verified: bool = False
    operator: str = ""
    date: datetime | None = None


@dataclass(frozen=True)
class Certificate:
    batch: DonationBatch
    rows: list[CertificateRow]
    totals: dict[str, int]


def batch_certificate(*, batch: DonationBatch) -> Certificate:
    """Every device of the batch with what happened to its data: the wipes recorded by the accepting workshop on
    the device's job, or "no storage", or "destroyed" (NIST Destroy), or still pending."""
    devices = batch.devices.select_related("category", "job").prefetch_related("job__data_wipes__operator")
    rows: list[CertificateRow] = []
    for device in devices:
        job = device.job
        wipes = [w for w in (job.data_wipes.all() if job else []) if w.workshop_id == batch.workshop_id]
        done = [w for w in wipes if w.result == WipeResult.SUCCESS]
        if not device.has_storage or (job is not None and job.no_storage and not done):
            rows.append(CertificateRow(device.serial_number, device.model, device.category.name, "no_storage"))
            continue
        if not done:
            rows.append(CertificateRow(device.serial_number, device.model, device.category.name, "pending"))
            continue
        wipe = done[-1]
        state = "destroyed" if wipe.nist_level == NistLevel.DESTROY else "wiped"
        rows.append(
            CertificateRow(
                device.serial_number,
                device.model,
                device.category.name,
                state,
                nist_level=wipe.nist_level,
                technique=wipe.technique,
                tool=wipe.tool,
                verified=wipe.verified,
                operator=wipe.operator.display_name if wipe.operator else "",
                date=wipe.finished_at,
            )
        )
    totals = {"devices": len(rows)}
    for state in ("wiped", "no_storage", "destroyed", "pending"):
        totals[state] = sum(1 for r in rows if r.state == state)
    return Certificate(batch=batch, rows=rows, totals=totals)


def used_lot_kg(*, workshop_id: int | None = None) -> Decimal:
    """kg of organisations' material lots made into products (counted in the impact figures)."""
    lots = MaterialLot.objects.filter(used_at__isnull=False)
    if workshop_id is not None:
        lots = lots.filter(batch__workshop_id=workshop_id)
    return lots.aggregate(kg=Sum("kg"))["kg"] or Decimal(0)


# The attribute `material_lot_annotation` puts on a listing: the lot it was made from, or None.
_MATERIAL_LOT = "material_lot_id"


def material_lot_annotation() -> dict[str, Any]:
    """For `listing_material_origin`, read in the listing's own query (`listings.selectors.listing_get(annotate=)`):
    the lot the listing was made from (its first, as `.first()` would take it), or None. Most listings have none;
    then their page asks nothing more."""
    links = MaterialLot.listings.through.objects.filter(listing_id=OuterRef("pk")).order_by("materiallot_id")
    return {_MATERIAL_LOT: Subquery(links.values("materiallot_id")[:1])}


def listing_material_origin(*, listing: Listing) -> dict[str, Any] | None:
    """For a product made from an organisation's material lot: the material, and the organisation's name only if
    it agreed to be named. None for other listings."""
    lots = MaterialLot.objects.select_related("batch__organisation")
    if hasattr(listing, _MATERIAL_LOT):  # read with the listing (`material_lot_annotation`)
        lot_id = getattr(listing, _MATERIAL_LOT)
        lot = None if lot_id is None else lots.filter(pk=lot_id).first()
    else:
        lot = lots.filter(listings=listing).first()
    if lot is None:
        return None
    organisation: Organisation = lot.batch.organisation
    return {
        "material": lot.kind,
        "material_label": str(lot.get_kind_display()),
        "organisation": organisation.name if organisation.may_be_named else None,
    }


def batch_certificate_for(*, user: Any, batch: DonationBatch) -> Certificate:
    """The certificate, for those who see the chain of custody (else 404), once a workshop accepted the batch."""
    if not batch_custody_visible(user=user, batch=batch):
        raise BatchNotFound()
    if batch.workshop_id is None:
        raise BatchWrongStatus(_("A batch has a certificate once a workshop has accepted it."))
    return batch_certificate(batch=batch)


def batch_lot(*, batch: DonationBatch, lot_id: int) -> MaterialLot:
    lot = batch.lots.filter(pk=lot_id).first()
    if lot is None:
        raise NotFound(_("This batch has no such lot."), code="lot_not_found")
    return lot


def own_listing(*, user: Any, listing_id: int) -> Listing:
    """One of the user's own listings (a product made from a lot), or 404."""
    listing = Listing.objects.filter(pk=listing_id, seller_id=getattr(user, "pk", None)).first()
    if listing is None:
        raise NotFound(_("Listing not found."), code="listing_not_found")
    return listing
