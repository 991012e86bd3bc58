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
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

# Benchmarks (print figures; not part of the tests). bench_scale makes its own synthetic
# 6- and 120-project workspaces (gevinst synth) and measures issue 13's targets on them.
bench: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python bench/bench_montecarlo.py
	$(BIN)/python bench/bench_report.py
	$(BIN)/python bench/bench_scale.py

clean:
	rm -rf $(OUT) .pytest_cache .ruff_cache .hypothesis
