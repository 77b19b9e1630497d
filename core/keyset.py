"""Keyset ("seek") pagination over a compound ordering such as (created_at, id), for the API and the pages alike.

The cursor carries the whole key of the last row seen — every field of the ordering, ending in the unique id — so
each page is one index range scan (`WHERE key < cursor ORDER BY key LIMIT n`) whatever its depth, and rows that
arrive meanwhile never shift a page. (DRF's own `CursorPagination` positions on the first field only and
resolves ties with an OFFSET, capped at 1000 rows: with many rows sharing a price it slows down, then stalls.)

A cursor is opaque to people: URL-safe base64 of `{"p": key, "r": 0|1}` (`r`: walking back, for a "previous"
link). Decoding is strict — a timestamp must carry its time zone, an id must be a 64-bit id, a number must be
finite — and anything else is no cursor at all (`None`): the pages then start at the top, the API answers 400.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime

# Ids are 64-bit (BigAutoField): a bigger number can name nothing, and the database driver would choke on it.
MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class Position:
    """Where a cursor points: the key of a row, and whether the walk goes back from it."""

    key: list[Any]
    backwards: bool = False


@dataclass(frozen=True)
class KeysetPage:
    rows: list[Any]
    next_cursor: str | None
    previous_cursor: str | None


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _decode_value(field: str, value: Any) -> Any:
    """One field of a key back from JSON, or ValueError. The type follows the field: `…_at` an aware timestamp,
    `id` an id; anything else a number (a decimal written as a string, e.g. a price; a float, e.g. a rank)."""
    if field.endswith("_at"):
        moment = parse_datetime(value) if isinstance(value, str) else None
        if moment is None or moment.tzinfo is None:
            raise ValueError(value)
        return moment
    if field == "id":
        if type(value) is not int or not 0 < value <= MAX_ID:
            raise ValueError(value)
        return value
    if isinstance(value, str):
        number = Decimal(value)
        if not number.is_finite():
            raise ValueError(value)
        return number
    if type(value) in (int, float) and math.isfinite(value):
        return value
    raise ValueError(value)


def cursor_encode(key: Sequence[Any], *, backwards: bool = False) -> str:
    payload = json.dumps({"p": [_encode_value(v) for v in key], "r": 1 if backwards else 0}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode("ascii").rstrip("=")


def cursor_decode(cursor: str, *, fields: Sequence[str]) -> Position | None:
    """The position a cursor of `cursor_encode` names over `fields`; None for anything else."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii") + b"=" * (-len(cursor) % 4)))
        key = [_decode_value(f, v) for f, v in zip(fields, data["p"], strict=True)]
        return Position(key=key, backwards=bool(data.get("r")))
    except (ValueError, KeyError, TypeError, InvalidOperation, binascii.Error, UnicodeError):
        return None


def _beyond(fields: Sequence[str], key: list[Any], *, descending: bool) -> Q:
    """Rows strictly beyond `key` in the scan's direction: (a, b, id) < (x, y, z) expanded, with a redundant bound
    on the leading field so the database can start an index range scan there."""
    op, bound = ("lt", "lte") if descending else ("gt", "gte")
    beyond = Q()
    for i, field in enumerate(fields):
        term = Q(**{f"{field}__{op}": key[i]})
        for j in range(i):
            term &= Q(**{fields[j]: key[j]})
        beyond |= term
    return Q(**{f"{fields[0]}__{bound}": key[0]}) & beyond


def row_key(row: Any, fields: Sequence[str]) -> list[Any]:
    return [getattr(row, f) for f in fields]


def keyset_page(
    queryset: QuerySet[Any], *, fields: Sequence[str], descending: bool, position: Position | None, limit: int
) -> KeysetPage:
    """One page of `queryset` ordered by `fields` (all in one direction, the last one unique), starting after
    `position` (None: at the top), with the cursors of the pages after and before it (None at either end)."""
    backwards = position is not None and position.backwards
    # Walking back (a "previous" link) flips the scan's direction; the page is then reversed into order.
    scan_descending = descending != backwards
    qs = queryset
    if position is not None:
        qs = qs.filter(_beyond(fields, position.key, descending=scan_descending))
    rows = list(qs.order_by(*(f"-{f}" if scan_descending else f for f in fields))[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    if backwards:
        rows.reverse()
    next_cursor = cursor_encode(row_key(rows[-1], fields)) if rows and (has_more or backwards) else None
    previous_cursor = (
        cursor_encode(row_key(rows[0], fields), backwards=True)
        if rows and position is not None and (has_more or not backwards)
        else None
    )
    return KeysetPage(rows=rows, next_cursor=next_cursor, previous_cursor=previous_cursor)
