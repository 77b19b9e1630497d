"""Loaded with `-p tests.pytest_env` before Django's settings: the test run's files (SQLite test database,
media, the embedded broker's folders) live in a fresh temporary folder, never in the developer's var/ —
so a running `make run` worker never sees a test's messages, and worker processes started by tests share
the test process's folders through the inherited environment."""

import os
import tempfile

os.environ.setdefault("KREDSLOB_VAR_DIR", tempfile.mkdtemp(prefix="kredslob-test-"))
# The anonymous page cache stays off unless a test turns it on (tests/frontend/test_anonymous_cache.py): tests
# that change rows with queryset updates of their own must not read pages built before.
os.environ.setdefault("PAGE_CACHE_SECONDS", "0")
