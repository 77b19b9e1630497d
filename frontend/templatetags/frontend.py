"""Small template filters for the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils.dateparse import parse_datetime

from accounts.selectors import user_verified_workshops
from listings.models import Listing
from repairs.models import JobStatus, RepairJob
from repairs.selectors import event_words_for_resident, job_stage_for_resident, listing_status_for_owner

register = template.Library()


@register.filter
def resident_stage(job: RepairJob) -> str:
    """Where a repair job is, as its donor or resident reads it (`repairs.selectors.job_stage_for_resident`)."""
    return str(job_stage_for_resident(job=job)[1])


@register.filter
def resident_event(event: Any, job: RepairJob) -> str:
    """One line of a repair job's history as its donor or resident reads it
    (`repairs.selectors.event_words_for_resident`)."""
    return str(event_words_for_resident(entry=event, mode=job.mode))


@register.filter
def owner_status(listing: Listing) -> str:
    """The status a seller reads beside their listing (`repairs.selectors.listing_status_for_owner`)."""
    return listing_status_for_owner(listing=listing)


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
