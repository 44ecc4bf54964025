# Two commands a fresh clone needs: `make demo` and `make test`. Each builds .venv itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# setuptools' editable-install banner says nothing a user of this Makefile can act on.
QUIET_PIP := PYTHONWARNINGS="ignore:Editable installation"

.PHONY: demo test lint typecheck pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(QUIET_PIP) $(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(QUIET_PIP) $(BIN)/python -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	@echo "== lumyx-migrate diff fixtures/sync_app/before (nothing is written) =="
	$(BIN)/lumyx-migrate diff fixtures/sync_app/before

lint: $(VENV)/.installed-test
	$(BIN)/ruff check codemod tests bench scripts

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

# Branch coverage of codemod, the CLI subprocesses the tests start included (coverage's
# `patch = ["subprocess"]`); two xdist workers. Fails under `fail_under` in pyproject.toml.
pytest: $(VENV)/.installed-test
	$(BIN)/pytest -q -n 2 --dist worksteal --cov --cov-report=term

test: lint typecheck pytest

bench: $(VENV)/.installed-test  # the heavy tree copies installed packages (openai, langchain-openai)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
	rm -f .coverage .coverage.*
