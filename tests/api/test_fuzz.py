"""Property-based fuzzing of the whole REST API with Schemathesis (issue 7: "Fuzzing and permissions").

Every operation in the project's own OpenAPI schema (`/api/schema/`, drf-spectacular) is called in-process
through the WSGI application as three callers — anonymous, a resident and a member of a verified workshop —
with generated input. No response may be a server error, and every response must conform to the schema
(documented status code, content type and body shape).

Each generated example runs inside a savepoint that is rolled back afterwards, so every example starts from
the same seeded database (an example that deletes the account or withdraws the listing does not starve the
ones after it). `FUZZ_EXAMPLES` (default 50) sets the examples per operation and caller, `FUZZ_SEED` the
Hypothesis seed; both are printed so a CI failure can be replayed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from repairs.models import JobStatus
from tests import factories

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "50"))
SEED = int(os.environ.get("FUZZ_SEED", "9220"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@contextmanager
def _keep_test_connection() -> Iterator[None]:
    """Django closes "obsolete" connections at the start and end of every request; inside the test's
    transaction that would drop it. The test client does the same disconnect."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _seed_database() -> dict[str, Any]:
    """Real objects for the id-based paths: a listing, a repair job, a workshop with a member, a reservation,
    a saved search, a conversation and a photo."""
    resident = factories.UserFactory()
    member = factories.MembershipFactory(workshop__verified=True).user
    workshop = member.workshops.get()
    listing = factories.ListingFactory(seller=resident)
    draft = factories.ListingFactory(seller=resident, status="draft", published_at=None)
    job = factories.RepairJobFactory(listing__seller=resident)
    factories.RepairJobFactory(status=JobStatus.OPEN)
    reservation = factories.ReservationFactory(buyer=resident)
    photo = factories.PhotoFactory(listing=listing)
    return {
        "resident": resident,
        "member": member,
        "slug": workshop.slug,
        "ids": sorted({listing.pk, draft.pk, job.pk, job.listing.pk, reservation.pk, photo.pk}),
    }


def _fuzzer(operation: Any, headers: dict[str, str], data: dict[str, Any], counter: list[int]) -> Any:
    @given(case=operation.as_strategy(), real=st.booleans(), pick=st.sampled_from(data["ids"]))
    @seed(SEED)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.target, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any, real: bool, pick: int) -> None:
        if real and case.path_parameters:
            # Half the examples address objects that exist, so the fuzzer gets past the 404s.
            for name in case.path_parameters:
                case.path_parameters[name] = data["slug"] if name == "slug" else pick
        cache.clear()  # throttle counters: every example starts fresh, like its database
        sid = transaction.savepoint()
        try:
            response = case.call(headers=headers)
            counter[0] += 1
            case.validate_response(response, checks=CHECKS, headers=headers)
        finally:
            # ROLLBACK TO keeps the savepoint open: release it too, or every example nests one subtransaction
            # deeper, each holding a lock on its transaction id until the test ends ("out of shared memory").
            transaction.savepoint_rollback(sid)
            transaction.savepoint_commit(sid)

    return run


@pytest.mark.slow
@pytest.mark.django_db
def test_api_survives_fuzzing_by_every_role(capsys: pytest.CaptureFixture[str]) -> None:
    data = _seed_database()
    tokens = {
        "anonymous": None,
        "resident": Token.objects.get_or_create(user=data["resident"])[0].key,
        "member": Token.objects.get_or_create(user=data["member"])[0].key,
    }
    app = get_wsgi_application()
    with _keep_test_connection():
        schema = schemathesis.openapi.from_wsgi("/api/schema/", app)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) > 30, "the schema lost its operations"

        counter = [0]
        started = time.monotonic()
        for role, token in tokens.items():
            headers = {"Authorization": f"Token {token}"} if token else {}
            for operation in operations:
                run = _fuzzer(operation, headers, data, counter)
                try:
                    run()
                except Exception as exc:
                    exc.add_note(f"role={role} operation={operation.label} seed={SEED} examples={EXAMPLES}")
                    raise
        elapsed = time.monotonic() - started

    with capsys.disabled():
        print(
            f"\nschemathesis {schemathesis.__version__}: "
            f"{len(operations)} operations x {len(tokens)} roles, {EXAMPLES} examples each, "
            f"{counter[0]} requests, seed {SEED}, {elapsed:.1f} s"
        )
    assert counter[0] >= len(operations) * len(tokens)
