"""Writes for donation batches: offering (devices as a list or a CSV of hundreds of rows, or lots of materials),
accepting (exactly one workshop wins; one repair job per device, in the same transaction), collection and receipt,
and using a material lot for a product. Every step of the chain of custody is a `CustodyStep` with who and when."""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User, Workshop
from accounts.organisations import is_organisation_member, organisation_members
from accounts.selectors import is_member
from core.csv import cell_value
from core.errors import InvalidInput, NotAllowed
from listings.models import Category, Listing
from notifications.services import notification_send
from notifications.texts import text
from repairs.services import job_create_held

from .errors import BatchAlreadyAccepted, BatchWrongStatus, NotBatchParty, OrganisationNotVerifiedForBatch
from .models import BatchKind, BatchStatus, CustodyStep, Device, DonationBatch, MaterialKind, MaterialLot

MAX_DEVICES = 2000
CSV_COLUMNS = ("serial_number", "model", "category", "has_storage")
_TRUE = {"1", "true", "yes", "ja", "y", "j", "x"}
_FALSE = {"0", "false", "no", "nej", "n", ""}


def _require_org_member(*, organisation: Organisation, actor: User) -> None:
    if not is_organisation_member(user=actor, organisation=organisation):
        raise NotBatchParty(_("Only members of the organisation may do that."))
    if not organisation.verified:
        raise OrganisationNotVerifiedForBatch()


def _categories() -> dict[str, Category]:
    """Leaf categories by slug and by their name (lower case)."""
    found: dict[str, Category] = {}
    for category in Category.objects.exclude(lca_key=""):
        found[category.slug.lower()] = category
        found.setdefault(str(category.name).strip().lower(), category)
    return found


def _device_rows(rows: Iterable[Mapping[str, Any]], *, first_row: int = 1) -> list[Device]:
    """Validate device rows (serial_number, model, category, has_storage); every bad row is reported, by number."""
    categories = _categories()
    devices: list[Device] = []
    errors: dict[str, list[Any]] = {}
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=first_row):
        problems: list[Any] = []
        if not isinstance(row, Mapping):
            errors[f"row {number}"] = [gettext("Each device needs serial_number, model and category.")]
            continue
        serial = str(row.get("serial_number") or "").strip()
        model = str(row.get("model") or "").strip()
        category_name = str(row.get("category") or "").strip().lower()
        storage = row.get("has_storage", True)
        if not serial:
            problems.append(gettext("The serial number is missing."))
        elif len(serial) > 100:
            problems.append(gettext("The serial number is longer than 100 characters."))
        elif serial.lower() in seen:
            problems.append(
                gettext("The serial number %(serial)s is also on row %(row)s.")
                % {"serial": serial, "row": seen[serial.lower()]}
            )
        if not model:
            problems.append(gettext("The model is missing."))
        elif len(model) > 100:
            problems.append(gettext("The model is longer than 100 characters."))
        category = categories.get(category_name)
        if category is None:
            problems.append(gettext("Unknown category “%(category)s”.") % {"category": category_name[:60]})
        if isinstance(storage, bool):
            has_storage = storage
        elif str(storage).strip().lower() in _TRUE:
            has_storage = True
        elif str(storage).strip().lower() in _FALSE:
            has_storage = False
        else:
            problems.append(gettext("has_storage must be yes or no (ja/nej)."))
            has_storage = True
        if problems:
            errors[f"row {number}"] = problems
            continue
        seen[serial.lower()] = number
        devices.append(Device(serial_number=serial, model=model, category=category, has_storage=has_storage))
    if errors:
        raise InvalidInput(
            gettext("%(count)s rows have errors; nothing was saved. Correct them and send the list again.")
            % {"count": len(errors)},
            errors=errors,
            code="invalid_rows",
        )
    return devices


