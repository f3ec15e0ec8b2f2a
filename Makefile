# moncommissariat — every set-up step is here: `make run` and `make test` install what they need.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
PORT ?= 8000
HOST ?= 127.0.0.1
STAGE ?= dev
# pytest-xdist workers: one per core by default; `make test WORKERS=0` runs in this process.
WORKERS ?= auto

.PHONY: run test test-fast lint bench build-site package deploy destroy clean venv chromium

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 est requis ($(PYTHON) introuvable)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Re-install only when the requirement files change.
$(STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install --quiet --disable-pip-version-check 'pip==26.2.1'
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

# Debian's Chromium for the browser tests (Playwright cannot download browsers here).
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "Installation de chromium (apt)…"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

# The console's charting library (chart.js, pinned in package-lock.json), vendored by the build.
CONSOLE_DEPS := static-site/console/node_modules/.package-lock.json
$(CONSOLE_DEPS): static-site/console/package-lock.json
	npm ci --prefix static-site/console --no-audit --no-fund --loglevel=error
	touch $(CONSOLE_DEPS)

SITE_SOURCES := $(shell find static-site \( -path static-site/dist -o -name node_modules \) -prune -o -type f -print 2>/dev/null)
# The site build generates the templates' and both JS apps' vocabulary from chalicelib/vocabulary.py.
static-site/dist/.built: $(STAMP) $(CONSOLE_DEPS) $(SITE_SOURCES) chalicelib/vocabulary.py
	$(PY) static-site/build.py --out static-site/dist
	touch static-site/dist/.built

build-site: $(STAMP) $(CONSOLE_DEPS)
	$(PY) static-site/build.py --out static-site/dist
	touch static-site/dist/.built

run: $(STAMP) static-site/dist/.built
	$(PY) -m local --host $(HOST) --port $(PORT)

# Every tier (README.md, "Tests"); what shares one process's resource (the package cache, a
# module's fixtures) stays on one worker (tests/conftest.py: work_unit).
test: $(STAMP) chromium static-site/dist/.built
	$(PY) -m pytest -q -n $(WORKERS)

# Unit and in-process integration tests only: no platform, no browser, no package index.
test-fast: $(STAMP) $(CONSOLE_DEPS)
	$(PY) -m pytest -q -n $(WORKERS) tests/unit tests/integration

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

bench: $(STAMP) static-site/dist/.built
	$(PY) -m bench

# `chalice package` offline: fake credentials and a region; only the package index is reached.
package: $(STAMP)
	rm -rf out
	AWS_ACCESS_KEY_ID=fake AWS_SECRET_ACCESS_KEY=fake AWS_DEFAULT_REGION=eu-west-3 \
		$(VENV)/bin/chalice package --stage $(STAGE) out
	$(VENV)/bin/cfn-lint out/sam.json

# A stage on AWS, from an empty account (docs/deploy.md): the stack of infra/template.yaml,
# `chalice deploy`, API Gateway settings, the site. ENDPOINT_URL (or AWS_ENDPOINT_URL) deploys
# to an emulator (a moto server) instead; ALARM_EMAIL subscribes an address to the alarms.
deploy: $(STAMP) $(CONSOLE_DEPS)
	$(PY) -m infra.deploy deploy --stage $(STAGE) \
		$(if $(ENDPOINT_URL),--endpoint-url $(ENDPOINT_URL)) \
		$(if $(ALARM_EMAIL),--alarm-email $(ALARM_EMAIL))

# Removes chalice's resources and the stack; tables, buckets and the user pool are kept
# unless PURGE=1 (refused for prod).
destroy: $(STAMP)
	$(PY) -m infra.deploy destroy --stage $(STAGE) \
		$(if $(ENDPOINT_URL),--endpoint-url $(ENDPOINT_URL)) \
		$(if $(filter 1 yes true,$(PURGE)),--purge)

clean:
	rm -rf out static-site/dist .pytest_cache .mypy_cache .ruff_cache
