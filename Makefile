# Mustafid: `make run` serves the app on http://127.0.0.1:8000, `make test` runs the suite.
# Both build .venv themselves with the newest Python >= 3.12 found on the machine.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test lint format check demo messages install install-dev clean python bench backup restore loadtest

# Candidates, newest first. On this kind of machine python3 is 3.11 and python3.1x on
# PATH are pyenv shims that fail unless selected, so each one is run, not trusted.
PY_CANDIDATES := python3.14 python3.13 python3.12 python3 \
	$(shell ls -d $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9] 2>/dev/null | sort -t/ -k5 -V -r)

define find_python
for c in $(PY_CANDIDATES); do \
	if "$$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then \
		v=$$("$$c" -c 'import sys; print("%d.%02d" % sys.version_info[:2])'); echo "$$v $$c"; \
	fi; \
done | sort -r | head -n1 | cut -d' ' -f2-
endef

python:
	@found=$$($(find_python)); \
	if [ -z "$$found" ]; then echo "make: no Python >= 3.12 found (tried: $(PY_CANDIDATES)). Install Python 3.12 or newer." >&2; exit 1; fi; \
	echo "$$found"

$(VENV)/bin/python:
	@found=$$($(find_python)); \
	if [ -z "$$found" ]; then echo "make: no Python >= 3.12 found (tried: $(PY_CANDIDATES)). Install Python 3.12 or newer." >&2; exit 1; fi; \
	echo "Creating $(VENV) with $$found ($$($$found --version))"; \
	"$$found" -m venv $(VENV)
	@$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/python pyproject.toml
	$(PIP) install --quiet --disable-pip-version-check -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(PIP) install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: $(VENV)/.installed
	$(PY) manage.py migrate --no-input
	$(PY) manage.py createcachetable
	$(PY) manage.py setup_roles --verbosity 0
	$(PY) manage.py seed_demo --if-empty
	@echo "Mustafid is at http://$(HOST):$(PORT)/ (back-office: /admin/). Ctrl-C stops it."
	$(PY) manage.py runserver $(HOST):$(PORT)

demo: $(VENV)/.installed
	$(PY) manage.py migrate --no-input
	$(PY) manage.py createcachetable
	$(PY) manage.py seed_demo

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run

test: check
	@if [ ! -x "$${MUSTAFID_CHROMIUM:-/usr/bin/chromium}" ] && ! command -v chromium >/dev/null; then \
		echo "NOTE: Chromium is not installed: the browser tests in tests/e2e will be SKIPPED (apt-get install chromium)."; fi
	@echo "Database: $${DATABASE_URL:-SQLite (default)}"
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# The benchmark (README: Performance). Its own database: BENCH_DATABASE_URL, default an
# SQLite file bench.sqlite3; sizes and options in BENCH_ARGS, e.g.
#   make bench BENCH_DATABASE_URL=postgres://…/mustafid_bench BENCH_ARGS="--beneficiaries 1000000 --requests 1000000"
BENCH_DATABASE_URL ?= sqlite:///$(CURDIR)/bench.sqlite3
BENCH_ARGS ?=
bench: $(VENV)/.installed-dev
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null 2>&1; } || \
		echo "NOTE: wrk is not installed: HTTP figures come from the Python load generator."
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_SETTINGS_MODULE=config.settings.bench $(PY) manage.py migrate --no-input -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_SETTINGS_MODULE=config.settings.bench $(PY) manage.py createcachetable
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_SETTINGS_MODULE=config.settings.bench $(PY) manage.py bench $(BENCH_ARGS)

# The load test (README: Load test): 50 applicants submit /apply/ at once against gunicorn
# for at most 60 s; fails if a confirmation has no request in the database or on any 5xx.
LOADTEST_ARGS ?=
loadtest: $(VENV)/.installed-dev
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_SETTINGS_MODULE=config.settings.bench $(PY) manage.py migrate --no-input -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_SETTINGS_MODULE=config.settings.bench $(PY) manage.py createcachetable
	DATABASE_URL=$(BENCH_DATABASE_URL) DJANGO_SETTINGS_MODULE=config.settings.bench $(PY) manage.py loadtest_apply $(LOADTEST_ARGS)

# Backups (README: Backups): the database and the private documents into backups/<date>/;
# `make restore BACKUP=backups/mustafid-...` puts one back and checks every table's rows.
backup: $(VENV)/.installed
	$(PY) manage.py backup $(if $(BACKUP_DIR),--output $(BACKUP_DIR))

restore: $(VENV)/.installed
	@[ -n "$(BACKUP)" ] || { echo "make: say which backup: make restore BACKUP=backups/mustafid-YYYYmmdd-HHMMSS" >&2; exit 2; }
	$(PY) manage.py restore "$(BACKUP)"

# Regenerate the Arabic catalogues (needs GNU gettext) and compile them; commit both.
messages: $(VENV)/.installed-dev
	$(PY) manage.py makemessages -l ar --no-obsolete --ignore '.venv/*' --ignore 'tests/*' --ignore 'staticfiles/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
