# Two commands do everything on a fresh machine:
#   make run    install into .venv (first time only) and start reader
#   make test   install into .venv (first time only) and run the whole test suite
VENV ?= .venv
PYTHON ?= python3
# argostranslate pulls torch in through stanza; asking for this version first takes
# the CPU build (where one is on disk) instead of a multi-gigabyte CUDA build.
TORCH ?= torch==2.13.0
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check "$(TORCH)"
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/reader

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy src

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
