# Two commands do all set-up on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast services lint format worker beat messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

## run: install, migrate, load demo data and serve on http://127.0.0.1:8000 (embedded mode by default)
run: $(VENV)/.installed-run
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py seed_demo
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py runserver $(HOST):$(PORT)

## services: install (apt) and start what the tests need: PostgreSQL, Redis, Chromium, gettext, PgBouncer
services:
	scripts/services

# the fast tier is spread over the cores (pytest-xdist: each worker its own test database, cache prefix and files)
PARALLEL := -n auto --maxprocesses=4

## test: the whole suite on PostgreSQL and Redis, real Celery workers, SMTP sink, PgBouncer and Chromium: the
## fast tier on every core, then the browser and slow tiers one test at a time (they start servers, stop Redis,
## restart PostgreSQL). With PYTEST_ARGS, one pytest run with just those arguments.
test: services $(VENV)/.installed-dev
ifeq ($(strip $(PYTEST_ARGS)),)
	$(BIN)/python -m pytest $(PARALLEL) -q -m "not browser and not slow"; fast=$$?; \
	$(BIN)/python -m pytest -m "browser or slow"; rest=$$?; \
	test $$fast -eq 0 && test $$rest -eq 0
else
	$(BIN)/python -m pytest $(PYTEST_ARGS)
endif

## test-fast: the edit loop: everything but the browser tests and the tests that start processes
test-fast: $(VENV)/.installed-dev
	scripts/services --core
	$(BIN)/python -m pytest $(PARALLEL) -m "not browser and not slow" -q $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## worker / beat: Celery processes for the service mode (REDIS_URL set)
worker: $(VENV)/.installed-run
	$(BIN)/celery -A humas worker --loglevel=INFO

beat: $(VENV)/.installed-run
	$(BIN)/celery -A humas beat --loglevel=INFO --schedule var/celerybeat-schedule

## messages: refresh locale/*/django.po from the source and compile the .mo files
messages: $(VENV)/.installed-dev
	DEBUG=true $(BIN)/python manage.py makemessages -l id -l en --no-obsolete --ignore=.venv --ignore=var --ignore=bench
	DEBUG=true $(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
