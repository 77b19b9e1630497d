"""Renderers for the API's binary answers."""

from __future__ import annotations

from typing import Any

from rest_framework.renderers import JSONRenderer


class PdfRenderer(JSONRenderer):
    """Lets a client ask for `Accept: application/pdf` (a view answering PDF returns its bytes itself); an error
    on such a view is still problem+json, which this renderer writes as JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if isinstance(data, bytes | bytearray):
            return bytes(data)
        return super().render(data, accepted_media_type, renderer_context)
