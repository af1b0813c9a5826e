#!/usr/bin/env bash
# Serve the demo world on SQLite at http://127.0.0.1:5000 (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"

hrd-sentinel init
hrd-sentinel seed-demo
echo "Serving on http://127.0.0.1:5000"
exec gunicorn --workers 1 --threads 4 --bind 127.0.0.1:5000 --access-logfile - 'compliance:create_app()'
