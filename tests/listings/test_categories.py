import csv

import pytest
from django.conf import settings
from django.core.management import call_command

from listings.categories import PARENTS, categories_load
from listings.models import Category

pytestmark = pytest.mark.django_db


def csv_rows() -> list[dict[str, str]]:
    with open(settings.LCA_CSV, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_csv_row_is_one_leaf_category():
    rows = csv_rows()
    leaves = Category.objects.exclude(lca_key="")
    assert leaves.count() == len(rows) == 46
    assert set(leaves.values_list("lca_key", flat=True)) == {r["key"] for r in rows}


def test_leaf_figures_match_the_csv():
    for row in csv_rows():
        leaf = Category.objects.get(lca_key=row["key"])
        assert str(leaf.weight_kg.normalize()) == str(type(leaf.weight_kg)(row["weight_kg"]).normalize())
        assert float(leaf.footprint_kg_co2e) == pytest.approx(float(row["footprint_kg_co2e"]))
        assert leaf.name_da == row["name_da"]
        assert leaf.parent is not None and leaf.parent.parent is None


def test_friendly_parents_exist():
    roots = Category.objects.filter(parent=None)
    assert roots.count() == len(PARENTS)
    assert {"IT-udstyr", "Møbler", "Tøj og tekstil", "Cykler", "Køkken og husholdning"} <= set(
        roots.values_list("name_da", flat=True)
    )


def test_loading_twice_changes_nothing():
    before = Category.objects.count()
    categories_load()
    call_command("load_categories")
    assert Category.objects.count() == before == 46 + len(PARENTS)


def test_category_api_returns_the_tree(api_client):
    response = api_client.get("/api/v1/categories/", HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == 200
    data = response.json()
    assert len(data) == Category.objects.count()
    by_slug = {c["slug"]: c for c in data}
    assert by_slug["laptop"]["parent"] == "it-udstyr"
    assert by_slug["laptop"]["name"] == "Bærbar computer"
    assert by_slug["it-udstyr"]["parent"] is None
    # Parents come before their children.
    order = [c["slug"] for c in data]
    assert order.index("it-udstyr") < order.index("laptop")


def test_category_names_follow_the_language(api_client):
    data = api_client.get("/api/v1/categories/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert {c["slug"]: c["name"] for c in data}["laptop"] == "Laptop"
