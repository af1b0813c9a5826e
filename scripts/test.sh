#!/usr/bin/env bash
# The whole test suite: lint, then pytest on SQLite with in-process jobs, then pytest on
# PostgreSQL with jobs on Redis run by a real RQ worker process. Warnings are errors.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/services.sh
export PATH="$PWD/.venv/bin:$PATH"

echo "== ruff"
ruff check .
ruff format --check .

echo "== pytest on SQLite, jobs in threads"
pytest -q -p no:cacheprovider "$@"

echo "== pytest on PostgreSQL, jobs on Redis through an RQ worker"
TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:5432/test" \
TEST_REDIS_URL="redis://127.0.0.1:6379/0" \
  pytest -q -p no:cacheprovider -m "not browser" "$@"
