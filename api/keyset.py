"""The API's keyset pagination: `core.keyset` (the same pagination the pages use) behind DRF's paginator, with
API.md's response shape `{next, previous, results}` and a 400 for a cursor the API did not make."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.response import Response

from core import keyset
from core.errors import InvalidInput

from .pagination import CursorPagination


class KeysetPagination(CursorPagination):
    """Use with `paginate(queryset, request, fields=(…, "id"), descending=…)`; all fields share one direction."""

    def paginate(
        self, queryset: QuerySet[Any], request: Request, *, fields: tuple[str, ...], descending: bool
    ) -> list[Any]:
        self.request = request
        raw = request.query_params.get(self.cursor_query_param) or ""
        position = keyset.cursor_decode(raw, fields=fields) if raw else None
        if raw and position is None:
            message = _("The page cursor is not valid; start again from the first page.")
            raise InvalidInput(message, errors={"cursor": [message]})
        self.result = keyset.keyset_page(
            queryset,
            fields=fields,
            descending=descending,
            position=position,
            limit=self.get_page_size(request) or self.page_size,
        )
        return self.result.rows

    def _link(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        params = {k: v for k, v in self.request.query_params.items() if k != self.cursor_query_param}
        params[self.cursor_query_param] = cursor
        return self.request.build_absolute_uri(self.request.path) + "?" + urlencode(params)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "next": self._link(self.result.next_cursor),
                "previous": self._link(self.result.previous_cursor),
                "results": data,
            }
        )
