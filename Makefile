# The two commands a newcomer runs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test install lint format typecheck pytest services lock bench clean

## install: the virtual environment with the locked dependencies
install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv
	$(UV) pip install --quiet --python $(PY) -r requirements.lock
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
	rm -f $(VENV)/.installed-* && touch $@

## demo: PostgreSQL/Redis (or embedded fallbacks), simulator, web, worker and beat
demo: install
	$(PY) -m autofile.devtools.demo

## test: ruff, mypy and the whole pytest suite against real PostgreSQL and Redis
test: install
	$(PY) -m autofile.devtools.services --mode test --env-file var/test.env
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	set -a && . ./var/test.env && set +a && $(VENV)/bin/mypy
	set -a && . ./var/test.env && set +a && $(VENV)/bin/pytest $(PYTEST_ARGS)

lint:
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/lint-imports --no-cache

format:
	$(VENV)/bin/ruff check --fix . && $(VENV)/bin/ruff format .

## lock: re-resolve requirements.lock from pyproject.toml
lock:
	$(UV) pip compile pyproject.toml --extra dev --python-version 3.11 --quiet -o requirements.lock

## bench: every benchmark under bench/ (figures go to bench/README.md)
bench: install
	$(PY) -m autofile.devtools.services --mode test --env-file var/test.env
	set -a && . ./var/test.env && set +a && for b in bench/*.py; do $(PY) $$b || exit 1; done

clean:
	$(PY) -m autofile.devtools.services --mode test --stop || true
	rm -rf $(VENV) var/test.env .pytest_cache .mypy_cache .ruff_cache
