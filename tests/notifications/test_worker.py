"""A real Celery worker process picks up work queued after commit — on the embedded filesystem broker by
default, on Redis when REDIS_URL is set (as in CI)."""

import os

import pytest
from django.conf import settings
from django.core import mail

from notifications.models import Notification
from notifications.services import notification_send
from notifications.tasks import notification_email
from tests.factories import UserFactory
from tests.helpers import wait_for


@pytest.mark.slow
def test_a_real_worker_process_emails_a_notification_queued_after_commit(celery_worker_process, tmp_path):
    user = UserFactory()
    notification_send(user=user, kind="test", title="Din ting er hentet", body="Tak for i dag.")
    notification = Notification.objects.get(user=user)
    assert wait_for(lambda: Notification.objects.get(pk=notification.pk).emailed_at is not None, timeout=60), (
        celery_worker_process.log_path.read_text()
    )
    mails = list((tmp_path / "mail").glob("*.log"))
    assert len(mails) == 1
    assert "Din ting er hentet" in mails[0].read_text()


@pytest.mark.django_db
def test_nothing_is_queued_before_commit(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification_send(user=user, kind="test", title="Hej")
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_email_task_is_idempotent():
    user = UserFactory()
    notification = Notification.objects.create(user=user, kind="test", title="Hej", body="Tekst")
    notification_email(notification.pk)
    notification_email(notification.pk)
    notification_email(999_999)  # a row that is gone is no error
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]


@pytest.mark.redis
def test_redis_is_the_broker_when_redis_url_is_set():
    assert os.environ["REDIS_URL"]
    assert os.environ["REDIS_URL"] == settings.CELERY_BROKER_URL
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1)
        assert conn.transport_cls in ("redis", "rediss") or "redis" in type(conn.transport).__module__
