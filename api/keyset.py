"""Keyset ("seek") cursor pagination over a compound ordering such as (created_at, id).

DRF's own `CursorPagination` positions the cursor on the first ordering field only and resolves ties with
an OFFSET, capped at 1000 rows: with many listings at the same price, paging by price would slow down and
finally stall. Here the cursor carries the whole key of the last row seen — every field of the ordering,
ending in the unique id — so each page is one index range scan (`WHERE key < cursor ORDER BY key LIMIT n`)
whatever its depth. The response keeps API.md's shape `{next, previous, results}`.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.response import Response

from core.errors import InvalidInput

from .pagination import CursorPagination


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _decode_value(field: str, value: Any) -> Any:
    if field.endswith("_at"):
        return datetime.fromisoformat(value)
    if field == "price_dkk":
        return Decimal(value)
    if field == "id":
        return int(value)
    return float(value)


class KeysetPagination(CursorPagination):
    """Use with `paginate(queryset, request, fields=(…, "id"), descending=…)`; all fields share one direction."""

    def paginate(
        self, queryset: QuerySet[Any], request: Request, *, fields: tuple[str, ...], descending: bool
    ) -> list[Any]:
        self.request = request
        self.fields = fields
        self.descending = descending
        page_size = self.get_page_size(request) or self.page_size
        position, reverse = self._decode_cursor(request)
        # Walking backwards (a `previous` link) flips the direction, then the page is reversed back.
        backwards = descending != reverse
        order = [f"-{f}" if backwards else f for f in fields]
        qs = queryset
        if position is not None:
            qs = qs.filter(self._after(position, backwards))
        rows = list(qs.order_by(*order)[: page_size + 1])
        has_more = len(rows) > page_size
        rows = rows[:page_size]
        if reverse:
            rows.reverse()
        self.next_key = self._key(rows[-1]) if rows and (has_more or reverse) else None
        self.prev_key = self._key(rows[0]) if rows and (position is not None and (not reverse or has_more)) else None
        if reverse and not has_more:
            self.prev_key = None
        return rows

    def _after(self, position: list[Any], backwards: bool) -> Q:
        """Rows strictly beyond `position` in the walking direction: (a, b, id) > (x, y, z) expanded, with a
        redundant bound on the leading field so the database can start an index range scan there."""
        op = "lt" if backwards else "gt"
        bound = "lte" if backwards else "gte"
        beyond = Q()
        for i, field in enumerate(self.fields):
            term = Q(**{f"{field}__{op}": position[i]})
            for j in range(i):
                term &= Q(**{self.fields[j]: position[j]})
            beyond |= term
        return Q(**{f"{self.fields[0]}__{bound}": position[0]}) & beyond

    def _key(self, row: Any) -> list[Any]:
        return [_encode_value(getattr(row, f)) for f in self.fields]

    def _decode_cursor(self, request: Request) -> tuple[list[Any] | None, bool]:
        raw = request.query_params.get(self.cursor_query_param)
        if not raw:
            return None, False
        try:
            data = json.loads(base64.urlsafe_b64decode(raw.encode("ascii") + b"=" * (-len(raw) % 4)))
            position = [_decode_value(f, v) for f, v in zip(self.fields, data["p"], strict=True)]
            return position, bool(data.get("r"))
        except (ValueError, KeyError, TypeError, InvalidOperation, binascii.Error, UnicodeError) as exc:
            message = _("The page cursor is not valid; start again from the first page.")
            raise InvalidInput(message, errors={"cursor": [message]}) from exc

    def _link(self, key: list[Any] | None, reverse: bool) -> str | None:
        if key is None:
            return None
        payload = json.dumps({"p": key, "r": 1 if reverse else 0}, separators=(",", ":")).encode()
        cursor = base64.urlsafe_b64encode(payload).decode("ascii").rstrip("=")
        params = {k: v for k, v in self.request.query_params.items() if k != self.cursor_query_param}
        params[self.cursor_query_param] = cursor
        return self.request.build_absolute_uri(self.request.path) + "?" + urlencode(params)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {"next": self._link(self.next_key, False), "previous": self._link(self.prev_key, True), "results": data}
        )
