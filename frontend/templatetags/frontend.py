"""Small template filters for the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils.dateparse import parse_datetime

from accounts.selectors import user_verified_workshops
from repairs.models import JobStatus

register = template.Library()


@register.filter
def job_status_label(value: str) -> str:
    """The translated name of a repair job status (`completed` → "Færdig")."""
    try:
        return str(JobStatus(value).label)
    except ValueError:
        return value


@register.filter
def iso_date(value: str) -> datetime | None:
    """An ISO 8601 string (as the provenance timeline carries it) as a datetime for the `date` filter."""
    return parse_datetime(value) if value else None


@register.simple_tag(takes_context=True)
def acts_for_a_workshop(context: Any, user: Any) -> bool:
    """Does the person belong to a verified workshop (so the menu shows the workshop pages)? The workshop pages
    pass their verified `workshops` already; other pages ask once."""
    if not getattr(user, "is_authenticated", False):
        return False
    if context.get("workshops"):
        return True
    return user_verified_workshops(user=user).exists()
