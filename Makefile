# make run: venv + install + build the index from corpus/ + serve on http://127.0.0.1:$(PORT)
# make test: venv + install + the test suite
# make test-fast: the tests not marked slow (no real PDFs, browser, kill loop or benches), for the edit-test loop
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
INDEX ?= index
CORPUS ?= corpus

.PHONY: install index run test test-fast clean samples

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

# Exit status 1 means some files failed and the rest were indexed: still serve.
index: install
	$(PY) -m ingest --corpus $(CORPUS) --index $(INDEX) --report $(INDEX)/report.json || [ $$? -eq 1 ]

run: index
	@echo "Serving http://127.0.0.1:$(PORT)"
	INDEX_DIR=$(INDEX) CORPUS_DIR=$(CORPUS) $(PY) -m waitress --host=127.0.0.1 --port=$(PORT) --threads=8 --call search_app:create_app

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: install
	$(PY) -m pytest -m "not slow" $(PYTEST_ARGS)

samples: install
	$(PY) samples/build.py

clean:
	rm -rf $(VENV) $(INDEX)/gen-* $(INDEX)/CURRENT $(INDEX)/cache $(INDEX)/report.json
