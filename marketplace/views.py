"""Plain Django views of trade that need no login: the saved-search unsubscribe link from the digest email."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .models import SavedSearch
from .services import saved_search_unsubscribe


@csrf_exempt  # the token in the URL is the credential; RFC 8058 one-click unsubscribe POSTs without a session
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a confirm button (mail scanners that follow links must not unsubscribe anybody); POST — the
    button, or a mail client's one-click `List-Unsubscribe-Post` — stops the digest. Unknown token: 404."""
    if request.method == "POST":
        saved_search = saved_search_unsubscribe(token=token)
        done = True
    else:
        saved_search = SavedSearch.objects.filter(unsubscribe_token=token).first()
        done = saved_search is not None and not saved_search.email_digest
    if saved_search is None:
        return render(request, "trade/unsubscribe.html", {"saved_search": None}, status=404)
    return render(request, "trade/unsubscribe.html", {"saved_search": saved_search, "done": done})
