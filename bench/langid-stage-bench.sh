#!/usr/bin/env bash
# The langid stage against `minga langid detect` on the same documents, per byte, one thread on
# one core: the stage (Parquet in and out, spans, ledger, manifests) over the ingest output of one
# jsonl.gz collection, and `langid detect` over the same texts, one document a line (its line
# breaks made spaces). RUNS runs each, interleaved; median and range of CPU seconds (user + sys).
# A second binary (an older build) runs beside the first when given.
#
#   bash bench/langid-stage-bench.sh COLLECTION.jsonl.gz [RUNS] [MINGA [OTHER_MINGA]]
# e.g. the first collection of bench/gen-pipeline-corpus.py: OUT/corpus/docs/coll-0004.jsonl.gz
set -euo pipefail
cd "$(dirname "$0")/.."
FILE=$(realpath "${1:?usage: bench/langid-stage-bench.sh COLLECTION.jsonl.gz [RUNS] [MINGA [OTHER]]}")
RUNS=${2:-3}
BINS=("$(realpath "${3:-${CARGO_TARGET_DIR:-target}/release/minga}")")
[ -n "${4:-}" ] && BINS+=("$(realpath "$4")")
CORE=${CORE:-1}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/docs"
ln -s "$FILE" "$T/docs/"
printf 'workdir = "work"\n[[source]]\nname = "c"\npath = "docs"\nformat = "jsonl"\nlicence = "CC0-1.0"\n' > "$T/p.toml"
WORKDIR=$T/work
"${BINS[0]}" run "$T/p.toml" --stage ingest > /dev/null 2>&1
python3 -c "
import gzip, json, sys
with gzip.open(sys.argv[1], 'rt', encoding='utf-8') as f, open(sys.argv[2], 'w', encoding='utf-8') as out:
    for line in f:
        out.write(json.loads(line)['text'].replace('\n', ' ') + '\n')
" "$FILE" "$T/lines.txt"
MB=$(du -b "$T/lines.txt" | cut -f1)

cpu() { # command... -> CPU seconds
  /usr/bin/time -f '%U %S' -o "$T/t" taskset -c "$CORE" env RAYON_NUM_THREADS=1 "$@" > /dev/null 2>&1
  awk '{print $1 + $2}' "$T/t"
}
for r in $(seq "$RUNS"); do
  for b in "${!BINS[@]}"; do
    rm -rf "$T/out-$b"
    echo "stage $b $(cpu "${BINS[$b]}" langid --in "$WORKDIR/ingest" --out "$T/out-$b")" >> "$T/results"
    echo "detect $b $(cpu sh -c "\"${BINS[$b]}\" langid detect < \"$T/lines.txt\"")" >> "$T/results"
  done
done
echo "$(wc -l < "$T/lines.txt") documents, $(awk -v b="$MB" 'BEGIN {printf "%.1f MB", b / 1e6}') of text; $RUNS runs each on core $CORE, one thread"
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
values() { awk -v w="$1" -v b="$2" '$1 == w && $2 == b {print $3}' "$T/results"; }
for b in "${!BINS[@]}"; do
  echo "== ${BINS[$b]}"
  for what in stage detect; do
    m=$(values "$what" "$b" | median)
    lo=$(values "$what" "$b" | sort -n | head -1)
    hi=$(values "$what" "$b" | sort -n | tail -1)
    awk -v w="$what" -v m="$m" -v lo="$lo" -v hi="$hi" -v mb="$MB" \
      'BEGIN {printf "%-7s %.2f CPU-s (%.2f-%.2f)  %.2f MB per CPU-second\n", w, m, lo, hi, mb / 1e6 / m}'
  done
  awk -v s="$(values stage "$b" | median)" -v d="$(values detect "$b" | median)" \
    'BEGIN {printf "stage / detect: %.2fx\n", s / d}'
done
