"""Reads for users and workshops."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Role, User, Workshop, WorkshopMembership


def user_memberships(*, user: User) -> QuerySet[WorkshopMembership]:
    return WorkshopMembership.objects.filter(user=user).select_related("workshop").order_by("workshop__name")


def user_verified_workshops(*, user: User) -> QuerySet[Workshop]:
    return Workshop.objects.filter(memberships__user=user, verified=True)


def is_member(*, user: User, workshop: Workshop, verified_only: bool = True) -> bool:
    if not user.is_authenticated:
        return False
    qs = WorkshopMembership.objects.filter(user=user, workshop=workshop)
    if verified_only:
        qs = qs.filter(workshop__verified=True)
    return qs.exists()


def is_owner(*, user: User, workshop: Workshop) -> bool:
    """Who may change a workshop (its name, members, categories): its owners."""
    if not user.is_authenticated:
        return False
    return WorkshopMembership.objects.filter(user=user, workshop=workshop, role=Role.OWNER).exists()
