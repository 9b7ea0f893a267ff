# The two commands: `make run` (portal with demo data) and `make test` (whole suite).
# Everything else is set-up they share. Needs python3 (3.11+), node/npm (20+) and make.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
VENV := .venv
PY := $(VENV)/bin/python
UV := .tools/bin/uv
DEV := $(PY) scripts/dev.py
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: setup run test test-fast lint format bench messages compilemessages frontend browser wrk clean stop shell

setup: $(VENV)/.synced static/dist/.built compilemessages

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts

static/dist/.built: node_modules/.package-lock.json scripts/build_frontend.mjs $(wildcard static/src/*)
	node scripts/build_frontend.mjs
	touch $@

frontend: static/dist/.built

compilemessages: $(VENV)/.synced
	@DATABASE_URL=sqlite:// REDIS_URL=redis://unused $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

run: setup
	$(DEV) run

# Browser tests need Debian's chromium; install it when missing and we may (root + apt).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "chromium could not be installed: browser tests will be skipped"; \
	  else echo "chromium is missing and cannot be installed here (not root or no apt-get): browser tests will be skipped"; fi; }

# make bench drives load with wrk (Debian's package), installed like chromium above.
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null) \
	      || { echo "wrk could not be installed: make bench needs it"; exit 1; }; \
	  else echo "wrk is missing and cannot be installed here (not root or no apt-get): install it to run make bench"; exit 1; fi; }

PYTEST_ARGS ?=
test: setup browser
	$(DEV) exec -- $(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

test-fast: setup
	$(DEV) exec -- $(PY) -m pytest -n 2 -m "not browser" $(PYTEST_ARGS)

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(DEV) exec -- $(PY) manage.py makemigrations --check --dry-run

format: $(VENV)/.synced
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: $(VENV)/.synced
	$(DEV) exec -- $(PY) manage.py makemessages -l nb -l nn -l en --no-obsolete --no-location \
	  --ignore=.venv --ignore=node_modules --ignore=.data --ignore=tests
	$(MAKE) compilemessages

BENCH_ARGS ?=
bench: setup wrk
	$(DEV) exec -- $(PY) tests/bench/run.py $(BENCH_ARGS)

shell: setup
	$(DEV) exec -- $(PY) manage.py shell

stop:
	$(PY) scripts/dev.py stop

clean: stop
	rm -rf .data static/dist staticfiles
