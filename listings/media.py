"""Development media serving: the public derivatives only (MEDIA_ROOT), with the headers a CDN would add."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponseBase
from django.views.static import serve

from .selectors import photo_derivative_served


def media_serve(request: HttpRequest, path: str) -> HttpResponseBase:
    # A derivative of a photo withheld (its listing hidden) or deleted is not served, even if its file were left.
    if not photo_derivative_served(name=path):
        raise Http404
    # MEDIA_ROOT is read per request (not when the URLconf was imported), so overriding it takes effect.
    response = serve(request, path, document_root=str(settings.MEDIA_ROOT))
    response["X-Content-Type-Options"] = "nosniff"
    if path.startswith("photos/"):
        # Derivative names never change content (a new upload, or a listing restored after a hide, gets a new
        # random token): cache for good. Deleted ones are purged from a CDN (MEDIA_CDN_PURGE).
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
