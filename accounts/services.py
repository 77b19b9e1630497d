"""Writes for users and workshops."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import SESSION_KEY, password_validation
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from core.errors import DomainError, InvalidInput, NotAllowed

from .models import Role, User, Workshop, WorkshopMembership
from .selectors import is_owner
from .signals import workshop_applied


def _email_taken() -> InvalidInput:
    return InvalidInput(
        _("An account with this email address already exists."),
        errors={"email": [_("An account with this email address already exists.")]},
    )


@transaction.atomic
def user_register(*, email: str, password: str, display_name: str, language: str = "da", area: str = "") -> User:
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise _email_taken()
    user = User(email=email, display_name=display_name.strip(), language=language, area=area.strip())
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(_("The password is not strong enough."), errors={"password": list(exc.messages)}) from exc
    user.set_password(password)
    user.full_clean(exclude=["password"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # two registrations with one email at the same moment
        raise _email_taken() from exc
    return user


def user_update(
    *, user: User, display_name: str | None = None, language: str | None = None, area: str | None = None
) -> User:
    fields = []
    if display_name is not None:
        user.display_name = display_name.strip()
        fields.append("display_name")
    if language is not None:
        user.language = language
        fields.append("language")
    if area is not None:
        user.area = area.strip()
        fields.append("area")
    if fields:
        user.full_clean(exclude=["password"], validate_unique=False)
        user.save(update_fields=fields)
    return user


# --- Ways in: API tokens and sessions -----------------------------------------------------------------------


def user_access_end(*, user: User, keep_session_key: str | None = None) -> None:
    """End every way into the account: every API token, and every session but `keep_session_key`. After a
    password change or reset (`password_changed`) and when an account is deleted (`privacy.services`)."""
    Token.objects.filter(user=user).delete()
    sessions = Session.objects.filter(expire_date__gte=timezone.now())
    if keep_session_key:
        sessions = sessions.exclude(session_key=keep_session_key)
    for session in sessions.iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            session.delete()


def password_changed(*, user: User) -> None:
    """A new password shuts out whoever held the old one: a stolen API token or session cookie stops working.
    Runs for every password change (`accounts.signals.password_changed`, sent by `User.save`). The person who
    changed their own password while logged in stays logged in on that browser: Django's password-change views
    (the admin's included) call `update_session_auth_hash` after saving, which moves that session to a new key
    with the new password's hash; a view of ours that changes a password while logged in must do the same."""
    user_access_end(user=user)


def password_changed_receiver(sender: Any, user: User, **kwargs: Any) -> None:
    password_changed(user=user)


@transaction.atomic
def user_token(*, user: User, rotate: bool = False) -> Token:
    """The user's API token (made on first use). `rotate`: a new one, and the old one stops working."""
    if rotate:
        Token.objects.filter(user=user).delete()
    token, _created = Token.objects.get_or_create(user=user)
    return token


def workshop_verify(*, workshop: Workshop) -> Workshop:
    if not workshop.verified:
        workshop.verified = True
        workshop.verified_at = timezone.now()
        workshop.save(update_fields=["verified", "verified_at"])
    return workshop


# --- Workshops ---------------------------------------------------------------------------------------------


class WorkshopNotAllowed(NotAllowed):
    code = "workshop_not_allowed"


_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def _unique_workshop_slug(name: str) -> str:
    base = slugify(name.translate(_DANISH))[:70].strip("-") or "vaerksted"
    slug, n = base, 2
    while Workshop.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def workshop_create(
    *, owner: User, name: str, cvr: str, address: str, description: str = "", categories: Iterable[Any] = ()
) -> Workshop:
    """A user applies to register a workshop: it starts unverified and the applicant is its owner. `categories`
    are the leaf categories it handles (`listings.selectors.category_leaves_named` reads them from slugs)."""
    cats = list(categories)
    for attempt in range(3):
        workshop = Workshop(
            name=name.strip(),
            slug=_unique_workshop_slug(name),
            cvr=cvr.strip(),
            address=address.strip(),
            description=description.strip(),
            verified=False,
        )
        try:
            workshop.full_clean(exclude=["slug"] if attempt else None)
        except ValidationError as exc:  # a 400 with the field's message on every face, never a 500
            errors: dict[str, list[Any]] = {k: list(v) for k, v in exc.message_dict.items()}
            raise InvalidInput(_("Please correct the errors below."), errors=errors) from exc
        try:
            with transaction.atomic():
                workshop.save()
        except IntegrityError:  # another workshop took the slug between the check and the insert
            continue
        workshop.categories.set(cats)
        WorkshopMembership.objects.create(workshop=workshop, user=owner, role=Role.OWNER)
        workshop_applied.send(sender=Workshop, workshop=workshop)
        return workshop
    raise DomainError(_("Could not give the workshop a unique address. Please try again."))


def require_owner(*, workshop: Workshop, user: User) -> None:
    """Refuse (403) unless `user` owns the workshop (`selectors.is_owner`)."""
    if not is_owner(user=user, workshop=workshop):
        raise WorkshopNotAllowed(_("Only an owner of the workshop may do that."))


@transaction.atomic
def workshop_update(
    *,
    workshop: Workshop,
    actor: User,
    name: str | None = None,
    address: str | None = None,
    description: str | None = None,
    categories: Iterable[Any] | None = None,
    opening_hours: str | None = None,
    dropoff_instructions: str | None = None,
) -> Workshop:
    """The owner changes the profile (with the opening hours and drop-off instructions residents read when they
    bring an item to be repaired) and the categories the workshop handles (the slug and CVR stay)."""
    require_owner(workshop=workshop, user=actor)
    fields = []
    for field, value in (
        ("name", name),
        ("address", address),
        ("description", description),
        ("opening_hours", opening_hours),
        ("dropoff_instructions", dropoff_instructions),
    ):
        if value is not None:
            setattr(workshop, field, value.strip())
            fields.append(field)
    if fields:
        workshop.full_clean(validate_unique=False)
        workshop.save(update_fields=fields)
    if categories is not None:
        workshop.categories.set(list(categories))
    return workshop
