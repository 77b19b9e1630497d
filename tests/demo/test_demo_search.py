"""Search on the demo `make run` loads: the words of the issue find the demo's ThinkPad ("Bærbar computer") and
bikes, through the API's browse (which shows sold listings too: the ThinkPad was sold in the demo's history), and
"computor" gets a suggestion. Runs on PostgreSQL and, with `make test-search-sqlite`, on SQLite."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.demo.test_demo import demo  # noqa: F401  # the module-scoped demo fixture, loaded once for this module

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def titles(q: str) -> list[str]:
    response = APIClient().get("/api/v1/listings/", {"q": q, "page_size": 100})
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["results"]]


@pytest.mark.parametrize("q", ["computer", "bærbar", "laptop", "Bærbar computer", "thinkpad"])
def test_the_demos_thinkpad_is_found_by_the_words_people_type(q):
    assert "Lenovo ThinkPad T480 – 8 GB RAM, 256 GB SSD" in titles(q)


def test_cykler_finds_what_cykel_finds_and_bikes_too():
    found = titles("cykler")
    assert found and set(found) == set(titles("cykel")) == set(titles("bike"))
    assert {"Børnecykel 16 tommer", 'Herrecykel 28" med 7 gear'} <= set(found)


def test_a_typo_gets_a_suggestion_on_the_browse_page(client):
    page = client.get("/", {"q": "computor"}, HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert 'Mente du <a href="/?q=computer">computer</a>?' in page
