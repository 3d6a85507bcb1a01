# Two commands: `make run` (demo app with web + worker + beat) and `make test` (the whole suite).
# Both install what they need first: Debian packages (if missing), the venv, translations.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
APT_PACKAGES := python3-venv python3-dev gcc libpq-dev gettext \
	libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils \
	chromium wrk
export DJANGO_ALLOW_ASYNC_UNSAFE := true

.PHONY: install system system-stack run test bench faults faults-short load load-short lint messages

system:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:" $$missing; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: system $(VENV)/.installed
	$(BIN)/django-admin compilemessages -v0 --ignore=.venv --ignore=var --ignore=static

run: export DEBUG ?= 1
run: export FASTHOLDELSE_DEMO ?= 1
run: install
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  Fastholdelse runs at http://127.0.0.1:$(PORT)/"
	@echo "  Demo logins (password: demo): konsulent (team Nord), konsulent2 (team Syd),"
	@echo "  konsulent3 (team Nord), teamleder (team lead, Nord), admin"
	@echo "  Stop with Ctrl-C."
	@echo ""
	@trap 'kill $$(jobs -p) 2>/dev/null; wait' EXIT; trap 'exit 0' INT TERM; \
	$(BIN)/celery -A fastholdelse worker --loglevel=INFO --concurrency=2 --without-gossip --without-mingle & \
	$(BIN)/celery -A fastholdelse beat --loglevel=INFO & \
	$(BIN)/python manage.py runserver 0.0.0.0:$(PORT) & \
	wait -n

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	@for script in bench/bench_*.py; do $(BIN)/python $$script || exit 1; done

# The stack's own redis-server (the binary only; the suite starts it on a spare port).
system-stack:
	@command -v redis-server >/dev/null || { SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends redis-server; }

# The fault suite and the load run start their own production-shaped stack (2 gunicorn nodes, 2 Celery
# workers, 1 beat, PostgreSQL at DATABASE_URL's server or 127.0.0.1:5432, their own redis-server on a
# spare port, an SMTP sink) and stop it again; BENCH lines, non-zero exit when a figure is off target.
# The outer `timeout` bounds a hung run; the scripts stop every process they started on SIGTERM.
faults: install system-stack
	timeout --signal=TERM --kill-after=60 2700 $(BIN)/python bench/faults/run.py

faults-short: install system-stack
	timeout --signal=TERM --kill-after=60 1500 $(BIN)/python bench/faults/run.py --short

load: install system-stack
	timeout --signal=TERM --kill-after=60 900 $(BIN)/python bench/load/run.py

load-short: install system-stack
	timeout --signal=TERM --kill-after=60 600 $(BIN)/python bench/load/run.py --short

# ruff, the import contracts, then the Danish catalogue: glossary words (locale/glossary.toml, see
# docs/ordliste.md), counts without ngettext, and `msgfmt -c`.
lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m fastholdelse.catalogue_lint

messages:
	$(BIN)/python manage.py makemessages -l da -l en --no-location --ignore=.venv --ignore=var --ignore=static
