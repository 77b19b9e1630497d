"""What every page's header needs: the unread badges, counted in one query and only when a page shows them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from marketplace.selectors import unread_counts


def unread(request: HttpRequest) -> dict[str, Any]:
    """`unread.messages` and `unread.notifications` for the signed-in person (`marketplace.selectors.unread_counts`:
    one query, run only if the template reads them — the header does for signed-in people)."""
    user = getattr(request, "user", None)
    return {"unread": SimpleLazyObject(lambda: unread_counts(user=user))}  # type: ignore[arg-type]
