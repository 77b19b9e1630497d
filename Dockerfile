# Kredsløb web/worker image. Build: docker build -t kredslob .
FROM python:3.11-slim-bookworm AS base
# DEBUG=0: the image is production. Started without a real SECRET_KEY it refuses to run rather than serve the
# development key; `docker run -e DEBUG=1` is the explicit way to a development server.
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    KREDSLOB_VAR_DIR=/srv/var DJANGO_SETTINGS_MODULE=config.settings DEBUG=0
RUN apt-get update && apt-get install -y --no-install-recommends gettext libpq5 && rm -rf /var/lib/apt/lists/*
WORKDIR /srv/app
COPY pyproject.toml requirements.lock README.md ./
COPY config ./config
COPY core ./core
COPY accounts ./accounts
COPY listings ./listings
COPY notifications ./notifications
COPY repairs ./repairs
COPY marketplace ./marketplace
COPY impact ./impact
COPY privacy ./privacy
COPY api ./api
COPY frontend ./frontend
COPY demo ./demo
COPY manage.py ./
# collectstatic runs with the image's DEBUG=0, so it writes the manifest that production's static storage reads
# (with DEBUG=1 it would not, and every page would fail); the random key exists for that one process only.
RUN pip install --no-cache-dir -c requirements.lock . \
    && useradd --system --uid 1000 --home /srv kredslob \
    && mkdir -p /srv/var/media /srv/var/private /srv/var/static \
    && SECRET_KEY="build-only-$(python -c 'import secrets; print(secrets.token_urlsafe(48))')" \
       python manage.py collectstatic --noinput \
    && chown -R kredslob /srv/var
USER kredslob
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
