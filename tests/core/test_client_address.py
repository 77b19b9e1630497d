"""One client address for the throttles, the login lockout and the logs (core.http), from TRUSTED_PROXY_COUNT:
a client can't pick its own address by writing X-Forwarded-For."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import RequestFactory

from core.http import client_ip, client_key
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


def request(remote: str = "198.51.100.7", forwarded: str | None = None):  # type: ignore[no-untyped-def]
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "client"),
    [
        (0, "198.51.100.7", None, "198.51.100.7"),
        (0, "198.51.100.7", "203.0.113.9", "198.51.100.7"),  # no proxy: the header is the client's own words
        (1, "10.0.0.2", "203.0.113.9", "203.0.113.9"),
        (1, "10.0.0.2", "1.2.3.4, 203.0.113.9", "203.0.113.9"),  # the right-most: what the proxy appended
        (2, "10.0.0.2", "1.2.3.4, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        (2, "10.0.0.2", "203.0.113.9", "203.0.113.9"),  # fewer entries than proxies: the left-most there is
        (1, "10.0.0.2", None, "10.0.0.2"),  # reached the app directly
        (1, "10.0.0.2", "not-an-address", "10.0.0.2"),
        (1, "10.0.0.2", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip_trusts_only_the_proxies_part_of_x_forwarded_for(settings, proxies, remote, forwarded, client):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(request(remote, forwarded)) == client
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0  # the settings module sets DRF's from the same variable


def test_limits_count_an_ipv6_client_per_64_network(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert (
        client_key(request("2001:db8:1:2:aaaa::1")) == client_key(request("2001:db8:1:2:bbbb::2")) == "2001:db8:1:2::"
    )
    assert client_key(request("2001:db8:1:3::1")) == "2001:db8:1:3::"
    assert client_key(request("::ffff:203.0.113.9")) == "203.0.113.9"
    assert client_key(request("203.0.113.9")) == "203.0.113.9"


def failed_login(api_client, email: str, forwarded: str, remote: str = "198.51.100.7"):  # type: ignore[no-untyped-def]
    return api_client.post(
        TOKEN,
        {"email": email, "password": "forkert"},
        format="json",
        HTTP_X_FORWARDED_FOR=forwarded,
        REMOTE_ADDR=remote,
    )


def test_rotating_x_forwarded_for_does_not_get_around_the_auth_throttle(api_client):
    """20 tries a minute per client address (THROTTLE_AUTH); a new made-up X-Forwarded-For each time changes
    nothing without a trusted proxy. Different emails each time, so the lockout (per email) is not what stops it."""
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth"].split("/")[0])
    statuses = [
        failed_login(api_client, f"person{i}@example.dk", f"203.0.113.{i}").status_code for i in range(limit + 1)
    ]
    assert statuses == [400] * limit + [429]


def test_rotating_x_forwarded_for_does_not_get_around_the_lockout(api_client, user):
    for i in range(settings.AXES_FAILURE_LIMIT):
        failed_login(api_client, user.email, f"203.0.113.{i}")
    response = api_client.post(
        TOKEN,
        {"email": user.email, "password": PASSWORD},
        format="json",
        HTTP_X_FORWARDED_FOR="1.1.1.1",
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 429
    assert response.json()["type"].endswith("locked_out")


def test_behind_one_proxy_the_right_most_address_is_the_client(settings, api_client, user):
    """Behind one proxy every request comes from the proxy's address; the client is what the proxy appended.
    A client rotating the part it writes itself is still one client; another client is another."""
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth"].split("/")[0])
    statuses = [
        failed_login(api_client, f"p{i}@example.dk", f"1.2.3.{i}, 203.0.113.5", remote=proxy).status_code
        for i in range(limit + 1)
    ]
    assert statuses == [400] * limit + [429]
    # Another client behind the same proxy is not throttled by the first one…
    assert failed_login(api_client, "q@example.dk", "203.0.113.6", remote=proxy).status_code == 400


def test_behind_one_proxy_a_lockout_is_per_client_not_per_proxy(settings, api_client, user):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for i in range(settings.AXES_FAILURE_LIMIT):
        failed_login(api_client, user.email, f"9.9.9.{i}, 203.0.113.5", remote=proxy)
    locked = api_client.post(
        TOKEN,
        {"email": user.email, "password": PASSWORD},
        format="json",
        HTTP_X_FORWARDED_FOR="203.0.113.5",
        REMOTE_ADDR=proxy,
    )
    assert locked.status_code == 429
    # The person themself, from their own address behind the same proxy, still gets in.
    response = api_client.post(
        TOKEN,
        {"email": user.email, "password": PASSWORD},
        format="json",
        HTTP_X_FORWARDED_FOR="203.0.113.6",
        REMOTE_ADDR=proxy,
    )
    assert response.status_code == 200, response.content
