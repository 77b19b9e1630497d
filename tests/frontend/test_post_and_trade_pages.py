"""Post an item, edit it, photos, reserve, messages, report, My page — through the test client, without
JavaScript (the plain forms every page must work with)."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from listings.models import Listing, ListingStatus, Photo, PhotoStatus
from listings.pipeline import photo_process
from marketplace.models import Conversation, Report, Reservation, SavedSearch
from notifications.models import Notification
from repairs.models import RepairJob
from tests import factories

pytestmark = pytest.mark.django_db


def jpeg(width: int = 64, height: int = 48) -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (120, 160, 90)).save(buffer, "JPEG")
    return SimpleUploadedFile("IMG_0001.jpg", buffer.getvalue(), content_type="image/jpeg")


def sale_data(**extra: str) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "sale",
        "title": "Egetræsbord",
        "category": "furniture",
        "condition": "good",
        "price_dkk": "300",
        "area": "Kildeparken",
        "pickup_details": "Ring på 3. th., hverdage efter kl. 17",
        "action": "publish",
    }
    data.update(extra)
    return data


def text(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", response.content.decode())


def test_post_page_needs_login_and_offers_leaf_categories_in_danish(client):
    assert client.get("/post/").status_code == 302
    client.force_login(factories.UserFactory())
    html = text(client.get("/post/"))
    assert "<h1>Opret en annonce</h1>" in html
    assert 'value="furniture"' in html
    assert "<optgroup" in html  # groups are headings, only leaves can be chosen
    assert 'enctype="multipart/form-data"' in html
    assert "style=" not in html.split("<main", 1)[1]  # no inline styles (a strict CSP comes later)
    assert "<script>" not in html  # the uploader is a static file


def test_post_a_sale_with_photos_without_javascript(client, django_capture_on_commit_callbacks):
    seller = factories.UserFactory()
    client.force_login(seller)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post("/post/", {**sale_data(), "photos": [jpeg(), jpeg()]})
    listing = Listing.objects.get(title="Egetræsbord")
    # issue 15: the person lands on a page showing what was created and what happens next
    assert response.status_code == 302 and response["Location"] == f"/listings/{listing.pk}/created/"
    assert listing.status == ListingStatus.ACTIVE and listing.price_dkk == Decimal(300)
    assert listing.seller == seller
    photos = list(listing.photos.order_by("position"))
    assert [p.status for p in photos] == [PhotoStatus.PENDING, PhotoStatus.PENDING]
    page = text(client.get(response["Location"]))
    assert "Din annonce er offentliggjort</h1>" in page
    assert "Hvad sker der nu" in page and "<form" not in page.split('id="main"')[-1].split("Hvad sker der nu")[0]
    assert "Behandler…" in page and 'hx-trigger="every 2s"' in page  # htmx polls while a photo is pending
    for photo in photos:
        photo_process(photo_id=photo.pk)
    page = text(client.get(f"/listings/{listing.pk}/photos/"))
    assert page.count("Klar") == 2 and "hx-trigger" not in page  # polling stops once all are processed


def test_a_rejected_file_gets_the_services_message_and_the_listing_is_kept(client):
    client.force_login(factories.UserFactory())
    junk = SimpleUploadedFile("notes.jpg", b"this is not a picture" * 10, content_type="image/jpeg")
    response = client.post("/post/", {**sale_data(), "photos": [junk]}, follow=True)
    html = text(response)
    assert "notes.jpg:" in html  # the file is named with the service's (Danish) reason
    assert Listing.objects.filter(title="Egetræsbord").exists()
    assert not Photo.objects.exists()


def test_free_items_have_no_price_and_repair_needs_a_mode(client):
    client.force_login(factories.UserFactory())
    client.post("/post/", sale_data(kind="free", title="Gratis stol", price_dkk="250"))
    assert Listing.objects.get(title="Gratis stol").price_dkk == 0
    response = client.post("/post/", sale_data(kind="repair", title="Død laptop", category="laptop", price_dkk=""))
    assert response.status_code == 200 and not Listing.objects.filter(title="Død laptop").exists()
    assert "Angiv, om værkstedet må beholde" in text(response)
    client.post(
        "/post/",
        sale_data(
            kind="repair", title="Død laptop", category="laptop", repair_mode="donate", fault_description="Tænder ikke"
        ),
    )
    job = RepairJob.objects.get(listing__title="Død laptop")
    assert job.fault_description == "Tænder ikke" and job.mode == "donate"


def test_invalid_input_is_shown_next_to_the_fields(client):
    client.force_login(factories.UserFactory())
    response = client.post("/post/", sale_data(title="", category="it-udstyr"))
    html = text(response)
    assert response.status_code == 200
    assert 'id="id_title_errors"' in html and 'id="id_category_errors"' in html
    assert not Listing.objects.exists()


def test_the_upload_script_gets_json_then_uses_the_api_upload(client):
    client.force_login(factories.UserFactory())
    response = client.post("/post/", sale_data(), headers={"X-Kredslob-Upload": "1"})
    assert response.status_code == 201
    body = response.json()
    listing = Listing.objects.get(pk=body["id"])
    assert body["created_url"] == f"/listings/{listing.pk}/created/"
    assert body["photos_url"] == f"/api/v1/listings/{listing.pk}/photos/" or body["photos_url"].endswith(
        f"/listings/{listing.pk}/photos/"
    )
    upload = client.post(body["photos_url"], {"file": jpeg()})
    assert upload.status_code == 201, upload.content
    invalid = client.post("/post/", sale_data(title=""), headers={"X-Kredslob-Upload": "1"})
    assert invalid.status_code == 400 and "title" in invalid.json()["errors"]


def test_edit_publish_and_withdraw_own_listing_only(client):
    listing = factories.ListingFactory(status=ListingStatus.DRAFT, published_at=None)
    client.force_login(factories.UserFactory())
    assert client.get(f"/listings/{listing.pk}/edit/").status_code == 404
    assert client.post(f"/listings/{listing.pk}/withdraw/").status_code == 404
    client.force_login(listing.seller)
    response = client.post(
        f"/listings/{listing.pk}/edit/",
        {"title": "Ny titel", "category": "furniture", "condition": "fair", "price_dkk": "99", "area": "Nøvling"},
    )
    assert response.status_code == 302
    listing.refresh_from_db()
    assert (listing.title, listing.condition, listing.price_dkk) == ("Ny titel", "fair", Decimal(99))
    client.post(f"/listings/{listing.pk}/publish/")
    listing.refresh_from_db()
    assert listing.status == ListingStatus.ACTIVE
    response = client.post(f"/listings/{listing.pk}/withdraw/", follow=True)
    listing.refresh_from_db()
    assert listing.status == ListingStatus.WITHDRAWN
    assert "Din annonce er trukket tilbage." in text(response)


def test_photos_are_added_and_deleted_without_javascript(client):
    listing = factories.ListingFactory()
    client.force_login(listing.seller)
    client.post(f"/listings/{listing.pk}/photos/add/", {"photos": [jpeg()]})
    photo = listing.photos.get()
    response = client.post(f"/photos/{photo.pk}/delete/", follow=True)
    assert not listing.photos.exists() and "Billedet er slettet." in text(response)


def test_reserve_confirm_and_see_pickup_details(client):
    listing = factories.ListingFactory(pickup_details="Carport bag huset")
    buyer = factories.UserFactory()
    anonymous = text(client.get(listing.get_absolute_url()))
    assert "Log ind for at reservere" in anonymous
    client.force_login(buyer)
    page = text(client.get(listing.get_absolute_url()))
    assert "Carport bag huset" not in page
    response = client.post(f"/listings/{listing.pk}/reserve/", follow=True)
    reservation = Reservation.objects.get(listing=listing, buyer=buyer)
    assert "Du har reserveret den." in text(response) and "Carport bag huset" not in text(response)
    # A second try says why, in words
    again = text(client.post(f"/listings/{listing.pk}/reserve/", follow=True))
    assert "ikke tilgængelig" in again or "allerede reserveret" in again
    client.force_login(listing.seller)
    seller_page = text(client.get(listing.get_absolute_url()))
    assert buyer.display_name in seller_page and f"/reservations/{reservation.pk}/confirm/" in seller_page
    client.post(f"/reservations/{reservation.pk}/confirm/")
    client.force_login(buyer)
    page = text(client.get(listing.get_absolute_url()))
    assert "Sælgeren har bekræftet din reservation." in page and "Carport bag huset" in page
    assert client.post(f"/reservations/{reservation.pk}/complete/").status_code == 302
    reservation.refresh_from_db()
    assert reservation.status == "confirmed"  # only the seller side may complete


def test_message_the_seller_and_reply(client):
    listing = factories.ListingFactory()
    buyer = factories.UserFactory()
    client.force_login(buyer)
    response = client.post(f"/listings/{listing.pk}/message/", {"body": "Er den stadig til salg?"})
    conversation = Conversation.objects.get(listing=listing, started_by=buyer)
    assert response["Location"] == f"/conversations/{conversation.pk}/"
    client.force_login(listing.seller)
    my_page = text(client.get("/profile/"))
    assert f"/conversations/{conversation.pk}/" in my_page and "1 ulæst" in my_page
    page = text(client.get(f"/conversations/{conversation.pk}/"))
    assert "Er den stadig til salg?" in page
    client.post(f"/conversations/{conversation.pk}/", {"body": "Ja, kom bare forbi."})
    assert "1 ulæst" not in text(client.get("/profile/"))  # reading marked it read
    client.force_login(factories.UserFactory())
    assert client.get(f"/conversations/{conversation.pk}/").status_code == 404


def test_report_a_listing(client):
    listing = factories.ListingFactory()
    client.force_login(factories.UserFactory())
    response = client.post(
        f"/listings/{listing.pk}/report/", {"reason": "scam", "details": "Beder om forudbetaling"}, follow=True
    )
    assert Report.objects.get(listing=listing).reason == "scam"
    assert "En moderator ser på annoncen." in text(response)


def test_my_page_notifications_saved_searches_and_repair_timeline(client):
    user = factories.UserFactory()
    Notification.objects.create(user=user, kind="x", title="Hej", body="")
    job = factories.RepairJobFactory(listing__seller=user, listing__title="Gammel radio")
    client.force_login(user)
    page = text(client.get("/profile/"))
    assert "1 ulæst" in page and "Gammel radio" in page
    client.post("/notifications/read/")
    assert Notification.objects.get(user=user).read_at is not None
    home = text(client.get("/?q=stol&free=on"))
    assert "Gem denne søgning" in home
    client.post("/saved-searches/", {"q": "stol", "free": "on"})
    saved = SavedSearch.objects.get(user=user)
    assert saved.query == {"q": "stol", "kind": "free"}
    page = text(client.get("/profile/"))
    assert "/?q=stol&amp;free=on" in page
    client.post(f"/saved-searches/{saved.pk}/delete/")
    assert not SavedSearch.objects.exists()
    assert job.listing.title in page


def _my_page_queries(client, user) -> int:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/profile/").status_code == 200
    return len(queries)


def _trade_for(user, n: int) -> None:  # type: ignore[no-untyped-def]
    from marketplace import services as trade_services

    for i in range(n):
        own = factories.ListingFactory(seller=user, title=f"Min ting {i}")
        buyer = factories.UserFactory()
        trade_services.reservation_create(listing=own, buyer=buyer)
        trade_services.conversation_start(listing=own, buyer=buyer, body="Hej")
        other = factories.ListingFactory()
        trade_services.reservation_create(listing=other, buyer=user)
        factories.RepairJobFactory(listing__seller=user)
        SavedSearch.objects.create(user=user, name=f"Søgning {i}", query={"q": f"stol {i}"})


def test_my_page_makes_the_same_number_of_queries_for_1_or_6_of_everything(client, settings):
    settings.RESERVATION_MAX_OPEN_PER_BUYER = 6
    few, many = factories.UserFactory(), factories.UserFactory()
    _trade_for(few, 1)
    _trade_for(many, 6)
    queries_few = _my_page_queries(client, few)
    queries_many = _my_page_queries(client, many)
    print(f"\nMy page: {queries_few} queries with 1 of everything, {queries_many} with 6")
    assert queries_many == queries_few
    assert queries_many <= 20
