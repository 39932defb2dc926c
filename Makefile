# GreenOps Copilot. Every target creates .venv and installs the project on first use;
# the install is redone only when pyproject.toml changes (stamp file).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: install run test lint typecheck unit bench clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## make run: start the copilot on its embedded defaults (for now: the CLI demo)
run: $(STAMP)
	$(PY) app.py demo

## make test: lint, type-check and the whole test suite (slow tests included)
test: lint typecheck unit

lint: $(STAMP)
	$(PY) -m ruff check tools copilot models tests bench app.py

typecheck: $(STAMP)
	$(PY) -m mypy tools

unit: $(STAMP)
	$(PY) -m pytest

## make bench: benchmark scripts, JSON results under bench/results/
bench: $(STAMP)
	$(PY) bench/foundation.py
	$(PY) bench/planner.py
	$(PY) bench/shifting.py

clean:
	rm -rf $(VENV) var bench/results .pytest_cache .mypy_cache .ruff_cache .hypothesis
