#!/usr/bin/env bash
# Creates ./.venv (gitignored) with the reference tools minga is measured against.
# Idempotent and additive: a package already importable is not reinstalled; add new tools to TOOLS.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
# "pip-name import-name" pairs.
TOOLS=(
  "tokenizers tokenizers"
  "sentencepiece sentencepiece"
  "numpy numpy"
)
for pair in "${TOOLS[@]}"; do
  set -- $pair
  if ! "$VENV/bin/python" -c "import $2" 2>/dev/null; then
    "$VENV/bin/pip" install --quiet "$1"
  fi
done
