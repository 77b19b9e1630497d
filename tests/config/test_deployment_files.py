"""No Docker engine runs here, so the deployment files are checked by reading them."""

import json
import os
import re
import shlex
import subprocess
import sys
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


def test_the_scale_profile_runs_two_web_and_two_worker_replicas_on_object_storage_behind_a_proxy():
    services = compose()["services"]
    scaled = {name for name, service in services.items() if "scale" in service.get("profiles", [])}
    assert {"minio", "minio-buckets", "web-scale", "worker-scale", "proxy"} <= scaled
    for name in ("web-scale", "worker-scale"):
        service = services[name]
        assert service["deploy"]["replicas"] == 2
        assert service["volumes"] == []  # no shared disk: media only through the buckets
        env = service["environment"]
        assert env["AWS_STORAGE_BUCKET_NAME"] and env["AWS_PRIVATE_BUCKET_NAME"]
        assert env["AWS_STORAGE_BUCKET_NAME"] != env["AWS_PRIVATE_BUCKET_NAME"]
        assert env["AWS_S3_ENDPOINT_URL"] == "http://minio:9000"
    nginx = (ROOT / "deploy" / "nginx-scale.conf").read_text()
    assert "web-scale:8000" in nginx and "/kredslob-media/" in nginx
    assert services["web-scale"]["environment"]["AWS_PRIVATE_BUCKET_NAME"] not in nginx  # originals never proxied


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


def dockerfile_instructions() -> list[str]:
    """The Dockerfile's instructions, each on one line (continuations joined, comments dropped)."""
    lines = [line for line in (ROOT / "Dockerfile").read_text().splitlines() if not line.lstrip().startswith("#")]
    return [" ".join(part.strip() for part in chunk.split("\\\n")) for chunk in re.split(r"\n(?=\S)", "\n".join(lines))]


def dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for instruction in dockerfile_instructions():
        if instruction.startswith("ENV "):
            env.update(dict(pair.split("=", 1) for pair in shlex.split(instruction[4:])))
    return env


def image_environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment a container of the image starts with: the Dockerfile's ENV and nothing from this shell."""
    return {"PATH": os.environ["PATH"], **dockerfile_env(), "KREDSLOB_VAR_DIR": str(tmp_path), **extra}


def test_the_image_starts_with_debug_off():
    assert dockerfile_env().get("DEBUG") == "0"


def test_running_the_image_without_a_secret_key_refuses_to_start(tmp_path):
    """`docker run kredslob` without SECRET_KEY must not serve the development key: the settings refuse."""
    probe = "import django; django.setup(); from django.conf import settings; print('DEBUG', settings.DEBUG)"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=image_environment(tmp_path), capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    secret = "x" * 64
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=image_environment(tmp_path, SECRET_KEY=secret),
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "DEBUG False", result.stderr


def test_the_images_collectstatic_step_writes_the_manifest_production_reads(tmp_path):
    """With DEBUG=0 static files are served from a manifest (whitenoise); the build step must write it, or every
    page of the image fails. Runs the Dockerfile's own collectstatic command."""
    run = next(i for i in dockerfile_instructions() if i.startswith("RUN ") and "collectstatic" in i)
    step = next(part.strip() for part in run[4:].split("&&") if "collectstatic" in part)
    step = re.sub(r"(^|\s)python(\s)", rf"\1{sys.executable}\2", step)
    static_root = tmp_path / "static"
    result = subprocess.run(
        ["/bin/sh", "-c", step],
        cwd=ROOT,
        env=image_environment(tmp_path, STATIC_ROOT=str(static_root)),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    assert "frontend/site.css" in manifest["paths"]
