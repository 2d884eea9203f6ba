# The one entry point for people and CI. `make demo` and `make test` set everything up themselves.
VENV   ?= .venv
PYTHON ?= python3
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: demo test test-fast lint docs bench setup services clean

demo: setup  ## scan the bundled demo deployment (exit 1 = it found failures, as it should)
	$(BIN)/hvaudit scan --demo || test $$? -eq 1

test: setup services  ## the whole suite, including the real-libvirtd end-to-end test
	$(BIN)/pytest --cov --cov-report=term:skip-covered

test-fast: setup  ## everything but the tests that need libvirtd
	$(BIN)/pytest -m "not libvirtd"

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

docs: setup  ## regenerate docs/checks.md from the checks' own metadata
	$(BIN)/hvaudit checks --format markdown > docs/checks.md

bench: setup
	$(BIN)/python benchmarks/bench_scan.py

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/install-system-deps
	scripts/install-system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

services:
	scripts/start-services

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage build *.egg-info
