#!/usr/bin/env bash
# The whole pipeline, minga against datatrove on the same files: after
# `bash bench/pipeline-scale.sh OUT N` has run minga over the first N documents, runs
# bench/pipeline_datatrove.py (WARC reader, Trafilatura, CLD2, Gopher/C4/FineWeb filters, MinHash
# dedup, tokenization with minga's own tokenizer.json) over the same WARC files with as many tasks
# as cores, and prints both side by side: wall and CPU seconds, and CPU seconds per GB of text.
#
#   bash bench/pipeline-datatrove.sh OUT N      (N: a size pipeline-scale.sh ran, web pages only,
#                                               i.e. N <= 40000; the default 20000 is two files)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=$(realpath "${1:?usage: bench/pipeline-datatrove.sh OUT [N]}")
N=${2:-20000}
RUN=$OUT/run-$N
DT=$OUT/datatrove-$N
MINGA_WORK=$RUN/work
DT_WORK=$DT/work
[ -f "$RUN/times.tsv" ] || { echo "run bench/pipeline-scale.sh $OUT $N first" >&2; exit 2; }
[ -z "$(ls "$RUN/docs")" ] || { echo "$RUN has jsonl collections; datatrove reads the WARCs only: use N <= 40000" >&2; exit 2; }
bash bench/setup-venv.sh > /dev/null
rm -rf "$DT"
mkdir -p "$DT"
.venv/bin/python bench/pipeline_datatrove.py "$RUN/web" "$DT_WORK" "$MINGA_WORK/tokenizer/tokenizer.json" "$(nproc)" \
  > "$DT/times.tsv" 2> "$DT/log.txt"
TEXT=$(awk '{b += $3} END {print b}' "$RUN/files.tsv")
echo "== $N documents ($(awk -v b="$TEXT" 'BEGIN {printf "%.3f GB", b / 1e9}') of text), $(nproc) cores, same WARC files"
awk -F'\t' -v text="$TEXT" '
  FNR == 1 { file++ }
  file == 1 && FNR > 1 && $1 != "tokenizer" && $1 != "report" { mw += $2; mc += $3; ms = ms (ms ? " + " : "") $1 }
  file == 2 { dw += $2; dc += $3 }
  END {
    gb = text / 1e9
    print "| pipeline | wall s | CPU s | CPU s / GB text |"
    print "|---|---:|---:|---:|"
    printf "| minga (%s) | %.1f | %.1f | %.0f |\n", ms, mw, mc, mc / gb
    printf "| datatrove (extract + CLD2 + filters, MinHash, tokenize) | %.1f | %.1f | %.0f |\n", dw, dc, dc / gb
    printf "| ratio, datatrove / minga | %.1fx | %.1fx | |\n", dw / mw, dc / mc
  }' "$RUN/times.tsv" "$DT/times.tsv"
echo
echo "datatrove steps (wall s, CPU s):"
cat "$DT/times.tsv"
KEPT_MINGA=$(grep -o 'export: [0-9]* documents' "$RUN/log-export.txt" | head -1 | awk '{print $2}')
KEPT_DT=$(python3 -c "
import json, sys
for s in json.load(open(sys.argv[1])):
    if 'MinHash stage 4' in s['name']:
        print(s['stats'].get('forwarded', 0))
" "$DT_WORK/logs/minhash-filter+tokenize/stats.json")
echo "documents exported as tokens: minga $KEPT_MINGA, datatrove $KEPT_DT (of $N)"
