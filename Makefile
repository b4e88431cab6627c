# The two commands: `make run` and `make test`. Everything they need is installed here.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint bench load audit services stop-services chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: $(BIN)/python requirements.txt
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

# Debian's Chromium for the browser tests (Playwright drives it; it downloads no browser).
chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

services: $(VENV)/.runtime
	$(BIN)/python -m practice.devservices

stop-services: $(VENV)/.runtime
	$(BIN)/python -m practice.devservices stop

run: $(VENV)/.runtime services
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo
	@echo "  Open http://127.0.0.1:8000 and log in with a demo login above."
	@echo "  Staff need a code:  $(BIN)/python manage.py demo_totp EMAIL"
	@echo
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile.dev

test: $(VENV)/.dev node_modules/.installed chromium services
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .

bench: $(VENV)/.dev services
	$(BIN)/python tests/perf/bench_caseload.py
	$(BIN)/python tests/perf/bench_checkins.py
	$(BIN)/python tests/perf/bench_audit.py

load: $(VENV)/.dev services
	$(BIN)/python tests/perf/load.py

# Known-vulnerability audit of the pinned requirements. Needs the PyPI JSON API or OSV on the
# network; --strict fails when a package could not be checked, so a skipped audit never passes.
audit: $(VENV)/.dev
	$(BIN)/pip install -q pip-audit
	$(BIN)/pip-audit -r requirements.txt --disable-pip --no-deps --strict --progress-spinner off

clean: stop-services
	rm -rf $(VENV) node_modules var staticfiles
