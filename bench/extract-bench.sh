#!/usr/bin/env bash
# Side-by-side main-content extraction on one core: minga vs trafilatura vs resiliparse on the
# extract-eval pages. Prints pages/s, HTML MB/s and snippet F1 (score.py) for each.
#
#   bash bench/extract-bench.sh [EVAL_DIR]      (default ../shared/data/extract-eval)
#
# minga is timed as the whole `extract_jsonl` process (file reads and JSON output included);
# the Python peers are timed on their extraction loop only, pages already in memory.
set -euo pipefail
cd "$(dirname "$0")/.."
EVAL=${1:-../shared/data/extract-eval}
CORE=${CORE:-0}
RUNS=${RUNS:-3}
OUT=bench/out/extract
[ -f "$EVAL/truth.jsonl" ] || { echo "skipping: $EVAL not found" >&2; exit 0; }
mkdir -p "$OUT"
bash bench/setup-venv.sh
TARGET=${CARGO_TARGET_DIR:-target}
cargo build --quiet --release -p minga-filters --example extract_jsonl
BIN="$TARGET/release/examples/extract_jsonl"
mapfile -t PAGES < <(ls "$EVAL"/pages/*.html)
BYTES=$(cat "${PAGES[@]}" | wc -c)
N=${#PAGES[@]}

f1() {
  .venv/bin/python "$EVAL/score.py" --truth "$EVAL/truth.jsonl" --pred "$1" --json |
    .venv/bin/python -c 'import json,sys; o=json.load(sys.stdin)["overall"]; print("%.3f %.3f %.3f" % (o["precision"], o["recall"], o["f1"]))'
}
row() { # name seconds pred
  read -r p r f < <(f1 "$3")
  awk -v n="$1" -v s="$2" -v pages="$N" -v bytes="$BYTES" -v p="$p" -v r="$r" -v f="$f" \
    'BEGIN { printf "%-12s %8.1f %8.2f %9.3f   %s %s %s\n", n, pages/s, bytes/s/1e6, s, p, r, f }'
}

echo "pages: $N, HTML: $(awk -v b="$BYTES" 'BEGIN{printf "%.1f", b/1e6}') MB, core: $CORE, $(nproc) cores visible"
printf "%-12s %8s %8s %9s   %s\n" tool pages/s MB/s seconds "precision recall F1"
best=""
for _ in $(seq "$RUNS"); do
  s=$( { /usr/bin/time -f %e taskset -c "$CORE" "$BIN" "${PAGES[@]}" > "$OUT/minga.jsonl"; } 2>&1 | tail -1)
  if [ -z "$best" ] || awk -v a="$s" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$s; fi
done
row minga "$best" "$OUT/minga.jsonl"
for tool in resiliparse trafilatura; do
  s=$(taskset -c "$CORE" .venv/bin/python bench/extract_peers.py "$tool" "$OUT/$tool.jsonl" "${PAGES[@]}" 2>"$OUT/$tool.err" |
      .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["seconds"])')
  row "$tool" "$s" "$OUT/$tool.jsonl"
done
