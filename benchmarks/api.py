"""`make bench-api`: the browse endpoint at 1,000 and at 100,000 listings, in one run.

Needs PostgreSQL: `DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/kr_bench`). The benchmark creates
that database, migrates it, seeds realistic listings (Danish titles in every category, a ready photo row each)
with COPY, measures, and drops the database again. It refuses to touch a database named `test`.

Cases, each requested in-process through Django's test client (no network, no web server):
  first    GET /api/v1/listings/                       newest first, 24 per page
  deep     page 200 of the same, reached by following `next` (keyset cursor)
  category GET /api/v1/listings/?category=<a parent>   a parent category includes its leaves
  search   GET /api/v1/listings/?q=<word>             Danish full text, ordered by relevance
For each: p50/p95 in ms, queries per request, and the raw SQL time of the same page (the sum of the
request's queries' `EXPLAIN ANALYZE` execution times). Ratios printed against the issue's targets:
p95(100k)/p95(1k) ≤ 1.5, deep/first ≤ 1.3, endpoint/raw SQL ≤ 3.
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kr_bench"
REPEATS = int(os.environ.get("BENCH_REPEATS", "40"))
SIZES = (1_000, 100_000)

# Danish words per category leaf: (nouns, the materials or kinds that read naturally with them).
NOUNS: dict[str, list[str]] = {
    "laptop": ["bærbar computer", "laptop", "MacBook", "ThinkPad", "bærbar pc"],
    "desktop-computer": ["stationær computer", "computer", "gamer-pc", "kontor-pc"],
    "tablet": ["tablet", "iPad", "Android-tablet"],
    "mobile": ["mobiltelefon", "iPhone", "smartphone", "Samsung-telefon"],
    "flat-screen": ["fladskærm", "tv", "computerskærm", "skærm"],
    "pc-accessory": ["tastatur", "mus", "webcam", "dockingstation", "USB-hub"],
    "printer-scanner": ["printer", "laserprinter", "scanner", "blækprinter"],
    "projector": ["projektor", "lærredsprojektor"],
    "games-console": ["spillekonsol", "PlayStation", "Xbox", "Nintendo Switch"],
    "handheld-entertainment-device": ["håndholdt spillekonsol", "mp3-afspiller", "Game Boy"],
    "tv-gaming-accessories": ["controller", "tv-boks", "fjernbetjening"],
    "furniture": ["stol", "spisebordsstol", "sofa", "reol", "kommode", "sofabord", "skrivebord", "lænestol"],
    "clothing-textile": ["vinterjakke", "kjole", "strikketrøje", "pude", "gardiner", "sengetøj", "jeans"],
    "bicycle": ["cykel", "damecykel", "herrecykel", "børnecykel", "ladcykel", "racercykel"],
    "kettle": ["elkedel", "vandkoger"],
    "toaster": ["brødrister", "toaster"],
    "coffee-maker": ["kaffemaskine", "espressomaskine", "kaffebrygger"],
    "food-processor": ["foodprocessor", "røremaskine", "blender"],
    "small-kitchen-item": ["håndmikser", "stavblender", "vaffeljern"],
    "small-home-electrical": ["radiator", "luftrenser", "elektrisk tandbørste"],
    "large-home-electrical": ["vaskemaskine", "køleskab", "opvaskemaskine", "tørretumbler"],
    "vacuum": ["støvsuger", "robotstøvsuger", "håndstøvsuger"],
    "iron": ["strygejern", "dampstrygejern"],
    "sewing-machine": ["symaskine", "overlock-maskine"],
    "aircon-dehumidifier": ["affugter", "aircondition"],
    "fan": ["ventilator", "bordventilator"],
    "paper-shredder": ["makulator"],
    "hifi-integrated": ["stereoanlæg", "musikanlæg"],
    "hifi-separates": ["forstærker", "højttalere", "pladespiller", "cd-afspiller"],
    "headphones": ["hovedtelefoner", "høretelefoner"],
    "portable-radio": ["radio", "DAB-radio", "transistorradio"],
    "digital-compact-camera": ["kompaktkamera", "digitalkamera"],
    "dslr-video-camera": ["spejlreflekskamera", "videokamera"],
    "lamp": ["lampe", "gulvlampe", "bordlampe", "loftlampe", "skrivebordslampe"],
    "decorative-safety-lights": ["lyskæde", "julebelysning", "natlampe"],
    "hair-beauty-item": ["glattejern", "krøllejern", "hårtrimmer"],
    "hair-dryer": ["hårtørrer", "føntørrer"],
    "power-tool": ["boremaskine", "skruemaskine", "stiksav", "vinkelsliber"],
    "hand-tool": ["hammer", "skruetrækkersæt", "værktøjskasse", "sav"],
    "toy": ["legetøj", "LEGO", "dukkehus", "togbane", "brætspil"],
    "musical-instrument": ["guitar", "keyboard", "el-klaver", "violin"],
    "jewellery": ["halskæde", "armbånd", "øreringe", "ring"],
    "watch-clock": ["armbåndsur", "vægur", "vækkeur"],
    "battery-charger-adapter": ["oplader", "powerbank", "strømforsyning"],
    "misc-powered": ["elektrisk apparat", "ledningsrulle"],
    "misc-unpowered": ["kasse", "spejl", "billedramme", "vase", "skål"],
}
ADJECTIVES = ["pæn", "fin", "brugt", "næsten ny", "gammel", "retro", "solid", "lille", "stor", "velholdt"]
COLOURS = ["sort", "hvid", "grå", "blå", "rød", "grøn", "brun", "gul", "beige", "lyserød"]
MATERIALS = ["i eg", "i bøg", "i teak", "i fyr", "i metal", "i plast", "i glas", "i læder", "i uld", "i bomuld"]
SENTENCES = [
    "Afhentes i 9220 Aalborg Øst.",
    "Virker som den skal.",
    "Lidt brugsspor, men i god stand.",
    "Sælges da vi er flyttet.",
    "Røg- og dyrefrit hjem.",
    "Kan afhentes i Kildeparken efter kl. 16.",
    "Nypris var det dobbelte.",
    "Med originale kabler og manual.",
    "Skal ses!",
    "Repareret og testet af værkstedet.",
]
AREAS = ["Kildeparken", "Ring Syd", "Smedegård", "Tornhøj", "Aalborg Øst", "Højvangen", "Fremtidens Aalborg Øst"]
CONDITIONS = ["new", "like_new", "good", "good", "fair", "for_parts"]
SEARCH_WORD = "stole"  # stems to "stol": finds every chair (a common word: ~1 in 60 listings)
CATEGORY = "it-udstyr"  # a parent with 11 leaves


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        sys.exit("bench-api needs PostgreSQL: set DATABASE_URL to a postgres:// URL")
    name = parts.path.lstrip("/")
    if not name or name == "test" or name.startswith("test_"):
        sys.exit(f"bench-api refuses to use database {name!r}: give it a database of its own (e.g. kr_bench)")
    return url


def _admin_execute(url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


def _setup(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    _admin_execute(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin_execute(url, f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("THROTTLE_ANON", "100000000/min")
    os.environ.setdefault("THROTTLE_USER", "100000000/min")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # Persistent connections, as a production web process runs (the default 0 reconnects per request).
    os.environ.setdefault("DB_CONN_MAX_AGE", "600")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _seed_people() -> tuple[list[int], list[int]]:
    from accounts.models import User, Workshop

    users = User.objects.bulk_create(
        [
            User(email=f"bench{i}@example.dk", display_name=f"Sælger {i}", area=random.choice(AREAS), password="!")  # noqa: S106 — unusable
            for i in range(500)
        ]
    )
    workshops = Workshop.objects.bulk_create(
        [
            Workshop(name=f"Værksted {i}", slug=f"bench-vaerksted-{i}", cvr=f"{20000000 + i}", address="9220")
            for i in range(5)
        ]
    )
    return [u.pk for u in users], [w.pk for w in workshops]


def _seed_listings(count: int, start: int, people: tuple[list[int], list[int]]) -> None:
    """COPY `count` listings and one ready photo row each."""
    from django.db import connection

    from listings.models import Category

    users, workshops = people
    leaves = {c.slug: c.pk for c in Category.objects.exclude(lca_key="")}
    now = datetime.now(UTC)
    rows = []
    for _ in range(count):
        leaf = random.choice(list(NOUNS))
        noun = random.choice(NOUNS[leaf])
        title = f"{random.choice(ADJECTIVES).capitalize()} {random.choice(COLOURS)} {noun} {random.choice(MATERIALS)}"
        description = " ".join(random.sample(SENTENCES, 3))
        kind = random.choices(["sale", "free", "repair"], weights=[80, 15, 5])[0]
        price = 0 if kind != "sale" else random.choice([25, 50, 75, 100, 150, 200, 250, 300, 500, 750, 1000, 2500])
        status = random.choices(["active", "reserved", "sold", "draft", "withdrawn"], weights=[80, 5, 8, 4, 3])[0]
        created = now - timedelta(seconds=random.randint(0, 365 * 86400), microseconds=random.randint(0, 999_999))
        workshop = random.choice(workshops) if random.random() < 0.1 else None
        rows.append(
            (
                random.choice(users),
                workshop,
                title[:120],
                description,
                leaves[leaf],
                random.choice(CONDITIONS),
                kind,
                price,
                random.choice(AREAS),
                "",
                "",
                status,
                "",
                created,
                created,
                created if status != "draft" else None,
            )
        )
    columns = (
        "seller_id, workshop_id, title, description, category_id, condition, kind, price_dkk, area, brand, model,"
        " status, pickup_details, created_at, updated_at, published_at"
    )
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY listings_listing ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute("SELECT id FROM listings_listing ORDER BY id DESC LIMIT %s", [count])
        ids = [r[0] for r in cursor.fetchall()]
        with raw.copy(
            "COPY listings_photo (listing_id, position, upload_token, original, original_format, original_sha256,"
            " status, failure_reason, attempts, width, height, blurhash, variants, created_at, updated_at)"
            " FROM STDIN"
        ) as copy:
            for listing_id in ids:
                token = f"bench-{listing_id}"
                variants = {
                    name: {
                        "name": f"photos/{listing_id}/{token}/{name}.{'jpg' if name.endswith('jpeg') else 'webp'}",
                        "width": width,
                        "height": width * 3 // 4,
                        "content_type": "image/jpeg" if name.endswith("jpeg") else "image/webp",
                    }
                    for name, width in (("w320", 320), ("w1024", 1024), ("w2048", 2048), ("w2048_jpeg", 2048))
                }
                copy.write_row(
                    (
                        listing_id,
                        0,
                        token,
                        f"originals/{listing_id}/{token}",
                        "jpeg",
                        "",
                        "ready",
                        "",
                        1,
                        4000,
                        3000,
                        "LEHV6nWB2yk8pyo0adR*.7kCMdnj",
                        json.dumps(variants),
                        now,
                        now,
                    )
                )
        cursor.execute("VACUUM ANALYZE listings_listing")
        cursor.execute("VACUUM ANALYZE listings_photo")


def _explain_ms(sql_list: list[str]) -> tuple[float, float]:
    """Sums of EXPLAIN ANALYZE execution and planning times of the request's queries."""
    from django.db import connection

    execution = planning = 0.0
    with connection.cursor() as cursor:
        for sql in sql_list:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            execution += plan[0]["Execution Time"]
            planning += plan[0]["Planning Time"]
    return execution, planning


