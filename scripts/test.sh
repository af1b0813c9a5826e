#!/usr/bin/env bash
# The whole test suite: lint, then pytest on SQLite with in-process jobs, then pytest on
# PostgreSQL with jobs on Redis run by a real RQ worker process. Warnings are errors.
# Both halves run on pytest-xdist workers, one per core unless TEST_WORKERS says how many
# (`TEST_WORKERS=0` runs in this process); on PostgreSQL each worker has its own database and
# its own RQ worker (tests/conftest.py). Extra arguments go to both pytest runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/services.sh
export PATH="$PWD/.venv/bin:$PATH"
WORKERS="${TEST_WORKERS:-auto}"

echo "== ruff"
ruff check .
ruff format --check .

echo "== pytest on SQLite, jobs in threads"
pytest -q -p no:cacheprovider -n "$WORKERS" "$@"

echo "== pytest on PostgreSQL, jobs on Redis through an RQ worker"
# One PostgreSQL run at a time on a machine: they share the server's test databases. Tests
# marked `pure` touch no database and already ran above.
flock /tmp/pg-tests.lock env \
  TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:5432/test" \
  TEST_REDIS_URL="redis://127.0.0.1:6379/0" \
  pytest -q -p no:cacheprovider -n "$WORKERS" -m "not browser and not pure" "$@"
