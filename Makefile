# 平安积分 · Ping'an Points. The two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
WORKERS ?= 2
# Threads per worker: pages that only read keep being served while writes queue for SQLite.
THREADS ?= 4
# Test processes: two keep both cores busy while one waits on PostgreSQL or the browser.
TEST_WORKERS ?= 2
RUFF_PATHS := points tests wsgi.py tools $(wildcard bench/*.py)
APT_PACKAGES := chromium libzbar0 zbar-tools fonts-noto-cjk postgresql-client

.PHONY: run test lint format venv lock system-deps translations migrations bench clean

venv: $(VENV)/.installed

# The tested versions first (requirements.lock: pinned, with hashes), then the project itself;
# a package added to pyproject.toml since the lock was made is installed on top (unpinned)
# until `make lock` is run again. If the lock can't be installed here at all, say so and
# install from pyproject.toml.
$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q --require-hashes -r requirements.lock \
	  || echo "requirements.lock could not be installed here: installing from pyproject.toml"
	$(BIN)/pip install -q --no-deps -e .
	$(BIN)/python tools/deps_ok.py || $(BIN)/pip install -q -e ".[dev]"
	touch $@

# Regenerate requirements.lock from pyproject.toml (every package, the dev extra, hashes).
lock: venv
	$(BIN)/pip install -q pip-tools
	$(BIN)/pip-compile -q --generate-hashes --allow-unsafe --strip-extras --extra dev \
	  --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

# Debian packages the tests need: a real browser, the zbar QR decoder, a CJK font.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v zbarimg >/dev/null || missing="$$missing zbar-tools"; \
	ldconfig -p | grep -q libzbar.so || missing="$$missing libzbar0"; \
	fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	command -v pg_dump >/dev/null || missing="$$missing postgresql-client"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

translations: venv
	@$(BIN)/pybabel compile --statistics -d points/translations 2>&1 | tail -1

run: venv translations
	@FLASK_APP=wsgi $(BIN)/flask init-db
	@FLASK_APP=wsgi $(BIN)/flask seed-demo --if-empty
	@echo "starting · 正在启动 …"
	@# `points tick` every minute beside the server (postings after 公示, expiry, …); stops with it.
	@( while sleep 60; do FLASK_APP=wsgi $(BIN)/flask tick >/dev/null 2>&1; done ) & ticker=$$!; \
	trap 'kill $$ticker 2>/dev/null' EXIT INT TERM; \
	PORT=$(PORT) $(BIN)/gunicorn --config python:points.gunicorn_run --workers $(WORKERS) --worker-class gthread --threads $(THREADS) --bind 127.0.0.1:$(PORT) --access-logfile - wsgi:app

test: venv system-deps translations
	$(BIN)/ruff check $(RUFF_PATHS)
	$(BIN)/pytest -q -n $(TEST_WORKERS)

lint: venv
	$(BIN)/ruff check $(RUFF_PATHS)
	$(BIN)/ruff format --check $(RUFF_PATHS)

format: venv
	$(BIN)/ruff format $(RUFF_PATHS)
	$(BIN)/ruff check --fix $(RUFF_PATHS)

# Regenerate the initial migration from the models (only while nothing is deployed).
migrations: venv
	./migrations/regenerate.sh

# Not part of `make test`: the write paths under wrk beside a bare insert (SQLite and
# PostgreSQL at BENCH_DATABASE_URL), then the leaderboard at size.
bench: venv
	@command -v wrk >/dev/null || { \
	  echo "installing Debian package: wrk"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python bench/wrk_bench.py
	$(BIN)/python bench/leaderboard.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# Pull new Chinese msgids into the English catalogue (then translate the empty msgstr).
translations-update: venv
	$(BIN)/pybabel extract -F babel.cfg -k _l -k translate -k render -k Msgid -k N_ -k InvalidInput -o /tmp/points-messages.pot .
	$(BIN)/pybabel update -i /tmp/points-messages.pot -d points/translations --no-fuzzy-matching
