"""Every JSON body the API answers is what /api/schema/ documents, key for key.

Four journeys (accounts and workshops, listings and photos, repairs, trade) call every operation that answers
JSON with real data — nested objects filled in, optional keys present — and validate each response against its
operation's response schema from `/api/schema/?format=json`, made strict: a key the schema does not declare
fails, as does a missing required key, a wrong type, a null where none is documented, or a time without a time
zone. Each journey says which operations it covers, and together they must cover every documented JSON success
response. The schema itself is held to the same standard: no response is a free-form object, and every key is
required unless it is one of the few the API leaves out on purpose.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

import jsonschema
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Organisation, User, Workshop, WorkshopMembership
from accounts.services import workshop_verify
from marketplace.models import SavedSearch
from repairs.models import JobStatus
from tests import factories
from tests.donations.helpers import organisation
from tests.helpers import client_for
from tests.listings import imagegen

pytestmark = pytest.mark.django_db

API = "/api/v1"
JSON = "application/json"

# Keys the API leaves out on purpose (the schema documents them, not as required).
CONDITIONAL = {
    ("ListingDetailOut", "pickup_details"),  # only for who manages the listing
    ("ReservationOut", "pickup_details"),  # for the buyer only once the seller has confirmed
    ("ImpactOut", "by_category"),  # GET /api/v1/impact/ only, not a workshop's profile
}
# Objects whose keys are data, not a shape (`{"type": "object"}` with any values).
FREE_FORM = {
    ("NotificationOut", "data"),
    ("SavedSearchOut", "query"),
    ("ExportSavedSearchOut", "query"),
}


# --- the schema, made strict ------------------------------------------------------------------------------------


def _strict(node: Any) -> Any:
    """OpenAPI 3.0 schema → JSON Schema: `nullable` becomes a null alternative, and every object that names its
    properties allows no other key."""
    if isinstance(node, list):
        return [_strict(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {
        key: ({name: _strict(s) for name, s in value.items()} if key == "properties" else _strict(value))
        for key, value in node.items()
    }
    if "properties" in node:
        node.setdefault("additionalProperties", False)
    if node.pop("nullable", False):
        node = {"anyOf": [node, {"type": "null"}]}
    return node


FORMATS = jsonschema.FormatChecker(formats=())


@FORMATS.checks("date-time", raises=ValueError)
def _is_aware_datetime(value: object) -> bool:
    return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None


@FORMATS.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    return not isinstance(value, str) or bool(date.fromisoformat(value))


@FORMATS.checks("uri")
def _is_absolute_url(value: object) -> bool:
    return not isinstance(value, str) or bool(urlparse(value).scheme and urlparse(value).netloc)


@pytest.fixture(scope="module")
def schema(django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def _pattern(template: str) -> str:
    parts = re.split(r"(\{[^}]+\})", template)
    return "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts)


def _template(schema: dict[str, Any], path: str) -> str:
    """The schema's path for a concrete one: `/api/v1/listings/7/` → `/api/v1/listings/{id}/`."""
    matches = [template for template in schema["paths"] if re.fullmatch(_pattern(template), path)]
    assert matches, f"{path} is not in the schema"
    return min(matches, key=lambda t: t.count("{"))  # a literal segment beats a parameter


