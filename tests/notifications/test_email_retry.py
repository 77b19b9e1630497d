"""A name with a line break in it never loses a notification's email (issue 11, item 14)."""

from __future__ import annotations

import pytest
from django.core import mail

from config.celery import app
from notifications.models import Notification
from tests.factories import ListingFactory, MembershipFactory, UserFactory, category

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager_celery():  # type: ignore[no-untyped-def]
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_a_line_break_in_a_listing_title_does_not_lose_the_reservation_email(
    eager_celery, django_capture_on_commit_callbacks
):
    from marketplace import services as trade

    listing = ListingFactory(title="Sofa\nmed pude")
    with django_capture_on_commit_callbacks(execute=True):
        trade.reservation_create(listing=listing, buyer=UserFactory())
    (message,) = mail.outbox
    assert message.to == [listing.seller.email]
    assert "Sofa med pude" in message.subject and "\n" not in message.subject
    assert Notification.objects.get(user=listing.seller).emailed_at is not None


def test_a_line_break_in_a_workshop_name_does_not_lose_the_donors_email(
    eager_celery, django_capture_on_commit_callbacks
):
    from repairs.services import job_claim
    from tests.repairs.conftest import make_job

    job = make_job()
    member = MembershipFactory(workshop__name="Cykel\r\nsmeden")
    member.workshop.categories.add(category("laptop"))
    with django_capture_on_commit_callbacks(execute=True):
        job_claim(job=job, workshop=member.workshop, actor=member.user)
    (message,) = mail.outbox
    assert message.to == [job.listing.seller.email]
    assert "Cykel smeden" in message.subject
