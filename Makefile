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

.PHONY: run test bench setup db stop lint clean reset messages

setup:
	@$(SETUP) system
	@$(SETUP) venv
	@$(SETUP) assets

db: setup
	@$(DB_READY)

# The web app and one worker (Procfile) under honcho; they share var/secret_key, so the unsubscribe links a worker
# signs open on the web. E-mail goes to var/mail/ (listed on /dev/mail) unless PLANNER_SMTP_HOST is set.
run: db var/secret_key
	@DATABASE_URL='$(APP_DB_URL)' .venv/bin/flask --app planner db upgrade --directory migrations
	@DATABASE_URL='$(APP_DB_URL)' .venv/bin/flask --app planner seed
	@echo "==> serving on http://$(HOST):$(PORT) with one worker  (Ctrl-C stops both; 'make stop' stops PostgreSQL)"
	@DATABASE_URL='$(APP_DB_URL)' SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" PLANNER_HOST='$(HOST)' \
	  PLANNER_PORT='$(PORT)' PLANNER_BASE_URL="$${PLANNER_BASE_URL:-http://$(HOST):$(PORT)}" \
	  PLANNER_DEV_MAIL_PAGE="$${PLANNER_DEV_MAIL_PAGE:-1}" .venv/bin/honcho start -f Procfile

var/secret_key:
	@mkdir -p var && umask 077 && python3 -c 'import secrets; print(secrets.token_hex(32))' > $@

test: lint db
	@scripts/fetch_gpxpy_testfiles.sh
	@TEST_DATABASE_URL='$(TEST_DB_URL)' $(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	@.venv/bin/ruff check planner tests bench scripts migrations
	@.venv/bin/ruff format --check planner tests bench scripts migrations
	@.venv/bin/mypy

# After changing a text people read: extract, update both catalogues (English says its msgid), compile. It exits 1
# while a Chinese message is missing; translate it in planner/translations/zh_Hans/LC_MESSAGES/messages.po.
messages: setup
	@$(PY) scripts/messages.py; status=$$?; .venv/bin/pybabel compile -d planner/translations 2>/dev/null; exit $$status

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
