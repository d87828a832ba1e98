# Köprü's everyday commands. `make run` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# A fixed development key: with a fresh random one per process, every autoreload signed you out.
DEV_ENV := DEBUG=true SECRET_KEY=dev-only-insecure-key-never-use-in-production
# pytest-xdist workers for `make test`: one per core. More than the cores only adds test databases
# to migrate, since the tests are CPU-bound (Django, Hypothesis, Chromium), not waiting on I/O.
TEST_WORKERS ?= auto

.PHONY: run test lint format migrations-check check messages venv clean

$(BIN)/.runtime: requirements.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.dev: requirements.txt requirements-dev.txt $(BIN)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(BIN)/.runtime

## Set up, load the demo data and serve on http://127.0.0.1:8000 (SQLite), with a task worker beside the
## web server (mail and other background work); the worker stops when the server does.
run: $(BIN)/.runtime
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py seed_demo
	@echo "Mail goes to this console (the console e-mail backend); set EMAIL_URL to send real mail."
	@# No autoreload for the worker: a reloading worker forks a child that outlives a killed parent.
	$(DEV_ENV) $(PY) manage.py db_worker --no-reload --interval 2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

## Lint and run every test (DATABASE_URL picks the database; SQLite by default). Fails below 95 %
## line coverage, or below 100 % on the code that decides access (scripts/coverage_gate.py).
## The tests run in one worker per core (pytest-xdist, each with its own test database);
## `make test TEST_WORKERS=0` runs them in this one process. pytest-cov combines the workers' coverage.
test: $(BIN)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal --cov --cov-report=term --cov-report=json:coverage.json
	$(PY) scripts/coverage_gate.py coverage.json

lint: $(BIN)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: $(BIN)/.runtime
	SECRET_KEY=check EMAIL_URL=consolemail:// $(PY) manage.py check

migrations-check: $(BIN)/.runtime
	SECRET_KEY=check $(PY) manage.py makemigrations --check --dry-run

## Refresh the Turkish catalogue after changing user-facing text.
messages: $(BIN)/.dev
	SECRET_KEY=messages $(PY) manage.py makemessages -l tr --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=bench --no-obsolete
	SECRET_KEY=messages $(PY) manage.py compilemessages -l tr --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .test-media

.PHONY: bench seed-scale

## Benchmark the main pages against the floor on a PostgreSQL database of its own (bench/README.md).
## BENCH_SCALE=small for a quick run; BENCH_DATABASE_URL picks the server (default 127.0.0.1:5432).
bench: $(BIN)/.runtime
	$(PY) -m bench.run --scale $(or $(BENCH_SCALE),full)

## Load ten years of generated data ([Scale]) into the configured database, on top of the demo data.
seed-scale: $(BIN)/.runtime
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py seed_scale

.PHONY: screenshots

## Screenshots of the main pages, in Turkish and English, from the demo data in a throwaway SQLite
## database, into docs/screenshots/ (needs Chromium: `sudo apt-get install chromium`).
screenshots: $(BIN)/.dev
	$(PY) scripts/screenshots.py

.PHONY: backup restore

## Back up the database (DATABASE_URL, else db.sqlite3) to backups/kopru-<UTC time>.dump (PostgreSQL,
## pg_dump -Fc) or .sqlite3 (SQLite's online backup API). See "Backup and restore" in README.md.
backup: $(BIN)/.runtime
	$(PY) scripts/backup.py backup

## Replace the database with a backup: make restore FILE=backups/kopru-….dump (asks first; YES=1 does not).
restore: $(BIN)/.runtime
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/kopru-<time>.dump|.sqlite3 [YES=1]" >&2; exit 2; }
	$(PY) scripts/backup.py restore "$(FILE)" $(if $(YES),--yes)
