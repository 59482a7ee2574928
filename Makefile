# Two commands on a fresh machine: `make run` (the app on the sample data) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
PORT ?= 8501

.PHONY: run test lint bench-ingest clean

$(BIN)/mfa: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/mfa

run: $(BIN)/mfa
	$(BIN)/mfa demo --if-empty
	$(BIN)/mfa serve --port $(PORT)

lint: $(BIN)/mfa
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy mfa app.py
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest -n 2 --dist loadfile

bench-ingest: $(BIN)/mfa
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
