# The documented way in: `make run` and `make test` (see README.md).
# Needs only Python 3.11+ and make; everything else goes into .venv.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format bench bench-pages bench-import mutation migrate demo messages ci clean

$(PY):
	@test -n "$(PYTHON)" || { echo "需要 Python 3.11（未找到 python3.11 / python3）"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "需要 Python 3.11 或更高版本：$(PYTHON) 是 $$($(PYTHON) -V)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet ".[test]"
	@touch $(STAMP)

# SQLite in db.sqlite3, background jobs in-process, demo data on the first start.
# The demo password is made once and kept in var/demo-password (mode 600, never committed), so
# that every start can print it; `changepassword` changes the account, not that note.
DEMO_PASSWORD_FILE := var/demo-password
run: $(STAMP)
	@mkdir -p var
	@test -s $(DEMO_PASSWORD_FILE) || (umask 077; $(PY) -c 'import secrets; print(secrets.token_urlsafe(12))' > $(DEMO_PASSWORD_FILE))
	@$(PY) manage.py migrate --noinput -v0
	@$(PY) manage.py seed_demo --if-empty --password "$$(cat $(DEMO_PASSWORD_FILE))"
	@echo
	@echo "==> http://$(HOST):$(PORT)/"
	@echo "    演示账号 demo users: demo-office (镇党建办), demo-secretary, demo-secretary2 (支部书记),"
	@echo "    demo-reviewer (县委组织部), demo-liaison (挂包领导), demo-member (党员)"
	@echo "    密码 password: $$(cat $(DEMO_PASSWORD_FILE))   (from $(DEMO_PASSWORD_FILE), if the demo was seeded by make run)"
	@echo
	@CELERY_BROKER_URL= $(PY) manage.py runserver $(HOST):$(PORT)

# The whole suite; SQLite unless DATABASE_URL says otherwise. Extra flags: PYTEST_ARGS="-k seed".
test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/lint-imports
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# The benchmark builds a county in its own database (BENCH_DATABASE_URL), never in db.sqlite3.
BENCH_DATABASE_URL ?= sqlite:///$(CURDIR)/var/bench.sqlite3
bench: $(STAMP)
	@mkdir -p var
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_scoring $(BENCH_ARGS)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_reports

# Each role's pages on the benchmark county (built there when missing; bench_modules fills its
# modules once), served by gunicorn as in the Dockerfile: alone, then under 20 users for
# BENCH_PAGES_ARGS="--duration 180" seconds.
# The table goes to var/bench-pages-<database>.md. PostgreSQL: BENCH_PAGES_DATABASE_URL=postgres://…
BENCH_PAGES_DATABASE_URL ?= $(BENCH_DATABASE_URL)
bench-pages: $(STAMP)
	@mkdir -p var
	DATABASE_URL=$(BENCH_PAGES_DATABASE_URL) $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_PAGES_DATABASE_URL) $(PY) manage.py bench_modules
	DATABASE_URL=$(BENCH_PAGES_DATABASE_URL) $(PY) manage.py bench_pages $(BENCH_PAGES_ARGS)

# Mutation testing (minutes to hours; not run by CI): mutmut plants small bugs in the scoring
# engine, the scoping module and the services, one at a time, and runs the tests that call the
# changed function. MUTANTS narrows the run, e.g. MUTANTS="scoring.engine.*". Results stay in
# mutants/ (a second run resumes); `$(PY) tools/mutation.py results` lists the survivors.
MUTANTS ?=
mutation: $(STAMP)
	$(PY) -m pip install --quiet ".[test,mutation]"
	$(PY) tools/mutation.py run $(MUTANTS)
	$(PY) tools/mutation.py export-cicd-stats
	@cat mutants/mutmut-cicd-stats.json; echo

# A 260,000-member import, timed three times in a child process (its own database too).
BENCH_IMPORT_DATABASE_URL ?= sqlite:///$(CURDIR)/var/bench-import.sqlite3
bench-import: $(STAMP)
	@mkdir -p var
	DATABASE_URL=$(BENCH_IMPORT_DATABASE_URL) $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_IMPORT_DATABASE_URL) $(PY) manage.py bench_import $(BENCH_IMPORT_ARGS)

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

# Demo data into an empty database (refuses when it exists already).
demo: migrate
	$(PY) manage.py seed_demo --print-credentials

messages: $(STAMP)
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=tests --ignore=mutants
	$(PY) manage.py compilemessages --ignore=.venv --ignore=mutants

# What CI runs (Debian 12, as root: installs PostgreSQL, Redis, Chromium).
ci:
	CI=true bash .ci/run

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* staticfiles
