#!/usr/bin/env bash
# Rebuilds the built-in language-ID model: assembles the training data with scripts/langid-data.sh
# (train/ of ../shared/data/langid plus the odd-numbered lines of dev/oto.txt) and trains it with
# `minga langid train` (default options, deterministic: the same data gives the same bytes).
#
#   scripts/langid-train.sh [MODEL]   # default MODEL = filters/models/langid.bin
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=target/langid-data
bash scripts/langid-data.sh "$DATA"
cargo build --release -q -p minga
"${CARGO_TARGET_DIR:-target}/release/minga" langid train --data "$DATA/train" \
  --out "${1:-filters/models/langid.bin}"
