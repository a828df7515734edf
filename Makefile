# The two commands a fresh machine needs: `make demo` and `make test`. See README.md.
SHELL := /bin/bash
PY := .venv/bin
export UV_PYTHON_DOWNLOADS := never
export UV_COMPILE_BYTECODE := 1
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install demo serve test test-quick lint bench bench-ct clean

help:
	@echo "make demo   - install, migrate SQLite, load reference data, seed small data, serve on http://$(HOST):$(PORT)"
	@echo "make test   - lint, layering, types, suite on SQLite, on PostgreSQL, and through a real Celery worker"
	@echo "make bench  - benchmarks at Connecticut scale (writes docs/benchmarks.md)"

.venv/.installed: pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
	uv sync --python 3.11 --frozen
	@touch $@

install: .venv/.installed

demo: install
	$(PY)/python manage.py migrate --noinput
	$(PY)/python manage.py sync_roles
	$(PY)/python manage.py load_reference_data
	$(PY)/python manage.py seed_demo --scale small
	@echo "Serving on http://$(HOST):$(PORT) - sign in as any demo user above; the code: $(PY)/python manage.py demo_totp"
	$(PY)/python manage.py runserver $(HOST):$(PORT)

serve: install
	$(PY)/python manage.py runserver $(HOST):$(PORT)

test: install
	scripts/test.sh

test-quick: install
	STATICFILES_BACKEND=django.contrib.staticfiles.storage.StaticFilesStorage $(PY)/pytest -n 2 -m "not worker and not browser" -q

lint: install
	$(PY)/ruff check . && $(PY)/ruff format --check . && $(PY)/lint-imports

bench: install
	bench/run.sh

clean:
	rm -rf .venv db.sqlite3 var
