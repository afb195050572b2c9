# planner: `make run` serves the app on http://127.0.0.1:5000, `make test` runs the whole suite.
# With DATABASE_URL set, both use that database and start no local cluster.
SHELL := /bin/bash
PY := .venv/bin/python
SETUP := scripts/setup.sh
HOST ?= 127.0.0.1
PORT ?= 5000

ifdef DATABASE_URL
  DB_READY := true
  APP_DB_URL := $(DATABASE_URL)
  TEST_DB_URL := $(TEST_DATABASE_URL)
else
  DB_READY := $(SETUP) db-start && $(SETUP) db-create planner
  APP_DB_URL = $(shell $(SETUP) db-url planner)
  TEST_DB_URL = $(or $(TEST_DATABASE_URL),$(shell $(SETUP) db-url planner_test))
endif

.PHONY: run test bench setup db stop lint clean reset

setup:
	@$(SETUP) system
	@$(SETUP) venv
	@$(SETUP) assets

db: setup
	@$(DB_READY)

run: db
	@DATABASE_URL='$(APP_DB_URL)' .venv/bin/flask --app planner db upgrade --directory migrations
	@DATABASE_URL='$(APP_DB_URL)' .venv/bin/flask --app planner seed
	@echo "==> serving on http://$(HOST):$(PORT)  (Ctrl-C to stop; 'make stop' stops PostgreSQL)"
	@DATABASE_URL='$(APP_DB_URL)' .venv/bin/flask --app planner run --host $(HOST) --port $(PORT)

test: lint db
	@scripts/fetch_gpxpy_testfiles.sh
	@TEST_DATABASE_URL='$(TEST_DB_URL)' $(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	@.venv/bin/ruff check planner tests bench scripts migrations
	@.venv/bin/ruff format --check planner tests bench scripts migrations
	@.venv/bin/mypy

# make bench exits non-zero when any ratio misses its target. lxml (the GPX floor) goes to var/bench/lxml,
# outside the project's environment, so gpxpy there keeps its standard-library parser.
bench: db
	@$(SETUP) bench-tools
	@test -d var/bench/lxml/lxml || $(PY) -m pip install --quiet --target var/bench/lxml 'lxml>=5'
	@DATABASE_URL='$(APP_DB_URL)' $(PY) bench/run_all.py

# Fresh demo data: drops and recreates the local cluster's planner database (never one named by DATABASE_URL),
# then migrates and seeds it; the virtualenv and the assets stay.
reset: db
ifdef DATABASE_URL
	@echo "make reset only resets the local cluster's database; unset DATABASE_URL to use it" >&2; exit 1
else
	@$(SETUP) db-drop planner
	@$(SETUP) db-create planner
	@DATABASE_URL='$(APP_DB_URL)' .venv/bin/flask --app planner db upgrade --directory migrations
	@DATABASE_URL='$(APP_DB_URL)' .venv/bin/flask --app planner seed
endif

stop:
	@$(SETUP) db-stop

clean: stop
	rm -rf var .venv static/vendor
