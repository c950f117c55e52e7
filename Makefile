# make run: venv + install + build the index from corpus/ + serve on http://127.0.0.1:$(PORT)
#   with gunicorn, a worker process per core (WORKERS=n to change; WORKERS=0: make run-dev)
# make run-dev: the same, one waitress process (development)
# make test: venv + install + the test suite
# make test-fast: the tests not marked slow (no real PDFs, browser, kill loop or benches), for the edit-test loop
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
THREADS ?= 4
INDEX ?= index
CORPUS ?= corpus

.PHONY: install index run run-dev serve-dev test test-fast clean samples

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

# Exit status 1 means some files failed and the rest were indexed: still serve.
index: install
	$(PY) -m ingest --corpus $(CORPUS) --index $(INDEX) --report $(INDEX)/report.json || [ $$? -eq 1 ]

# The workers share the index's derived postings through the page cache (memory-mapped), and
# each picks up a new generation by itself: no restart after `make index`. No keep-alive: a
# client's next request may go to another worker (a kept connection stays on one).
run: index
	@if [ "$(WORKERS)" = 0 ]; then $(MAKE) --no-print-directory serve-dev; else \
	  echo "Serving http://127.0.0.1:$(PORT) ($(WORKERS) workers × $(THREADS) threads)"; \
	  INDEX_DIR=$(INDEX) CORPUS_DIR=$(CORPUS) $(PY) -m gunicorn --preload --workers $(WORKERS) \
	    --worker-class gthread --threads $(THREADS) --keep-alive 0 --bind 127.0.0.1:$(PORT) \
	    'search_app:create_app(OPEN_AT_START=True)'; fi

run-dev: index serve-dev

serve-dev:
	@echo "Serving http://127.0.0.1:$(PORT) (one process)"
	INDEX_DIR=$(INDEX) CORPUS_DIR=$(CORPUS) $(PY) -m waitress --host=127.0.0.1 --port=$(PORT) --threads=8 --call search_app:create_app

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: install
	$(PY) -m pytest -m "not slow" $(PYTEST_ARGS)

samples: install
	$(PY) samples/build.py

clean:
	rm -rf $(VENV) $(INDEX)/gen-* $(INDEX)/CURRENT $(INDEX)/cache $(INDEX)/report.json
