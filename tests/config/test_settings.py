"""Production refuses an unsafe configuration; the deploy check passes with a safe one."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=60
    )


def test_debug_off_without_secret_key_refuses_to_start():
    result = run("import django; django.setup()", DJANGO_SETTINGS_MODULE="config.settings", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_off_with_a_weak_secret_key_refuses_to_start():
    result = run(
        "import django; django.setup()", DJANGO_SETTINGS_MODULE="config.settings", DEBUG="0", SECRET_KEY="short"
    )
    assert result.returncode != 0


def test_deploy_check_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": "x" * 20 + "-production-like-secret-key-for-the-check-0123456789",
            "ALLOWED_HOSTS": "kredslob.example",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_defaults_are_danish_and_copenhagen():
    from django.conf import settings

    assert settings.LANGUAGE_CODE == "da"
    assert [code for code, _ in settings.LANGUAGES] == ["da", "en"]
    assert settings.TIME_ZONE == "Europe/Copenhagen"


def test_x_forwarded_proto_is_believed_only_from_a_trusted_proxy():
    """Without a proxy in front (TRUSTED_PROXY_COUNT=0) a client could write `X-Forwarded-Proto: https` itself."""
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(getattr(settings, 'SECURE_PROXY_SSL_HEADER', None))"
    )
    production = {"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "0", "SECRET_KEY": "x" * 64}
    assert run(code, **production, TRUSTED_PROXY_COUNT="0").stdout.strip() == "None"
    behind = run(code, **production, TRUSTED_PROXY_COUNT="1")
    assert behind.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')", behind.stderr
