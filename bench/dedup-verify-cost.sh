#!/usr/bin/env bash
# CPU cost of near-dedup verification: the whole `minga dedup` stage (signatures, buckets,
# clusters, apply; one process) with `[dedup] verify = "none" | "signature" | "exact"` on the same
# ingested corpus, runs interleaved, every run pinned to one core with one rayon thread.
#
#   bash bench/dedup-verify-cost.sh [N]      (N generated ~1 KB documents, default 100000;
#                                             10 % exact and 10 % near-duplicates, bench/gen-dedup-corpus.py)
#
# Prints per mode: CPU seconds (user + system) median (min-max) of RUNS runs (default 3), peak
# RSS, documents removed, and the CPU ratio to verify = "none" (the stage before verification).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
RUNS=${RUNS:-3}
CORE=${CORE:-1}
MINGA=${MINGA:-${CARGO_TARGET_DIR:-target}/release/minga}
DATA=${DATA:-../shared/data/documents}
[ -d "$DATA" ] || { echo "skipping: $DATA not found" >&2; exit 0; }
cargo build --quiet --release -p minga
out=bench/out/dedup-verify
mkdir -p "$out"
corpus=$out/corpus-$N.jsonl
[ -f "$corpus" ] || python3 bench/gen-dedup-corpus.py "$N" "$corpus" "$DATA"
ingest=$out/ingest-$N
[ -f "$ingest/_manifest.json" ] || "$MINGA" ingest "$corpus" --out "$ingest" --source bench --format jsonl --part-size-mb 16 >/dev/null
modes=(none signature exact)
for m in "${modes[@]}"; do printf '[dedup]\nverify = "%s"\n' "$m" > "$out/$m.toml"; done
for r in $(seq "$RUNS"); do
  for m in "${modes[@]}"; do
    RAYON_NUM_THREADS=1 /usr/bin/time -f "%U %S %M" -o "$out/time-$m-$r.txt" \
      taskset -c "$CORE" "$MINGA" dedup --in "$ingest" --out "$out/dedup-$m" --config "$out/$m.toml" >/dev/null 2>&1
  done
done
echo "corpus: $N documents, $(du -sh "$ingest" | cut -f1) of shards; core $CORE; $RUNS runs each"
printf '| verify | CPU s median (min-max) | peak RSS MB | removed | CPU vs none |\n|---|---|---|---|---|\n'
base=""
for m in "${modes[@]}"; do
  read -r med lo hi rss < <(for r in $(seq "$RUNS"); do awk '{printf "%.2f %d\n", $1 + $2, $3}' "$out/time-$m-$r.txt"; done |
    sort -n | awk '{c[NR]=$1; m=($2>m?$2:m)} END {printf "%.2f %.2f %.2f %.0f\n", c[int((NR+1)/2)], c[1], c[NR], m/1024}')
  removed=$(python3 -c "import json;m=json.load(open('$out/dedup-$m/_manifest.json'));print(sum(m['reasons'].values()))")
  [ -n "$base" ] || base=$med
  printf '| %s | %s (%s-%s) | %s | %s | %.2fx |\n' "$m" "$med" "$lo" "$hi" "$rss" "$removed" "$(awk -v a="$med" -v b="$base" 'BEGIN{print a/b}')"
done
