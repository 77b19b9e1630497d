"""A long title is refused in words, never cut mid-word by the browser; the gallery shows that there are more
photos (issue 15)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from listings.models import Listing
from tests import factories
from tests.frontend.test_post_and_trade_pages import sale_data

pytestmark = pytest.mark.django_db


def danish(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="da")
    client.force_login(user)
    return client


def test_a_title_over_120_characters_is_an_error_not_cut():
    client = danish(factories.UserFactory())
    page = client.get("/post/").content.decode()
    title_input = re.search(r'<input[^>]*name="title"[^>]*>', page)
    assert title_input and "maxlength" not in title_input.group(0)  # the browser would cut a pasted title
    assert "Højst 120 tegn." in page
    long_title = (
        "Velholdt spisebord i massiv eg med to tillægsplader og seks matchende stole, "
        "købt i Bilka i 2019 og kun brugt til jul og nytår"
    )
    assert len(long_title) > 120
    response = client.post("/post/", sale_data(title=long_title))
    assert response.status_code == 200 and not Listing.objects.exists()
    assert "højst have 120 tegn (den har 1" in response.content.decode()


def test_the_gallery_shows_there_are_more_photos():
    listing = factories.ListingFactory()
    for position in range(3):
        factories.PhotoFactory(listing=listing, position=position)
    page = Client(HTTP_ACCEPT_LANGUAGE="da").get(listing.get_absolute_url()).content.decode()
    assert "3 billeder" in page and page.count('class="gallery-dot"') == 3 and 'href="#photo-2"' in page
    single = factories.ListingFactory()
    factories.PhotoFactory(listing=single)
    assert "gallery-dot" not in Client().get(single.get_absolute_url()).content.decode()
