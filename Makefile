# One command per job. Every target installs what it needs first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: setup demo test test-sqlite test-postgres lint bench requirements-doc clean

$(STAMP): pyproject.toml scripts/system-packages.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	bash scripts/system-packages.sh
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

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

bench: $(STAMP)
	DATABASE_URL=$(PG_URL) bash scripts/bench.sh

bench-materials: $(STAMP)
	$(PY) scripts/bench_materials.py

requirements-doc: $(STAMP)
	$(BIN)/python scripts/requirements_doc.py --write

clean:
	rm -rf $(VENV) var artifacts
