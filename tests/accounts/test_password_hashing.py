"""Passwords are stored with Argon2id at OWASP's parameters (core/passwords.py); older hashes still log in and are
re-hashed with it at that log-in. The suite hashes with MD5 for speed (tests/conftest.py): these tests put the
production list back."""

from __future__ import annotations

import pytest
from argon2 import extract_parameters
from argon2.low_level import Type
from django.contrib.auth.hashers import (
    Argon2PasswordHasher,
    BasePasswordHasher,
    PBKDF2PasswordHasher,
    check_password,
    identify_hasher,
    make_password,
)
from django.test import Client
from rest_framework.test import APIClient

from config import settings as production
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_hashers(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS


def _argon2_parameters(encoded: str):  # type: ignore[no-untyped-def]
    assert encoded.startswith("argon2$argon2id$"), encoded
    return extract_parameters(encoded.removeprefix("argon2"))


def test_a_new_password_is_stored_with_argon2id_at_owasps_parameters(production_hashers):
    encoded = make_password("en-lang-adgangskode-9220")
    parameters = _argon2_parameters(encoded)
    assert parameters.type is Type.ID
    # OWASP's minimum: 19 MiB, 2 passes, 1 lane (or more memory for fewer passes); never below it.
    assert (parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (19 * 1024, 2, 1)
    assert check_password("en-lang-adgangskode-9220", encoded)
    assert not check_password("en-lang-adgangskode-9221", encoded)
    assert identify_hasher(encoded).must_update(encoded) is False


def _store_older_hash(person, hasher: BasePasswordHasher) -> str:  # type: ignore[no-untyped-def]
    """Store the person's password as `hasher` made it before, and return that hash."""
    old = hasher.encode(PASSWORD, hasher.salt())
    type(person).objects.filter(pk=person.pk).update(password=old)
    return old


@pytest.mark.parametrize(
    "hasher",
    [
        PBKDF2PasswordHasher(),  # Django's default until now: every account made before Argon2id
        Argon2PasswordHasher(),  # Django's own Argon2 parameters (100 MiB, 8 lanes): other parameters, so re-hashed
    ],
    ids=lambda hasher: hasher.algorithm,
)
@pytest.mark.parametrize("face", ["api", "page"])
def test_an_older_hash_logs_in_and_is_rehashed_with_argon2id(production_hashers, hasher, face):
    person = factories.UserFactory()
    old = _store_older_hash(person, hasher)

    if face == "api":
        response = APIClient().post("/api/v1/auth/token/", {"email": person.email, "password": PASSWORD}, format="json")
        assert response.status_code == 200, response.content
    else:
        client = Client()
        response = client.post("/login/", {"username": person.email, "password": PASSWORD})
        assert response.status_code == 302, response.content
        assert client.get("/profile/").status_code == 200  # signed in

    person.refresh_from_db()
    assert person.password != old
    _argon2_parameters(person.password)
    assert check_password(PASSWORD, person.password)


def test_a_wrong_password_against_an_older_hash_changes_nothing(production_hashers):
    person = factories.UserFactory()
    old = _store_older_hash(person, PBKDF2PasswordHasher())
    response = APIClient().post(
        "/api/v1/auth/token/", {"email": person.email, "password": "forkert-9220"}, format="json"
    )
    assert response.status_code == 400
    person.refresh_from_db()
    assert person.password == old
