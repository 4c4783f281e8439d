#!/usr/bin/env bash
# Near-dedup curve on real prose: threshold x bands/rows x verify -> removed, precision, recall
# and CPU time of `minga dedup`, on the corpus of tests/e2e/dedup_precision.rs (conha19 novels and
# Machado de Assis cut into ~700-word documents, with graded edits).
#
#   bash bench/dedup-curve.sh [dev|report]     (default dev: the split defaults are chosen on)
#
# Every configuration runs MINGA_DEDUP_RUNS times (default 3) on one thread, pinned to CORE
# (default 1); CPU time is the minga process's user + system time, median (min-max).
set -euo pipefail
cd "$(dirname "$0")/.."
SPLIT=${1:-dev}
CORE=${CORE:-1}
[ -d ../shared/data/documents ] || { echo "skipping: ../shared/data/documents not found" >&2; exit 0; }
cargo build --quiet --release --workspace --tests
MINGA_DEDUP_SPLIT=$SPLIT taskset -c "$CORE" \
  cargo test --quiet --release --test e2e near_dedup_curve -- --ignored --nocapture --test-threads 1
