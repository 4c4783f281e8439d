#!/usr/bin/env bash
# Single-core throughput of minga's quality signals + rules against datatrove's Gopher, C4 and
# FineWeb quality filters (and Gopher repetition) on the same documents: the conha19 novels cut
# into ~4 KB chunks. Both run pinned to one core, one after the other, in this one script.
# usage: bench/quality-bench.sh [DATA_DIR (default ../shared/data)] [REPEAT (default 5)]
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-../shared/data}
REPEAT=${2:-5}
bench/setup-venv.sh
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
cargo build --release -q -p minga-filters --example literature_chunks --example quality_speed
BIN=$CARGO_TARGET_DIR/release/examples
OUT=bench/out/literature
"$BIN/literature_chunks" --data "$DATA" --part all --out "$OUT"
PIN="taskset -c 0"
command -v taskset >/dev/null || PIN=""
echo "== minga"
$PIN "$BIN/quality_speed" "$OUT/spa.jsonl" --lang spa --repeat "$REPEAT" | tee bench/out/quality-minga.txt
echo "== datatrove"
$PIN .venv/bin/python bench/quality_datatrove.py "$OUT/spa.jsonl" --lang spa | tee bench/out/quality-datatrove.txt
M=$(awk '/^MBPS /{print $2}' bench/out/quality-minga.txt)
D3=$(awk '/^MBPS3 /{print $2}' bench/out/quality-datatrove.txt)
D4=$(awk '/^MBPS4 /{print $2}' bench/out/quality-datatrove.txt)
awk -v m="$M" -v d3="$D3" -v d4="$D4" 'BEGIN {
  printf "minga %.2f MB/s; datatrove G+C4+FW %.3f MB/s (x%.1f); with Gopher repetition %.3f MB/s (x%.1f)\n", m, d3, m/d3, d4, m/d4 }'
