"""The restore drill's comparison (scripts/drill.py; the drill itself runs as `make drill` in CI): a difference in
any part is reported, by name."""

from __future__ import annotations

import copy

import pytest

from scripts.drill import _database_url, _differences, _pg_env

BEFORE = {
    "counts": {"listings_listing": 3, "listings_photo": 2},
    "impact": {"co2e_kg": "12.5", "repairs": 4},
    "photos": {"1": {"urls": {"w320": "https://media.example/<prefix>/photos/1/a.webp"}, "objects": {"w320": "ab"}}},
}


def test_the_same_snapshot_passes():
    assert _differences(BEFORE, copy.deepcopy(BEFORE)) == []


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("counts", "listings_photo"), 1, "counts differ: listings_photo"),
        (("impact", "co2e_kg"), "12.0", "impact differ: co2e_kg"),
        (("photos", "1"), {"urls": {}, "objects": {}}, "photos differ: 1"),
    ],
)
def test_a_lost_row_figure_or_object_fails(path, value, expected):
    after = copy.deepcopy(BEFORE)
    after[path[0]][path[1]] = value
    assert _differences(BEFORE, after) == [expected]


def test_the_drill_databases_are_made_on_the_server_of_database_url_without_a_password_on_the_command_line():
    url = "postgres://kredslob:s3cret@db.example:5433/kredslob?sslmode=require"
    assert _database_url(url, "drill_x") == "postgres://kredslob:s3cret@db.example:5433/drill_x?sslmode=require"
    env = _pg_env(url)
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"], env["PGPASSWORD"]) == (
        "db.example",
        "5433",
        "kredslob",
        "s3cret",
    )
