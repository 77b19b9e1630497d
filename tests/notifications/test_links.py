"""Every notification leads somewhere its recipient may go: for EVERY kind the code sends (found in the source, so a
new kind is covered as soon as it is written), the in-app link and the link in the email open a page that exists
and that the recipient may see (200 after redirects, never the log-in page or a 404)."""

from __future__ import annotations

import ast
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts import services as account_services
from donations import services as donations
from listings import services as listing_services
from marketplace import services as market
from marketplace.models import Reservation
from marketplace.tasks import messages_notify, saved_searches_instant_run
from notifications.kinds import KINDS
from notifications.models import Notification
from notifications.tasks import notification_email
from repairs import returns, services
from tests import factories
from tests.donations.helpers import laptops, organisation
from tests.helpers import job_publish_on_sale
from tests.repairs.helpers import make_job

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "accounts",
    "core",
    "impact",
    "listings",
    "marketplace",
    "donations",
    "notifications",
    "privacy",
    "repairs",
    "frontend",
    "api",
]
SENDERS = {"notification_send", "_notify", "_notify_donor", "_notify_workshop", "_notify_organisation"}


def kinds_in_code() -> set[str]:
    """The kind of every notification call in the application's source: `notification_send(kind="…")`, and the
    first snake_case string given to one of the app helpers that call it."""
    found: set[str] = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name not in SENDERS:
                    continue
                for keyword in node.keywords:
                    if keyword.arg == "kind" and isinstance(keyword.value, ast.Constant):
                        found.add(keyword.value.value)
                strings = [
                    a.value
                    for a in node.args
                    if isinstance(a, ast.Constant) and isinstance(a.value, str) and re.fullmatch(r"[a-z_]+", a.value)
                ]
                if strings:
                    found.add(strings[0])
    return found


def test_every_kind_sent_in_the_code_is_registered():
    in_code = kinds_in_code()
    assert len(in_code) >= 15  # the scan finds the call sites (it is not vacuous)
    assert in_code == set(KINDS), "register new kinds in notifications/kinds.py (and remove gone ones)"


