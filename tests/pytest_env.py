"""Loaded with `-p tests.pytest_env` before Django's settings: the test run's files (SQLite test database,
media, the embedded broker's folders) live in a fresh temporary folder, never in the developer's var/ —
so a running `make run` worker never sees a test's messages, and worker processes started by tests share
the test process's folders through the inherited environment."""

import os
import tempfile

os.environ.setdefault("KREDSLOB_VAR_DIR", tempfile.mkdtemp(prefix="kredslob-test-"))
