# Kredsløb web/worker image. Build: docker build -t kredslob .
FROM python:3.11-slim-bookworm AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    KREDSLOB_VAR_DIR=/srv/var DJANGO_SETTINGS_MODULE=config.settings
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
RUN pip install --no-cache-dir -c requirements.lock . \
    && useradd --system --uid 1000 --home /srv kredslob \
    && mkdir -p /srv/var/media /srv/var/private /srv/var/static \
    && DEBUG=1 python manage.py collectstatic --noinput \
    && chown -R kredslob /srv/var
USER kredslob
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