def _lot_rows(rows: Iterable[Mapping[str, Any]]) -> list[MaterialLot]:
    lots: list[MaterialLot] = []
    errors: dict[str, list[Any]] = {}
    for number, row in enumerate(rows, start=1):
        problems: list[Any] = []
        kind = str(row.get("kind") or "") if isinstance(row, Mapping) else ""
        if kind not in MaterialKind.values:
            problems.append(gettext("Choose the material: textiles, wood or other."))
        try:
            kg = Decimal(str(row.get("kg"))) if isinstance(row, Mapping) else Decimal(0)
        except (InvalidOperation, ValueError):
            kg = Decimal(0)
        if not (Decimal("0.01") <= kg <= Decimal("1000000")) or kg.is_nan():
            problems.append(gettext("Give the weight in kg, more than 0."))
        description = str(row.get("description") or "")[:200] if isinstance(row, Mapping) else ""
        if problems:
            errors[f"lot {number}"] = problems
            continue
        lots.append(MaterialLot(kind=kind, kg=kg.quantize(Decimal("0.01")), description=description))
    if errors:
        raise InvalidInput(gettext("Please correct the errors below."), errors=errors, code="invalid_rows")
    return lots


def _step(batch: DonationBatch, step: str, actor: User, *, at: datetime | None = None, note: str = "") -> None:
    CustodyStep.objects.create(
        batch=batch, step=step, actor=actor, workshop=batch.workshop, at=at or timezone.now(), note=note[:300]
    )


@transaction.atomic
def batch_create(
    *,
    organisation: Organisation,
    actor: User,
    kind: str,
    title: str,
    note: str = "",
    devices: Sequence[Mapping[str, Any]] | None = None,
    lots: Sequence[Mapping[str, Any]] | None = None,
) -> DonationBatch:
    """A member of a verified organisation offers a batch: devices (may be added later by CSV) or material lots."""
    _require_org_member(organisation=organisation, actor=actor)
    if kind not in BatchKind.values:
        message = gettext("Choose devices or materials.")
        raise InvalidInput(message, errors={"kind": [message]})
    if not title.strip():
        message = gettext("Give the batch a title.")
        raise InvalidInput(message, errors={"title": [message]})
    device_rows = _device_rows(devices or []) if kind == BatchKind.DEVICES else []
    lot_rows = _lot_rows(lots or []) if kind == BatchKind.MATERIALS else []
    if kind == BatchKind.MATERIALS and not lot_rows:
        message = gettext("A batch of materials needs at least one lot.")
        raise InvalidInput(message, errors={"lots": [message]})
    if len(device_rows) > MAX_DEVICES:
        message = gettext("At most %(max)s devices per batch.") % {"max": MAX_DEVICES}
        raise InvalidInput(message, errors={"devices": [message]})
    batch = DonationBatch.objects.create(
        organisation=organisation,
        kind=kind,
        title=title.strip()[:120],
        note=note.strip(),
        created_by=actor,
        certificate_code=secrets.token_hex(16),
    )
    for device in device_rows:
        device.batch = batch
    Device.objects.bulk_create(device_rows)
    for lot in lot_rows:
        lot.batch = batch
    MaterialLot.objects.bulk_create(lot_rows)
    _step(batch, BatchStatus.OFFERED, actor)
    return batch


def _lock_offered_for_org(batch: DonationBatch, actor: User) -> DonationBatch:
    locked = DonationBatch.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=batch.pk)
    _require_org_member(organisation=locked.organisation, actor=actor)
    if locked.status != BatchStatus.OFFERED or locked.kind != BatchKind.DEVICES:
        raise BatchWrongStatus(_("Devices can only be added to a batch of IT equipment while it is offered."))
    return locked


@transaction.atomic
def batch_add_devices(*, batch: DonationBatch, actor: User, devices: Sequence[Mapping[str, Any]]) -> list[Device]:
    locked = _lock_offered_for_org(batch, actor)
    return _add(locked, _device_rows(devices))


def _add(batch: DonationBatch, rows: list[Device]) -> list[Device]:
    existing = {s.lower(): s for s in batch.devices.values_list("serial_number", flat=True)}
    clashes = sorted({d.serial_number for d in rows if d.serial_number.lower() in existing})
    if clashes:
        message = gettext("These serial numbers are already in the batch: %(serials)s.") % {
            "serials": ", ".join(clashes[:20])
        }
        raise InvalidInput(message, errors={"serial_number": [message]}, code="invalid_rows")
    if len(existing) + len(rows) > MAX_DEVICES:
        message = gettext("At most %(max)s devices per batch.") % {"max": MAX_DEVICES}
        raise InvalidInput(message, errors={"devices": [message]})
    for device in rows:
        device.batch = batch
    return Device.objects.bulk_create(rows)


