"""Queue Celery work only after the surrounding transaction commits, and never let a broker outage fail a
request: the row's own status (e.g. a photo `pending`) records the work owed, and a periodic sweep re-queues
what a lost message left behind."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def _send(task: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False)
    except Exception:
        logger.warning("Could not queue %s%r; it will be re-queued by the sweep.", task.name, args, exc_info=True)


def enqueue(task: Any, *args: Any, **kwargs: Any) -> None:
    """Send `task` with ids (never model instances) once the current transaction has committed."""
    transaction.on_commit(partial(_send, task, args, kwargs))
