"""Permission matrix of the pages: every object page × every persona of `tests.permissions`.

Pages answer like the API where they can — 404 for what the visitor may not see, 403 on the workshop pages for
who is no member of a verified workshop — and send anonymous visitors to the login page. A form that the service
refuses (a buyer confirming their own reservation, say) comes back as a redirect with the reason as a message:
there the status alone proves nothing, so every refused row also asserts that no row and no file changed."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.permissions import DONOR_EMAIL, DONOR_NAME, donations

pytestmark = pytest.mark.django_db


def signed_in(user: Any | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("persona", ["anonymous", "resident", "member", "donor"])
def test_the_page_of_a_donated_item_names_the_donor_to_the_donor_only(persona: str) -> None:
    world = donations()
    client = signed_in(world.get(persona))
    response = client.get(f"/listings/{world['open_job'].listing_id}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert (DONOR_NAME in html) == (persona == "donor")
    assert DONOR_EMAIL not in html


def test_the_workshop_pages_never_name_the_donor() -> None:
    world = donations()
    client = signed_in(world["member"])
    for url in ("/workshop/", f"/workshop/jobs/{world['open_job'].pk}/", f"/workshop/jobs/{world['held_job'].pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert DONOR_NAME not in html and DONOR_EMAIL not in html, url
