#!/usr/bin/env bash
# `make check-compose`: docker-compose.yml parses and validates with every profile (the `scale` one included), and
# the scale profile's nginx configuration passes `nginx -t`. A check of the files only: there is no Docker daemon
# on the development and CI machines, so the containers themselves are not run (docs/operations.md says how).
# Needs Debian's docker-compose (the Python 1.29 one, which validates profiles without a daemon) and nginx.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v docker-compose >/dev/null || { echo "docker-compose is not installed (apt-get install docker-compose)" >&2; exit 1; }
command -v nginx >/dev/null || { echo "nginx is not installed (apt-get install nginx)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp docker-compose.yml Dockerfile "$work"/
cp -r deploy "$work"/
cp .env.example "$work"/.env  # the compose file reads .env; the example holds every setting
(cd "$work" && docker-compose config -q && docker-compose --profile scale config > rendered.yml)
for service in web-scale worker-scale minio minio-buckets proxy; do
  grep -q "^  ${service}:$" "$work/rendered.yml" || { echo "profile scale: no service ${service}" >&2; exit 1; }
done
# The scale replicas share no disk: no volume on web-scale or worker-scale.
python3 - "$work/rendered.yml" <<'PY'
import sys, yaml
services = yaml.safe_load(open(sys.argv[1]))["services"]
for name in ("web-scale", "worker-scale"):
    if services[name].get("volumes"):
        sys.exit(f"profile scale: {name} mounts {services[name]['volumes']}")
    if services[name].get("deploy", {}).get("replicas", 1) < 2:
        sys.exit(f"profile scale: {name} has fewer than 2 replicas")
PY

mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<CONF
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events {}
http {
  access_log off;
  client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
  include $PWD/deploy/nginx-scale.conf;
}
CONF
nginx -q -t -c "$work/nginx/nginx.conf" -p "$work/nginx"
echo "docker-compose.yml (default and scale profiles) and deploy/nginx-scale.conf: OK"
