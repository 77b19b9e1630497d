"""The one keyset cursor of the API and the pages: what it encodes comes back, and nothing else gets in."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from core.keyset import MAX_ID, Position, cursor_decode, cursor_encode

NEWEST = ("created_at", "id")


def _forged(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def test_a_cursor_names_the_key_it_was_made_from():
    moment = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    assert cursor_decode(cursor_encode([moment, 42]), fields=NEWEST) == Position(key=[moment, 42])
    back = cursor_decode(cursor_encode([Decimal("450.00"), 7], backwards=True), fields=("price_dkk", "id"))
    assert back == Position(key=[Decimal("450.00"), 7], backwards=True)
    assert cursor_decode(cursor_encode([0.25, 3]), fields=("rank", "id")) == Position(key=[0.25, 3])


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "nonsense",
        "~",
        "2026-01-01T00:00:00+00:00~-1",
        _forged(["2026-01-01T00:00:00+00:00", 5]),  # not the shape a cursor has
        _forged({"p": ["2026-01-01T00:00:00+00:00"]}),  # a key too short
        _forged({"p": ["2026-01-01T00:00:00", 5]}),  # a timestamp without its time zone
        _forged({"p": ["2026-13-45T00:00:00+00:00", 5]}),
        _forged({"p": [1767225600, 5]}),
        _forged({"p": ["2026-01-01T00:00:00+00:00", 0]}),
        _forged({"p": ["2026-01-01T00:00:00+00:00", -1]}),
        _forged({"p": ["2026-01-01T00:00:00+00:00", MAX_ID + 1]}),  # no 64-bit id
        _forged({"p": ["2026-01-01T00:00:00+00:00", "5"]}),
        _forged({"p": ["2026-01-01T00:00:00+00:00", True]}),
        _forged({"p": ["2026-01-01T00:00:00+00:00", 5.0]}),
    ],
)
def test_anything_but_a_cursor_it_made_is_no_cursor(cursor):
    assert cursor_decode(cursor, fields=NEWEST) is None


@pytest.mark.parametrize("value", ["NaN", "Infinity", "abc", None, [1]])
def test_a_number_in_a_key_must_be_a_finite_number(value):
    assert cursor_decode(_forged({"p": [value, 5]}), fields=("price_dkk", "id")) is None
