# Two commands do all the set-up on a fresh machine:
#   make audit   set up, then audit the bundled corpus
#   make test    set up, then run the tests
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup audit tables claims test bench screenshots clean

$(STAMP): pyproject.toml scripts/setup.sh
	bash scripts/setup.sh
	touch $(STAMP)

setup: $(STAMP)

audit: $(STAMP)
	$(BIN)/auditor tables corpus/

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/tables_bench.py
	$(BIN)/python bench/claims_bench.py

screenshots: $(STAMP)
	$(BIN)/auditor audit corpus/ --out out || true
	$(BIN)/python scripts/screenshots.py out

clean:
	rm -rf $(VENV) out
