#!/usr/bin/env bash
# Dedup benchmarks, one run side by side on one core:
#   1. signature throughput of minga (per step and kernel) on the conha19 novels cut into ~4 KB
#      documents, then datasketch and datatrove on the very same documents;
#   2. near-duplicate quality with injected variants (recall, precision, LSH S-curve).
# Usage: bench/dedup-bench.sh [CORE]   (default core 1; LIMIT=N caps the documents given to Python)
set -euo pipefail
cd "$(dirname "$0")/.."
CORE=${1:-1}
bash bench/setup-venv.sh
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
cargo build --quiet --release -p minga-filters --example dedup_bench --example dedup_quality
BIN=$CARGO_TARGET_DIR/release/examples
mkdir -p bench/out
DOCS=bench/out/conha19-4k.jsonl
echo "## machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), pinned to core $CORE"
echo "## minga signatures"
taskset -c "$CORE" "$BIN/dedup_bench" --rounds 3 --dump "$DOCS"
echo "## reference tools"
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 taskset -c "$CORE" \
  .venv/bin/python bench/dedup_reference.py "$DOCS" ${LIMIT:+--limit "$LIMIT"} 2> bench/out/dedup-reference.log
echo "## quality"
taskset -c "$CORE" "$BIN/dedup_quality"
