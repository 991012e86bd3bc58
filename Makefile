# The two set-up commands of the README. Each creates .venv if needed and installs
# what it needs, so both work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= reports

.PHONY: example test bench lab explore hooks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Install, validate the example workspace, write the Excel template, make the reports.
example: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/gevinst check --workspace data
	$(BIN)/gevinst excel template --out templates/gevinst-mal.xlsx
	$(BIN)/gevinst report --all --workspace data --out $(OUT)

# Install with the test extras, lint, run the whole test suite.
test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@# axe-core for the accessibility tests (pinned in package-lock.json); they skip without it
	@if [ ! -f node_modules/axe-core/axe.min.js ] && command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --ignore-scripts >/dev/null || echo "npm ci failed: the axe tests will be skipped"; fi
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

# Benchmarks (print figures; not part of the tests). bench_scale makes its own synthetic
# 6- and 120-project workspaces (gevinst synth) and measures issue 13's targets on them.
bench: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python bench/bench_montecarlo.py
	$(BIN)/python bench/bench_portfolio.py
	$(BIN)/python bench/bench_report.py
	$(BIN)/python bench/bench_scale.py
	$(BIN)/python bench/bench_explore.py

# The analyst's workbench: JupyterLab in the checkout, the explorer opened
# (outputs are stripped from notebooks when they are committed: see `hooks`).
lab: $(BIN)/python hooks
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/jupyter lab notebooks/utforsk.ipynb

# The explorer as an app (Voila, no code) on http://127.0.0.1:8866/
explore: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/gevinst explore

# Git strips notebook outputs on commit (clean filter named in .gitattributes).
hooks:
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
	  git config filter.gevinst-strip-outputs.clean "python3 tools/strip_outputs.py"; \
	  git config filter.gevinst-strip-outputs.smudge cat; \
	fi

clean:
	rm -rf $(OUT) .pytest_cache .ruff_cache .hypothesis
