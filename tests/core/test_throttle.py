"""core.throttle: one counter for the API and the pages, exact under parallel requests."""

from __future__ import annotations

import threading

from core.throttle import parse_rate, throttle_hit


def test_rates_are_written_as_drf_writes_them():
    assert parse_rate("20/min") == (20, 60)
    assert parse_rate("5/hour") == (5, 3600)
    assert parse_rate("100/d") == (100, 86400)


def test_parallel_requests_get_exactly_the_allowed_number_through(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "test": "10/day"},
    }
    results: list[int | None] = []
    lock = threading.Lock()
    start = threading.Barrier(40)

    def hit() -> None:
        start.wait()
        outcome = throttle_hit(scope="test", ident="ip:203.0.113.9")
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=hit) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(None) == 10
    assert all(isinstance(wait, int) and 0 < wait <= 86400 for wait in results if wait is not None)
    # Another client, another counter.
    assert throttle_hit(scope="test", ident="ip:203.0.113.10") is None
