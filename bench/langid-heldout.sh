#!/usr/bin/env bash
# Language-ID accuracy, precision and F1 of minga on the dev lines that trained nothing:
# ../shared/data/langid/dev with only the even-numbered lines of dev/oto.txt (the odd-numbered ones
# train the built-in model; see scripts/langid-data.sh). Whatlang on, one thread.
#
#   bench/langid-heldout.sh                 # the built-in model (filters/models/langid.bin)
#   bench/langid-heldout.sh OLD.bin ...     # also these model files, on the same lines
#
# To compare with the model trained on train/ alone:
#   git show 4915fb5:filters/models/langid.bin > /tmp/langid-train-only.bin
#   bench/langid-heldout.sh /tmp/langid-train-only.bin
# Writes bench/out/langid/heldout-<name>.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out/langid
mkdir -p "$OUT"
bash scripts/langid-data.sh target/langid-data
cargo build --release -q -p minga-filters --example langid_eval
BIN=${CARGO_TARGET_DIR:-target}/release/examples/langid_eval
echo "== built-in model on target/langid-data/dev"
"$BIN" target/langid-data/dev | tee "$OUT/heldout-builtin.txt"
for m in "$@"; do
  name=$(basename "$m" .bin)
  echo "== $m on target/langid-data/dev"
  "$BIN" target/langid-data/dev --model "$m" | tee "$OUT/heldout-$name.txt"
done
