"""`make bench-api`: the browse endpoint at 10,000 and at 1,000,000 listings, in one run.

Needs PostgreSQL: `DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/kr_bench`). The benchmark creates
that database, migrates it (with the optional RUM index where the `rum` extension is installed), seeds
realistic listings with COPY (`benchmarks.seed`), measures, and drops the database again (`--keep` keeps it).
It refuses to touch a database named `test`. `BENCH_SIZES=2000,50000` runs other sizes (a quick check).

Cases, each requested in-process through Django's test client with DEBUG off (no network, no web server):
  first    GET /api/v1/listings/                       newest first, 24 per page
  deep     page 500 of the same, reached by following `next` (keyset cursor; at the larger size only)
  category GET /api/v1/listings/?category=<a parent>   a parent category includes its leaves
  rare     GET /api/v1/listings/?q=signeret            a word in 1 listing of 1,000 (relevance order)
  common   GET /api/v1/listings/?q=blå                 a colour in ~10 % of titles (relevance order)
  page1    GET /api/v1/listings/?page_size=1           a page of 1 (against `first`, a page of 24)
For each: p50/p95 in ms, queries per request, and the raw SQL time of the same page (the sum of the
request's queries' `EXPLAIN ANALYZE` execution times). Requests are timed round-robin across the cases after
a warm-up, `BENCH_REPEATS` (60) of each. Ratios printed against the issue's targets: p95(large)/p95(small)
≤ 1.5 for every case, p50 page of 24 / page of 1 ≤ 1.5 at the large size, deep/first ≤ 1.3, queries per
page unchanged.
"""

from __future__ import annotations

import json
import os
import platform
import secrets
import statistics
import sys
import time
from typing import Any
from urllib.parse import urlsplit

from benchmarks.seed import AREAS

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kr_bench"
REPEATS = int(os.environ.get("BENCH_REPEATS", "60"))
SIZES = tuple(int(n) for n in os.environ.get("BENCH_SIZES", "10000,1000000").split(","))
DEEP_PAGE = 500

RARE_WORD = "signeret"  # "Signeret af designeren." in 1 listing of 1,000 (benchmarks.seed)
COMMON_WORD = "blå"  # one of ten colours in every title: ~10 % of listings
CATEGORY = "it-udstyr"  # a parent with 11 leaves


def bench_database_url(*, bench: str, variable: str, default: str) -> str:
    """The PostgreSQL database a benchmark may drop and seed (`variable`, else `default`): never one named `test*`,
    which the test suite uses."""
    url = os.environ.get(variable) or default
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        sys.exit(f"{bench} needs PostgreSQL: set {variable} to a postgres:// URL")
    name = parts.path.lstrip("/")
    if not name or name == "test" or name.startswith("test_"):
        example = urlsplit(default).path.lstrip("/")
        sys.exit(f"{bench} refuses to use database {name!r}: give it a database of its own (e.g. {example})")
    return url


def _database_url() -> str:
    return bench_database_url(bench="bench-api", variable="DATABASE_URL", default=DEFAULT_URL)


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
    # Production-like: DEBUG off (no query log kept), plain HTTP in-process.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(48))
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
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
            User(email=f"bench{i}@example.dk", display_name=f"Sælger {i}", area=AREAS[i % len(AREAS)], password="!")  # noqa: S106 — unusable
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
        for _ in range(5):
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


def _deep_url(client: Any, pages: int = DEEP_PAGE) -> str:
    url = "/api/v1/listings/"
    for _ in range(pages - 1):
        nxt = client.get(url).json()["next"]
        assert nxt, "the catalogue ran out of pages"
        split = urlsplit(nxt)
        url = f"{split.path}?{split.query}"
    return url


