#!/usr/bin/env bash
# Set-up for a fresh machine: a virtualenv with the package and its test extras.
# System packages (fonts, Chromium, Java) are added here as the project needs them.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[dev]'
