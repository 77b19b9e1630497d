"""Joining a workshop: an owner invites a person by email address, the person accepts (or declines) the mailed link.

Nobody becomes a member without saying yes, and inviting tells the owner nothing about whether the address has an
account: the answer, the work done and the mail are the same either way (no account is even looked up). Only a
verified workshop invites; the link's token is random (256 bits), mailed once and stored only as its hash; it
expires after `WORKSHOP_INVITATION_DAYS` and works once. The API (`api/workshops.py`, `api/invitations.py`) and the
pages (`frontend/views_workshop.py`, `frontend/views_invitations.py`) call these functions."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, NotAllowed, NotFound

from .models import Role, User, Workshop, WorkshopInvitation, WorkshopMembership
from .services import require_owner

logger = logging.getLogger(__name__)


class WorkshopNotVerified(DomainError):
    code = "workshop_not_verified"


class AlreadyMember(DomainError):
    code = "already_member"


class InvitationNotFound(NotFound):
    code = "invitation_not_found"


class InvitationClosed(DomainError):
    """Accepted, declined or expired: a link works once, and not for ever."""

    code = "invitation_closed"


class InvitationForSomeoneElse(NotAllowed):
    code = "invitation_for_someone_else"


class InvitationNotSent(DomainError):
    status = 503
    code = "invitation_not_sent"


def token_hash(token: str) -> str:
    """What is stored of an invitation link's token (workshops' and organisations' alike): its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_link(token: str) -> str:
    return f"{settings.SITE_URL}/invitations/{token}/"


def _normalise(email: str) -> str:
    return User.objects.normalize_email(email).strip().lower()


# --- Inviting --------------------------------------------------------------------------------------------------


def _mail(invitation: WorkshopInvitation, token: str, inviter: User) -> None:
    """The invitation in Danish and English (the address may have no account, hence no language of its own).
    The subject names nobody: no text a user wrote goes into a mail header."""
    parts = []
    for language in ("da", "en"):
        with translation.override(language):
            parts.append(
                gettext(
                    "%(inviter)s invites you to join the workshop “%(workshop)s” on Kredsløb as %(role)s.\n\n"
                    "To accept or decline, open this link and log in (or create an account) with this email "
                    "address:\n%(link)s\n\n"
                    "The invitation works until %(expires)s. If you did not expect it, ignore this email: "
                    "nothing happens without your answer."
                )
                % {
                    "inviter": inviter.display_name,
                    "workshop": invitation.workshop.name,
                    "role": str(Role(invitation.role).label).lower(),
                    "link": invitation_link(token),
                    "expires": formats.date_format(timezone.localtime(invitation.expires_at), "DATE_FORMAT"),
                }
            )
    subject = "Invitation til et værksted på Kredsløb / Invitation to a workshop on Kredsløb"
    send_mail(subject, "\n\n— — —\n\n".join(parts), None, [invitation.email])


@dataclass(frozen=True)
class SentInvitation:
    """What `workshop_invite` did: the saved invitation, and its link's token, which exists nowhere else (the mail
    carries it; the row keeps its hash). No face may show the token to the inviter."""

    invitation: WorkshopInvitation
    token: str


@transaction.atomic
def workshop_invite(*, workshop: Workshop, actor: User, email: str, role: str = Role.STAFF) -> SentInvitation:
    """An owner of a verified workshop invites `email` to join it as `role`; the link goes by mail. Inviting the
    same address again replaces the open invitation (the old link stops working). Whether the address has an
    account plays no part. If the mail can't be sent, nothing is saved (503) and the owner may try again."""
    require_owner(workshop=workshop, user=actor)
    # One invite at a time per workshop: inviting the same address twice at once replaces, never collides.
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if not workshop.verified:
        raise WorkshopNotVerified(
            _("Only a verified workshop can invite members. A moderator verifies the workshop first.")
        )
    email = _normalise(email)
    if WorkshopMembership.objects.filter(workshop=workshop, user__email__iexact=email).exists():
        raise AlreadyMember(_("Someone with this email address is already a member of this workshop."))
    WorkshopInvitation.objects.filter(
        workshop=workshop, email=email, accepted_at__isnull=True, declined_at__isnull=True
    ).delete()
    token = secrets.token_urlsafe(32)
    invitation = WorkshopInvitation.objects.create(
        workshop=workshop,
        email=email,
        role=role,
        token_hash=token_hash(token),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.WORKSHOP_INVITATION_DAYS),
    )
    try:
        _mail(invitation, token, actor)
    except (SMTPException, OSError) as exc:
        logger.warning("Could not send the invitation to join %s: %s", workshop.slug, exc)
        raise InvitationNotSent(_("The invitation could not be sent just now. Please try again shortly.")) from exc
    return SentInvitation(invitation=invitation, token=token)


# --- Answering -------------------------------------------------------------------------------------------------


def invitation_get(*, token: str, lock: bool = False) -> WorkshopInvitation:
    """The invitation whose link carries `token` (whatever its state), or 404."""
    invitations = WorkshopInvitation.objects.select_related("workshop", "invited_by")
    if lock:
        invitations = invitations.select_for_update(of=("self",))
    invitation = invitations.filter(token_hash=token_hash(token)).first() if token else None
    if invitation is None:
        raise InvitationNotFound(_("This invitation link is not valid. Ask the workshop to invite you again."))
    return invitation


def _open(token: str) -> WorkshopInvitation:
    invitation = invitation_get(token=token, lock=True)
    if invitation.accepted_at or invitation.declined_at:
        raise InvitationClosed(_("This invitation has already been answered."))
    if invitation.expires_at <= timezone.now():
        raise InvitationClosed(_("This invitation has expired. Ask the workshop to invite you again."))
    return invitation


def invitation_may_answer(*, invitation: WorkshopInvitation, user: User) -> bool:
    """The invitation is for whoever holds its email address: only they, logged in with it, accept or decline
    it (someone the mail was forwarded to can do neither)."""
    return bool(user.is_authenticated and user.is_active and user.email.lower() == invitation.email)


def _open_for(token: str, user: User) -> WorkshopInvitation:
    invitation = _open(token)
    if not invitation_may_answer(invitation=invitation, user=user):
        raise InvitationForSomeoneElse(
            _("This invitation is for another email address. Log in with the address the invitation was sent to.")
        )
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> WorkshopMembership:
    """The invited person, logged in with the invited address, joins the workshop in the invited role. Once."""
    invitation = _open_for(token, user)
    if not invitation.workshop.verified:
        raise WorkshopNotVerified(_("The workshop is not verified at the moment. Try again later."))
    try:
        with transaction.atomic():
            membership = WorkshopMembership.objects.create(
                workshop=invitation.workshop, user=user, role=invitation.role
            )
    except IntegrityError as exc:
        raise AlreadyMember(_("You are already a member of this workshop.")) from exc
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


@transaction.atomic
def invitation_decline(*, token: str, user: User) -> WorkshopInvitation:
    """The invited person says no thanks; the link stops working. (Without an account, ignoring the mail is
    enough: the invitation expires.)"""
    invitation = _open_for(token, user)
    invitation.declined_at = timezone.now()
    invitation.save(update_fields=["declined_at"])
    return invitation
