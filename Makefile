# Newsroom: `make run` sets everything up and serves the site; `make test` checks it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Local development defaults; the environment (or a CI script) may override them.
export DEBUG ?= 1

.PHONY: run serve test lint format setup migrate fixtures admin-login clean eval

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

setup: $(VENV)/.installed

migrate: setup
	@mkdir -p var/static
	$(BIN)/python manage.py migrate --noinput

fixtures: migrate
	$(BIN)/python manage.py loaddata newsroom

admin-login: setup
	$(BIN)/python manage.py ensure_admin

run: fixtures admin-login
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production: gunicorn (settings in newsroom/gunicorn.py) with DEBUG off. Needs
# SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (and REDIS_URL with several servers);
# see docs/deploy.md.
serve: export DEBUG := 0
serve: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	BIND=$${BIND:-$(HOST):$(PORT)} $(BIN)/gunicorn -c python:newsroom.gunicorn

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache

# The importer's scores on ../shared/extraction-dev (when that folder exists).
EXTRACTION_DEV ?= ../shared/extraction-dev
eval: fixtures
	@if [ -f "$(EXTRACTION_DEV)/score.py" ]; then \
		$(BIN)/python "$(EXTRACTION_DEV)/score.py" "$(EXTRACTION_DEV)" \
			--cmd '$(BIN)/python manage.py import_article --dry-run --json {file}'; \
	else echo "No extraction set at $(EXTRACTION_DEV): nothing to score."; fi
