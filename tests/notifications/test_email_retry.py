"""A notification's email is owed until it is sent: a failed send is retried by the periodic sweep, with a
limit, and a name with a line break in it never loses the email (issue 11, items 14 and 15)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from config.celery import app
from notifications.models import Notification
from notifications.services import notification_send
from notifications.tasks import notifications_sweep_run
from tests.factories import ListingFactory, MembershipFactory, UserFactory, category

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager_celery():  # type: ignore[no-untyped-def]
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def _later(minutes: float = 0) -> timezone.datetime:
    return timezone.now() + timedelta(seconds=settings.NOTIFICATION_EMAIL_RETRY_SECONDS, minutes=minutes)


def test_a_notification_whose_email_failed_is_sent_by_the_sweep_once_the_server_is_back(
    settings, eager_celery, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.mailbackends.AwayBackend"
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_send(user=user, kind="test", title="Din stol er reserveret", body="Se den.")
    notification.refresh_from_db()
    assert notification.emailed_at is None and notification.email_attempts == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_sweep_run(now=timezone.now()).requeued == 0  # not yet due: no hurry after a failure
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_sweep_run(now=_later()).requeued == 1
    assert [(m.to, m.subject) for m in mail.outbox] == [([user.email], "Din stol er reserveret")]
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_sweep_run(now=_later(60)).requeued == 0  # sent: never again
    assert len(mail.outbox) == 1


def test_an_email_whose_message_was_lost_is_queued_again_by_the_sweep(eager_celery, django_capture_on_commit_callbacks):
    user = UserFactory()
    notification_send(user=user, kind="test", title="Hej")  # its on-commit message never leaves (lost)
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_sweep_run(now=_later()).requeued == 1
    assert [m.to for m in mail.outbox] == [[user.email]]


def test_the_sweep_gives_up_after_the_last_attempt(settings, eager_celery, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.mailbackends.AwayBackend"
    settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS = 3
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_send(user=UserFactory(), kind="test", title="Hej")
    queued = []
    for run in range(1, 6):
        with django_capture_on_commit_callbacks(execute=True):
            queued.append(notifications_sweep_run(now=_later(run * 60)).requeued)
    notification.refresh_from_db()
    assert queued == [1, 1, 0, 0, 0]  # attempts 2 and 3; then failed, and left alone
    assert notification.email_attempts == 3
    assert notification.email_failed_at is not None and notification.emailed_at is None


def test_two_sweeps_at_the_same_moment_queue_each_email_once(django_capture_on_commit_callbacks):
    notification_send(user=UserFactory(), kind="test", title="Hej")
    now = _later()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = notifications_sweep_run(now=now)
        second = notifications_sweep_run(now=now)
    assert (first.requeued, second.requeued, len(callbacks)) == (1, 0, 1)


def test_nothing_is_owed_for_a_notification_meant_for_the_app_only(eager_celery, django_capture_on_commit_callbacks):
    notification_send(user=UserFactory(), kind="test", title="Hej", email=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_sweep_run(now=_later()).requeued == 0
    assert mail.outbox == []


def test_the_sweep_is_on_the_beat_schedule():
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"].endswith("notifications_sweep"))
    assert entry["schedule"] == settings.NOTIFICATION_SWEEP_EVERY_SECONDS


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
    from tests.repairs.helpers import make_job

    job = make_job()
    member = MembershipFactory(workshop__name="Cykel\r\nsmeden")
    member.workshop.categories.add(category("laptop"))
    with django_capture_on_commit_callbacks(execute=True):
        job_claim(job=job, workshop=member.workshop, actor=member.user)
    (message,) = mail.outbox
    assert message.to == [job.listing.seller.email]
    assert "Cykel smeden" in message.subject


def _at_once(target, count: int) -> None:  # type: ignore[no-untyped-def]
    """Run `target` in `count` threads released together, each on its own database connection."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            target()
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []


@pytest.mark.slow
def test_concurrent_sweeps_queue_each_owed_email_exactly_once(transactional_db, monkeypatch):
    from notifications import tasks

    users = [UserFactory() for _ in range(5)]
    for i in range(40):  # owed, their first message lost
        Notification.objects.create(
            user=users[i % 5], kind="test", title=f"Hej {i}", email_wanted=True, email_last_try_at=timezone.now()
        )
    owed = set(Notification.objects.values_list("pk", flat=True))
    queued: list[int] = []
    monkeypatch.setattr(tasks, "enqueue", lambda task, pk: queued.append(pk))
    now = _later()
    _at_once(lambda: notifications_sweep_run(now=now), 4)
    assert sorted(queued) == sorted(owed)


@pytest.mark.slow
def test_the_same_email_run_twice_at_once_is_sent_once(transactional_db, settings):
    from notifications.tasks import notification_email

    settings.EMAIL_BACKEND = "tests.mailbackends.SlowBackend"
    notification = Notification.objects.create(user=UserFactory(), kind="test", title="Hej", email_wanted=True)
    _at_once(lambda: notification_email(notification.pk), 3)
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None
