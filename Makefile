# Two commands do all the set-up on a fresh machine with Python 3.11+:
#   make dashboard   open the Voila dashboard
#   make test        run every test (lint, unit, widget, notebook, browser)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install dashboard lab test lint bench chromium clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

dashboard: $(STAMP)
	$(BIN)/backcare-nb dashboard

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/explore.ipynb

# Browser tests need Debian's Chromium; install it when missing (needs root, as on CI).
chromium:
	@command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Chromium is needed for the browser tests: install Debian's 'chromium' package or set BACKCARE_CHROMIUM"; exit 1; fi; }

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(STAMP) chromium lint
	$(BIN)/python -m pytest

bench: $(STAMP) chromium
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build dist .pytest_cache
