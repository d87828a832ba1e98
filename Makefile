# Köprü's everyday commands. `make run` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
DEV_ENV := DEBUG=true

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

## Set up, load the demo data and serve on http://127.0.0.1:8000 (SQLite).
run: $(BIN)/.runtime
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py seed_demo
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

## Lint and run every test (DATABASE_URL picks the database; SQLite by default).
test: $(BIN)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

lint: $(BIN)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: $(BIN)/.dev
	SECRET_KEY=check $(PY) manage.py check

migrations-check: $(BIN)/.dev
	SECRET_KEY=check $(PY) manage.py makemigrations --check --dry-run

## Refresh the Turkish catalogue after changing user-facing text.
messages: $(BIN)/.dev
	cd . && SECRET_KEY=messages $(PY) manage.py makemessages -l tr --ignore=.venv --ignore=staticfiles --no-obsolete
	SECRET_KEY=messages $(PY) manage.py compilemessages -l tr --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .test-media
