"""No Docker engine runs here, so the deployment files are checked by reading them."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_services_with_health_checks():
    services = compose()["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("postgres", "redis", "web", "worker"):
        assert "healthcheck" in services[name], name


def test_app_services_get_postgres_redis_and_production_settings():
    services = compose()["services"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:6379")
        assert env["DEBUG"] == "0"
        assert services[name]["env_file"] == ".env"  # SECRET_KEY comes from there, never from the file
        assert "media:/srv/var/media" in services[name]["volumes"]
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "gunicorn" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    assert "media" in compose()["volumes"]


def test_every_setting_read_from_the_environment_is_in_env_example():
    settings_src = (ROOT / "config" / "settings.py").read_text()
    names = set(re.findall(r'env_(?:bool|int|list)\("([A-Z_]+)"', settings_src))
    names |= set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', settings_src))
    example = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    }
    assert names - example == set()


def test_dockerfile_builds_from_the_lock_and_runs_unprivileged():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "-c requirements.lock" in dockerfile
    assert re.search(r"^USER kredslob$", dockerfile, re.M)
