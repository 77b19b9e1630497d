"""Writes across every app for one person: deleting an account as the privacy rules say."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User, WorkshopInvitation
from accounts.services import user_access_end
from core import pagecache
from core.errors import InvalidInput
from listings.models import Kind, Listing, ListingStatus, Photo
from marketplace.models import OPEN_RESERVATION_STATUSES, Reservation, SavedSearch
from marketplace.services import reservation_cancel
from notifications.models import Notification
from repairs.services import donor_forget

# What deleting an account does, as `user_delete` does it: My page's confirmation lists these, so the page can
# never promise more or less than the code keeps. Change one with the other.
DELETION_REMOVES: tuple[Promise, ...] = (
    _("Your name, email address, area and password: the account can no longer be used or logged in to."),
    _("Your listings for sale or to give away are withdrawn, and their photos deleted."),
    _("Your open reservations are cancelled, and the other side is told."),
    _("Your notifications, saved searches, workshop memberships and log-ins (sessions and API tokens)."),
    _("Your name and contact details in the fault descriptions of things you donated for repair."),
)
DELETION_KEEPS: tuple[Promise, ...] = (
    _("Messages you wrote stay readable to the person you wrote to, without your name."),
    _("Sold items stay in the buyer's history, and items published for a workshop stay the workshop's."),
    _("Repairs of things you donated stay in the impact figures (kilos, CO2e, hours), with nothing that names you."),
)


def wrong_password() -> InvalidInput:
    message = _("The password is not right. Nothing was deleted.")
    return InvalidInput(message, errors={"password": [message]})


@transaction.atomic
def user_delete_confirmed(*, user: User, password: str) -> None:
    """Delete an account from the site: only with the account's own password (a session left open on a shared PC is
    not enough). A wrong password deletes nothing. The row is locked first, so a form sent twice deletes once (the
    second finds the password already unusable)."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not password or not locked.check_password(password):
        raise wrong_password()
    user_delete(user=locked)


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete an account as the privacy rules say, keeping what others and the impact figures rely on:

    - their open reservations, as buyer or as seller, end as if they had cancelled them: the listing is free
      again and the other side is told (`marketplace.services.reservation_cancel`);
    - the listings they sell themselves are withdrawn (not public any more) and their photos deleted, files
      included; listings they published for a workshop stay the workshop's, with its reservations, for the
      other members to manage;
    - their messages stay readable to the other party, without their name;
    - their repair history stays in the impact figures, with no personal data left on it (the fault texts they
      wrote lose their name and contact details; a donation no workshop holds yet is cancelled);
    - tokens, sessions, notifications, saved searches, workshop memberships and invitations to their address go.
    The row itself stays as an anonymous, inactive shell because listings and jobs point at it."""
    own = Q(listing__seller=user, listing__workshop__isnull=True)
    for reservation in Reservation.objects.filter(Q(buyer=user) | own, status__in=OPEN_RESERVATION_STATUSES):
        reservation_cancel(reservation=reservation, actor=user)
    Listing.objects.filter(
        seller=user,
        workshop__isnull=True,
        status__in=[ListingStatus.DRAFT, ListingStatus.ACTIVE, ListingStatus.RESERVED],
    ).update(status=ListingStatus.WITHDRAWN, pickup_details="")
    pagecache.catalogue_changed()
    # Their donations for repair: the fault texts lose their name and contact details, open jobs are cancelled.
    donor_forget(donor=user)
    # Photos of the things they had for sale or to give away show their home: gone with the account (the files
    # once committed). Sold listings keep theirs for the buyer's record; items donated for repair keep theirs
    # for the workshop that repairs them.
    Photo.objects.filter(
        listing__seller=user,
        listing__workshop__isnull=True,
        listing__status=ListingStatus.WITHDRAWN,
        listing__kind__in=[Kind.SALE, Kind.FREE],
    ).delete()
    Notification.objects.filter(user=user).delete()
    SavedSearch.objects.filter(user=user).delete()
    user.memberships.all().delete()
    user_access_end(user=user)  # every token and session
    WorkshopInvitation.objects.filter(email=user.email).delete()  # their address, in workshops' invitations
    user.email = f"deleted-{user.pk}@deleted.invalid"
    user.display_name = ""
    user.area = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save()
