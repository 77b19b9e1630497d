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


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete an account as the privacy rules say, keeping what others and the impact figures rely on:

    - the person's listings are withdrawn (not public any more);
    - their messages stay readable to the other party, without their name;
    - their repair history stays in the impact figures, with no personal data left on it;
    - tokens, sessions, notifications, saved searches and workshop memberships go.
    The row itself stays as an anonymous, inactive shell because listings and jobs point at it."""
    from django.contrib.sessions.models import Session
    from rest_framework.authtoken.models import Token

    from listings.models import Listing, ListingStatus
    from marketplace.trade.models import Notification, Reservation, ReservationStatus, SavedSearch

    Listing.objects.filter(seller=user, status__in=["draft", "active", "reserved"]).update(
        status=ListingStatus.WITHDRAWN, pickup_details=""
    )
    Reservation.objects.filter(buyer=user, status__in=["pending", "confirmed"]).update(
        status=ReservationStatus.CANCELLED, cancelled_at=timezone.now()
    )
    Token.objects.filter(user=user).delete()
    Notification.objects.filter(user=user).delete()
    SavedSearch.objects.filter(user=user).delete()
    user.memberships.all().delete()
    for session in Session.objects.filter(expire_date__gte=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
    user.email = f"deleted-{user.pk}@deleted.invalid"
    user.display_name = ""
    user.area = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save()
