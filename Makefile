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

# JupyterLab on the tour. PORT=8890 picks the port, BROWSER=no starts it without opening a browser;
# as root it adds --allow-root. The two paths make Lab's "Render with Voila" preview use the
# project's offline template and voila.json (no CDN requests), as `make dashboard` does.
PORT ?= 8888
BROWSER ?= yes
LAB_ENV := JUPYTER_PATH=$(CURDIR)/backcare_nb/share/jupyter JUPYTER_CONFIG_PATH=$(CURDIR)/backcare_nb/voila_config
lab: $(STAMP)
	$(LAB_ENV) $(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) \
	  $(if $(filter no,$(BROWSER)),--no-browser,) $(if $(filter 0,$(shell id -u)),--allow-root,) notebooks/explore.ipynb

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
