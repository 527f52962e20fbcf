# One command per job. Every target installs what it needs first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two stamps: what running needs (the package and its dependencies: `make demo`) and what testing
# adds (the test extra and the Debian packages of scripts/system-packages.txt, installed with apt).
RUN_STAMP := $(VENV)/.installed-run
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
PORT ?= 8000
DEMO_DB := $(or $(GOVPM_VAR_DIR),var)/db.sqlite3

.PHONY: setup demo demo-reset test test-sqlite test-postgres lint bench requirements-doc clean

$(RUN_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP) scripts/system-packages.txt
	$(BIN)/pip install -q -e '.[test]'
	bash scripts/system-packages.sh
	touch $(STAMP)

setup: $(STAMP)

# Migrate, load the demo data if not yet loaded, list the accounts, serve on $(PORT) (checked free
# first); the URL is printed once the server listens. `make demo PORT=8001` when 8000 is taken.
demo: $(RUN_STAMP)
	$(BIN)/python manage.py run_demo --port $(PORT)

# The demo afresh: delete its SQLite database, then `make demo`.
demo-reset: $(RUN_STAMP)
	rm -f $(DEMO_DB)
	$(MAKE) demo PORT=$(PORT)

# Cheap checks first (lint, import layers, migrations, types), then the whole suite on SQLite and
# then on PostgreSQL (DATABASE_URL=$(PG_URL)).
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=config.settings.test
	$(BIN)/python scripts/mypy_check.py
	$(BIN)/pytest -q --ds=config.settings.test -m "not postgres"
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -q --ds=config.settings.test

# Tests marked postgres need real row locks and threads; they run in the PostgreSQL pass only.
test-sqlite: $(STAMP)
	$(BIN)/pytest -q --ds=config.settings.test -m "not postgres"

test-postgres: $(STAMP)
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -q --ds=config.settings.test

# ruff; the import layers of pyproject.toml; mypy against scripts/mypy-baseline.txt (which may only shrink).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python scripts/mypy_check.py

# The API beside bare views (scripts/bench.sh), then the dashboard and statistics at 10k, 100k and 1M
# projects (scripts/bench/portfolio.py, its own database; BENCH_PORTFOLIO=0 skips it).
bench: $(STAMP)
	DATABASE_URL=$(PG_URL) bash scripts/bench.sh
	if [ "$${BENCH_PORTFOLIO:-1}" = 1 ]; then DATABASE_URL=$(PG_URL) $(BIN)/python -W ignore scripts/bench/portfolio.py; fi

bench-materials: $(STAMP)
	$(PY) scripts/bench_materials.py

requirements-doc: $(STAMP)
	$(BIN)/python scripts/requirements_doc.py --write

clean:
	rm -rf $(VENV) var artifacts
