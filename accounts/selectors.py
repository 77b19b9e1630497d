"""Reads for users and workshops — and the one place for two rules every face asks about:

- who belongs to a workshop (and who owns it): `workshop_ids_of`, `is_member`, `is_owner`, `workshop_members`,
  `member_workshop`;
- who may see a workshop: `workshops_visible_to`.

Repairs, listings, trade, the API, the pages and the admin call these instead of filtering memberships
themselves."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.errors import NotFound

from .models import Role, User, Workshop, WorkshopInvitation, WorkshopMembership


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


# --- Membership --------------------------------------------------------------------------------------------------


def workshop_ids_of(*, user: Any, verified_only: bool = False, owner: bool = False) -> QuerySet[Any]:
    """The ids of the workshops `user` belongs to, as a subquery (`workshop_id__in=…`): only verified ones with
    `verified_only` (a member acts for a workshop — claims jobs, sells as it — only once it is verified), only
    those they own with `owner`. Nobody's for an anonymous user."""
    if not _signed_in(user):
        return WorkshopMembership.objects.none().values("workshop_id")
    memberships = WorkshopMembership.objects.filter(user=user)
    if verified_only:
        memberships = memberships.filter(workshop__verified=True)
    if owner:
        memberships = memberships.filter(role=Role.OWNER)
    return memberships.values("workshop_id")


def is_member(*, user: Any, workshop: Workshop | int | None, verified_only: bool = True) -> bool:
    """Does `user` belong to the workshop (a row or its id) — by default: and is it verified, so they may act for
    it (claim jobs, sell as it)?"""
    workshop_id = workshop.pk if isinstance(workshop, Workshop) else workshop
    if workshop_id is None:
        return False
    return workshop_ids_of(user=user, verified_only=verified_only).filter(workshop_id=workshop_id).exists()


def is_owner(*, user: Any, workshop: Workshop) -> bool:
    """Who may change a workshop (its profile, categories) and invite people to it: its owners."""
    return workshop_ids_of(user=user, owner=True).filter(workshop_id=workshop.pk).exists()


def workshop_members(*, workshop_id: int) -> QuerySet[User]:
    """The workshop's members with an active account, in a stable order."""
    return User.objects.filter(memberships__workshop_id=workshop_id, is_active=True).distinct().order_by("pk")


def user_memberships(*, user: User) -> QuerySet[WorkshopMembership]:
    return WorkshopMembership.objects.filter(user=user).select_related("workshop").order_by("workshop__name")


def user_verified_workshops(*, user: Any) -> QuerySet[Workshop]:
    """The verified workshops `user` acts for."""
    return Workshop.objects.filter(pk__in=workshop_ids_of(user=user, verified_only=True)).order_by("name")


def user_pending_workshops(*, user: Any) -> list[Workshop]:
    """The workshops `user` belongs to that a moderator has not verified yet (what the workshop pages tell them)."""
    ids = workshop_ids_of(user=user)
    return list(Workshop.objects.filter(pk__in=ids, verified=False).order_by("name"))


def member_workshop(*, user: Any, slug: str) -> Workshop | None:
    """The workshop with this slug if `user` belongs to it (verified or not), else None."""
    return Workshop.objects.filter(slug=slug, pk__in=workshop_ids_of(user=user)).first()


# --- Who sees a workshop -----------------------------------------------------------------------------------------


def workshops_visible_to(*, user: Any) -> QuerySet[Workshop]:
    """Verified workshops are public. An unverified one (an application: its CVR number and address not yet
    checked by a moderator) is seen only by its own members and by moderators."""
    if _signed_in(user) and user.is_staff:
        return Workshop.objects.all()
    return Workshop.objects.filter(Q(verified=True) | Q(pk__in=workshop_ids_of(user=user)))


def workshop_get(*, user: Any, slug: str) -> Workshop:
    """One workshop `user` may see, or NotFound (404) — also when it exists but is not theirs to see."""
    workshop = workshops_visible_to(user=user).filter(slug=slug).prefetch_related("categories").first()
    if workshop is None:
        raise NotFound()
    return workshop


# --- Invitations ---------------------------------------------------------------------------------------------


def workshop_open_invitations(*, workshop: Workshop) -> QuerySet[WorkshopInvitation]:
    """Invitations of the workshop not yet accepted, declined or expired (for its owners)."""
    return WorkshopInvitation.objects.filter(
        workshop=workshop, accepted_at__isnull=True, declined_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at")
