# The two commands of the README: `make run` (whole local stack) and `make test` (every test).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium

.PHONY: run test test-faults audit lock lint typecheck fmt clean bench openapi

# Installs the versions of requirements.lock (`make lock` refreshes it from pyproject.toml).
$(STAMP): pyproject.toml requirements.lock
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]' -c requirements.lock
	touch $(STAMP)

# Debian's Chromium for the browser tests (never `playwright install`: it downloads).
$(CHROMIUM):
	tools/install_chromium.sh

run: $(STAMP)
	$(BIN)/cair dev

test: $(STAMP) $(CHROMIUM)
	$(BIN)/ruff format --check cair tests bench
	$(BIN)/ruff check cair tests bench
	$(BIN)/mypy
	$(BIN)/pytest --ignore=tests/faults

# Processes killed and restarted under load (PostgreSQL, the worker, Temporal, the SMTP relay):
# slow, and it restarts shared servers, so it runs on its own (.ci/run runs it after `make test`).
test-faults: $(STAMP)
	$(BIN)/pytest tests/faults

# Known vulnerabilities of the locked dependencies (tools/audit_dependencies.py says how).
audit:
	$(PY) tools/audit_dependencies.py requirements.lock

lock:
	rm -rf .venv-lock && $(PY) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet --upgrade pip
	.venv-lock/bin/pip install --quiet -e '.[dev]'
	.venv-lock/bin/pip freeze --exclude-editable | grep -v -i '^cair-onboarding' > requirements.lock
	rm -rf .venv-lock

fmt: $(STAMP)
	$(BIN)/ruff format cair tests bench
	$(BIN)/ruff check --fix cair tests bench

openapi: $(STAMP)
	$(BIN)/python -m cair.web.openapi_document docs/openapi.json

bench: $(STAMP)
	$(BIN)/python -m bench.side_by_side

clean:
	rm -rf var