@transaction.atomic
def batch_add_devices_csv(*, batch: DonationBatch, actor: User, text: str) -> list[Device]:
    """Devices from a CSV (header: serial_number,model,category,has_storage; comma or semicolon): all rows or none,
    with every bad row reported by its line number."""
    locked = _lock_offered_for_org(batch, actor)
    text = text.lstrip("\ufeff")
    try:
        dialect: Any = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [c for c in CSV_COLUMNS[:3] if c not in header]
    if missing:
        message = gettext("The first line must name the columns serial_number, model, category and has_storage.")
        raise InvalidInput(message, errors={"header": [message]}, code="invalid_csv")
    reader.fieldnames = header
    try:
        rows = [
            {k: cell_value(v.strip()) if isinstance(v, str) else v for k, v in row.items() if k}
            for row in reader
            if any((v or "").strip() for v in row.values() if isinstance(v, str))
        ]
    except csv.Error as exc:
        message = gettext("The file could not be read as CSV.")
        raise InvalidInput(message, errors={"file": [message]}, code="invalid_csv") from exc
    if not rows:
        message = gettext("The file has no devices.")
        raise InvalidInput(message, errors={"file": [message]}, code="invalid_csv")
    if len(rows) > MAX_DEVICES:
        message = gettext("At most %(max)s devices per batch.") % {"max": MAX_DEVICES}
        raise InvalidInput(message, errors={"file": [message]}, code="invalid_csv")
    # Line numbers as a spreadsheet shows them: the header is line 1.
    return _add(locked, _device_rows(rows, first_row=2))


def _notify_organisation(batch: DonationBatch, kind: str, title: Any, body: Any) -> None:
    for member in organisation_members(organisation=batch.organisation):
        with translation.override(member.language):
            values = {"batch": batch.title, "workshop": batch.workshop.name if batch.workshop else ""}
            notification_send(
                user=member,
                kind=kind,
                title=str(title) % values,
                body=str(body) % values,
                url=batch.get_absolute_url(),
                data={"batch": batch.pk},
                title_text=text(title, **values),
                body_text=text(body, **values),
            )


def _require_workshop_member(*, workshop: Workshop, actor: User) -> None:
    if not is_member(user=actor, workshop=workshop):
        raise NotAllowed(_("Only members of a verified workshop may accept a batch."), code="not_verified_member")


@transaction.atomic
def batch_accept(*, batch: DonationBatch, workshop: Workshop, actor: User) -> DonationBatch:
    """A verified workshop that handles the batch's categories accepts it. Exactly one of many concurrent accepts
    wins: a conditional UPDATE that only matches while the batch is still offered; the others get 409
    `batch_already_accepted`. Accepting creates one repair job per device (held by the workshop) in the same
    transaction."""
    _require_workshop_member(workshop=workshop, actor=actor)
    if batch.kind == BatchKind.DEVICES:
        needed = set(batch.devices.values_list("category_id", flat=True))
        if not needed:
            raise BatchWrongStatus(_("This batch has no devices yet."))
        handled = set(workshop.categories.values_list("pk", flat=True))
        if needed - handled:
            raise NotAllowed(
                _("%(workshop)s does not handle every category in this batch.") % {"workshop": workshop.name},
                code="categories_not_handled",
            )
    now = timezone.now()
    won = DonationBatch.objects.filter(pk=batch.pk, status=BatchStatus.OFFERED).update(
        status=BatchStatus.ACCEPTED, workshop=workshop, accepted_at=now
    )
    if won != 1:
        raise BatchAlreadyAccepted()
    batch.refresh_from_db()
    for device in batch.devices.select_related("category").select_for_update(of=("self",)):
        device.job = job_create_held(
            workshop=workshop,
            category=device.category,
            actor=actor,
            brand=device.model,
            description=gettext("%(model)s, serial number %(serial)s, from a donation batch.")
            % {"model": device.model, "serial": device.serial_number},
            no_storage=not device.has_storage,
        )
        device.save(update_fields=["job"])
    _step(batch, BatchStatus.ACCEPTED, actor, at=now)
    _notify_organisation(
        batch,
        "batch_accepted",
        _("%(workshop)s accepted your batch “%(batch)s”"),
        _("The workshop will arrange collection. You can follow the chain of custody on the batch's page."),
    )
    return batch


