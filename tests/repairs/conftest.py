"""Fixtures for the repairs tests: a job listed for repair through the service, and the people around it."""

from __future__ import annotations

import pytest

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


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:  # type: ignore[no-untyped-def]
    """Factories hash a password per user; a fast hasher keeps these many-user tests lean."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def open_job(db) -> RepairJob:  # type: ignore[no-untyped-def]
    return make_job()


@pytest.fixture
def workshop(member) -> Workshop:  # type: ignore[no-untyped-def]
    return member.workshops.get()


API = "/api/v1/repair-jobs/"


def url(job: RepairJob, action: str = "") -> str:
    return f"{API}{job.pk}/{action + '/' if action else ''}"
