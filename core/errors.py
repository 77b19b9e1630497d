"""The base of every domain error. Apps raise subclasses; `api.exceptions` turns them into problem+json."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the domain said no. `status` is the HTTP status the API answers with (409 by default)."""

    status = 409
    code = "conflict"
    title: str | Promise = _("The request conflicts with the current state.")

    def __init__(self, detail: str | Promise | None = None, *, code: str | None = None) -> None:
        self.detail = detail if detail is not None else self.title
        if code:
            self.code = code
        super().__init__(str(self.detail))


class NotAllowed(DomainError):
    status = 403
    code = "not_allowed"
    title = _("You are not allowed to do that.")


class NotFound(DomainError):
    status = 404
    code = "not_found"
    title = _("Not found.")


class InvalidInput(DomainError):
    """Input that passed the serializer but breaks a rule; `errors` maps fields to messages."""

    status = 400
    code = "invalid"
    title = _("Invalid input.")

    def __init__(
        self,
        detail: str | Promise | None = None,
        *,
        errors: dict[str, list[str | Promise]] | None = None,
        code: str | None = None,
    ) -> None:
        self.errors = errors or {}
        super().__init__(detail, code=code)
