# One command to set up and start the dashboard on the sample data, one to run the tests.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: run test setup clean-db

# Through cxmetrics serve, which refuses to start with a pages/ folder beside app.py.
run: $(VENV)/.installed
	$(BIN)/python -m cxmetrics serve

# pytest.ini adds -n auto (pytest-xdist: every core) and --durations (the slowest tests, in the log).
test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q

setup: $(VENV)/.installed-dev

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements-lake.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

clean-db:  # your workspace and the sample's: the next start fills the sample again
	rm -f data/cx.duckdb data/cx.duckdb.wal data/sample.duckdb data/sample.duckdb.wal
