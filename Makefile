# The portal's two everyday commands, `make run` and `make test`, work from a fresh clone.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin

.PHONY: serve run test fuzz system-deps system-deps-test compiled-messages bench bench-scale lint format messages clean

# The address printed on the signs and shown at start-up.
export PUBLIC_BASE_URL ?= http://127.0.0.1:$(PORT)

# With DEBUG off the portal refuses to start without a real SECRET_KEY (portal/settings.py).
# The development and test commands use a random key made once for this clone
# (.dev-secret-key, never committed) unless SECRET_KEY is set; `make serve` never does.
DEV_SECRET_KEY = $(shell test -s .dev-secret-key || $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > .dev-secret-key; cat .dev-secret-key)
run test bench bench-scale messages: export SECRET_KEY ?= $(DEV_SECRET_KEY)

run: system-deps $(VENV)/.installed compiled-messages
	@# With DEBUG off an SQLite file is opened only if it exists: the demo makes its own.
	@if [ -z "$$DATABASE_URL" ]; then touch db.sqlite3; fi
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py collectstatic --no-input -v 0
	$(BIN)/python manage.py seed_demo
	@# The worker that makes posters and booklets runs beside the development server.
	$(BIN)/python manage.py db_worker & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production on one machine: SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, … from the environment
# (README, "Production"). gunicorn with gunicorn.conf.py on PORT, and the background worker
# that makes the PDFs (stopped with the server; niced, so pages come first on the CPU).
serve: system-deps $(VENV)/.installed compiled-messages
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py collectstatic --no-input -v 0
	nice -n 10 $(BIN)/python manage.py db_worker & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
	  PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py

test: system-deps-test $(VENV)/.installed-test compiled-messages node_modules/.installed
	$(BIN)/python manage.py collectstatic --no-input -v 0
	$(BIN)/pytest

# The fuzz suite (tests/test_fuzz.py) with many more examples than `make test` runs.
fuzz: system-deps-test $(VENV)/.installed-test compiled-messages
	HYPOTHESIS_PROFILE=long $(BIN)/pytest -p no:cacheprovider tests/test_fuzz.py

bench: system-deps-test $(VENV)/.installed-test compiled-messages
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench_signs.py
	$(BIN)/python scripts/bench_production.py

# Every public page and admin list on a province (500 villages × 10 years, built once on
# the PostgreSQL server of BENCH_DATABASE_SERVER, about 10 minutes) against the demo's.
# VILLAGES=5000 YEARS=10 BENCH_PROVINCE_DB=village_portal_province_5000 for a bigger one.
VILLAGES ?= 500
YEARS ?= 10
bench-scale: $(VENV)/.installed-test compiled-messages
	$(BIN)/python scripts/bench_scale.py --villages $(VILLAGES) --years $(YEARS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

system-deps:
	@scripts/system-deps.sh run

system-deps-test:
	@scripts/system-deps.sh test

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

# axe-core for the browser tests' accessibility check (tests/test_browser_access.py).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Translations are compiled, not committed: the .po files are the source.
compiled-messages: $(VENV)/.installed
	$(BIN)/python manage.py compilemessages -v 0 --ignore=.venv

messages: $(VENV)/.installed
	$(BIN)/python manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=node_modules --ignore=tests --no-obsolete

clean:
	rm -rf $(VENV) node_modules staticfiles artifacts db.sqlite3