class Documented:
    """Calls the API and checks each answer against the schema, remembering which operations it saw."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self.components = _strict(schema["components"])
        self.seen: set[tuple[str, str, int]] = set()

    def check(self, response: Any, status: int) -> Any:
        assert response.status_code == status, response.content[:2000]
        method = response.request["REQUEST_METHOD"].lower()
        path = _template(self.schema, response.request["PATH_INFO"])
        responses = self.schema["paths"][path][method]["responses"]
        assert str(status) in responses, f"{method} {path} answers an undocumented {status}"
        content = responses[str(status)].get("content", {})
        assert JSON in content, f"{method} {path} {status} is not documented as JSON"
        assert response["Content-Type"].startswith(JSON)
        body = response.json()
        validator = jsonschema.Draft202012Validator(
            {**_strict(content[JSON]["schema"]), "components": self.components}, format_checker=FORMATS
        )
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
        assert not errors, f"{method} {path} {status}:\n" + "\n".join(
            f"  at {'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message}" for e in errors[:10]
        )
        self.seen.add((method, path, status))
        return body


def _documented_json_successes(schema: dict[str, Any]) -> set[tuple[str, str, int]]:
    return {
        (method, path, int(status))
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        for status, answer in operation["responses"].items()
        if status.startswith("2") and JSON in answer.get("content", {})
    }


# --- the journeys -----------------------------------------------------------------------------------------------

ACCOUNTS = {
    ("post", f"{API}/auth/register/", 201),
    ("post", f"{API}/auth/token/", 200),
    ("get", f"{API}/me/", 200),
    ("patch", f"{API}/me/", 200),
    ("get", f"{API}/me/export/", 200),
    ("get", f"{API}/categories/", 200),
    ("get", f"{API}/workshops/", 200),
    ("post", f"{API}/workshops/", 201),
    ("get", f"{API}/workshops/{{slug}}/", 200),
    ("patch", f"{API}/workshops/{{slug}}/", 200),
    ("post", f"{API}/workshops/{{slug}}/members/", 202),
    ("get", f"{API}/invitations/{{token}}/", 200),
    ("post", f"{API}/invitations/{{token}}/accept/", 200),
    ("post", f"{API}/invitations/{{token}}/decline/", 200),
}
LISTINGS = {
    ("get", f"{API}/listings/", 200),
    ("post", f"{API}/listings/", 201),
    ("get", f"{API}/listings/{{id}}/", 200),
    ("patch", f"{API}/listings/{{id}}/", 200),
    ("delete", f"{API}/listings/{{id}}/", 200),
    ("post", f"{API}/listings/{{id}}/publish/", 200),
    ("post", f"{API}/listings/{{id}}/reports/", 201),
    ("post", f"{API}/listings/{{listing_id}}/photos/", 201),
    ("put", f"{API}/listings/{{listing_id}}/photos/order/", 200),
    ("get", f"{API}/photos/{{photo_id}}/", 200),
    ("post", f"{API}/photos/{{photo_id}}/cover/", 200),
}
REPAIRS = {
    ("get", f"{API}/repair-jobs/", 200),
    ("get", f"{API}/repair-jobs/{{job_id}}/", 200),
    ("post", f"{API}/repair-jobs/{{job_id}}/claim/", 200),
    ("post", f"{API}/repair-jobs/{{job_id}}/release/", 200),
    ("post", f"{API}/repair-jobs/{{job_id}}/start/", 200),
    ("post", f"{API}/repair-jobs/{{job_id}}/no-storage/", 200),
    ("post", f"{API}/repair-jobs/{{job_id}}/work-logs/", 201),
    ("post", f"{API}/repair-jobs/{{job_id}}/data-wipes/", 201),
    ("post", f"{API}/repair-jobs/{{job_id}}/complete/", 200),
    ("post", f"{API}/repair-jobs/{{job_id}}/publish/", 201),
    ("post", f"{API}/repair-jobs/{{job_id}}/quote/", 200),
    ("post", f"{API}/repair-jobs/{{job_id}}/quote/accept/", 200),
    ("post", f"{API}/repair-jobs/{{job_id}}/quote/decline/", 200),
    ("post", f"{API}/repair-jobs/{{job_id}}/received/", 200),
    ("post", f"{API}/repair-jobs/{{job_id}}/handed-back/", 200),
    ("get", f"{API}/repair-jobs/{{job_id}}/messages/", 200),
    ("post", f"{API}/repair-jobs/{{job_id}}/messages/", 201),
    ("get", f"{API}/impact/", 200),
}
TRADE = {
    ("post", f"{API}/listings/{{id}}/reservations/", 201),
    ("get", f"{API}/reservations/", 200),
    ("post", f"{API}/reservations/{{id}}/confirm/", 200),
    ("post", f"{API}/reservations/{{id}}/complete/", 200),
    ("post", f"{API}/reservations/{{id}}/cancel/", 200),
    ("get", f"{API}/conversations/", 200),
    ("post", f"{API}/conversations/", 201),
    ("get", f"{API}/conversations/{{id}}/messages/", 200),
    ("post", f"{API}/conversations/{{id}}/messages/", 201),
    ("get", f"{API}/notifications/", 200),
    ("post", f"{API}/notifications/read/", 200),
    ("get", f"{API}/saved-searches/", 200),
    ("post", f"{API}/saved-searches/", 201),
}

SOCIAL = {
    ("post", f"{API}/listings/{{id}}/favourite/", 200),
    ("post", f"{API}/listings/{{id}}/favourite/", 201),
    ("get", f"{API}/favourites/", 200),
    ("post", f"{API}/listings/{{id}}/offers/", 201),
    ("get", f"{API}/offers/", 200),
    ("post", f"{API}/offers/{{id}}/accept/", 200),
    ("post", f"{API}/offers/{{id}}/decline/", 200),
    ("post", f"{API}/offers/{{id}}/counter/", 200),
    ("get", f"{API}/profiles/{{id}}/", 200),
    ("post", f"{API}/reservations/{{id}}/rating/", 201),
    ("post", f"{API}/ratings/{{id}}/reports/", 201),
}


def _listing(client: APIClient, **fields: Any) -> Any:
    body = {
        "title": "Spisebordsstol i eg",
        "description": "Solid stol.",
        "category": "furniture",
        "condition": "good",
        "kind": "sale",
        "price_dkk": "150.00",
        "area": "Kildeparken",
        "brand": "FDB",
        "weight_kg": "4.5",
        "pickup_details": "Hverdage efter kl. 16, Tornhøjcentret.",
        "publish": True,
        **fields,
    }
    return client.post(f"{API}/listings/", body, format="json")


def _repaired_and_published(doc: Documented, member: Any, donor: Any) -> dict[str, Any]:
    """A laptop donated, claimed, worked on, wiped, completed fixed and published by the member's workshop —
    through the API, each answer checked."""
    workshop = member.workshops.get()
    client = client_for(member)
    donated = doc.check(
        _listing(
            client_for(donor),
            kind="repair",
            category="laptop",
            price_dkk="0",
            repair_mode="donate",
            fault_description="Tænder ikke.",
        ),
        201,
    )
    board = doc.check(client.get(f"{API}/repair-jobs/", {"status": "open"}), 200)
    job = next(j["id"] for j in board["results"] if j["listing"] and j["listing"]["id"] == donated["id"])
    jobs = f"{API}/repair-jobs/{job}"
    doc.check(client.post(f"{jobs}/claim/", {"workshop": workshop.slug}, format="json"), 200)
    doc.check(client.post(f"{jobs}/start/"), 200)
    work = {"hours": "2.5", "date": str(timezone.localdate()), "note": "Skiftet SSD."}
    doc.check(client.post(f"{jobs}/work-logs/", work, format="json"), 201)
    talk = doc.check(client_for(donor).post(f"{jobs}/messages/", {"body": "Koden er 1234."}, format="json"), 201)
    assert talk["side"] == "donor" and talk["mine"] is True
    thread = doc.check(client.get(f"{jobs}/messages/"), 200)["results"]
    assert [m["body"] for m in thread] == ["Koden er 1234."]
    wipe = {
        "serial_number": "S3Z9NB0K",
        "model": "Samsung 860 EVO 250GB",
        "size_gb": "250",
        "nist_level": "purge",
        "technique": "ata_secure_erase",
        "tool": "hdparm 9.65",
        "verified": True,
        "result": "success",
        "started_at": (timezone.now() - timedelta(minutes=40)).isoformat(),
        "finished_at": timezone.now().isoformat(),
    }
    doc.check(client.post(f"{jobs}/data-wipes/", wipe, format="json"), 201)
    doc.check(client.post(f"{jobs}/complete/", {"outcome": "fixed", "notes": "Ny SSD."}, format="json"), 200)
    publish = {"title": "Istandsat bærbar", "description": "Ny SSD.", "price_dkk": "850.00", "condition": "good"}
    published = doc.check(client.post(f"{jobs}/publish/", publish, format="json"), 201)
    assert published["provenance"]["workshop"] == {"slug": workshop.slug, "name": workshop.name}
    # A workshop draft: on sale once it has a ready photo (issue 15).
    assert published["status"] == "draft"
    factories.PhotoFactory(listing_id=published["id"])
    # (checked against its schema by the listings journey; this journey covers the repair endpoints)
    on_sale = client.post(f"{API}/listings/{published['id']}/publish/")
    assert on_sale.status_code == 200, on_sale.content
    published = on_sale.json()
    detail = doc.check(client.get(f"{jobs}/"), 200)
    assert detail["events"] and detail["work_logs"] and detail["data_wipes"] and detail["published_listing"]
    return published


def test_accounts_and_workshops_answer_as_documented(schema: dict[str, Any]) -> None:
    doc = Documented(schema)
    anonymous = APIClient()
    registration = {"email": "ny@example.dk", "password": "en-lang-adgangskode-9220", "display_name": "Ny Beboer"}
    doc.check(anonymous.post(f"{API}/auth/register/", registration, format="json"), 201)
    token = doc.check(anonymous.post(f"{API}/auth/token/", registration, format="json"), 200)["token"]
    resident = APIClient()
    resident.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    doc.check(resident.get(f"{API}/me/"), 200)
    doc.check(resident.patch(f"{API}/me/", {"area": "Kildeparken"}, format="json"), 200)
    doc.check(anonymous.get(f"{API}/categories/"), 200)

    application = {"name": "Reparatøren", "cvr": "12345678", "address": "Humlebakken 1", "categories": ["laptop"]}
    slug = doc.check(resident.post(f"{API}/workshops/", application, format="json"), 201)["slug"]
    doc.check(resident.patch(f"{API}/workshops/{slug}/", {"description": "Vi skifter skærme."}, format="json"), 200)
    workshop_verify(workshop=Workshop.objects.get(slug=slug))  # a moderator verifies it; then it may invite
    helper, other = factories.UserFactory(), factories.UserFactory()
    for person in (helper, other):
        doc.check(resident.post(f"{API}/workshops/{slug}/members/", {"email": person.email}, format="json"), 202)
    helper_token, other_token = (re.search(r"/invitations/([\w-]+)/", m.body).group(1) for m in mail.outbox[-2:])  # type: ignore[union-attr]
    doc.check(anonymous.get(f"{API}/invitations/{helper_token}/"), 200)
    doc.check(client_for(helper).post(f"{API}/invitations/{helper_token}/accept/"), 200)
    doc.check(client_for(other).post(f"{API}/invitations/{other_token}/decline/"), 200)
    doc.check(anonymous.get(f"{API}/workshops/"), 200)
    assert doc.check(resident.get(f"{API}/me/"), 200)["workshops"]

    # A verified workshop with done work (its impact has a month), and a resident who trades with it.
    member, donor = factories.MembershipFactory(workshop__verified=True).user, factories.UserFactory()
    workshop = member.workshops.get()
    published = _repaired_and_published(doc, member, donor)
    factories.PhotoFactory(listing_id=published["id"])
    profile = doc.check(anonymous.get(f"{API}/workshops/{workshop.slug}/"), 200)
    assert profile["impact"]["by_month"]
    lister = client_for(factories.UserFactory())
    listing = doc.check(_listing(lister), 201)
    reserved = doc.check(resident.post(f"{API}/listings/{listing['id']}/reservations/"), 201)
    # Saved, offered on and rated (issue 15): the export's favourites, offers and ratings both ways.
    doc.check(resident.post(f"{API}/listings/{published['id']}/favourite/"), 201)
    table = doc.check(_listing(lister, title="Bord"), 201)
    doc.check(resident.post(f"{API}/listings/{table['id']}/offers/", {"price_dkk": "100"}, format="json"), 201)
    doc.check(lister.post(f"{API}/reservations/{reserved['id']}/complete/"), 200)
    doc.check(resident.post(f"{API}/reservations/{reserved['id']}/rating/", {"stars": 5}, format="json"), 201)
    doc.check(
        resident.post(f"{API}/listings/{listing['id']}/reports/", {"reason": "wrong_category"}, format="json"), 201
    )
    started = {"listing": published["id"], "body": "Er den stadig til salg?"}
    conversation = doc.check(resident.post(f"{API}/conversations/", started, format="json"), 201)
    colleague = client_for(factories.MembershipFactory(workshop=workshop, role="staff").user)
    reply = {"body": "Ja, kom forbi."}
    doc.check(colleague.post(f"{API}/conversations/{conversation['id']}/messages/", reply, format="json"), 201)
    doc.check(resident.post(f"{API}/saved-searches/", {"name": "Stole", "query": {"q": "stol"}}, format="json"), 201)

    # A member who published a listing for the workshop and then left it.
    former = factories.MembershipFactory(workshop=workshop, role="staff").user
    factories.ListingFactory(seller=former, workshop=workshop)
    WorkshopMembership.objects.filter(user=former, workshop=workshop).delete()
    # The resident belongs to an organisation too.
    organisation(member=User.objects.get(email=registration["email"]))

    # Exports with a row in every part: the resident's, the member's, the colleague's, the donor's and the former
    # member's.
    filled: set[str] = set()
    for client in (resident, client_for(member), colleague, client_for(donor), client_for(former), lister):
        export = doc.check(client.get(f"{API}/me/export/"), 200)
        filled |= {part for part, rows in export.items() if rows}
    assert filled == set(export)
    assert doc.seen >= ACCOUNTS and doc.seen - ACCOUNTS <= LISTINGS | REPAIRS | TRADE | SOCIAL


def test_listings_and_photos_answer_as_documented(schema: dict[str, Any]) -> None:
    doc = Documented(schema)
    seller, stranger = factories.UserFactory(), factories.UserFactory()
    client = client_for(seller)
    draft = doc.check(_listing(client, publish=False), 201)
    listing = f"{API}/listings/{draft['id']}"
    assert "pickup_details" in draft
    doc.check(client.patch(f"{listing}/", {"price_dkk": "120.00"}, format="json"), 200)
    doc.check(client.post(f"{listing}/publish/"), 200)

    upload = SimpleUploadedFile("photo.jpg", imagegen.jpeg(), content_type="image/jpeg")
    pending = doc.check(client.post(f"{listing}/photos/", {"file": upload}, format="multipart"), 201)
    doc.check(client.get(f"{API}/photos/{pending['id']}/"), 200)
    ready = factories.PhotoFactory(listing_id=draft["id"], position=1)
    photo = doc.check(APIClient().get(f"{API}/photos/{ready.pk}/"), 200)
    assert photo["variants"]
    order = doc.check(client.put(f"{listing}/photos/order/", {"photos": [ready.pk, pending["id"]]}, format="json"), 200)
    assert order["photos"] == [ready.pk, pending["id"]]
    assert doc.check(client.post(f"{API}/photos/{pending['id']}/cover/"), 200)["photos"][0] == pending["id"]

    # Seen by a stranger: a thumbnail, photos, no pickup details; an upcycled one with its provenance.
    _repaired_and_published(doc, factories.MembershipFactory(workshop__verified=True).user, stranger)
    browse = doc.check(APIClient().get(f"{API}/listings/", {"page_size": 1}), 200)
    assert browse["next"]
    results = doc.check(APIClient().get(f"{API}/listings/"), 200)["results"]
    assert any(r["thumbnail"] for r in results) and any(r["workshop"] for r in results)
    detail = doc.check(client_for(stranger).get(f"{listing}/"), 200)
    assert detail["photos"] and detail["impact"] and "pickup_details" not in detail
    upcycled = next(r for r in results if r["upcycled"])
    assert doc.check(APIClient().get(f"{API}/listings/{upcycled['id']}/"), 200)["provenance"]

    doc.check(
        client_for(stranger).post(f"{listing}/reports/", {"reason": "wrong_category", "details": "?"}, format="json"),
        201,
    )
    doc.check(client.delete(f"{listing}/"), 200)
    assert doc.seen >= LISTINGS and doc.seen - LISTINGS <= REPAIRS


def test_repairs_answer_as_documented(schema: dict[str, Any]) -> None:
    doc = Documented(schema)
    member = factories.MembershipFactory(workshop__verified=True).user
    donor = factories.UserFactory()
    _repaired_and_published(doc, member, donor)

    # Another job: claimed, recorded as holding no storage, then released.
    other = factories.RepairJobFactory(status=JobStatus.OPEN, listing__seller=donor)
    client = client_for(member)
    doc.check(client.post(f"{API}/repair-jobs/{other.pk}/claim/", {"workshop": member.workshops.get().slug}), 200)
    doc.check(client.post(f"{API}/repair-jobs/{other.pk}/no-storage/"), 200)
    released = doc.check(client.post(f"{API}/repair-jobs/{other.pk}/release/", {"reason": "Mangler dele."}), 200)
    assert released["workshop"] is None
    mine = doc.check(client_for(donor).get(f"{API}/repair-jobs/"), 200)["results"]
    assert {j["id"] for j in mine} >= {other.pk}

    # Repair and hand back: a quote declined (the job is released), then claimed again, quoted, accepted,
    # received, completed and handed back.
    back = factories.RepairJobFactory(status=JobStatus.OPEN, mode="return", listing__seller=donor)
    slug = member.workshops.get().slug
    quote = {"price_dkk": "450.00", "parts_dkk": "120.00", "estimate_days": 4, "note": "Nyt hængsel."}
    doc.check(client.post(f"{API}/repair-jobs/{back.pk}/claim/", {"workshop": slug}), 200)
    assert doc.check(client.post(f"{API}/repair-jobs/{back.pk}/quote/", quote, format="json"), 200)["quote"]
    declined = doc.check(client_for(donor).post(f"{API}/repair-jobs/{back.pk}/quote/decline/"), 200)
    assert declined["quote"] is None and declined["status"] == "open"
    doc.check(client.post(f"{API}/repair-jobs/{back.pk}/claim/", {"workshop": slug}), 200)
    doc.check(client.post(f"{API}/repair-jobs/{back.pk}/quote/", quote, format="json"), 200)
    doc.check(client_for(donor).post(f"{API}/repair-jobs/{back.pk}/quote/accept/"), 200)
    assert doc.check(client.post(f"{API}/repair-jobs/{back.pk}/received/"), 200)["received_at"]
    client.post(f"{API}/repair-jobs/{back.pk}/start/")
    client.post(f"{API}/repair-jobs/{back.pk}/no-storage/")
    client.post(f"{API}/repair-jobs/{back.pk}/complete/", {"outcome": "fixed"}, format="json")
    handed = doc.check(client.post(f"{API}/repair-jobs/{back.pk}/handed-back/", {"paid_dkk": "570.00"}), 200)
    assert handed["paid_dkk"] == "570.00" and handed["handed_back_at"]

    impact = doc.check(APIClient().get(f"{API}/impact/"), 200)
    assert impact["by_month"] and impact["hours_worked"] > 0
    assert doc.seen == REPAIRS | {("post", f"{API}/listings/", 201)}


def test_trade_answers_as_documented(schema: dict[str, Any]) -> None:
    doc = Documented(schema)
    seller, buyer = factories.UserFactory(), factories.UserFactory()
    seller_client, buyer_client = client_for(seller), client_for(buyer)
    ids = [doc.check(_listing(seller_client, title=f"Stol {n}"), 201)["id"] for n in range(2)]
    factories.PhotoFactory(listing_id=ids[0])

    reservation = doc.check(buyer_client.post(f"{API}/listings/{ids[0]}/reservations/"), 201)
    assert "pickup_details" not in reservation  # not before the seller confirms
    as_seller = doc.check(seller_client.get(f"{API}/reservations/"), 200)["results"]
    assert as_seller[0]["role"] == "seller" and "pickup_details" in as_seller[0]
    doc.check(seller_client.post(f"{API}/reservations/{reservation['id']}/confirm/"), 200)
    as_buyer = doc.check(buyer_client.get(f"{API}/reservations/"), 200)["results"]
    assert as_buyer[0]["role"] == "buyer" and as_buyer[0]["confirmed_at"] and "pickup_details" in as_buyer[0]
    doc.check(seller_client.post(f"{API}/reservations/{reservation['id']}/complete/"), 200)
    second = doc.check(buyer_client.post(f"{API}/listings/{ids[1]}/reservations/"), 201)
    doc.check(buyer_client.post(f"{API}/reservations/{second['id']}/cancel/"), 200)

    # A conversation with a workshop about its upcycled listing, answered, then read.
    member = factories.MembershipFactory(workshop__verified=True).user
    published = _repaired_and_published(doc, member, donor=factories.UserFactory())
    started = {"listing": published["id"], "body": "Hvor gammel er den?"}
    conversation = doc.check(buyer_client.post(f"{API}/conversations/", started, format="json"), 201)
    messages = f"{API}/conversations/{conversation['id']}/messages/"
    doc.check(client_for(member).post(messages, {"body": "Fra 2019."}, format="json"), 201)
    listed = doc.check(buyer_client.get(f"{API}/conversations/"), 200)["results"]
    assert listed[0]["workshop"] and listed[0]["unread"] == 1
    doc.check(buyer_client.get(messages), 200)
    read = doc.check(client_for(member).get(messages), 200)["results"]
    assert read[0]["read_at"] and read[0]["mine"] is False

    notifications = doc.check(buyer_client.get(f"{API}/notifications/"), 200)["results"]
    assert notifications and notifications[0]["data"]
    doc.check(buyer_client.post(f"{API}/notifications/read/", {"ids": [notifications[0]["id"]]}, format="json"), 200)
    doc.check(buyer_client.get(f"{API}/notifications/"), 200)

    query = {"q": "stol", "category": "furniture", "max_price": "200"}
    doc.check(buyer_client.post(f"{API}/saved-searches/", {"name": "Stole", "query": query}, format="json"), 201)
    SavedSearch.objects.filter(user=buyer).update(last_notified_at=timezone.now())
    assert doc.check(buyer_client.get(f"{API}/saved-searches/"), 200)["results"][0]["last_notified_at"]
    assert doc.seen - TRADE <= LISTINGS | REPAIRS and doc.seen >= TRADE


DONATIONS = {
    ("get", f"{API}/organisations/", 200),
    ("post", f"{API}/organisations/", 201),
    ("get", f"{API}/organisations/{{slug}}/", 200),
    ("patch", f"{API}/organisations/{{slug}}/", 200),
    ("post", f"{API}/organisations/{{slug}}/members/", 202),
    ("post", f"{API}/organisation-invitations/{{token}}/accept/", 201),
    ("post", f"{API}/organisation-invitations/{{token}}/decline/", 200),
    ("get", f"{API}/donation-batches/", 200),
    ("post", f"{API}/donation-batches/", 201),
    ("get", f"{API}/donation-batches/{{batch_id}}/", 200),
    ("post", f"{API}/donation-batches/{{batch_id}}/devices/", 201),
    ("post", f"{API}/donation-batches/{{batch_id}}/devices.csv", 201),
    ("post", f"{API}/donation-batches/{{batch_id}}/accept/", 200),
    ("post", f"{API}/donation-batches/{{batch_id}}/collected/", 200),
    ("post", f"{API}/donation-batches/{{batch_id}}/received/", 200),
    ("post", f"{API}/donation-batches/{{batch_id}}/lots/{{lot_id}}/use/", 200),
}


def test_donations_answer_as_documented(schema: dict[str, Any]) -> None:
    doc = Documented(schema)
    owner = factories.UserFactory()
    owner_client = client_for(owner)
    body = {"name": "Nordjysk Revision ApS", "cvr": "10150817", "address": "Boulevarden 1", "kind": "company"}
    org = doc.check(owner_client.post(f"{API}/organisations/", body, format="json"), 201)
    doc.check(owner_client.get(f"{API}/organisations/"), 200)
    Organisation.objects.filter(slug=org["slug"]).update(verified=True, verified_at=timezone.now())
    doc.check(owner_client.patch(f"{API}/organisations/{org['slug']}/", {"may_be_named": True}, format="json"), 200)
    doc.check(owner_client.post(f"{API}/organisations/{org['slug']}/members/", {"email": "k@example.dk"}), 202)
    token = mail.outbox[-1].body.split("/organisations/invitations/")[1].split("/")[0]
    colleague = client_for(factories.UserFactory(email="k@example.dk"))
    doc.check(colleague.post(f"{API}/organisation-invitations/{token}/accept/"), 201)
    doc.check(owner_client.post(f"{API}/organisations/{org['slug']}/members/", {"email": "n@example.dk"}), 202)
    declined = mail.outbox[-1].body.split("/organisations/invitations/")[1].split("/")[0]
    stranger = client_for(factories.UserFactory(email="n@example.dk"))
    doc.check(stranger.post(f"{API}/organisation-invitations/{declined}/decline/"), 200)
    doc.check(colleague.get(f"{API}/organisations/{org['slug']}/"), 200)
    devices = [{"serial_number": "A1", "model": "ThinkPad", "category": "laptop", "has_storage": True}]
    offered = {"organisation": org["slug"], "kind": "devices", "title": "Bærbare", "devices": devices}
    batch = doc.check(owner_client.post(f"{API}/donation-batches/", offered, format="json"), 201)
    url = f"{API}/donation-batches/{batch['id']}/"
    more = [{"serial_number": "A2", "model": "ThinkPad", "category": "laptop", "has_storage": False}]
    doc.check(owner_client.post(f"{url}devices/", {"devices": more}, format="json"), 201)
    csv = b"serial_number,model,category,has_storage\nA3,ThinkPad,laptop,ja\n"
    doc.check(owner_client.generic("POST", f"{url}devices.csv", csv, content_type="text/csv"), 201)
    member = factories.MembershipFactory(workshop__categories=["laptop"])
    ws = client_for(member.user)
    doc.check(ws.get(f"{API}/donation-batches/"), 200)
    doc.check(ws.post(f"{url}accept/", {"workshop": member.workshop.slug}, format="json"), 200)
    collected = {"collected_by": "Ali", "signed_for_by": "Lise"}
    doc.check(ws.post(f"{url}collected/", collected, format="json"), 200)
    doc.check(ws.post(f"{url}received/"), 200)
    detail = doc.check(owner_client.get(url), 200)
    assert detail["custody"] and detail["devices"][0]["job_status"] == "claimed"
    lots = {"organisation": org["slug"], "kind": "materials", "title": "Stof", "lots": [{"kind": "textiles", "kg": 5}]}
    lot_batch = doc.check(owner_client.post(f"{API}/donation-batches/", lots, format="json"), 201)
    lot_url = f"{API}/donation-batches/{lot_batch['id']}/"
    doc.check(ws.post(f"{lot_url}accept/", {"workshop": member.workshop.slug}, format="json"), 200)
    doc.check(ws.post(f"{lot_url}collected/", collected, format="json"), 200)
    doc.check(ws.post(f"{lot_url}received/"), 200)
    listing = factories.ListingFactory(seller=member.user)
    lot_id = lot_batch["lots"][0]["id"]
    doc.check(ws.post(f"{lot_url}lots/{lot_id}/use/", {"listing": listing.pk}, format="json"), 200)
    assert doc.seen == DONATIONS


def test_favourites_offers_profiles_and_ratings_answer_as_documented(schema: dict[str, Any]) -> None:
    doc = Documented(schema)
    seller, buyer, other = factories.UserFactory(), factories.UserFactory(), factories.UserFactory()
    seller_client, buyer_client, other_client = client_for(seller), client_for(buyer), client_for(other)
    ids = [doc.check(_listing(seller_client, title=f"Lampe {n}"), 201)["id"] for n in range(3)]
    factories.PhotoFactory(listing_id=ids[0])

    doc.check(buyer_client.post(f"{API}/listings/{ids[0]}/favourite/"), 201)
    doc.check(buyer_client.post(f"{API}/listings/{ids[0]}/favourite/"), 200)
    saved = doc.check(buyer_client.get(f"{API}/favourites/"), 200)["results"]
    assert saved[0]["listing"]["thumbnail"]

    first = doc.check(buyer_client.post(f"{API}/listings/{ids[0]}/offers/", {"price_dkk": "100"}, format="json"), 201)
    doc.check(seller_client.post(f"{API}/offers/{first['id']}/counter/", {"price_dkk": "120"}, format="json"), 200)
    accepted = doc.check(buyer_client.post(f"{API}/offers/{first['id']}/accept/"), 200)
    assert accepted["reservation"]
    second = doc.check(other_client.post(f"{API}/listings/{ids[1]}/offers/", {"price_dkk": "90"}, format="json"), 201)
    doc.check(seller_client.post(f"{API}/offers/{second['id']}/decline/"), 200)
    assert doc.check(seller_client.get(f"{API}/offers/"), 200)["results"][0]["role"] == "seller"

    doc.check(seller_client.post(f"{API}/reservations/{accepted['reservation']}/complete/"), 200)
    rating = doc.check(
        buyer_client.post(
            f"{API}/reservations/{accepted['reservation']}/rating/", {"stars": 4, "text": "Fin"}, format="json"
        ),
        201,
    )
    doc.check(
        seller_client.post(f"{API}/reservations/{accepted['reservation']}/rating/", {"stars": 5}, format="json"), 201
    )
    profile = doc.check(APIClient().get(f"{API}/profiles/{seller.pk}/"), 200)
    assert profile["listings"] and profile["ratings"] and profile["rating"]["average"] == 4.0
    doc.check(other_client.post(f"{API}/ratings/{rating['id']}/reports/", {"reason": "offensive"}, format="json"), 201)
    assert doc.seen - SOCIAL <= LISTINGS | TRADE and doc.seen >= SOCIAL


def test_the_journeys_cover_every_documented_json_response(schema: dict[str, Any]) -> None:
    assert _documented_json_successes(schema) == ACCOUNTS | LISTINGS | REPAIRS | TRADE | DONATIONS | SOCIAL


# --- the schema's own strictness --------------------------------------------------------------------------------


def _response_components(schema: dict[str, Any]) -> set[str]:
    """The components a JSON success response reaches, through every nesting."""
    found: set[str] = set()

    def walk(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            if ref := node.get("$ref"):
                yield ref.rsplit("/", 1)[1]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    pending = [
        name
        for item in schema["paths"].values()
        for operation in item.values()
        for status, answer in operation["responses"].items()
        if status.startswith("2")
        for name in walk(answer.get("content", {}).get(JSON, {}))
    ]
    while pending:
        name = pending.pop()
        if name not in found:
            found.add(name)
            pending.extend(walk(schema["components"]["schemas"][name]))
    return found


def test_response_keys_are_required_unless_left_out_on_purpose(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    optional = {
        (name, key)
        for name in _response_components(schema)
        for key in components[name].get("properties", {})
        if key not in components[name].get("required", [])
    }
    assert optional == CONDITIONAL


def test_no_response_is_a_free_form_object(schema: dict[str, Any]) -> None:
    """`responses={200: dict}` documented a body as "any object"; every object now names its keys, or its values'
    shape (a map such as a photo's variants), except the few whose keys are data."""
    components = schema["components"]["schemas"]
    loose = set()
    for name in _response_components(schema):
        component = components[name]
        if component.get("type") == "object" and "properties" not in component:
            loose.add((name, ""))
        for key, prop in component.get("properties", {}).items():
            untyped = not ({"type", "$ref", "allOf", "oneOf", "anyOf"} & set(prop))
            values = prop.get("additionalProperties")
            shaped = "properties" in prop or (isinstance(values, dict) and bool(values))
            free_object = prop.get("type") == "object" and not shaped
            if untyped or free_object:
                loose.add((name, key))
    assert loose == FREE_FORM
    for item in schema["paths"].values():
        for operation in item.values():
            for status, answer in operation["responses"].items():
                body = answer.get("content", {}).get(JSON, {}).get("schema")
                if status.startswith("2") and body is not None:
                    assert "$ref" in body or body.get("type") == "array", (operation["operationId"], body)


# The fields docs/API.md names: clients are written against them.
CONTRACT = {
    "ListingItemOut": {"id", "title", "kind", "condition", "price_dkk", "status", "category", "area", "thumbnail"}
    | {"seller", "workshop", "upcycled", "created_at"},
    "ListingDetailOut": {"description", "photos", "provenance", "impact"},
    "ThumbnailOut": {"url", "width", "height", "blurhash"},
    "PhotoOut": {"id", "status", "failure_reason", "width", "height", "blurhash", "variants"},
    "PhotoUploadOut": {"id", "status"},
    "PhotoVariantOut": {"url", "width", "height"},
    "WorkshopOut": {"slug", "name", "verified", "categories"},
    "WorkshopDetailOut": {"impact"},
    "CategoryOut": {"slug", "name", "parent", "lca_key"},
    "MeOut": {"workshops"},
    "TokenOut": {"token"},
    "JobDetailOut": {"id", "listing", "status", "repair_mode", "fault_description", "workshop", "outcome", "barrier"}
    | {"events", "work_logs", "data_wipes"},
    "ImpactOut": {"jobs_completed", "fixed", "repairable", "end_of_life", "items_reused", "waste_prevented_kg"}
    | {"co2e_avoided_kg", "hours_worked", "people_engaged", "by_month"},
    "ReservationOut": {"id", "status", "expires_at"},
    "SavedSearchOut": {"name", "query", "email_digest"},
}


def test_the_contracts_named_fields_are_required(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    missing = {name: fields - set(components[name]["required"]) for name, fields in CONTRACT.items()}
    assert {name: fields for name, fields in missing.items() if fields} == {}


# docs/API.md, "Conventions": ids are integers, times ISO 8601 with a time zone, money `price_dkk` a decimal string.
# The data export writes its amounts as JSON numbers, as it always has.
CONVENTION_EXCEPTIONS = {("ExportListingOut", "price_dkk")}


def test_ids_times_and_prices_follow_the_conventions(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    broken = set()
    for name in _response_components(schema):
        for key, prop in components[name].get("properties", {}).items():
            kind = (prop.get("type"), prop.get("format"))
            is_id = key == "id" or key.endswith("_id")
            is_time = key == "at" or key.endswith("_at")
            if (
                (is_id and kind[0] != "integer")
                or (is_time and kind != ("string", "date-time"))
                or (key == "price_dkk" and kind != ("string", "decimal"))
            ):
                broken.add((name, key))
    assert broken == CONVENTION_EXCEPTIONS


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        ({"id": 1, "status": "pending", "extra": True}, "Additional properties"),
        ({"id": 1}, "'status' is a required property"),
        ({"id": "1", "status": "pending"}, "is not of type 'integer'"),
    ],
)
def test_the_check_fails_on_an_undeclared_a_missing_or_a_mistyped_key(
    schema: dict[str, Any], body: dict[str, Any], complaint: str
) -> None:
    """The check above can fail: an answer with a key too many, one too few or of the wrong type."""

    class Answer:
        status_code = 201
        request = {"REQUEST_METHOD": "POST", "PATH_INFO": f"{API}/listings/1/photos/"}
        content = b""

        def __getitem__(self, header: str) -> str:
            return JSON

        def json(self) -> dict[str, Any]:
            return body

    with pytest.raises(AssertionError, match=complaint):
        Documented(schema).check(Answer(), 201)


def test_a_time_without_a_time_zone_fails_the_check() -> None:
    validator = jsonschema.Draft202012Validator({"type": "string", "format": "date-time"}, format_checker=FORMATS)
    assert not validator.is_valid("2025-05-01T10:00:00")
    assert validator.is_valid("2025-05-01T10:00:00+00:00") and validator.is_valid("2025-05-01T10:00:00Z")
