# Two commands for a newcomer: `make run` and `make test`.
PY      ?= python3.11
VENV    := .venv
BIN     := $(VENV)/bin
TORCH   := torch==2.13.0

.PHONY: run test test-browser install install-dev index library knowledge lint clean-index help

help:
	@echo "make run   - create .venv, install, build/update the index, start the Streamlit app"
	@echo "make test  - same environment plus dev tools, run the test suite"
	@echo "make test-browser - the real-browser end-to-end test (needs /usr/bin/chromium)"
	@echo "make index - build or update the index only;  make lint - ruff"
	@echo "make library - index every ScanCode LicenseDB text (the library tier; several minutes)"
	@echo "make knowledge - regenerate licenseqa/knowledge/data/osadl.json from ../shared (maintainers)"

$(BIN)/python:
	@command -v $(PY) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PY) not found)"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# CPU-only torch first (a bare `torch` would pull a multi-GB CUDA build), then the project
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet $(TORCH)
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# incremental: embeds nothing (and loads no model) when the index matches the corpus
index: install
	$(BIN)/python -m ingest

# the LicenseDB library tier: not part of `make run` (a full build takes minutes; questions about
# library-only licences are declined with this command until it is built); a no-op re-run takes ~1 s
library: index
	$(BIN)/python -m ingest.library

# the knowledge package's offline build step (reads ../shared; the ingest supplies the split clauses)
knowledge: install
	$(BIN)/python -m ingest.knowledge --shared ../shared

run: index
	$(BIN)/streamlit run app.py  # settings: .streamlit/config.toml

test: install-dev
	$(BIN)/python -m pytest -m "not browser"

# real-browser end-to-end test (needs Debian chromium at /usr/bin/chromium)
test-browser: install-dev
	$(BIN)/python -m pytest -m browser -s

lint: install-dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean-index:
	rm -rf .index
