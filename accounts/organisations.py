"""Organisations — companies, housing associations and public bodies that donate in batches (issue 13).

One registers (unverified, the applicant its owner), a moderator verifies it (admin action, `manage.py
verify_organisation SLUG`), its owners invite people by email as workshop owners do (`accounts.invitations`): the
link's token is random, mailed once, kept as its hash, and works once for the invited address. Who sees an
organisation is `organisations_visible_to`: its members and moderators (an organisation has no public page)."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from smtplib import SMTPException
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, InvalidInput, NotAllowed, NotFound

from .invitations import token_hash
from .models import Organisation, OrganisationInvitation, OrganisationMembership, Role, User

logger = logging.getLogger(__name__)


class OrganisationNotFound(NotFound):
    code = "organisation_not_found"


class NotOrganisationOwner(NotAllowed):
    code = "not_organisation_owner"


class OrganisationNotVerified(DomainError):
    code = "organisation_not_verified"


class AlreadyOrganisationMember(DomainError):
    code = "already_member"


class OrganisationInvitationClosed(DomainError):
    code = "invitation_closed"


class OrganisationInvitationNotSent(DomainError):
    status = 503
    code = "invitation_not_sent"


# --- Reading -----------------------------------------------------------------------------------------------------


def _signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def organisation_ids_of(*, user: Any, verified_only: bool = False, owner: bool = False) -> QuerySet[Any]:
    """The ids of the organisations `user` belongs to (a subquery)."""
    if not _signed_in(user):
        return OrganisationMembership.objects.none().values("organisation_id")
    rows = OrganisationMembership.objects.filter(user_id=user.pk)
    if verified_only:
        rows = rows.filter(organisation__verified=True)
    if owner:
        rows = rows.filter(role=Role.OWNER)
    return rows.values("organisation_id")


def is_organisation_member(*, user: Any, organisation: Organisation | int | None, verified_only: bool = False) -> bool:
    if organisation is None or not _signed_in(user):
        return False
    pk = organisation if isinstance(organisation, int) else organisation.pk
    return organisation_ids_of(user=user, verified_only=verified_only).filter(organisation_id=pk).exists()


def organisations_visible_to(*, user: Any) -> QuerySet[Organisation]:
    """The rule "who sees an organisation": its members, and moderators. Nobody else (no public page)."""
    if not _signed_in(user):
        return Organisation.objects.none()
    if user.is_staff:
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=organisation_ids_of(user=user))


def organisation_get(*, user: Any, slug: str) -> Organisation:
    organisation = organisations_visible_to(user=user).filter(slug=slug).first()
    if organisation is None:
        raise OrganisationNotFound(_("Organisation not found."))
    return organisation


def organisation_members(*, organisation: Organisation) -> QuerySet[User]:
    return User.objects.filter(org_memberships__organisation=organisation, is_active=True).order_by("pk")


# --- Writing -----------------------------------------------------------------------------------------------------

_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def _unique_slug(name: str) -> str:
    base = slugify(name.translate(_DANISH))[:70].strip("-") or "organisation"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _invalid(exc: ValidationError) -> InvalidInput:
    errors: dict[str, list[Any]] = {k: list(v) for k, v in exc.message_dict.items()}
    return InvalidInput(gettext("Please correct the errors below."), errors=errors)


@transaction.atomic
def organisation_create(
    *, owner: User, name: str, cvr: str, address: str, kind: str, may_be_named: bool = False
) -> Organisation:
    """Someone registers an organisation: it starts unverified, and they are its owner."""
    for _attempt in range(3):
        organisation = Organisation(
            name=name.strip(),
            slug=_unique_slug(name),
            cvr=cvr.strip().replace(" ", ""),
            address=address.strip(),
            kind=kind,
            may_be_named=may_be_named,
        )
        try:
            organisation.full_clean(exclude=["slug"])
        except ValidationError as exc:
            raise _invalid(exc) from exc
        try:
            with transaction.atomic():
                organisation.save()
        except IntegrityError:
            continue
        OrganisationMembership.objects.create(organisation=organisation, user=owner, role=Role.OWNER)
        return organisation
    raise DomainError(_("Could not give the organisation a unique address. Please try again."))


def require_organisation_owner(*, organisation: Organisation, user: User) -> None:
    if not (
        user.is_authenticated
        and organisation_ids_of(user=user, owner=True).filter(organisation_id=organisation.pk).exists()
    ):
        raise NotOrganisationOwner(_("Only an owner of the organisation may do that."))


@transaction.atomic
def organisation_update(*, organisation: Organisation, actor: User, **fields: Any) -> Organisation:
    """An owner changes name, address, kind or the consent to be named. A changed CVR needs a new verification."""
    require_organisation_owner(organisation=organisation, user=actor)
    allowed = {"name", "address", "kind", "may_be_named", "cvr"}
    for key, value in fields.items():
        if key in allowed:
            setattr(organisation, key, value.strip() if isinstance(value, str) else value)
    if "cvr" in fields and organisation.cvr != Organisation.objects.get(pk=organisation.pk).cvr:
        organisation.verified, organisation.verified_at = False, None
    try:
        organisation.full_clean()
    except ValidationError as exc:
        raise _invalid(exc) from exc
    organisation.save()
    return organisation


def organisation_verify(*, organisation: Organisation) -> Organisation:
    """A moderator confirms the organisation is who it says it is (admin action, `manage.py verify_organisation`)."""
    if not organisation.verified:
        organisation.verified = True
        organisation.verified_at = timezone.now()
        organisation.save(update_fields=["verified", "verified_at"])
    return organisation


# --- Invitations (as accounts.invitations does for workshops) -----------------------------------------------------


def organisation_invitation_link(token: str) -> str:
    return f"{settings.SITE_URL}/organisations/invitations/{token}/"


def _mail(invitation: OrganisationInvitation, token: str, inviter: User) -> None:
    parts = []
    for language in ("da", "en"):
        with translation.override(language):
            parts.append(
                gettext(
                    "%(inviter)s invites you to join the organisation “%(organisation)s” on Kredsløb.\n\n"
                    "To accept, open this link and log in (or create an account) with this email address:\n"
                    "%(link)s\n\nIf you did not expect it, ignore this email: nothing happens without your answer."
                )
                % {
                    "inviter": inviter.display_name,
                    "organisation": invitation.organisation.name,
                    "link": organisation_invitation_link(token),
                }
            )
    subject = "Invitation til en organisation på Kredsløb / Invitation to an organisation on Kredsløb"
    send_mail(subject, "\n\n— — —\n\n".join(parts), None, [invitation.email])


@transaction.atomic
def organisation_invite(
    *, organisation: Organisation, actor: User, email: str, role: str = Role.STAFF
) -> OrganisationInvitation:
    """An owner of a verified organisation invites `email`; inviting again replaces the open invitation."""
    require_organisation_owner(organisation=organisation, user=actor)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not organisation.verified:
        raise OrganisationNotVerified(
            _("Only a verified organisation can invite members. A moderator verifies the organisation first.")
        )
    email = User.objects.normalize_email(email).strip().lower()
    if OrganisationMembership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise AlreadyOrganisationMember(_("Someone with this email address is already a member."))
    OrganisationInvitation.objects.filter(
        organisation=organisation, email=email, accepted_at__isnull=True, declined_at__isnull=True
    ).delete()
    token = secrets.token_urlsafe(32)
    invitation = OrganisationInvitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=token_hash(token),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.WORKSHOP_INVITATION_DAYS),
    )
    try:
        _mail(invitation, token, actor)
    except (SMTPException, OSError) as exc:
        logger.warning("Could not send the invitation to join %s: %s", organisation.slug, exc)
        raise OrganisationInvitationNotSent(
            _("The invitation could not be sent just now. Please try again shortly.")
        ) from exc
    return invitation


def _open_invitation_for(token: str, user: User) -> OrganisationInvitation:
    """The open invitation behind `token`, locked, for the invited address only: 404 for an unknown link, 409 once
    answered or expired, 403 for someone else (whom the mail was forwarded to)."""
    invitation = (
        OrganisationInvitation.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(token_hash=token_hash(token))
        .first()
        if token
        else None
    )
    if invitation is None:
        raise OrganisationNotFound(_("This invitation link is not valid. Ask the organisation to invite you again."))
    if invitation.accepted_at or invitation.declined_at or invitation.expires_at <= timezone.now():
        raise OrganisationInvitationClosed(_("This invitation has already been answered or has expired."))
    if not (user.is_authenticated and user.email.lower() == invitation.email):
        raise NotAllowed(
            _("This invitation is for another email address. Log in with the address the invitation was sent to."),
            code="invitation_for_someone_else",
        )
    return invitation


@transaction.atomic
def organisation_invitation_accept(*, token: str, user: User) -> OrganisationMembership:
    """The invited person, logged in with the invited address, joins. Once, before it expires."""
    invitation = _open_invitation_for(token, user)
    try:
        with transaction.atomic():
            membership = OrganisationMembership.objects.create(
                organisation=invitation.organisation, user=user, role=invitation.role
            )
    except IntegrityError as exc:
        raise AlreadyOrganisationMember(_("You are already a member of this organisation.")) from exc
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


@transaction.atomic
def organisation_invitation_decline(*, token: str, user: User) -> OrganisationInvitation:
    """The invited person, logged in with the invited address, says no thanks; the link stops working (as
    `accounts.invitations.invitation_decline` for workshops). Without an account, ignoring the mail is enough."""
    invitation = _open_invitation_for(token, user)
    invitation.declined_at = timezone.now()
    invitation.save(update_fields=["declined_at"])
    return invitation
