# Common Ground: `make run` serves the demo site; `make test` runs every test on SQLite, and on
# PostgreSQL when TEST_DATABASE_URL is set.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := wsgi.py

.PHONY: install browser-deps service-deps run prod test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# The browser tests drive Debian's Chromium (never a downloaded browser) and inject axe-core,
# installed here from npm; both only when missing.
AXE := .cache/npm/node_modules/axe-core/axe.min.js
AXE_VERSION := 4.14.1
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

browser-deps: $(AXE)
	@[ -x /usr/bin/chromium ] || $(SUDO) apt-get install -y -q chromium \
		|| ($(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium) \
		|| echo "Could not install Chromium: the browser tests will say so."

$(AXE):
	npm install --silent --no-audit --no-fund --prefix .cache/npm axe-core@$(AXE_VERSION) \
		|| echo "Could not install axe-core: the browser tests will say so."

# The production tests start private copies of these servers; the PostgreSQL server itself is
# the machine's (127.0.0.1:5432).
service-deps:
	@command -v redis-server >/dev/null || $(SUDO) apt-get install -y -q redis-server \
		|| ($(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q redis-server) \
		|| echo "Could not install redis-server: the production tests will say so."

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# Production mode on this machine: gunicorn and a job worker against the local PostgreSQL
# (database "commonground", created if missing) and Redis, on http://127.0.0.1:8000.
prod: install
	bash scripts/prod

test: install browser-deps service-deps
	bash scripts/run-tests

lint: install
	$(BIN)/ruff check forum tests config.py wsgi.py bench

clean:
	rm -rf $(VENV) .pytest_cache .cache
