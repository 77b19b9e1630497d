"""The Celery application. Broker and options come from Django settings (CELERY_* names)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

app = Celery("kredslob")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
