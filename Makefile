# Kredsløb — the few verbs people need. `make run` and `make test` do all set-up on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
EXTRAS ?= dev,bench

.PHONY: run test drill check-compose s3-server test-search-sqlite test-faults lint security audit format demo migrate messages lock bench bench-images bench-api bench-ords bench-load clean

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Kredsløb needs Python 3.11 or newer (set PYTHON=python3.x)")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[$(EXTRAS)]'
	@touch $(STAMP)

venv: $(STAMP)

migrate: $(STAMP)
	@mkdir -p "$${KREDSLOB_VAR_DIR:-var}"
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

## Start the whole product on embedded defaults (SQLite, local media, filesystem broker, real worker + beat).
run: demo
	$(BIN)/python scripts/run.py

## The whole suite. With DATABASE_URL/REDIS_URL it runs on PostgreSQL and Redis; REQUIRE_SERVICES=1 makes a
## missing server fail the run instead of skipping.
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Search on SQLite, as `make run` searches (FTS5 and the Danish stemmer in Python): the search tests again without
## DATABASE_URL, whatever the environment says (the suite runs them on PostgreSQL when DATABASE_URL is set).
SEARCH_TESTS := tests/listings/test_search.py tests/demo/test_demo_search.py tests/api/test_browse.py
test-search-sqlite: $(STAMP)
	env -u DATABASE_URL $(BIN)/python -m pytest $(SEARCH_TESTS) $(PYTEST_ARGS)

## Fault tests: Redis stopped during uploads, workers SIGKILLed mid-task, PostgreSQL restarted under traffic.
## Each starts its own PostgreSQL cluster and Redis server (needs their server binaries), never the shared ones.
test-faults: $(STAMP)
	$(BIN)/python -m pytest -m faults tests/faults -v $(PYTEST_ARGS)

## An S3-compatible server for the storage tests and the drill: moto's emulator on 127.0.0.1:5000 (foreground).
s3-server: $(STAMP)
	$(BIN)/moto_server -H 127.0.0.1 -p 5000

## docker-compose.yml (default and `scale` profiles) validates and deploy/nginx-scale.conf passes `nginx -t`; needs
## Debian's docker-compose and nginx (CI installs them). Files only: no Docker daemon here to run the containers.
check-compose:
	scripts/check_compose.sh

## Backup and restore drill: PostgreSQL (DATABASE_URL) and an S3 server (AWS_S3_ENDPOINT_URL) required. pg_dump a
## database with listings, photos and jobs, restore it and its objects under a fresh prefix, compare (PASS/FAIL).
drill: $(STAMP)
	$(BIN)/python scripts/drill.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

## Static security scan: no medium or high finding may stand (reviewed exceptions carry `# nosec <id>`).
security: $(STAMP)
	$(BIN)/bandit -q -r config core accounts listings notifications repairs marketplace impact privacy api frontend demo scripts benchmarks -x '*/migrations/*' -ll

## Known vulnerabilities in the pinned packages (pip-audit, its own venv). Needs internet access to PyPI's
## JSON API or OSV; --strict fails when a package cannot be audited. Not in CI: see docs/operations.md.
audit:
	@test -x .venv-audit/bin/pip-audit || ($(PYTHON) -m venv .venv-audit && .venv-audit/bin/pip install --quiet pip-audit)
	.venv-audit/bin/pip-audit --strict --no-deps --disable-pip -r requirements.lock

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Compile translations (.po -> .mo); the .mo files are committed so a fresh clone needs no gettext.
messages: $(STAMP)
	cd frontend && ../$(BIN)/python ../manage.py makemessages -l da -l en --ignore '../.venv/*'
	$(BIN)/python manage.py compilemessages --ignore '.venv'

## Re-pin every installed package after changing pyproject.toml.
lock:
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

bench: bench-images bench-api bench-ords

bench-images: $(STAMP)
	$(BIN)/python -m benchmarks.images

bench-api: $(STAMP)
	$(BIN)/python -m benchmarks.api

## Load held: gunicorn (DEBUG=0) + PostgreSQL + Redis + a Celery worker on 1M seeded listings, Locust at rising
## rates (benchmarks/load.py says how; LOAD_LISTINGS, LOAD_DATABASE_URL, LOAD_REDIS_URL, LOAD_STEP_SECONDS).
## Not part of `make bench`: it seeds a million listings the first time and runs for about ten minutes.
bench-load: $(STAMP)
	$(BIN)/python -m benchmarks.load

bench-ords: $(STAMP)
	$(BIN)/python -m benchmarks.ords

clean:
	rm -rf var/ .pytest_cache .mypy_cache .ruff_cache
