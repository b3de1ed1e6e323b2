# CallCenter Pro: `make run` serves on http://127.0.0.1:5000 with a demo login; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test lint typecheck bench install clean web screenshots FORCE

# The web console (web/, React + Vite) is built into the package (src/callcenter/web/dist), which serves
# it. Its API types are generated from the app's OpenAPI document on every build, so a backend change that
# breaks the console breaks the build. It is rebuilt only when its sources or the API changed.
WEB_BUILT := src/callcenter/web/dist/index.html
WEB_SOURCES := $(shell find web/src -type f -not -name schema.d.ts 2>/dev/null) web/index.html \
	web/package.json web/vite.config.ts web/tsconfig.json

$(INSTALLED): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(INSTALLED)

install: $(INSTALLED)

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $@

# Written only when the document changed, so an unchanged API does not trigger a rebuild.
web/openapi.json: $(INSTALLED) FORCE
	$(BIN)/callcenter openapi --output $@

$(WEB_BUILT): web/node_modules/.package-lock.json web/openapi.json $(WEB_SOURCES)
	cd web && npm run --silent api && npm run --silent build

web: $(WEB_BUILT)

run: install web
	$(BIN)/callcenter demo
	$(BIN)/callcenter serve

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy

test: lint typecheck web
	$(BIN)/pytest

screenshots: install web
	$(BIN)/python -m tests.web.screenshots

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache web/node_modules src/callcenter/web/dist
