# The portal's two everyday commands, `make run` and `make test`, work from a fresh clone.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test system-deps system-deps-test compiled-messages bench lint format messages clean

# The address printed on the signs and shown at start-up.
export PUBLIC_BASE_URL ?= http://127.0.0.1:$(PORT)

run: system-deps $(VENV)/.installed compiled-messages
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py collectstatic --no-input -v 0
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: system-deps-test $(VENV)/.installed-test compiled-messages node_modules/.installed
	$(BIN)/python manage.py collectstatic --no-input -v 0
	$(BIN)/pytest

bench: system-deps-test $(VENV)/.installed-test compiled-messages
	$(BIN)/python scripts/bench.py

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
