"""A database made by the code before the layout move (one `marketplace/` project holding the Django project,
accounts and trade) migrates to today's layout with its data: app labels and tables stayed, and the
Notification model moved to `notifications/` without touching its table.

The old code is taken from git (`git archive` of the last commit before the move), run with this
environment's packages to migrate a fresh database and load its demo data; then today's `migrate` runs on the
same database and today's models read the same rows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings

from tests.helpers import REQUIRE_SERVICES, ROOT

# The last commit of the first layout (everything under `marketplace/`).
FIRST_LAYOUT = "0dc51bb"

COUNT_SCRIPT = """
import json
from django.apps import apps
from django.db.migrations.executor import MigrationExecutor
from django.db import connection
names = {names!r}
counts = {{name: apps.get_model(name).objects.count() for name in names}}
executor = MigrationExecutor(connection)
counts["_unapplied"] = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
print("COUNTS" + json.dumps(counts))
"""
# The same rows, named by the model's place in each layout.
OLD_MODELS = [
    "accounts.User",
    "accounts.Workshop",
    "listings.Listing",
    "listings.Photo",
    "trade.Reservation",
    "trade.Conversation",
    "trade.Message",
    "trade.Notification",
    "trade.SavedSearch",
    "repairs.RepairJob",
    "repairs.DataWipe",
    "repairs.WorkLog",
]
NEW_MODELS = [name.replace("trade.Notification", "notifications.Notification") for name in OLD_MODELS]


def _old_tree(tmp_path: Path) -> Path:
    if not (ROOT / ".git").exists():
        if REQUIRE_SERVICES:
            pytest.fail("REQUIRE_SERVICES=1 but this checkout has no git history to take the first layout from")
        pytest.skip("needs the project's git history (a clone, not an archive)")
    archive = subprocess.run(
        ["git", "archive", "--format=tar", FIRST_LAYOUT], cwd=ROOT, capture_output=True, check=False, timeout=60
    )
    if archive.returncode != 0:
        message = f"git archive {FIRST_LAYOUT} failed: {archive.stderr.decode(errors='replace')}"
        if REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)
    tree = tmp_path / "first-layout"
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(tree, filter="data")
    return tree


def _manage(cwd: Path, env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} in {cwd} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _counts(cwd: Path, env: dict[str, str], names: list[str]) -> dict[str, int]:
    out = _manage(cwd, env, "shell", "-c", COUNT_SCRIPT.format(names=names))
    line = next(line for line in out.splitlines() if line.startswith("COUNTS"))
    return json.loads(line.removeprefix("COUNTS"))


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of the kind the suite runs on: a SQLite file, or a new PostgreSQL database."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        yield f"sqlite:///{tmp_path / 'first-layout.sqlite3'}"
        return
    import psycopg

    name = f"kredslob_layout_{uuid.uuid4().hex[:10]}"
    admin = f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    if db.get("PASSWORD"):
        admin = f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.slow
def test_a_database_of_the_first_layout_migrates_with_its_data(tmp_path: Path, database_url: str):
    old = _old_tree(tmp_path)
    assert (old / "marketplace" / "settings.py").exists() and not (old / "config").exists()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "PYTHONPATH"}},
        "DATABASE_URL": database_url,
        "KREDSLOB_VAR_DIR": str(tmp_path / "var"),
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DEBUG": "1",
    }
    _manage(old, env, "migrate", "--noinput")
    _manage(old, env, "load_demo")
    before = _counts(old, env, OLD_MODELS)
    assert before["_unapplied"] == 0
    assert before["trade.Notification"] > 0 and before["repairs.DataWipe"] > 0 and before["listings.Photo"] > 0

    _manage(ROOT, env, "migrate", "--noinput")
    after = _counts(ROOT, env, NEW_MODELS)

    assert after["_unapplied"] == 0
    assert [after[new] for new in NEW_MODELS] == [before[old] for old in OLD_MODELS]
    # Today's demo data loads on top of the migrated database (it is idempotent over what is there).
    _manage(ROOT, env, "load_demo")