def _run_cases(size: int) -> dict[str, dict[str, float]]:
    from django.db import connections
    from django.test import Client

    from listings.search import rum_available

    # A fresh connection, as a web process (re)connecting after the data exists: listings.search notes the RUM
    # index and the word frequencies of the just-analysed table once per connection.
    connections.close_all()

    client = Client()
    # Page 500 (24 per page) needs 12,000 public listings: at the larger size only, so "deep" is compared with
    # "first" there, and has no size ratio.
    deep = _deep_url(client) if size >= DEEP_PAGE * 24 / 0.8 else None
    cases = {
        "first": "/api/v1/listings/",
        "deep": deep,
        "category": f"/api/v1/listings/?category={CATEGORY}",
        "rare": f"/api/v1/listings/?q={RARE_WORD}",
        "common": f"/api/v1/listings/?q={COMMON_WORD}",
        "page1": "/api/v1/listings/?page_size=1",
    }
    out = _measure(client, {name: url for name, url in cases.items() if url})
    from django.db import connection

    with connection.cursor() as cursor:
        for name, word in (("rare", RARE_WORD), ("common", COMMON_WORD)):
            cursor.execute(
                "SELECT count(*) FROM listings_listing WHERE search_document @@ plainto_tsquery('danish', %s)", [word]
            )
            out[name]["hits"] = cursor.fetchone()[0]
    from django.conf import settings

    rum = f"RUM index present, SEARCH_RUM_ORDER={settings.SEARCH_RUM_ORDER}" if rum_available() else "no RUM"
    from listings.search import _rum_for
    from listings.search_terms import query_terms

    plans = ", ".join(
        f"{word}: {'RUM' if _rum_for(query_terms(word)) else 'btree/GIN'}" for word in (RARE_WORD, COMMON_WORD)
    )
    print(f"  measured {size:,} ({rum}; candidates read by {plans})", flush=True)
    return out


def _load() -> tuple[float, float, float]:
    with open("/proc/loadavg") as f:
        one, five, fifteen = (float(x) for x in f.read().split()[:3])
    return one, five, fifteen


def main() -> None:
    url = _database_url()
    keep = "--keep" in sys.argv
    t0 = time.perf_counter()
    load_start = _load()
    _setup(url)
    from benchmarks.seed import seed_listings  # after django.setup()

    people = _seed_people()
    results: dict[int, dict[str, dict[str, float]]] = {}
    seeded = 0
    seeding: dict[int, float] = {}
    try:
        for size in SIZES:
            seconds = seed_listings(size - seeded, users=people[0], workshops=people[1])
            seeding[size] = seconds
            print(f"seeded {size:>9,} listings (+{size - seeded:,}) in {seconds:6.1f} s", flush=True)
            seeded = size
            results[size] = _run_cases(size)
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            name = urlsplit(url).path.lstrip("/")
            _admin_execute(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _report(results, seeding, time.perf_counter() - t0, load_start, _load())


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def _report(
    results: dict[int, dict[str, dict[str, float]]],
    seeding: dict[int, float],
    elapsed: float,
    load_start: tuple[float, float, float],
    load_end: tuple[float, float, float],
) -> None:
    small, large = SIZES
    print()
    print(f"Browse API — {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"load average at start {load_start}, at end {load_end}")
    for size, seconds in seeding.items():
        print(f"seeding up to {size:,}: {seconds:.1f} s")
    print(f"{'case':<10}{'size':>11}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}{'SQL ms':>9}{'plan ms':>9}{'hits':>9}")
    for size in SIZES:
        for name, r in results[size].items():
            hits = f"{int(r['hits']):,}" if "hits" in r else ""
            print(
                f"{name:<10}{size:>11,}{r['p50']:>9.2f}{r['p95']:>9.2f}{r['queries']:>9}{r['sql']:>9.2f}"
                f"{r['plan']:>9.2f}{hits:>9}"
            )
    print("(SQL ms: EXPLAIN ANALYZE execution time summed over the request's queries; plan ms: their planning)")
    print()
    label = f"{large:,} / {small:,}"
    print(f"{'ratio':<44}{'value':>7}   target")
    for name in results[large]:
        if name in results[small]:
            ratio = results[large][name]["p95"] / results[small][name]["p95"]
            print(f"{'p95 ' + label + ' ' + name:<44}{ratio:>7.2f}   ≤ 1.5  {_verdict(ratio <= 1.5)}")
    big = results[large]
    ratio = big["first"]["p50"] / big["page1"]["p50"]
    print(f"{'p50 page of 24 / page of 1 at ' + f'{large:,}':<44}{ratio:>7.2f}   ≤ 1.5  {_verdict(ratio <= 1.5)}")
    if "deep" in big:
        ratio = big["deep"]["p95"] / big["first"]["p95"]
        print(f"{'p95 deep (page 500) / first at ' + f'{large:,}':<44}{ratio:>7.2f}   ≤ 1.3  {_verdict(ratio <= 1.3)}")
    same = all(big[name]["queries"] == results[small][name]["queries"] for name in results[small])
    deep_same = "deep" not in big or big["deep"]["queries"] == big["first"]["queries"]
    print(f"{'queries per page unchanged (sizes, deep)':<44}{'':>7}   equal  {_verdict(same and deep_same)}")
    print(f"\nwhole run {elapsed:.0f} s")


if __name__ == "__main__":
    main()
