#!/usr/bin/env bash
# Set-up for a fresh machine: a virtualenv with the package and its test extras.
# System packages (fonts, Chromium, Java) are added here as the project needs them.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[dev]'
# The PDFium reader's native helper (auditor/ingest/pdfium_native.py): without it (no compiler) the
# reader makes PDFium's calls one by one, with the same results.
.venv/bin/python -m auditor.ingest.pdfium_native build >/dev/null \
  || echo "setup: the native PDFium helper was not built (no C compiler?); the reader works without it" >&2

# Reports: headless Chromium for the browser tests and screenshots, CJK fonts to render them.
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi

# The Spark engine (--engine spark, tests/test_spark.py): the [spark] extra and a Java 17 runtime.
.venv/bin/python -m pip install -q -e '.[dev,spark]'
if ! command -v java >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openjdk-17-jre-headless \
    || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq default-jre-headless
fi
