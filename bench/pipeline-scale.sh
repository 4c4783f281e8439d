#!/usr/bin/env bash
# The whole pipeline at scale: `minga run`, one stage at a time, over prefixes of one corpus made
# by bench/gen-pipeline-corpus.py (real text from ../shared/data, web pages in WARC.gz plus jsonl.gz
# collections, ~14 % exact and near copies), every stage at its defaults, all cores. Per stage:
# wall seconds, CPU seconds (user + system), CPU seconds per GB of document text, peak RSS and
# the stage's share of the run's CPU time.
#
#   bash bench/pipeline-scale.sh OUT [DOCS ...]      (default 250000 500000 1000000)
#
# The corpus of the largest size is generated once into OUT/corpus (about 4 minutes for 1 M
# documents); each size N runs in OUT/run-N on the first N/10,000 files. Writes OUT/run-N/times.tsv
# and prints one table per size.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:?usage: bench/pipeline-scale.sh OUT [DOCS ...]}
shift
SIZES=("${@:-250000 500000 1000000}")
read -r -a SIZES <<< "${SIZES[*]}"
MAX=$(printf '%s\n' "${SIZES[@]}" | sort -n | tail -1)
cargo build --release -q -p minga
MINGA=$(realpath "${CARGO_TARGET_DIR:-target}/release/minga")
STAGES=(ingest langid filter dedup tokenizer export report)

mkdir -p "$OUT"
OUT=$(realpath "$OUT")
if [ ! -f "$OUT/corpus/files.tsv" ] || [ "$(awk '{n += $2} END {print n}' "$OUT/corpus/files.tsv")" -lt "$MAX" ]; then
  mkdir -p "$OUT/corpus"
  python3 bench/gen-pipeline-corpus.py "$OUT/corpus" "$MAX" > "$OUT/corpus/stats.json"
fi

for N in "${SIZES[@]}"; do
  RUN=$OUT/run-$N
  rm -rf "$RUN"
  mkdir -p "$RUN/web" "$RUN/docs"
  FILES=$(( (N + 9999) / 10000 ))
  head -n "$FILES" "$OUT/corpus/files.tsv" > "$RUN/files.tsv"
  while IFS=$'\t' read -r rel _ _; do
    ln -s "$OUT/corpus/$rel" "$RUN/$rel"
  done < "$RUN/files.tsv"
  TEXT=$(awk '{b += $3} END {print b}' "$RUN/files.tsv")
  INPUT=$(cd "$OUT/corpus" && cut -f1 "$RUN/files.tsv" | xargs du -cbL | tail -1 | cut -f1)
  {
    echo 'workdir = "work"'
    echo '[[source]]'; echo 'name = "web"'; echo 'path = "web"'; echo 'format = "warc"'; echo 'licence = "CC0-1.0"'
    if [ -n "$(ls "$RUN/docs")" ]; then
      echo '[[source]]'; echo 'name = "collections"'; echo 'path = "docs"'; echo 'format = "jsonl"'; echo 'licence = "CC0-1.0"'
    fi
  } > "$RUN/pipeline.toml"
  printf 'stage\twall_s\tcpu_s\tpeak_rss_kb\n' > "$RUN/times.tsv"
  for S in "${STAGES[@]}"; do
    /usr/bin/time -f "$S\t%e\t%U\t%S\t%M" -o "$RUN/time-$S.txt" \
      "$MINGA" run "$RUN/pipeline.toml" --stage "$S" > "$RUN/log-$S.txt" 2>&1
    awk -F'\t' -v OFS='\t' '{print $1, $2, $3 + $4, $5}' "$RUN/time-$S.txt" >> "$RUN/times.tsv"
  done
  "$MINGA" audit verify --workdir "$RUN/work" > "$RUN/verify.txt" 2>&1
  echo "== $N documents: $(awk -v b="$TEXT" 'BEGIN {printf "%.2f GB of text", b / 1e9}'), $(awk -v b="$INPUT" 'BEGIN {printf "%.2f GB", b / 1e9}') of input files; $(nproc) cores; audit verify: $(tail -1 "$RUN/verify.txt")"
  awk -F'\t' -v text="$TEXT" 'NR > 1 {s[NR] = $1; w[NR] = $2; c[NR] = $3; m[NR] = $4; tc += $3; tw += $2}
    END {
      print "| stage | wall s | CPU s | CPU s / GB text | peak RSS MB | share of CPU |"
      print "|---|---:|---:|---:|---:|---:|"
      for (i = 2; i <= NR; i++)
        printf "| %s | %.1f | %.1f | %.1f | %.0f | %.0f %% |\n", s[i], w[i], c[i], c[i] / (text / 1e9), m[i] / 1024, 100 * c[i] / tc
      printf "| **all** | %.1f | %.1f | %.1f | | |\n", tw, tc, tc / (text / 1e9)
    }' "$RUN/times.tsv" | tee "$RUN/table.md"
done
