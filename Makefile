# Two commands do everything on a fresh machine:
#   make run    install into .venv (first time only) and start reader
#   make test   install into .venv (first time only) and run the whole test suite
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# make test runs the suite in parallel (pytest-xdist): most tests wait on subprocesses,
# servers and sleeps, so 4 workers on the 2-core machine keep the cores busy (30:42 serial,
# 23:16 with 4, both under a load of 8-11 from other jobs); worksteal lets an idle worker take
# queued tests from one stuck behind a long test. TEST_WORKERS=0 runs them in one process.
TEST_WORKERS ?= 4

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/reader

test: $(STAMP)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal --durations=15

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy src tests benchmarks
	$(BIN)/lint-imports --no-logo

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
