"""`manage.py verify_workshop`: verifies a workshop by its slug."""

import pytest
from django.core.management import CommandError, call_command

from tests.factories import WorkshopFactory

pytestmark = pytest.mark.django_db


def test_verify_workshop_command():
    workshop = WorkshopFactory(verified=False)
    call_command("verify_workshop", workshop.slug)
    workshop.refresh_from_db()
    assert workshop.verified


def test_verify_workshop_command_unknown_slug():
    with pytest.raises(CommandError, match="No workshop"):
        call_command("verify_workshop", "nope")
