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


def test_a_burst_across_a_windows_edge_is_counted_whole(settings, monkeypatch):
    """10 requests in the last second of one minute, then one in the first second of the next: the 11th of a
    10/min rate is refused all the same (a fixed window would let it, and nine more, through), and its
    Retry-After is honest."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "test": "10/min"},
    }
    edge = 60 * 29_000_000.0  # a minute's start
    clock = {"now": edge - 0.5}
    monkeypatch.setattr("core.throttle.time.time", lambda: clock["now"])
    before = [throttle_hit(scope="test", ident="ip:203.0.113.9") for _ in range(10)]
    clock["now"] = edge + 0.5
    after = throttle_hit(scope="test", ident="ip:203.0.113.9")
    assert before == [None] * 10
    assert isinstance(after, int) and after >= 1
    clock["now"] = edge + 0.5 + after - 1
    assert throttle_hit(scope="test", ident="ip:203.0.113.9") is not None
    clock["now"] = edge + 0.5 + after
    assert throttle_hit(scope="test", ident="ip:203.0.113.9") is None


def test_refused_requests_do_not_count(settings, monkeypatch):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "test": "2/min"},
    }
    clock = {"now": 60 * 29_000_000.0 + 1}
    monkeypatch.setattr("core.throttle.time.time", lambda: clock["now"])
    assert [throttle_hit(scope="test", ident="x") for _ in range(30)] == [None, None] + [59] * 28
    # Half-way through the next minute the two allowed ones weigh half: room for one more. Had the 28 refused ones
    # counted, they would weigh 15.
    clock["now"] += 90
    assert throttle_hit(scope="test", ident="x") is None
    assert throttle_hit(scope="test", ident="x") is not None
