"""A moderator's hide sticks through everything that happens to the listing afterwards, takes its photos off the
public storage (and a CDN), and a moderator's restore brings back what the trade made of it meanwhile."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from listings import photos, pipeline, services
from listings.models import Listing, ListingStatus, Photo, PhotoStatus
from listings.services import ListingStateConflict
from marketplace.models import Reservation, ReservationStatus
from marketplace.tasks import reservations_expire
from tests.factories import ListingFactory, UserFactory
from tests.helpers import client_for
from tests.listings import imagegen

pytestmark = pytest.mark.django_db

PURGED: list[list[str]] = []


def record_purge(urls: list[str]) -> None:
    """The CDN purge hook of these tests (settings.MEDIA_CDN_PURGE)."""
    PURGED.append(list(urls))


@pytest.fixture
def purge_hook(settings):  # type: ignore[no-untyped-def]
    PURGED.clear()
    settings.MEDIA_CDN_PURGE = "tests.listings.test_hide.record_purge"
    yield PURGED
    PURGED.clear()


@pytest.fixture
def moderator():  # type: ignore[no-untyped-def]
    return UserFactory(is_staff=True, is_superuser=True)


def admin_hide(moderator, listing: Listing) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(moderator)
    response = client.post(
        reverse("admin:listings_listing_changelist"), {"action": "hide", "_selected_action": [listing.pk]}
    )
    assert response.status_code == 302


def reserved_listing() -> tuple[Listing, Reservation]:
    listing = ListingFactory()
    buyer = UserFactory()
    response = client_for(buyer).post(f"/api/v1/listings/{listing.pk}/reservations/")
    assert response.status_code == 201, response.content
    return listing, Reservation.objects.get(pk=response.json()["id"])


def is_public(listing: Listing) -> bool:
    anonymous = Client()
    detail = anonymous.get(f"/api/v1/listings/{listing.pk}/").status_code
    browse = [row["id"] for row in anonymous.get("/api/v1/listings/").json()["results"]]
    page = anonymous.get(f"/listings/{listing.pk}/").status_code
    assert (detail == 200) == (listing.pk in browse) == (page == 200)
    return detail == 200


# --- Item 1: the hide sticks ---------------------------------------------------------------------------------


def test_a_hidden_reserved_listing_stays_hidden_when_the_seller_completes_the_hand_over(moderator):
    listing, reservation = reserved_listing()
    admin_hide(moderator, listing)
    response = client_for(listing.seller).post(f"/api/v1/reservations/{reservation.pk}/complete/")
    # The two people may finish what they started: the hand-over is recorded …
    assert response.status_code == 200, response.content
    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.COMPLETED
    # … but the listing stays hidden, sold under the hide.
    listing.refresh_from_db()
    assert listing.status == ListingStatus.HIDDEN
    assert listing.restore_status == ListingStatus.SOLD and listing.sold_at is not None
    assert not is_public(listing)


@pytest.mark.parametrize("ending", ["buyer_cancels", "seller_cancels", "expires", "confirmed_then_completed"])
def test_a_hidden_reserved_listing_stays_hidden_whatever_ends_the_reservation(ending, moderator):
    listing, reservation = reserved_listing()
    admin_hide(moderator, listing)
    seller, buyer = client_for(listing.seller), client_for(reservation.buyer)
    if ending == "buyer_cancels":
        assert buyer.post(f"/api/v1/reservations/{reservation.pk}/cancel/").status_code == 200
    elif ending == "seller_cancels":
        assert seller.post(f"/api/v1/reservations/{reservation.pk}/cancel/").status_code == 200
    elif ending == "expires":
        Reservation.objects.filter(pk=reservation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
        assert reservations_expire() == 1
    else:
        assert seller.post(f"/api/v1/reservations/{reservation.pk}/confirm/").status_code == 200
        assert seller.post(f"/api/v1/reservations/{reservation.pk}/complete/").status_code == 200
    listing.refresh_from_db()
    assert listing.status == ListingStatus.HIDDEN
    assert not is_public(listing)
    # Nobody can reserve it again while hidden: for others it does not exist.
    assert client_for(UserFactory()).post(f"/api/v1/listings/{listing.pk}/reservations/").status_code == 404


@pytest.mark.parametrize("status", [ListingStatus.DRAFT, ListingStatus.ACTIVE])
def test_the_seller_cannot_publish_withdraw_or_edit_a_hidden_listing(status, moderator):
    listing = ListingFactory(status=status)
    admin_hide(moderator, listing)
    seller = client_for(listing.seller)
    assert seller.post(f"/api/v1/listings/{listing.pk}/publish/").status_code == 409
    assert seller.delete(f"/api/v1/listings/{listing.pk}/").status_code == 409
    assert seller.patch(f"/api/v1/listings/{listing.pk}/", {"title": "Ny titel"}, format="json").status_code == 409
    # The pages go through the same services.
    page = Client()
    page.force_login(listing.seller)
    page.post(reverse("frontend:listing_publish", args=[listing.pk]))
    page.post(reverse("frontend:listing_withdraw", args=[listing.pk]))
    listing.refresh_from_db()
    assert listing.status == ListingStatus.HIDDEN and listing.title != "Ny titel"


def test_the_admin_form_cannot_type_a_hidden_listing_public_again(moderator):
    listing = ListingFactory()
    admin_hide(moderator, listing)
    client = Client()
    client.force_login(moderator)
    url = reverse("admin:listings_listing_change", args=[listing.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert 'name="status"' not in form.content.decode()  # read-only: a hide is undone only by the restore action
    listing.refresh_from_db()
    assert listing.status == ListingStatus.HIDDEN


# --- Item 20 ---------------------------------------------------------------------------------------------------


def test_hiding_a_listing_updates_its_updated_at(moderator):
    listing = ListingFactory()
    before = timezone.now() - timedelta(days=3)
    Listing.objects.filter(pk=listing.pk).update(updated_at=before)
    admin_hide(moderator, listing)
    listing.refresh_from_db()
    assert listing.updated_at > before + timedelta(days=2)
    assert listing.hidden_at is not None and listing.hidden_by == moderator


# --- The restore -----------------------------------------------------------------------------------------------


def test_a_restore_shows_the_trade_status_reached_under_the_hide(moderator):
    listing, reservation = reserved_listing()
    services.listing_hide(listing=listing, actor=moderator)
    client_for(listing.seller).post(f"/api/v1/reservations/{reservation.pk}/complete/")
    client = Client()
    client.force_login(moderator)
    client.post(reverse("admin:listings_listing_changelist"), {"action": "restore", "_selected_action": [listing.pk]})
    listing.refresh_from_db()
    assert listing.status == ListingStatus.SOLD
    assert (listing.restore_status, listing.hidden_at, listing.hidden_by) == ("", None, None)
    assert is_public(listing)


@pytest.mark.parametrize(
    ("status", "restored"),
    [
        (ListingStatus.DRAFT, ListingStatus.DRAFT),
        (ListingStatus.ACTIVE, ListingStatus.ACTIVE),
        (ListingStatus.WITHDRAWN, ListingStatus.WITHDRAWN),
        (ListingStatus.SOLD, ListingStatus.SOLD),
    ],
)
def test_a_restore_brings_back_the_status_it_was_hidden_in(status, restored, moderator):
    listing = ListingFactory(status=status)
    services.listing_hide(listing=listing, actor=moderator)
    services.listing_hide(listing=listing, actor=moderator)  # twice: nothing more happens
    assert services.listing_restore(listing=listing, actor=moderator).status == restored


def test_a_cancelled_reservation_under_the_hide_restores_to_active(moderator):
    listing, reservation = reserved_listing()
    services.listing_hide(listing=listing, actor=moderator)
    client_for(reservation.buyer).post(f"/api/v1/reservations/{reservation.pk}/cancel/")
    assert services.listing_restore(listing=listing, actor=moderator).status == ListingStatus.ACTIVE


def test_a_deleted_sellers_listing_cannot_be_restored(moderator):
    listing = ListingFactory()
    services.listing_hide(listing=listing, actor=moderator)
    assert client_for(listing.seller).delete("/api/v1/me/").status_code == 204
    with pytest.raises(ListingStateConflict):
        services.listing_restore(listing=listing, actor=moderator)
    listing.refresh_from_db()
    assert listing.status == ListingStatus.HIDDEN


# --- Item 6: the photos of a hidden listing are unreachable -----------------------------------------------------


def processed_photo(listing: Listing) -> Photo:
    photo = photos.photo_upload(listing_id=listing.pk, user=listing.seller, file=ContentFile(imagegen.jpeg(), "x"))
    pipeline.photo_process(photo_id=photo.pk)
    photo.refresh_from_db()
    assert photo.status == PhotoStatus.READY
    return photo


def media_urls(photo: Photo) -> list[str]:
    return [storages["default"].url(v["name"]) for v in photo.variants.values()]


def test_hiding_a_listing_takes_its_photo_derivatives_off_their_urls_and_purges_them(
    moderator, purge_hook, django_capture_on_commit_callbacks
):
    listing = ListingFactory()
    photo = processed_photo(listing)
    urls = media_urls(photo)
    anonymous = Client()
    assert all(anonymous.get(url).status_code == 200 for url in urls)
    with django_capture_on_commit_callbacks(execute=True):
        admin_hide(moderator, listing)
    assert [anonymous.get(url).status_code for url in urls] == [404] * len(urls)
    assert not any(Path(settings.MEDIA_ROOT, v["name"]).exists() for v in photo.variants.values())
    assert sorted(url for call in purge_hook for url in call) == sorted(urls)
    # The original stays, private, for a restore; the photo is withheld under a new token.
    fresh = Photo.objects.get(pk=photo.pk)
    assert fresh.status == PhotoStatus.WITHHELD and fresh.variants == {}
    assert fresh.upload_token != photo.upload_token
    assert storages["private"].exists(fresh.original.name)
    # Its owner still sees it, without public copies; nobody else sees it at all.
    assert client_for(listing.seller).get(f"/api/v1/photos/{photo.pk}/").json()["variants"] == {}
    assert anonymous.get(f"/api/v1/photos/{photo.pk}/").status_code == 404


def test_a_derivative_left_behind_by_a_failed_delete_is_not_served_either(moderator):
    listing = ListingFactory()
    photo = processed_photo(listing)
    name = photo.variants["w320"]["name"]
    content = Path(settings.MEDIA_ROOT, name).read_bytes()
    admin_hide(moderator, listing)  # (on_commit never runs here: the files stay behind)
    assert Path(settings.MEDIA_ROOT, name).read_bytes() == content
    assert Client().get(storages["default"].url(name)).status_code == 404


def test_deleting_a_photo_purges_its_urls(purge_hook, django_capture_on_commit_callbacks):
    listing = ListingFactory()
    photo = processed_photo(listing)
    urls = media_urls(photo)
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(listing.seller).delete(f"/api/v1/photos/{photo.pk}/").status_code == 204
    assert sorted(url for call in purge_hook for url in call) == sorted(urls)
    assert [Client().get(url).status_code for url in urls] == [404] * len(urls)


def test_a_restore_makes_the_photos_again_under_new_urls(moderator, django_capture_on_commit_callbacks):
    listing = ListingFactory()
    photo = processed_photo(listing)
    old_urls = media_urls(photo)
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_hide(listing=listing, actor=moderator)
    with django_capture_on_commit_callbacks() as queued:
        services.listing_restore(listing=listing, actor=moderator)
    assert Photo.objects.get(pk=photo.pk).status == PhotoStatus.PENDING
    assert len(queued) == 1  # its processing, queued after commit
    pipeline.photo_process(photo_id=photo.pk)
    restored = Photo.objects.get(pk=photo.pk)
    assert restored.status == PhotoStatus.READY
    new_urls = media_urls(restored)
    assert set(new_urls).isdisjoint(old_urls)
    anonymous = Client()
    assert all(anonymous.get(url).status_code == 200 for url in new_urls)
    assert all(anonymous.get(url).status_code == 404 for url in old_urls)
    assert anonymous.get(f"/api/v1/listings/{listing.pk}/").json()["photos"][0]["id"] == photo.pk


def test_a_render_running_while_the_listing_is_hidden_leaves_no_public_copy(moderator, monkeypatch):
    listing = ListingFactory()
    photo = photos.photo_upload(listing_id=listing.pk, user=listing.seller, file=ContentFile(imagegen.jpeg(), "x"))
    render = pipeline.image_render

    def render_then_hide(*args, **kwargs):  # type: ignore[no-untyped-def]
        rendered = render(*args, **kwargs)
        services.listing_hide(listing=listing, actor=moderator)  # the moderator acts while the worker renders
        return rendered

    monkeypatch.setattr(pipeline, "image_render", render_then_hide)
    pipeline.photo_process(photo_id=photo.pk)
    assert Photo.objects.get(pk=photo.pk).status == PhotoStatus.WITHHELD
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    # And a queued render that starts after the hide does nothing.
    monkeypatch.setattr(pipeline, "image_render", render)
    pipeline.photo_process(photo_id=photo.pk)
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
