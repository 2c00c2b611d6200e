# Two commands do all the set-up on a fresh machine with Python 3.11+:
#   make dashboard   open the Voila dashboard
#   make test        run every test (lint, unit, widget, notebook, browser)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install dashboard lab site test lint bench system node clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[serve,lab,site,test]'
	touch $(STAMP)

install: $(STAMP)

dashboard: $(STAMP)
	$(BIN)/backcare-nb dashboard

# The static site (no server: Voici + Pyodide) into SITE_OUT; serve it with `python -m http.server -d build/site`.
# A rebuild with unchanged inputs reuses build/site-cache/. docs/static-site.md publishes it.
SITE_OUT ?= build/site
site: $(STAMP)
	$(BIN)/backcare-nb build-site $(SITE_OUT)

# JupyterLab on the tour. PORT=8890 picks the port, BROWSER=no starts it without opening a browser;
# as root it adds --allow-root. The two paths make Lab's "Render with Voila" preview use the
# project's offline template and voila.json (no CDN requests), as `make dashboard` does.
PORT ?= 8888
BROWSER ?= yes
LAB_ENV := JUPYTER_PATH=$(CURDIR)/backcare_nb/share/jupyter JUPYTER_CONFIG_PATH=$(CURDIR)/backcare_nb/voila_config
lab: $(STAMP)
	$(LAB_ENV) $(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) \
	  $(if $(filter no,$(BROWSER)),--no-browser,) $(if $(filter 0,$(shell id -u)),--allow-root,) notebooks/explore.ipynb

# System packages the tests need (Debian names): installed when missing, as root (as on CI). The browser
# tests need Chromium, the live class store's tests start their own PostgreSQL (tests/postgres.py), and the
# deploy tests run Debian's nginx with docs/nginx/backcare.conf.
SYSTEM_PACKAGES ?= chromium postgresql nginx
system:
	@missing=""; for pkg in $(SYSTEM_PACKAGES); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "The tests need these Debian packages:$$missing (install them as root)"; exit 1; fi; fi

# JavaScript the tests need, pinned in tests/node/package-lock.json, from the npm registry.
NODE_DIR := tests/node
NODE_STAMP := $(NODE_DIR)/node_modules/.installed-stamp
$(NODE_STAMP): $(NODE_DIR)/package.json $(NODE_DIR)/package-lock.json
	npm ci --prefix $(NODE_DIR) --no-audit --no-fund --silent
	touch $(NODE_STAMP)
node: $(NODE_STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(STAMP) system node lint
	$(BIN)/python -m pytest

bench: $(STAMP) system node
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build dist .pytest_cache
