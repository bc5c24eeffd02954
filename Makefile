# briefgen: the two commands the README promises, and a few more.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup demo test lint bench clean

$(STAMP): pyproject.toml scripts/setup-system.sh
	bash scripts/setup-system.sh
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

## Set everything up, validate and build the bundled brief.
demo: setup
	$(VENV)/bin/briefgen validate briefs/china-central-asia
	$(VENV)/bin/briefgen build briefs/china-central-asia

## Set everything up, lint, type-check and run the test suite.
test: setup lint
	$(VENV)/bin/pytest -q

lint: setup
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy

## Benchmarks: pytest-benchmark micro-benchmarks, then the side-by-side build benchmark.
bench: setup
	$(VENV)/bin/pytest benchmarks -q --benchmark-only --benchmark-columns=min,mean,max,rounds

clean:
	rm -rf build $(VENV)