def _measure(client: Any, cases: dict[str, str]) -> dict[str, dict[str, float]]:
    """Time the cases round-robin (one request of each in turn), so that a load spike from elsewhere on a
    shared machine hits every case alike and the ratios stay fair."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times: dict[str, list[float]] = {name: [] for name in cases}
    for url in cases.values():
        for _ in range(3):
            assert client.get(url).status_code == 200
    for _ in range(REPEATS):
        for name, url in cases.items():
            started = time.perf_counter()
            response = client.get(url)
            times[name].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.content[:300]
    out = {}
    for name, url in cases.items():
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries = [q["sql"] for q in captured.captured_queries]
        selects = [q for q in queries if q.lstrip().upper().startswith("SELECT")]
        explained = [_explain_ms(selects) for _ in range(7)]
        samples = sorted(times[name])
        out[name] = {
            "p50": statistics.median(samples),
            "p95": samples[max(0, int(len(samples) * 0.95) - 1)],
            "queries": len(queries),
            "sql": statistics.median(e for e, _ in explained),
            "plan": statistics.median(p for _, p in explained),
        }
    return out


def _deep_url(client: Any, pages: int = 200) -> str:
    url = "/api/v1/listings/"
    for _ in range(pages - 1):
        nxt = client.get(url).json()["next"]
        assert nxt, "the catalogue ran out of pages"
        split = urlsplit(nxt)
        url = f"{split.path}?{split.query}"
    return url


def _run_cases(size: int) -> dict[str, dict[str, float]]:
    from django.test import Client

    client = Client()
    # Page 200 (24 per page) needs 4,800 public listings: it exists at 100k only, so "deep" is compared
    # with "first" at 100k, and has no 100k/1k ratio.
    deep = _deep_url(client) if size >= 200 * 24 else None
    cases = {
        "first": "/api/v1/listings/",
        "deep": deep,
        "category": f"/api/v1/listings/?category={CATEGORY}",
        "search": f"/api/v1/listings/?q={SEARCH_WORD}",
    }
    return _measure(client, {name: url for name, url in cases.items() if url})


def main() -> None:
    url = _database_url()
    random.seed(9220)
    t0 = time.perf_counter()
    _setup(url)
    people = _seed_people()
    results: dict[int, dict[str, dict[str, float]]] = {}
    seeded = 0
    try:
        for size in SIZES:
            started = time.perf_counter()
            _seed_listings(size - seeded, seeded, people)
            seeded = size
            print(f"seeded {size:>7,} listings in {time.perf_counter() - started:5.1f} s", flush=True)
            results[size] = _run_cases(size)
    finally:
        from django.db import connections

        connections.close_all()
        name = urlsplit(url).path.lstrip("/")
        _admin_execute(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _report(results, time.perf_counter() - t0)


def _report(results: dict[int, dict[str, dict[str, float]]], elapsed: float) -> None:
    small, large = SIZES
    print()
    print(f"Browse API — {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(
        f"{'case':<10}{'size':>9}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}{'SQL ms':>9}{'plan ms':>9}"
        f"{'endpoint/SQL':>14}"
    )
    for size in SIZES:
        for name, r in results[size].items():
            ratio = r["p50"] / r["sql"] if r["sql"] else float("inf")
            print(
                f"{name:<10}{size:>9,}{r['p50']:>9.2f}{r['p95']:>9.2f}{r['queries']:>9}{r['sql']:>9.2f}"
                f"{r['plan']:>9.2f}{ratio:>14.1f}"
            )
    print("(SQL ms: EXPLAIN ANALYZE execution time summed over the request's queries; plan ms: their planning)")
    print()
    print("ratio                               value   target")
    for name in results[large]:
        if name in results[small]:
            ratio = results[large][name]["p95"] / results[small][name]["p95"]
            print(f"p95 100k / p95 1k  {name:<16}{ratio:>6.2f}   ≤ 1.5 {'ok' if ratio <= 1.5 else 'MISS'}")
    for size in SIZES:
        if "deep" in results[size]:
            ratio = results[size]["deep"]["p95"] / results[size]["first"]["p95"]
            print(f"deep / first (p95) at {size:<13,}{ratio:>6.2f}   ≤ 1.3 {'ok' if ratio <= 1.3 else 'MISS'}")
    for name, r in results[large].items():
        ratio = r["p50"] / r["sql"] if r["sql"] else float("inf")
        print(f"endpoint / SQL at 100k {name:<12}{ratio:>6.1f}   ≤ 3   {'ok' if ratio <= 3 else 'MISS'}")
    print(f"\nwhole run {elapsed:.0f} s")


if __name__ == "__main__":
    main()
