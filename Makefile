# The two set-up commands of the README. Each creates .venv if needed and installs
# what it needs, so both work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= reports

.PHONY: example test bench clean

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

# Benchmarks (print figures; not part of the tests).
bench: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python bench/bench_montecarlo.py
	$(BIN)/python bench/bench_report.py

clean:
	rm -rf $(OUT) .pytest_cache .ruff_cache .hypothesis
