# briefgen: the two commands the README promises, and a few more.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup demo test test-fast lint bench preview clean

$(STAMP): pyproject.toml scripts/setup-system.sh
	bash scripts/setup-system.sh
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

# Bytecode for briefgen's own modules, as a regular (not editable) install has it: with
# PYTHONDONTWRITEBYTECODE set (as on this project's machines), every command would otherwise
# compile them again; Python checks each file's date, so an edited module is never run stale.
setup: $(STAMP)
	$(PY) -m compileall -q src

## Set everything up, validate the bundled brief and build its ten documents.
demo: setup
	$(VENV)/bin/briefgen validate briefs/china-central-asia
	$(VENV)/bin/briefgen build briefs/china-central-asia

## Set everything up, lint, type-check and run the test suite.
test: setup lint
	$(VENV)/bin/pytest -q

## The fast lane: the unit tests alone (no process started, no real program), in under a minute.
test-fast: setup
	$(VENV)/bin/pytest -q -m unit

lint: setup
	$(VENV)/bin/ruff check src tests benchmarks scripts
	$(VENV)/bin/ruff format --check src tests benchmarks scripts
	$(VENV)/bin/mypy

## Benchmarks: pytest-benchmark micro-benchmarks, the side-by-side build benchmark, the live preview's latency, the follow-up's cost.
bench: setup
	$(PY) -m pip install -q -e '.[test,bench]'
	$(VENV)/bin/pytest benchmarks -q --benchmark-only --benchmark-columns=min,mean,max,rounds
	$(PY) benchmarks/run.py
	$(PY) benchmarks/preview_latency.py
	$(PY) benchmarks/tracking.py

## Page images of the Kazakhstan DOCX (through LibreOffice) and the Kyrgyzstan PDF, for a look.
preview: setup
	$(VENV)/bin/briefgen build briefs/china-central-asia --country KZ --country KG --quiet
	mkdir -p build/preview
	soffice -env:UserInstallation=file://$(CURDIR)/build/preview/lo --headless --convert-to pdf \
	  --outdir build/preview build/china-central-asia/e3/en/china-central-asia-KZ-e3.docx >/dev/null
	pdftoppm -png -r 60 -f 1 -l 2 build/preview/china-central-asia-KZ-e3.pdf build/preview/kz-docx
	pdftoppm -png -r 60 -f 1 -l 2 build/china-central-asia/e3/en/china-central-asia-KG-e3.pdf build/preview/kg-pdf
	@ls build/preview/*.png

clean:
	rm -rf build $(VENV)
