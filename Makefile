# Razem: `make demo` to try it, `make test` to test it. Both set everything up
# on a machine that has only Python 3.11+.

PYTHON ?= python3
PYTHON310 ?= $(shell command -v python3.10 || ls -d $$HOME/.pyenv/versions/3.10.*/bin/python 2>/dev/null | tail -n 1)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
MODEL := var/nlu-model.pkl
NLU_INPUTS := $(wildcard nlu/data/*.yml) $(wildcard nlu/*.py) nlu/urgency.yml
RASA_VENV := .venv-rasa
# DIET's default is 100 epochs: about 90 minutes on 2 cores with our data. 20 is the
# figure in the README; `make test-rasa RASA_EPOCHS=100` for the stock setting.
RASA_EPOCHS ?= 20
PO := $(wildcard bot/locales/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)

CHROMIUM ?= /usr/bin/chromium
# Extra pytest options, e.g. `make test PYTEST_ARGS=--durations=20` (CI does).
PYTEST_ARGS ?=
# The everyday lane: pure and SQLite tests. Left out: tests on the real PostgreSQL or
# Redis, the browser tests, tests that start `razem` as a process (tests/conftest.py
# marks them all) and the opt-in Rasa tests. `make test` runs everything.
FAST_LANE := not postgres and not redis and not browser and not subprocess and not rasa

.PHONY: install demo test test-fast lint bench catalogs test-rasa clean browser

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Razem needs Python 3.11 or newer, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

# The NLU model is build output: retrained when its data or code change.
$(MODEL): $(STAMP) $(NLU_INPUTS)
	$(BIN)/razem nlu train

# Compiled catalogs are build output; pybabel refuses fuzzy entries.
%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile -i $< -o $@

install: $(STAMP) $(MO) $(MODEL)

# After changing user-facing text in bot/: refresh the template and the four catalogs.
catalogs: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k ngettext:1,2 --no-default-keywords -w 100 \
		--project=Razem --copyright-holder=Razem --omit-header -o bot/locales/messages.pot .
	$(BIN)/pybabel update -i bot/locales/messages.pot -d bot/locales -w 100 --no-fuzzy-matching
	$(MAKE) $(MO)

# The terminal chat on the embedded defaults. FAQ drafts are shown (marked as not yet
# reviewed by a lawyer) so the demo can answer questions; keep them off in production.
demo: install
	@$(BIN)/razem db upgrade
	@$(BIN)/razem seed
	@echo
	@echo "You are a person writing to Razem. Type a message, or a number to press a button."
	@echo "In another terminal, see a partner's queue: $(BIN)/razem chat --staff sip"
	@echo "Or the web console: $(BIN)/razem user add you@example.org --role coordinator, then $(BIN)/razem web"
	@echo
	@RAZEM_FAQ_SHOW_DRAFTS=true $(BIN)/razem chat

# The console's browser tests drive Debian's Chromium (Playwright's own download is not
# used). Installed with apt when missing; without it those tests skip (fail under CI=true).
browser:
	@test -x $(CHROMIUM) || { \
	  echo "Installing Debian's chromium for the console's browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  ($$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium) >/dev/null 2>&1 \
	    || echo "Could not install chromium (apt-get install chromium): browser tests will not run"; }

test: install browser
	$(BIN)/ruff check bot nlu tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest $(PYTEST_ARGS)

# Under two minutes on 2 cores; no services needed.
test-fast: install
	$(BIN)/pytest -m "$(FAST_LANE)" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check bot nlu tests benchmarks
	$(BIN)/ruff format --check bot nlu tests benchmarks
	$(BIN)/mypy

bench: install
	$(BIN)/python benchmarks/nlu_speed.py
	$(BIN)/python benchmarks/console_speed.py
	$(BIN)/python benchmarks/load.py

# Opt-in: real Rasa 3.6 (Python 3.10, about 2.7 GB) against the same nlu/ project.
$(RASA_VENV)/bin/rasa:
	@test -n "$(PYTHON310)" || (echo "make test-rasa needs Python 3.10 (set PYTHON310=...)"; exit 2)
	$(PYTHON310) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/pip install --quiet --disable-pip-version-check rasa==3.6.21

test-rasa: install $(RASA_VENV)/bin/rasa
	$(BIN)/python benchmarks/rasa_side_by_side.py --rasa $(RASA_VENV)/bin/rasa --epochs $(RASA_EPOCHS)
	RAZEM_RASA_BINARY=$(RASA_VENV)/bin/rasa $(BIN)/pytest -m rasa tests/rasa

clean:
	rm -rf $(VENV) var .pytest_cache
