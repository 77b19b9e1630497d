"""Queries whose SQL is written once per process (core.precompiled): the rows are the ORM's own, for each value,
and the compiler runs only the first time a shape is read."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Q
from django.db.models.sql.compiler import SQLCompiler

from core import precompiled
from core.errors import NotFound
from donations.selectors import material_lot_annotation
from listings.models import Listing, PhotoStatus
from listings.selectors import listing_get
from tests.factories import PhotoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_shapes() -> Any:
    precompiled.forget()
    yield
    precompiled.forget()


@pytest.fixture
def compilations(monkeypatch) -> list[int]:  # type: ignore[no-untyped-def]
    """How many times Django's compiler wrote SQL (not counting what `precompiled` hands back)."""
    calls: list[int] = []
    original = SQLCompiler.as_sql

    def counting(self: SQLCompiler, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    return calls


def _with_related(listing_id: Any) -> Any:
    return (
        Listing.objects.select_related("category", "category__parent", "seller", "workshop")
        .annotate(**material_lot_annotation())
        .filter(pk=listing_id)
    )


def _as_read(listing: Listing) -> tuple[Any, ...]:
    return (
        {k: v for k, v in vars(listing).items() if not k.startswith("_")},
        vars(listing.seller).get("email"),
        listing.category.slug,
        listing.category.parent.slug if listing.category.parent else None,
        listing.workshop.slug if listing.workshop else None,
    )


def test_each_value_reads_its_own_rows_as_the_orm_does(listing_factory, workshop):
    first = listing_factory()
    second = listing_factory(workshop=workshop, title="Syet taske")
    for listing in (first, second, first):
        (row,) = precompiled.precompiled_list("test:listing", _with_related, listing.pk)
        (orm,) = list(_with_related(listing.pk))
        assert _as_read(row) == _as_read(orm)
    assert precompiled.precompiled_list("test:listing", _with_related, second.pk + 1000) == []


def test_the_sql_is_written_once_per_shape(listing_factory, compilations, django_assert_num_queries):
    listings = [listing_factory() for _ in range(3)]
    precompiled.precompiled_list("test:listing", _with_related, listings[0].pk)
    assert compilations, "the first read of a shape compiles it"
    compilations.clear()
    with django_assert_num_queries(2):
        for listing in listings[1:]:
            (row,) = precompiled.precompiled_list("test:listing", _with_related, listing.pk)
            assert row.pk == listing.pk and row.title == listing.title
    assert compilations == []


def test_a_shape_that_uses_its_value_twice_is_read_by_the_plain_orm(listing_factory, compilations):
    mine = listing_factory()
    other = listing_factory()

    def twice(listing_id: Any) -> Any:
        return Listing.objects.filter(Q(pk=listing_id) | Q(seller_id=listing_id)).order_by("pk")

    for listing in (mine, other):
        compilations.clear()
        rows = precompiled.precompiled_list("test:twice", twice, listing.pk)
        assert [row.pk for row in rows] == list(twice(listing.pk).values_list("pk", flat=True))
        assert compilations, "not precompilable: compiled by Django each time"


def test_listing_get_reads_each_listing_with_its_photos(listing_factory, compilations):
    listings = [listing_factory() for _ in range(3)]
    ready = PhotoFactory(listing=listings[1], status=PhotoStatus.READY)
    PhotoFactory(listing=listings[1], status=PhotoStatus.PENDING, position=1)
    for listing in listings:
        got = listing_get(pk=listing.pk, user=None)
        assert (got.pk, got.title, got.seller.pk) == (listing.pk, listing.title, listing.seller.pk)
        assert [p.pk for p in got.ready_photos] == ([ready.pk] if listing == listings[1] else [])
    compilations.clear()
    listing_get(pk=str(listings[2].pk), user=None)  # an id as a URL gives it
    assert compilations == []


@pytest.mark.parametrize("pk", ["abc", "", None, -1, 0, 2**63, 10**30, precompiled.SENTINEL, "1e3"])
def test_listing_get_answers_an_id_no_listing_has_with_not_found(listing_factory, pk):
    listing_factory()
    with pytest.raises((NotFound, ValueError, TypeError)) as caught:
        listing_get(pk=pk, user=None)
    if isinstance(pk, int):
        assert caught.type is NotFound  # a number out of any row's range: not found, never a database error


def test_on_postgresql_a_kept_shape_is_prepared_once_per_connection(listing_factory, settings):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's (SQLite runs the same SQL unprepared)")
    threshold = connection.connection.prepare_threshold
    assert threshold is not None and threshold == settings.DATABASES["default"]["OPTIONS"]["prepare_threshold"]
    listings = [listing_factory() for _ in range(threshold + 2)]

    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s", ["%listings_listing%"]
            )
            return [row[0] for row in cursor.fetchall()]

    before = len(prepared())
    for listing in listings:
        (row,) = precompiled.precompiled_list("test:listing", _with_related, listing.pk)
        assert row.pk == listing.pk
    statements = prepared()
    assert len(statements) == before + 1, "the listing's SQL, prepared once, whatever the id"
    assert any("$1" in statement for statement in statements)
    # Django's own queries are bound on the client, never prepared: asking again for the listing through the
    # plain ORM many times adds no statement.
    for _ in range(threshold + 2):
        list(_with_related(listings[0].pk))
    assert len(prepared()) == before + 1
