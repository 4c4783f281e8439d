#!/usr/bin/env bash
# Single-core throughput of the whole `minga filter` stage (Parquet in, quality signals + rules,
# PII redaction, Parquet shard + ledger + manifests out) against datatrove's Gopher, C4 and
# FineWeb quality filters plus its PIIFormatter, on the same documents in one run: the conha19
# novels cut into ~4 KB chunks (the same chunks as bench/quality-bench.sh).
#
# usage: bench/filter-stage-bench.sh [DATA_DIR (default ../shared/data)] [DT_DOCS (default all)]
#   DT_DOCS: datatrove times only the first DT_DOCS documents (its full pass takes minutes);
#   throughputs are compared in MB/s of document text.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-../shared/data}
DT_DOCS=${2:-0}
[ -d "$DATA/documents" ] || { echo "skipping: ../shared/data not found"; exit 0; }
bench/setup-venv.sh
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
cargo build --release -q -p minga
cargo build --release -q -p minga-filters --example literature_chunks
MINGA=$CARGO_TARGET_DIR/release/minga
OUT=bench/out/filter-stage
rm -rf "$OUT"
mkdir -p "$OUT"
"$CARGO_TARGET_DIR/release/examples/literature_chunks" --data "$DATA" --part all --out "$OUT/chunks"
DOCS=$OUT/chunks/spa.jsonl
PIN="taskset -c 0"
command -v taskset >/dev/null || PIN=""
echo "machine: $(nproc) cores, $(uname -m); $(date -u +%F)"
"$MINGA" ingest "$DOCS" --out "$OUT/ingest" --source conha19 --format jsonl
"$MINGA" langid --in "$OUT/ingest" --out "$OUT/langid"
MB=$(.venv/bin/python -c "import json,sys; print(sum(len(json.loads(l)['text'].encode()) for l in open(sys.argv[1]))/1e6)" "$DOCS")
echo "== minga filter (1 thread, pinned): $MB MB of text"
START=$(date +%s.%N)
$PIN "$MINGA" --threads 1 filter --in "$OUT/langid" --out "$OUT/filter" 2>&1 | grep -v '^\s*$' | tail -1
END=$(date +%s.%N)
M=$(awk -v mb="$MB" -v s="$START" -v e="$END" 'BEGIN { printf "%.3f", mb / (e - s) }')
echo "minga filter stage: $(awk -v s="$START" -v e="$END" 'BEGIN { printf "%.2f", e - s }') s, $M MB/s"
grep -o '"pii\.[a-z]*": [0-9]*' "$OUT/filter/_manifest.json" | tr '\n' ' '; echo
SUBSET=$DOCS
if [ "$DT_DOCS" -gt 0 ]; then
  SUBSET=$OUT/datatrove-subset.jsonl
  head -n "$DT_DOCS" "$DOCS" > "$SUBSET"
fi
echo "== datatrove ($(wc -l < "$SUBSET") documents)"
$PIN .venv/bin/python bench/quality_datatrove.py "$SUBSET" --lang spa | tee "$OUT/datatrove-quality.txt"
$PIN .venv/bin/python bench/pii_datatrove.py "$SUBSET" 1 | tee "$OUT/datatrove-pii.txt"
D3=$(awk '/^MBPS3 /{print $2}' "$OUT/datatrove-quality.txt")
DP=$(sed -n 's/.* = \([0-9.]*\) MB\/s.*/\1/p' "$OUT/datatrove-pii.txt")
awk -v m="$M" -v d3="$D3" -v dp="$DP" 'BEGIN {
  d = 1 / (1 / d3 + 1 / dp)
  printf "datatrove Gopher+C4+FineWeb+PIIFormatter: %.3f MB/s; minga filter stage %.3f MB/s: x%.1f\n", d, m, m / d }'
