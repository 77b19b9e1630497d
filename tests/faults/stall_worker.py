"""`python -m tests.faults.stall_worker <celery arguments>`: the real Celery worker, except that the first
photo it processes stops right after its first derivative is written — half done — and waits to be killed.

The stall writes the pool process's pid to $FAULTS_STALL_MARKER, which tells the test both that processing
is under way and which process to SIGKILL. Later photos (the marker exists) are processed normally. Test
code only: nothing in the product knows about it."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any


def _install_stall() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from listings import pipeline

    marker = Path(os.environ["FAULTS_STALL_MARKER"])
    real_public_storage = pipeline.public_storage

    def stalling_public_storage() -> Any:
        storage = real_public_storage()
        real_save = storage.save

        def save_then_stall(name: str, content: Any, *args: Any, **kwargs: Any) -> str:
            saved = real_save(name, content, *args, **kwargs)
            if not marker.exists():
                marker.write_text(str(os.getpid()))
                time.sleep(600)
            return str(saved)

        storage.save = save_then_stall  # type: ignore[method-assign]
        return storage

    pipeline.public_storage = stalling_public_storage  # type: ignore[assignment]


if __name__ == "__main__":
    _install_stall()
    from celery.__main__ import main

    sys.argv[0] = "celery"
    sys.exit(main())  # type: ignore[func-returns-value]
