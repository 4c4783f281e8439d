#!/usr/bin/env bash
# PII scan throughput, minga vs datatrove's PIIFormatter, on the same text in one run.
# Usage: bench/pii-bench.sh [REPS]   (needs ../shared/data; creates .venv via bench/setup-venv.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${1:-5}
DATA=../shared/data
OUT=bench/out
[ -d "$DATA/documents" ] || { echo "skipping: ../shared/data not found"; exit 0; }
bash bench/setup-venv.sh
cargo build --release -q -p minga-filters --example pii_scan
BIN=${CARGO_TARGET_DIR:-target}/release/examples/pii_scan
mkdir -p "$OUT"
echo "machine: $(nproc) cores, $(uname -m); $(date -u +%F)"
for corpus in "conha19:$DATA/documents/conha19-tei" \
              "constitutions:$DATA/documents/constitutions" \
              "web-pages:$DATA/extract-eval/pages"; do
  name=${corpus%%:*}; path=${corpus#*:}
  echo "== $name ($path)"
  # The example strips TEI/HTML markup and writes the exact text it scans for datatrove to read.
  "$BIN" --bench "$REPS" --dump-jsonl "$OUT/pii-$name.jsonl" "$path"
  .venv/bin/python bench/pii_datatrove.py "$OUT/pii-$name.jsonl" "$REPS"
done
