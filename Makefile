# Razem: `make demo` to try it, `make test` to test it. Both set everything up
# on a machine that has only Python 3.11+.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo test lint bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Razem needs Python 3.11 or newer, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/razem db upgrade
	$(BIN)/razem seed
	$(BIN)/razem check

test: install
	$(BIN)/ruff check bot nlu tests
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check bot nlu tests
	$(BIN)/ruff format --check bot nlu tests
	$(BIN)/mypy

clean:
	rm -rf $(VENV) var .pytest_cache
