# Message Center: `make run` starts everything on an embedded default; `make test` runs the suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Links in emails and webhooks point at the port served (honcho gives the other processes ports
# of their own, so the web's is passed to all of them).
SITE_URL ?= http://127.0.0.1:$(PORT)
# Parallel test workers (pytest-xdist): each has its own test database and Redis database.
TEST_WORKERS ?= 4
export DEBUG ?= 1

.PHONY: install dirs run migrate seed test lint format bench chaos clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet ".[dev]"
	touch $@

install: $(VENV)/.installed

dirs:
	mkdir -p var/broker/queue var/broker/processed var/broker/control var/mail var/private

migrate: install dirs
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

run: seed
	@echo "Message Center on http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/)"
	@echo "Emails are written to var/mail/; replies to them are accepted by SMTP on 127.0.0.1:2525."
	@echo "Stop with Ctrl-C."
	PORT=$(PORT) SITE_URL='$(SITE_URL)' $(BIN)/honcho start -f Procfile.dev

test: install dirs
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n $(TEST_WORKERS)

# Seeds bench_s and bench_l on PostgreSQL once (BENCH_PG), reuses them after; needs wrk.
# BENCH_TIERS=S for a quick run; BENCH_TIERS=S,L,XL adds 10,000,000 messages (bench_xl).
bench: install
	$(BIN)/pip install --quiet "scrubadub>=2,<3"
	DJANGO_SETTINGS_MODULE=messagecenter.settings $(BIN)/python bench/run.py

# Reliability run (not part of `make test`): needs PostgreSQL and redis-server; writes RELIABILITY.md.
chaos: install dirs
	$(BIN)/python bench/chaos.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .mypy_cache .ruff_cache
