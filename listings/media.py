"""Development media serving: the public derivatives only (MEDIA_ROOT), with the headers a CDN would add."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.views.static import serve


def media_serve(request: HttpRequest, path: str) -> HttpResponseBase:
    # MEDIA_ROOT is read per request (not when the URLconf was imported), so overriding it takes effect.
    response = serve(request, path, document_root=str(settings.MEDIA_ROOT))
    response["X-Content-Type-Options"] = "nosniff"
    if path.startswith("photos/"):
        # Derivative names never change content (a new upload gets a new random token): cache for good.
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