def _lock_for_workshop(batch: DonationBatch, actor: User) -> DonationBatch:
    locked = (
        DonationBatch.objects.select_for_update(of=("self",))
        .select_related("organisation", "workshop")
        .get(pk=batch.pk)
    )
    if locked.workshop is None or not is_member(user=actor, workshop=locked.workshop, verified_only=False):
        raise NotBatchParty(_("Only members of the workshop that accepted the batch may record this."))
    return locked


@transaction.atomic
def batch_collected(
    *, batch: DonationBatch, actor: User, collected_by: str, signed_for_by: str, at: datetime | None = None
) -> DonationBatch:
    """The workshop collected the batch: when, by whom, and who at the organisation signed for it."""
    locked = _lock_for_workshop(batch, actor)
    errors: dict[str, list[Any]] = {}
    if not collected_by.strip():
        errors["collected_by"] = [gettext("Say who collected the batch.")]
    if not signed_for_by.strip():
        errors["signed_for_by"] = [gettext("Give the name of the person who signed for the batch.")]
    when = at or timezone.now()
    if when > timezone.now() + timedelta(minutes=5):
        errors["at"] = [gettext("The collection cannot be in the future.")]
    elif locked.accepted_at and when < locked.accepted_at:
        errors["at"] = [gettext("The collection cannot be before the batch was accepted.")]
    if errors:
        raise InvalidInput(gettext("Please correct the errors below."), errors=errors)
    if locked.status != BatchStatus.ACCEPTED:
        raise BatchWrongStatus(_("Only an accepted batch can be recorded as collected."))
    DonationBatch.objects.filter(pk=locked.pk, status=BatchStatus.ACCEPTED).update(
        status=BatchStatus.COLLECTED,
        collected_at=when,
        collected_by=collected_by.strip()[:120],
        signed_for_by=signed_for_by.strip()[:120],
    )
    locked.refresh_from_db()
    _step(locked, BatchStatus.COLLECTED, actor, at=when, note=collected_by.strip())
    _notify_organisation(
        locked,
        "batch_collected",
        _("Your batch “%(batch)s” has been collected"),
        _("%(workshop)s has recorded the collection. The batch's page shows who collected it and who signed."),
    )
    return locked


@transaction.atomic
def batch_received(*, batch: DonationBatch, actor: User) -> DonationBatch:
    locked = _lock_for_workshop(batch, actor)
    if locked.status != BatchStatus.COLLECTED:
        raise BatchWrongStatus(_("Only a collected batch can be recorded as received."))
    now = timezone.now()
    DonationBatch.objects.filter(pk=locked.pk, status=BatchStatus.COLLECTED).update(
        status=BatchStatus.RECEIVED, received_at=now
    )
    locked.refresh_from_db()
    _step(locked, BatchStatus.RECEIVED, actor, at=now)
    return locked


@transaction.atomic
def lot_use(*, lot: MaterialLot, listing: Listing, actor: User) -> MaterialLot:
    """A product (a listing of the accepting workshop's member) is made from a lot: its page says so, and the lot's
    kg count in the impact figures from now on."""
    locked = MaterialLot.objects.select_for_update(of=("self",)).select_related("batch__workshop").get(pk=lot.pk)
    batch = locked.batch
    if batch.workshop is None or not is_member(user=actor, workshop=batch.workshop):
        raise NotBatchParty(_("Only members of the workshop that accepted the batch may record this."))
    if batch.status != BatchStatus.RECEIVED:
        raise BatchWrongStatus(_("A lot can be used once the batch has been received."))
    if listing.seller_id != actor.pk and not is_member(user=listing.seller, workshop=batch.workshop):
        raise NotAllowed(_("Only the workshop's own listings can be made from its lots."))
    locked.listings.add(listing)
    if locked.used_at is None:
        locked.used_at = timezone.now()
        locked.save(update_fields=["used_at"])
    return locked
