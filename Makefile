# Every target bootstraps .venv on first use, so a fresh clone needs only `make serve` or `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Material announces its end of life on every start; decision 0001 records that choice
# and its exit plan, so the banner would only confuse a newcomer.
export NO_MKDOCS_2_WARNING := 1

.PHONY: install browser serve build test test-browser test-properdocs test-adoption lint bench \
	bench-site schema clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed-test  ## create .venv with the project and its test tools

# --dirty: after the first build, saving a record rebuilds its page and the pages about many
# records, not every page (see the README); `make build` always builds everything.
serve: $(VENV)/.installed  ## build the site from decisions/ and serve it on 127.0.0.1:8000
	$(BIN)/mkdocs serve --dirty --dev-addr 127.0.0.1:8000

build: $(VENV)/.installed  ## build the site into site/
	$(BIN)/mkdocs build --strict

# The browser tests drive Debian's Chromium; as root it is installed when missing.
browser:
	@if [ -z "$$CHROMIUM" ] && ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium is missing and cannot be installed here: the browser tests will skip"; \
	  fi; \
	fi

test: $(VENV)/.installed-test browser  ## lint, type-check and run the whole test suite
	$(BIN)/ruff check src tests hooks benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest

test-browser: $(VENV)/.installed-test browser  ## only the browser tests
	$(BIN)/python -m pytest -m browser

# Decision 0001's exit plan: the shipped site built by ProperDocs in .venv-properdocs (made
# on first use, reused while pyproject.toml is unchanged) has MkDocs' pages.
test-properdocs: $(VENV)/.installed-test  ## only the ProperDocs build, compared with MkDocs'
	$(BIN)/python -m pytest -m properdocs

# Adopting the tool as an organisation does: the wheel built from this source, installed in
# .venv-adoption (made on first use, its dependencies kept while pyproject.toml is unchanged),
# runs `decisions init` in an empty repository, then validate, build, check and new there.
test-adoption: $(VENV)/.installed-test browser  ## only the adoption test, from a built wheel
	$(BIN)/python -m pytest -m adoption

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests hooks benchmarks
	$(BIN)/mypy

bench: $(VENV)/.installed  ## time `decisions validate` on 10,000 realistic records
	$(BIN)/python benchmarks/validate.py --records 10000

bench-site: $(VENV)/.installed  ## build 1,000 and 10,000 realistic records against plain MkDocs
	$(BIN)/python benchmarks/site.py --records 1000 --records 10000

# the editing loop and the reader's side; each script's docstring says what it measures
.PHONY: bench-serve bench-browser

bench-serve: $(VENV)/.installed  ## time from saving a record to seeing it under mkdocs serve
	$(BIN)/python benchmarks/serve.py --records 1000

bench-browser: $(VENV)/.installed-test browser  ## search, index, filter in Chromium (10,000)
	$(BIN)/python benchmarks/browser.py --records 10000

schema: $(VENV)/.installed  ## regenerate docs/decision.schema.json
	$(BIN)/decisions schema > docs/decision.schema.json

clean:
	rm -rf $(VENV) .venv-properdocs .venv-adoption site .pytest_cache .mypy_cache .ruff_cache
