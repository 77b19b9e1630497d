"""Every admin page loads for a moderator, and the moderator actions work."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import User, Workshop
from demo.demo import demo_load
from listings.models import Listing

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator_client(client):
    demo_load()
    client.force_login(User.objects.get(email="moderator@kredslob.dk"))
    return client


def test_every_admin_page_loads(moderator_client):
    assert moderator_client.get("/admin/").status_code == 200
    checked = 0
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        base = f"admin:{meta.app_label}_{meta.model_name}"
        changelist = moderator_client.get(reverse(f"{base}_changelist"), {"q": "a"})
        assert changelist.status_code == 200, meta.label
        if model_admin.has_add_permission(changelist.wsgi_request):
            assert moderator_client.get(reverse(f"{base}_add")).status_code == 200, meta.label
        obj = model._default_manager.first()
        if obj is not None:
            assert moderator_client.get(reverse(f"{base}_change", args=[obj.pk])).status_code == 200, meta.label
        checked += 1
    assert checked >= 17


def test_admin_action_verifies_a_workshop(moderator_client):
    workshop = Workshop.objects.get(verified=False)
    response = moderator_client.post(
        reverse("admin:accounts_workshop_changelist"), {"action": "verify", "_selected_action": [workshop.pk]}
    )
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.verified and workshop.verified_at is not None


def test_admin_action_hides_a_listing(moderator_client):
    listing = Listing.objects.filter(status="active").first()
    moderator_client.post(
        reverse("admin:listings_listing_changelist"), {"action": "hide", "_selected_action": [listing.pk]}
    )
    listing.refresh_from_db()
    assert listing.status == "hidden"


def test_admin_never_links_to_a_photo_original(moderator_client):
    from listings.admin import PhotoAdmin

    assert "original" in PhotoAdmin.exclude
