"""Writes for users and workshops."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.errors import InvalidInput

from .models import User, Workshop


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


def workshop_verify(*, workshop: Workshop) -> Workshop:
    if not workshop.verified:
        workshop.verified = True
        workshop.verified_at = timezone.now()
        workshop.save(update_fields=["verified", "verified_at"])
    return workshop
