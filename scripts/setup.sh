#!/usr/bin/env bash
# Set up a fresh Debian 12 machine for HRD Sentinel: system packages, the virtualenv, the
# Python and npm packages. Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# chromium: browser tests (Playwright drives Debian's build, never a downloaded one);
# libharfbuzz-subset0, libpango*: WeasyPrint; fonts: readable PDFs; postgresql, redis-server:
# the scale-out setup the test suite checks; wrk: bench/load.py.
APT_PACKAGES=(chromium wrk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
              fonts-liberation postgresql redis-server)
missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
stamp=.venv/.installed-pyproject
if [ ! -f "$stamp" ] || ! cmp -s pyproject.toml "$stamp"; then
  echo "Installing Python packages"
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e '.[dev]'
  cp pyproject.toml "$stamp"
fi

if [ ! -f node_modules/axe-core/axe.min.js ]; then
  echo "Installing npm packages"
  npm ci --silent --no-audit --no-fund
fi
