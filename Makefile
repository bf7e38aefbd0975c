# The two commands of the README: `make run` (whole local stack) and `make test` (every test).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck fmt clean bench openapi

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/cair dev

test: $(STAMP)
	$(BIN)/ruff format --check cair tests bench
	$(BIN)/ruff check cair tests bench
	$(BIN)/mypy
	$(BIN)/pytest

fmt: $(STAMP)
	$(BIN)/ruff format cair tests bench
	$(BIN)/ruff check --fix cair tests bench

openapi: $(STAMP)
	$(BIN)/python -m cair.web.openapi_document docs/openapi.json

bench: $(STAMP)
	$(BIN)/python -m bench.enrollment_throughput

clean:
	rm -rf var
