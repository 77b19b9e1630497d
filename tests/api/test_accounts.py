import pytest
from rest_framework.authtoken.models import Token

from accounts.models import User
from tests.factories import PASSWORD, MembershipFactory
from tests.helpers import client_for

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register/"


def register(client, accept="da", **overrides):
    body = {"email": "Sofie@Example.dk", "password": "genbrug-er-godt-9220", "display_name": "Sofie"}
    body.update(overrides)
    return client.post(REGISTER, body, format="json", HTTP_ACCEPT_LANGUAGE=accept)


def test_register_creates_a_user_with_a_lowercased_email(api_client):
    response = register(api_client, language="en")
    assert response.status_code == 201, response.content
    assert response.json()["email"] == "sofie@example.dk"
    assert response.json()["language"] == "en"
    assert "password" not in response.json()
    assert User.objects.get(email="sofie@example.dk").check_password("genbrug-er-godt-9220")


def test_register_twice_with_the_same_email_in_any_case_is_refused(api_client):
    assert register(api_client).status_code == 201
    response = register(api_client, email="SOFIE@example.DK")
    assert response.status_code == 400
    assert "email" in response.json()["errors"]
    assert User.objects.count() == 1


def test_token_then_me(api_client, user):
    response = api_client.post("/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get("/api/v1/me/").json()
    assert me["email"] == user.email
    assert me["workshops"] == []


def test_wrong_password_gets_a_400_problem_and_no_token(api_client, user):
    response = api_client.post("/api/v1/auth/token/", {"email": user.email, "password": "nope"}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert not Token.objects.filter(user=user).exists()


def test_me_lists_workshops_with_role():
    membership = MembershipFactory(role="staff")
    me = client_for(membership.user).get("/api/v1/me/").json()
    assert me["workshops"] == [
        {"slug": membership.workshop.slug, "name": membership.workshop.name, "role": "staff", "verified": True}
    ]


def test_me_patch_changes_profile(user_client, user):
    response = user_client.patch(
        "/api/v1/me/", {"display_name": "Ny", "language": "en", "area": "Ring Syd"}, format="json"
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.display_name, user.language, user.area) == ("Ny", "en", "Ring Syd")


def test_me_patch_rejects_unknown_language(user_client, user):
    response = user_client.patch("/api/v1/me/", {"language": "xx"}, format="json")
    assert response.status_code == 400
    assert "language" in response.json()["errors"]
    user.refresh_from_db()
    assert user.language == "da"


def test_me_needs_authentication(api_client):
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 401


@pytest.mark.parametrize(
    ("language", "required", "weak"),
    [
        ("da", "Dette felt er påkrævet.", "Denne adgangskode er for kort"),
        ("en", "This field is required.", "This password is too short"),
    ],
)
def test_bad_registration_is_a_problem_in_the_requested_language(api_client, language, required, weak):
    response = api_client.post(REGISTER, {"email": "not-an-email"}, format="json", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail", "errors"}
    assert body["status"] == 400
    assert body["errors"]["password"] == [required]
    assert body["errors"]["display_name"] == [required]

    response = register(api_client, accept=language, password="kort")
    assert response.status_code == 400
    assert any(weak in message for message in response.json()["errors"]["password"])
    assert User.objects.count() == 0


def test_unknown_api_path_is_a_problem_404(api_client):
    response = api_client.get("/api/v1/does-not-exist/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_malformed_json_is_a_400_problem(api_client):
    response = api_client.post(REGISTER, data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["status"] == 400


def test_schema_and_docs_render(api_client):
    schema = api_client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/auth/register/" in schema.content
    assert api_client.get("/api/docs/").status_code == 200


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("da", "Der findes allerede en konto med denne e-mailadresse."),
        ("en", "An account with this email address already exists."),
    ],
)
def test_our_own_messages_are_translated(api_client, language, expected):
    assert register(api_client).status_code == 201
    response = register(api_client, accept=language)
    assert response.json()["detail"] == expected
    assert response.json()["errors"]["email"] == [expected]
    unauthenticated = api_client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE=language).json()
    assert unauthenticated["title"] == {"da": "Du skal være logget ind.", "en": "Authentication required."}[language]


def test_api_docs_load_no_asset_from_another_site(api_client):
    page = api_client.get("/api/docs/").content.decode()
    assert "cdn.jsdelivr" not in page and "unpkg.com" not in page
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "<script>" not in page  # the init script is a separate file (CSP without unsafe-inline)