def _every_kind() -> None:
    """Run the platform's journeys so that every registered kind is sent at least once."""
    # Marketplace: reserve → confirm → complete; reserve → cancel; reserve → expire; a message.
    seller, buyer = factories.UserFactory(), factories.UserFactory(language="en")
    listing = factories.ListingFactory(seller=seller)
    reservation = market.reservation_create(listing=listing, buyer=buyer)
    market.reservation_confirm(reservation=reservation, actor=seller)
    market.reservation_complete(reservation=reservation, actor=seller)
    second = factories.ListingFactory(seller=seller)
    market.reservation_cancel(reservation=market.reservation_create(listing=second, buyer=buyer), actor=buyer)
    third = factories.ListingFactory(seller=seller)
    expiring = market.reservation_create(listing=third, buyer=factories.UserFactory())
    Reservation.objects.filter(pk=expiring.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert market.reservation_expire(reservation_id=expiring.pk)
    market.conversation_start(listing=second, buyer=buyer, body="Er den stadig til salg?")
    messages_notify()

    # Repairs, donated: claim → start → complete → publish.
    workshop = factories.WorkshopFactory(verified=True, categories=["laptop", "furniture"])
    member = factories.MembershipFactory(workshop=workshop, user__language="en").user
    job = make_job("furniture")
    services.job_claim(job=job, workshop=workshop, actor=member)
    services.job_start(job=job, actor=member)
    services.job_complete(job=job, actor=member, outcome="fixed")
    published = job_publish_on_sale(
        job=job, actor=member, title="Istandsat stol", description="", price_dkk=Decimal(100), condition="good"
    )
    # …and sold: its donor hears it found a new home.
    sale = market.reservation_create(listing=published, buyer=factories.UserFactory())
    market.reservation_confirm(reservation=sale, actor=member)
    market.reservation_complete(reservation=sale, actor=member)

    # Offers: made → accepted; made → countered → declined by the buyer.
    offered = factories.ListingFactory(seller=seller, price_dkk=Decimal(300))
    offer = market.offer_create(listing=offered, buyer=factories.UserFactory(), price_dkk=Decimal(250))
    market.offer_accept(offer=offer, actor=seller)
    haggled = factories.ListingFactory(seller=seller, price_dkk=Decimal(300))
    haggler = factories.UserFactory()
    counter = market.offer_create(listing=haggled, buyer=haggler, price_dkk=Decimal(200))
    market.offer_counter(offer=counter, actor=seller, price_dkk=Decimal(280))
    market.offer_decline(offer=counter, actor=haggler)

    # Favourites: the price drops, then someone reserves it.
    liked = factories.ListingFactory(seller=seller, price_dkk=Decimal(500))
    market.favourite_add(listing=liked, user=factories.UserFactory())
    listing_services.listing_update(listing=liked, actor=seller, price_dkk=Decimal(400))
    market.reservation_create(listing=liked, buyer=factories.UserFactory())

    # A saved search told at once of a new match.
    market.saved_search_create(
        user=factories.UserFactory(), name="Cykler", query={"category": "bicycle"}, frequency="instant"
    )
    bike = factories.ListingFactory(category=factories.category("bicycle"), title="Rød damecykel")
    saved_searches_instant_run(listing_id=bike.pk)

    # A workshop applies; the moderators hear of it.
    factories.UserFactory(is_staff=True, is_superuser=True)
    account_services.workshop_create(
        owner=factories.UserFactory(), name="Cykelværkstedet", cvr="12345678", address="Humlebakken 1, 9220 Aalborg Ø"
    )

    # An organisation's batch: accepted → collected.
    org = organisation()
    batch = donations.batch_create(
        organisation=org, actor=org.members.get(), kind="devices", title="Bærbare", devices=laptops(2)
    )
    donations.batch_accept(batch=batch, workshop=workshop, actor=member)
    donations.batch_collected(batch=batch, actor=member, collected_by="Ali", signed_for_by="Lise Holm")

    # Repairs, repaired and handed back: quote → accept → received → complete → hand back; quote → decline.
    back = make_job("laptop", mode="return")
    services.job_claim(job=back, workshop=workshop, actor=member)
    returns.job_quote(job=back, actor=member, price_dkk="450", estimate_days=3)
    returns.job_quote_accept(job=back, actor=back.listing.seller)
    returns.job_receive(job=back, actor=member)
    services.job_start(job=back, actor=member)
    services.job_mark_no_storage(job=back, actor=member)
    services.job_complete(job=back, actor=member, outcome="fixed")
    returns.job_hand_back(job=back, actor=member, paid_dkk="450")
    declined = make_job("laptop", mode="return")
    services.job_claim(job=declined, workshop=workshop, actor=member)
    returns.job_quote(job=declined, actor=member, price_dkk="2000", estimate_days=10)
    returns.job_quote_decline(job=declined, actor=declined.listing.seller)


def _opens_for(user, link: str) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    response = client.get(link, follow=True)
    assert response.status_code == 200, f"{link} → {response.status_code} for {user.email}"
    final = response.redirect_chain[-1][0] if response.redirect_chain else link
    assert "/login/" not in final, f"{link} sends {user.email} to log in"


@pytest.mark.django_db
def test_every_notification_kind_links_to_a_page_its_recipient_may_see():
    _every_kind()
    notifications = list(Notification.objects.select_related("user").order_by("pk"))
    assert {n.kind for n in notifications} >= set(KINDS), f"not sent: {set(KINDS) - {n.kind for n in notifications}}"
    mail.outbox.clear()
    for notification in notifications:
        assert notification.url, f"{notification.kind} has no link"
        _opens_for(notification.user, notification.url)
        if notification.email_wanted:
            notification_email(notification.pk)
    # …and the links in the emails, for every email sent.
    links = 0
    for message in mail.outbox:
        recipient = next(n.user for n in notifications if n.user.email == message.to[0])
        for link in re.findall(re.escape(settings.SITE_URL) + r"(/[^\s]*)", message.body):
            _opens_for(recipient, link)
            links += 1
    assert links >= len({n.kind for n in notifications if n.email_wanted})
