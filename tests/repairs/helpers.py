"""Helpers of the repairs tests: a job listed for repair through the service, a workshop's member, a job's URL."""

from __future__ import annotations

from accounts.models import Workshop
from repairs.models import RepairJob
from repairs.services import job_create
from tests import factories


def make_job(  # type: ignore[no-untyped-def]
    category: str = "laptop", mode: str = "donate", fault: str = "Starter ikke. Ring 20 30 40 50.", **listing_kw
) -> RepairJob:
    listing = factories.ListingFactory(kind="repair", price_dkk=0, category=factories.category(category), **listing_kw)
    return job_create(listing=listing, mode=mode, fault_description=fault)


def member_of(workshop: Workshop, role: str = "staff"):  # type: ignore[no-untyped-def]
    return factories.MembershipFactory(workshop=workshop, role=role).user


API = "/api/v1/repair-jobs/"


def url(job: RepairJob, action: str = "") -> str:
    return f"{API}{job.pk}/{action + '/' if action else ''}"
