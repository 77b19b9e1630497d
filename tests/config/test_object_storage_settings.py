"""Which storage the environment chooses, and the URLs it makes (no S3 server needed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from storages.backends.s3 import S3Storage

from config import settings as config_settings
from config.settings import s3_storage

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("media_url", "domain", "expected"),
    [
        ("/media/", "media.kredslob.example", "https://media.kredslob.example/photos/a.webp"),
        ("https://cdn.kredslob.example/m/", "", "https://cdn.kredslob.example/m/photos/a.webp"),
    ],
)
def test_derivative_urls_come_from_the_media_domain(monkeypatch, media_url, domain, expected):
    monkeypatch.setattr(config_settings, "MEDIA_URL", media_url)
    monkeypatch.setattr(config_settings, "AWS_S3_CUSTOM_DOMAIN", domain)
    options = s3_storage(bucket="public", public=True, location="")["OPTIONS"]
    assert S3Storage(**options).url("photos/a.webp") == expected


def test_the_originals_storage_is_never_public():
    options = s3_storage(bucket="private", public=False)["OPTIONS"]
    assert options["default_acl"] == "private"
    assert options["querystring_auth"] is True and options["custom_domain"] is None


def storages_for(**env: str) -> subprocess.CompletedProcess[str]:
    """The two storages' backends and the Content Security Policy's image sources, as a fresh process sees them."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DJANGO_", "PYTEST_", "MEDIA_URL"))}
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.STORAGES['default']['BACKEND'], s.STORAGES['private']['BACKEND'],"
        "*s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60
    )


def test_local_disk_is_the_default_and_both_buckets_switch_to_object_storage():
    local = storages_for()
    assert local.stdout.split()[:2] == ["django.core.files.storage.FileSystemStorage"] * 2, local.stderr
    s3 = storages_for(AWS_STORAGE_BUCKET_NAME="media", AWS_PRIVATE_BUCKET_NAME="originals")
    assert s3.stdout.split()[:2] == ["storages.backends.s3.S3Storage"] * 2, s3.stderr


@pytest.mark.parametrize(
    ("env", "origin"),
    [
        ({"AWS_S3_CUSTOM_DOMAIN": "media.kredslob.example"}, "https://media.kredslob.example"),
        ({"MEDIA_URL": "https://cdn.kredslob.example/m/"}, "https://cdn.kredslob.example"),
        ({"AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000"}, "http://127.0.0.1:9000"),
    ],
)
def test_the_content_security_policy_lets_pages_show_derivatives_from_where_they_are(env, origin):
    result = storages_for(AWS_STORAGE_BUCKET_NAME="media", AWS_PRIVATE_BUCKET_NAME="originals", **env)
    assert origin in result.stdout.split()[2:], result.stderr


@pytest.mark.parametrize(
    "env",
    [
        {"AWS_STORAGE_BUCKET_NAME": "media"},
        {"AWS_PRIVATE_BUCKET_NAME": "originals"},
        {"AWS_STORAGE_BUCKET_NAME": "same", "AWS_PRIVATE_BUCKET_NAME": "same"},
    ],
)
def test_half_a_configuration_or_one_bucket_for_both_refuses_to_start(env):
    result = storages_for(**env)
    assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr
