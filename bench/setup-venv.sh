#!/usr/bin/env bash
# Installs the reference WARC readers and extractors that bench/ingest-peers.py times against
# `minga ingest` into an ignored virtual environment at the repository root (.venv).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install --quiet --upgrade pip
# Pinned so figures can be reproduced.
.venv/bin/pip install --quiet \
  "fastwarc==2.0.0" "resiliparse==2.0.0" \
  "warcio==1.8.1" "trafilatura==2.3.1"
.venv/bin/python -c "import fastwarc, resiliparse, warcio, trafilatura; print('peers installed')"
