# ClinicSetu: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs every test.
# Needs only Python 3.11 and make; set DATABASE_URL to use PostgreSQL instead of SQLite.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements/*.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format migrate seed bench clean screenshots

$(STAMP): requirements/base.txt requirements/production.txt requirements/local.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/local.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

venv: $(STAMP)

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

run: seed
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(BIN)/pytest

# Refreshes docs/screenshots/ (shown in the README) from the browser test.
screenshots: $(STAMP)
	UPDATE_SCREENSHOTS=1 $(BIN)/pytest tests/browser -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates apps --check --lint
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint templates apps --reformat --quiet || true

# Not tests: figures on PostgreSQL at two sizes (docs/benchmarks.md). BENCH_ARGS="--sizes small --seconds 10" for a quick look.
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)
	$(BIN)/python -m bench.formulary

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
