# The one entry point for people and CI. `make demo` and `make test` set everything up themselves,
# each installing only what it needs (scripts/install-system-deps says which packages and why).
VENV   ?= .venv
PYTHON ?= python3
BIN     = $(VENV)/bin
DEMO_STAMP = $(VENV)/.installed-demo
TEST_STAMP = $(VENV)/.installed-test

.PHONY: demo test coverage test-fast lint docs bench setup setup-demo services clean

demo: setup-demo  ## scan the bundled demo deployment (exit 1 = it found failures, as it should)
	$(BIN)/hvaudit scan --demo || test $$? -eq 1

# Test files run in parallel, one worker a core, each file whole on one worker (its module fixtures
# set up once); tests that share a machine-wide resource (the system libvirtd's domains, the vcsim
# build) take a lock (tests/conftest.py: held_lock).
XDIST = -n auto --dist loadfile

test: setup services  ## the whole suite, including the real-libvirtd end-to-end test
	$(BIN)/pytest $(XDIST)

coverage: setup services  ## the whole suite under branch coverage (about 3.7 times slower: not CI's)
	$(BIN)/pytest --cov --cov-report=term:skip-covered

test-fast: setup  ## everything but the tests that need libvirtd
	$(BIN)/pytest $(XDIST) -m "not libvirtd"

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

docs: setup  ## regenerate docs/checks.md from the checks' own metadata
	$(BIN)/hvaudit checks --format markdown > docs/checks.md

bench: setup
	$(BIN)/python benchmarks/bench_scan.py

setup-demo: $(DEMO_STAMP)  ## hvaudit with the libvirt collector in $(VENV): what the demo needs

setup: $(TEST_STAMP)  ## everything the tests need too

$(DEMO_STAMP): pyproject.toml scripts/install-system-deps
	scripts/install-system-deps demo
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[libvirt]'
	touch $@

$(TEST_STAMP): $(DEMO_STAMP)
	scripts/install-system-deps test
	$(BIN)/pip install -q -e '.[test]'
	touch $@

services:
	scripts/start-services

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage build *.egg-info
