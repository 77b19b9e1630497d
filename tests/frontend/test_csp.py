"""A Content Security Policy without 'unsafe-inline', and templates that need none."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUR_TEMPLATES = [
    *(p for p in ROOT.glob("*/templates/**/*.html") if ".venv" not in p.parts),
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/api/v1/categories/", "/api/docs/", "/admin/login/"])
def test_every_response_carries_a_strict_csp(client, path):
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("template", OUR_TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_have_no_inline_script_style_or_handlers(template):
    text = template.read_text(encoding="utf-8")
    assert not re.search(r"\sstyle\s*=", text), "inline style attribute"
    assert not re.search(r"<style[\s>]", text), "inline <style> block"
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler"
    for script in re.findall(r"<script\b[^>]*>", text):
        assert "src=" in script or 'type="application/json"' in script, f"inline script: {script}"


def test_the_template_scan_sees_our_templates():
    names = {p.name for p in OUR_TEMPLATES}
    assert {"base.html", "certificate.html"} <= names


@pytest.mark.django_db
def test_htmx_is_configured_once_without_eval(client):
    """htmx reads only the first `htmx-config` meta tag: there is one, and it turns eval off (with the CSP, which
    already refuses it)."""
    html = client.get("/").content.decode()
    configs = re.findall(r'<meta name="htmx-config" content=\'([^\']*)\'>', html)
    assert len(configs) == 1 and '"allowEval": false' in configs[0] and '"includeIndicatorStyles": false' in configs[0]
