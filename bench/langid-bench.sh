#!/usr/bin/env bash
# Language identification: minga vs CLD2 (pycld2) and langid.py on the same dev lines, one thread.
# Usage: bench/langid-bench.sh [DEV_DIR]   (default target/langid-data/dev: ../shared/data/langid/dev
# with only the even-numbered lines of dev/oto.txt, assembled by scripts/langid-data.sh; the odd-numbered
# ones train the built-in model, no other label's dev lines do)
# Writes bench/out/langid/{minga.txt,minga-no-whatlang.txt,predictions.tsv,table.md}.
set -euo pipefail
# One thread for every tool (numpy under langid.py would otherwise start a BLAS thread pool).
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
cd "$(dirname "$0")/.."
if [ -n "${1:-}" ]; then
  DEV=$1
else
  bash scripts/langid-data.sh target/langid-data
  DEV=target/langid-data/dev
fi
OUT=bench/out/langid
mkdir -p "$OUT"
bash bench/setup-venv.sh
cargo build --release -q -p minga-filters --example langid_eval
BIN=${CARGO_TARGET_DIR:-target}/release/examples/langid_eval
"$BIN" "$DEV" --no-whatlang > "$OUT/minga-no-whatlang.txt"
"$BIN" "$DEV" --predictions "$OUT/predictions.tsv" > "$OUT/minga.txt"
cat "$OUT/minga.txt"
SPEED=$(sed -n 's/^speed: .*-> \([0-9]*\) lines\/s, \([0-9.]*\) MB\/s.*per CPU-second: \([0-9.]*\).*/\1 lines\/s, \2 MB\/s (\3 MB\/s per CPU-second)/p' "$OUT/minga.txt")
.venv/bin/python bench/langid_peers.py "$DEV" --minga-predictions "$OUT/predictions.tsv" \
  --minga-speed "$SPEED" | tee "$OUT/table.md"
