"""Fixtures for the fault tests (`make test-faults`; deselected from `make test` by the `faults` marker): the
private servers and processes of tests/faults/stack.py. They stay beside the one suite that starts and kills
them, run on its own, rather than in tests/conftest.py. Plain helpers are in tests/faults/helpers.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.faults.stack import Stack, running_stack


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    with running_stack() as running:
        yield running


@pytest.fixture
def services(stack: Stack) -> Iterator[Stack]:
    """The stack, given back to the next test with both servers up and no process of this test left."""
    yield stack
    stack.close()
    if not stack.redis.is_up():
        stack.redis.start()
    if not stack.postgres.is_up():
        stack.postgres.start()
