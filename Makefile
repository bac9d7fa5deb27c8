# Two commands do all the set-up on a fresh machine:
#   make audit   set up, then audit the bundled corpus
#   make test    set up, then run the tests
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup audit test bench screenshots clean

$(STAMP): pyproject.toml scripts/setup.sh
	bash scripts/setup.sh
	touch $(STAMP)

setup: $(STAMP)

# exit 1 means "the audit found failures", which is the job done; 2 means nothing could be read
audit: $(STAMP)
	$(BIN)/auditor audit corpus/ --out out; rc=$$?; [ $$rc -le 1 ]

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/tables_bench.py
	$(BIN)/python bench/claims_bench.py
	$(BIN)/python bench/mutation.py corpus
	$(BIN)/python bench/mutation.py corpus --tables
	$(BIN)/python bench/scale_bench.py all

screenshots: audit
	$(BIN)/python scripts/screenshots.py out

clean:
	rm -rf $(VENV) out
