#!/usr/bin/env bash
# Tokenizer settings chosen on one half of ../shared/data/langid/dev and reported on the other
# (results: bench/RESULTS-tok.md, "Held-out fertility"). Same corpus as tok-bench.sh (langid train
# for 21 labels + conha19 + Machado, bench/out/mix from bench/tok_corpus.py), vocabulary 64,000.
#   split:  bench/out/devsplit/{choose,report}/<lang>.txt: odd-numbered lines of each dev file
#           (1, 3, 5, ...) choose, even-numbered lines report. Nothing else reads the report half.
#   grid:   candidate settings (alpha x min_share, and seeds for the noise), fertility on choose only
#   report: the former default (a0.8) and the chosen candidates on report (and on choose)
#   crawl:  former default vs chosen when Spanish is 100 MB (spa100m.txt, one source), full dev
# Candidates are NAME:ALPHA:MIN_SHARE:SEED[:SOURCE_ALPHA] (default 0.3); CHOSEN (env) names those of `report`.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-../shared/data}
OUT=bench/out
H=$OUT/heldout
T=${CARGO_TARGET_DIR:-target}/release/examples
SECTIONS=${*:-split grid report crawl}
SEED0=469920278369 # TrainConfig's default seed (0x6d696e6761)
GRID="a0.8:0.8:0:$SEED0 a0.8-s1:0.8:0:1 a0.8-s2:0.8:0:2
  a0.6:0.6:0:$SEED0 a0.7:0.7:0:$SEED0 a0.9:0.9:0:$SEED0 a1.0:1.0:0:$SEED0
  a0.8-f0.02:0.8:0.02:$SEED0 a0.8-f0.025:0.8:0.025:$SEED0 a0.8-f0.03:0.8:0.03:$SEED0
  a0.8-f0.035:0.8:0.035:$SEED0 a0.8-f0.04:0.8:0.04:$SEED0
  a0.9-f0.03:0.9:0.03:$SEED0 a0.9-f0.035:0.9:0.035:$SEED0 a1.0-f0.03:1.0:0.03:$SEED0
  a1.0-f0.035:1.0:0.035:$SEED0
  a0.9-f0.02:0.9:0.02:$SEED0 a0.9-f0.025:0.9:0.025:$SEED0 a1.0-f0.02:1.0:0.02:$SEED0
  a1.0-f0.025:1.0:0.025:$SEED0 a0.8-b0:0.8:0:$SEED0:0 a0.7-b0:0.7:0:$SEED0:0
  a0.9-f0.02-b0:0.9:0.02:$SEED0:0 a1.0-f0.025-b0:1.0:0.025:$SEED0:0
  a0.7-b0-s1:0.7:0:1:0 a0.7-b0-s2:0.7:0:2:0 a0.75-b0:0.75:0:$SEED0:0 a0.65-b0:0.65:0:$SEED0:0
  a0.7-b0.1:0.7:0:$SEED0:0.1 a0.7-f0.02-b0:0.7:0.02:$SEED0:0 a0.75-f0.02-b0:0.75:0.02:$SEED0:0"
CHOSEN=${CHOSEN:-a0.8}
mkdir -p $H

cargo build --release -p minga-tokenizer --examples -q
[ -d $OUT/mix ] || python3 bench/tok_corpus.py "$DATA"
MIX=$(for f in $OUT/mix/*.txt; do b=$(basename "$f" .txt); l=${b%%.*}; s=${b#*.}; [ "$s" = "$b" ] && s=langid; echo -n "$l:$s=$f "; done)

if [[ " $SECTIONS " == *" split "* ]]; then
  mkdir -p $OUT/devsplit/choose $OUT/devsplit/report
  for f in "$DATA"/langid/dev/*.txt; do
    awk 'NR % 2 == 1' "$f" > $OUT/devsplit/choose/$(basename "$f")
    awk 'NR % 2 == 0' "$f" > $OUT/devsplit/report/$(basename "$f")
  done
  wc -l $OUT/devsplit/choose/*.txt $OUT/devsplit/report/*.txt | tail -1
fi

train() { # NAME:ALPHA:MIN_SHARE:SEED[:SOURCE_ALPHA]
  IFS=: read -r name a f seed b <<< "$1"
  [ -f $H/$name.json ] || TOK_MIN_SHARE=$f TOK_SEED=$seed TOK_SOURCE_ALPHA=${b:-0.3} \
    $T/tok_train $H/$name.json 64000 "$a" $MIX
}

if [[ " $SECTIONS " == *" grid "* ]]; then
  echo "== candidates, fertility on the choose half"
  args=()
  for c in $GRID; do train "$c"; n=${c%%:*}; args+=("$n=$H/$n.json"); done
  TOK_EVAL_JSON=$H/choose.json $T/tok_eval $OUT/devsplit/choose "${args[@]}" | sed -n '1,/^$/p'
fi

if [[ " $SECTIONS " == *" report "* ]]; then
  echo "== default and chosen ($CHOSEN) on the report half, then on the choose half"
  args=()
  for n in a0.8 $CHOSEN; do
    c=$(echo $GRID | tr ' ' '\n' | grep "^$n:"); train "$c"; args+=("$n=$H/$n.json")
  done
  TOK_EVAL_JSON=$H/report.json $T/tok_eval $OUT/devsplit/report "${args[@]}" | sed -n '1,/^$/p'
  $T/tok_eval $OUT/devsplit/choose "${args[@]}" | sed -n '1,/^$/p'
fi

if [[ " $SECTIONS " == *" crawl "* ]]; then
  echo "== crawl-like mix (Spanish 100 MB): alpha 0.8 / source_alpha 0.3 vs 0.75 / 0, full dev"
  CRAWL=$(echo "$MIX" | tr ' ' '\n' | grep -v '^spa:' | tr '\n' ' ')
  for c in "0.8 0.3" "0.75 0"; do
    set -- $c
    [ -f $H/crawl-$1-b$2.json ] || TOK_SOURCE_ALPHA=$2 $T/tok_train $H/crawl-$1-b$2.json 64000 $1 \
      spa:crawl=$OUT/spa100m.txt $CRAWL
  done
  $T/tok_eval "$DATA/langid/dev" a0.8=$H/crawl-0.8-b0.3.json a0.75-b0=$H/crawl-0.75-b0.json | sed -n '1,/^$/p'
fi
