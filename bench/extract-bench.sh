#!/usr/bin/env bash
# Side-by-side main-content extraction on one core: minga vs trafilatura vs resiliparse, on
# extract-eval and on the public benchmarks converted by bench/extract_datasets.py. Prints F1 per
# dataset, per split (dev / report, bench/extract_split.py) and for es / pt pages, and pages per
# CPU-second per tool (median, min – max of RUNS runs).
#
#   bash bench/extract-bench.sh [EVAL_DIR [EXTRA_DIR]]
#     EVAL_DIR   default ../shared/data/extract-eval
#     EXTRA_DIR  default ../extract-extra (each subdirectory with a truth.jsonl is a dataset;
#                made by: python3 bench/extract_datasets.py EXTRA_DIR --merged SRC --scrapinghub SRC)
#   env: RUNS (3), CORE (0)
#
# Every tool gets the same protocol (bench/extract_bench.py): pages read into memory first, the
# extraction loop alone timed in CPU seconds, same core, same number of runs.
set -euo pipefail
cd "$(dirname "$0")/.."
EVAL=${1:-../shared/data/extract-eval}
EXTRA=${2:-../extract-extra}
OUT=bench/out/extract
[ -f "$EVAL/truth.jsonl" ] || { echo "skipping: $EVAL not found" >&2; exit 0; }
mkdir -p "$OUT"
.venv/bin/python -c "import trafilatura, resiliparse" 2>/dev/null || bash bench/setup-venv.sh >/dev/null
TARGET=${CARGO_TARGET_DIR:-target}
cargo build --quiet --release -p minga-filters --example extract_jsonl
SETS=("$EVAL")
for d in "$EXTRA"/*/; do [ -f "$d/truth.jsonl" ] && SETS+=("${d%/}"); done
echo "$(nproc) cores visible; datasets: ${SETS[*]}" >&2
SCORE="$EVAL/score.py" .venv/bin/python bench/extract_bench.py "$TARGET/release/examples/extract_jsonl" "$OUT" "${SETS[@]}"
