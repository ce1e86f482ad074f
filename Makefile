# Two entry points on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/anxiao
BENCH_URL ?= $(PG_URL)_bench
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test install install-test assets system-deps wheelhouse lint test-sqlite test-postgres bench bench-inproc demo-scale clean

# Offline install: `make wheelhouse` fills ./wheelhouse with every Python dependency (run it where the
# internet is, carry the folder into the intranet); when ./wheelhouse exists every pip install uses only it.
WHEELHOUSE ?= wheelhouse
PIP_OFFLINE = $(if $(wildcard $(WHEELHOUSE)/*.whl),--no-index --find-links $(WHEELHOUSE),)

$(BIN)/python:
	@deploy/debian-packages.sh run
	$(PYTHON) -m venv $(VENV)
	$(if $(PIP_OFFLINE),,$(BIN)/python -m pip install -q --upgrade pip)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q $(PIP_OFFLINE) -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q $(PIP_OFFLINE) -e '.[test]'
	touch $@

wheelhouse: assets | $(BIN)/python
	mkdir -p $(WHEELHOUSE)
	$(BIN)/pip wheel -q --wheel-dir $(WHEELHOUSE) '.[test]' setuptools wheel
	rm -f $(WHEELHOUSE)/anxiao-*.whl
	@echo "$(WHEELHOUSE)/: $$(ls $(WHEELHOUSE) | wc -l) wheels; with it (and var/vendor) present make run installs offline"

# Front-end libraries from the npm registry (pinned in package.json and package-lock.json), copied under
# var/vendor/ and served as /static/vendor/… (never from a CDN). Carry var/vendor/ into an intranet with the wheelhouse.
VENDOR := var/vendor
# var/vendor/.package-lock.json (hidden: collectstatic skips it) records the lock the files came from: a carried
# var/vendor whose lock matches is kept (file times do not count: a copied or unpacked folder is older than a fresh
# clone), so nothing asks npm offline.
$(VENDOR)/.package-lock.json: package.json package-lock.json
	@if [ -f $(VENDOR)/html5-qrcode/html5-qrcode.min.js ] && cmp -s package-lock.json $@; then touch $@; else \
		set -e; npm ci --no-audit --no-fund --silent || { echo "npm could not fetch the front-end libraries" \
			"(offline? carry var/vendor made by make wheelhouse, see docs/deploy.md)" >&2; exit 1; }; \
		mkdir -p $(VENDOR)/html5-qrcode; \
		cp node_modules/html5-qrcode/html5-qrcode.min.js node_modules/html5-qrcode/LICENSE $(VENDOR)/html5-qrcode/; \
		cp package-lock.json $@; \
	fi

assets: $(VENDOR)/.package-lock.json

install: $(VENV)/.installed assets
install-test: $(VENV)/.installed-test assets system-deps

# The Debian packages are listed once, in deploy/debian-packages.txt (sets run, server, test).
system-deps:
	@deploy/debian-packages.sh test

run: install
	@deploy/debian-packages.sh run
	$(BIN)/anxiao migrate --noinput -v0
	$(BIN)/anxiao collectstatic --noinput -v0
	$(BIN)/anxiao demo --if-empty
	@echo "安校已启动：http://$(HOST):$(PORT)/  （Ctrl+C 停止）"
	$(BIN)/anxiao runserver $(HOST):$(PORT)

lint: install-test
	mkdir -p var/static
	$(BIN)/ruff check .
	$(BIN)/mypy anxiao
	ANXIAO_ENV=test $(BIN)/anxiao makemigrations --check --dry-run -v0

test-sqlite: install-test
	ANXIAO_ENV=test $(BIN)/pytest -q -n 2 --dist loadfile --durations=20

# PostgreSQL must be reachable in CI (CI=true); on a developer machine without it this pass is skipped loudly.
# Tests marked one_pass (browser tests, the fonts-hidden demo build, the response-schema fuzz passes: nothing in them
# depends on the backend) run in the SQLite pass only, which keeps `make test` under 25 minutes on 2 cores. Each pass
# prints its 20 slowest tests.
test-postgres: install-test
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL:anxiao=postgres)', connect_timeout=3).close()" 2>/dev/null; then \
		ANXIAO_ENV=test DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -n 2 --dist loadfile --durations=20 -m "not one_pass"; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL at 127.0.0.1:5432 is not reachable, and CI=true: failing."; exit 1; \
	else \
		echo "WARNING: PostgreSQL at 127.0.0.1:5432 is not reachable: the PostgreSQL pass was NOT run."; \
	fi

test: lint test-sqlite test-postgres

# Issue 18's pages over HTTP against `anxiao serve` (2 workers) and a 60 s load test. Each size has its own
# database $(BENCH_URL)_<schools> (anxiao_bench_20000 by default; BENCH_SCHOOLS=2000 or 2000,20000 for
# anxiao_bench_2000 or both). Figures: a table and var/bench/*.json.
bench: install-test
	BENCH_URL=$(BENCH_URL) $(BIN)/python benchmarks/run.py

# The in-process benchmarks (functions and views without a server), BENCH_ONLY=<module> for one.
bench-inproc: install-test
	DATABASE_URL=$(BENCH_URL)_$(or $(BENCH_SCHOOLS),20000) $(BIN)/python benchmarks/inproc.py

clean:
	rm -rf $(VENV) var/*.sqlite3* var/screenshots

