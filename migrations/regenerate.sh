#!/usr/bin/env bash
# Regenerate the initial migration from the models. Only while nothing is deployed:
# once a release is out, add new migrations with `flask --app wsgi db migrate -m ...`.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
rm -f migrations/versions/0001_initial.py
INSTANCE_PATH="$scratch" DATABASE_URL="sqlite:///$scratch/empty.sqlite3" \
  .venv/bin/flask --app wsgi db revision --autogenerate --rev-id 0001 -m initial 2>/dev/null
ls migrations/versions/0001_*.py
