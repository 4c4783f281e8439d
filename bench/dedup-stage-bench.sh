#!/usr/bin/env bash
# Scale of the dedup stage: documents/s and peak memory of `minga dedup` (all four steps, one
# process) on generated ~1 KB documents cut from ../shared/data/documents with planted duplicates,
# plus the clusters step alone (its memory grows with pairs).
#
#     cargo build --release -p minga
#     bench/dedup-stage-bench.sh 100000 300000        # sizes; default 100000
#
# MINGA (default $CARGO_TARGET_DIR/release/minga, else target/release/minga) is the binary to time.
set -euo pipefail
cd "$(dirname "$0")/.."
MINGA=${MINGA:-${CARGO_TARGET_DIR:-target}/release/minga}
DATA=${DATA:-../shared/data/documents}
sizes=("${@:-100000}")
out=bench/out
mkdir -p "$out"
echo "machine: $(nproc) cores, $(uname -m); minga: $MINGA"
for n in "${sizes[@]}"; do
  tag=$((n / 1000))k
  corpus=$out/dedup-$tag.jsonl
  [ -f "$corpus" ] || python3 bench/gen-dedup-corpus.py "$n" "$corpus" "$DATA"
  ingest=$out/dedup-ingest-$tag
  [ -f "$ingest/_manifest.json" ] || "$MINGA" ingest "$corpus" --out "$ingest" --source bench --format jsonl --part-size-mb 64
  dd=$out/dedup-out-$tag
  /usr/bin/time -v "$MINGA" dedup --in "$ingest" --out "$dd" 2> "$out/time-dedup-$tag.txt" || { cat "$out/time-dedup-$tag.txt"; exit 1; }
  /usr/bin/time -v "$MINGA" dedup clusters --in "$ingest" --out "$dd" 2> "$out/time-clusters-$tag.txt"
  wall=$(grep "Elapsed (wall" "$out/time-dedup-$tag.txt" | awk '{print $NF}')
  rss=$(grep "Maximum resident" "$out/time-dedup-$tag.txt" | awk '{print $NF}')
  crss=$(grep "Maximum resident" "$out/time-clusters-$tag.txt" | awk '{print $NF}')
  pairs=$(python3 -c "import json;print(json.load(open('$dd/_dedup/clusters/_parts/clusters.json'))['rows_in'])")
  parts=$(ls "$ingest"/part-*.parquet | wc -l)
  sigbytes=$(du -sb "$dd/_dedup/signatures" | cut -f1)
  pairbytes=$(du -sb "$dd/_dedup/buckets" | cut -f1)
  reasons=$(python3 -c "import json;m=json.load(open('$dd/_manifest.json'));print(m['rows_in'],m['rows_out'],m['reasons'])")
  echo "n=$n parts=$parts wall=$wall maxrss_kb=$rss clusters_maxrss_kb=$crss pairs=$pairs signature_bytes=$sigbytes pair_bytes=$pairbytes rows_in/out/reasons=$reasons"
done
