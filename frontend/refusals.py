"""A service's refusals on the pages, handled in one place — as `api/exceptions.py` does it for the API.

A service that says no raises a `core.errors.DomainError`; the page views let it rise, as the API views do.

- `@shows_refusals(back_to=…)` on a view turns a refusal into an error message above the page that
  `back_to(request, **the view's arguments)` names (by default the page itself), and redirects there.
  `NotFound` — a selector that finds nothing the person may see — is the 404 page, as it is a 404 in the API.
- `with refusals_on(form):` around a form's service call and what follows its success: an `InvalidInput` lands
  beside the fields it names (the rest above the form) and ends the block, so the view goes on to render the
  form again with them. Any other refusal rises to `@shows_refusals`, unless `others_on` names the field it
  belongs beside.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar, cast

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import redirect

from core.errors import DomainError, InvalidInput, NotFound

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def shows_refusals(back_to: Callable[..., str] | None = None) -> Callable[[View], View]:
    """Decorate a page view: a refusal becomes a message above `back_to`'s page (default: this page); NotFound, 404."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
                return view(request, *args, **kwargs)
            except NotFound as error:
                raise Http404 from error
            except DomainError as error:
                messages.error(request, str(error.detail))
                return redirect(back_to(request, *args, **kwargs) if back_to else request.path)

        return cast(View, wrapper)

    return decorate


class _RefusalsOnForm:
    def __init__(self, form: forms.Form, others_on: str | None) -> None:
        self.form = form
        self.others_on = others_on

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> bool:
        if isinstance(error, InvalidInput):
            if not error.errors:
                self.form.add_error(None, str(error.detail))
            for name, field_messages in error.errors.items():
                target = name if name in self.form.fields else None
                for message in field_messages:
                    self.form.add_error(target, str(message))
            return True
        if isinstance(error, DomainError) and self.others_on is not None:
            self.form.add_error(self.others_on, str(error.detail))
            return True
        return False


def refusals_on(form: forms.Form, *, others_on: str | None = None) -> _RefusalsOnForm:
    """A context manager that shows the service's `InvalidInput` on `form` (and, with `others_on`, any other
    refusal beside that field) instead of letting it rise."""
    return _RefusalsOnForm(form, others_on)
