#!/usr/bin/env bash
# Runs minga's benchmarks one after the other, each side by side with its peers as its own script
# does, logs what each printed to bench/out/run-all/<name>.log (first line: the command; second:
# a stamp with date, git revision, cores, CPU model and load average at its start; last: the mode,
# exit status and wall time), writes bench/out/run-all/SUMMARY.md (wall time and exit status of
# each, then the tail of its log), and then rewrites the figures with bench/regen.py: the
# generated block of each benchmark in the bench/RESULTS-*.md it feeds and the generated Summary
# table of BENCHMARKS.md. A benchmark that failed leaves its block and rows as they were (its rows
# say a later run failed; SUMMARY.md lists it). Prose outside the generated blocks is not touched.
#
#   bash bench/run-all.sh --quick     # about 15 minutes on 2 cores: fewer runs, smaller inputs
#   bash bench/run-all.sh --full      # the settings the hand-written figures were made with
#   bash bench/run-all.sh --quick langid quality    # only the named benchmarks
#   bash bench/run-all.sh --quick --no-rewrite pii  # logs and SUMMARY.md only
#   MINGA_SKIP_BUILD=1 bash bench/run-all.sh ...    # no `cargo build` (neither here nor in the
#       benchmarks, through a `cargo` wrapper on PATH): measures the binaries already in
#       target/release, e.g. while Rust sources are being edited; the stamp says so. `cargo test`
#       (dedup-curve) still builds what it needs.
#   python3 bench/regen.py [NAME ...]  # the rewrite alone, from the logs already there
#
# Needs the README's set-up (a release build) and ../shared/data; the reference tools are
# installed into .venv first (bench/setup-venv.sh, idempotent).
set -uo pipefail
cd "$(dirname "$0")/.."

MODE=${1:-}
case "$MODE" in
  --quick|--full) shift ;;
  *) echo "usage: bench/run-all.sh --quick|--full [--no-rewrite] [BENCHMARK ...]" >&2; exit 2 ;;
esac
REWRITE=1
NAMES=()
for a in "$@"; do
  if [ "$a" = --no-rewrite ]; then REWRITE=0; else NAMES+=("$a"); fi
done
if [ ! -d ../shared/data ]; then
  echo "bench/run-all.sh: ../shared/data is missing: the benchmarks measure on it" >&2
  exit 2
fi

# name | quick command ("-": not run in --quick) | full command
BENCHES=(
  "langid|bash bench/langid-bench.sh|bash bench/langid-bench.sh"
  "quality|bash bench/quality-bench.sh ../shared/data 1|bash bench/quality-bench.sh ../shared/data 5"
  "pii|bash bench/pii-bench.sh 1|bash bench/pii-bench.sh 5"
  "extract|RUNS=1 CORE=0 bash bench/extract-bench.sh|RUNS=3 CORE=0 bash bench/extract-bench.sh"
  "docs-readers|bash bench/docs-readers.sh 1|bash bench/docs-readers.sh 3"
  "dedup|LIMIT=2000 bash bench/dedup-bench.sh 1|bash bench/dedup-bench.sh 1"
  "dedup-verify-cost|bash bench/dedup-verify-cost.sh 10000|bash bench/dedup-verify-cost.sh 100000"
  "dedup-curve|MINGA_DEDUP_RUNS=1 bash bench/dedup-curve.sh report|bash bench/dedup-curve.sh report"
  # tok-bench.sh's speed and encode: the same 100 MB in both modes; RUNS (default 3) runs each
  "tok|RUNS=1 bash bench/tok-bench.sh corpus speed encode|bash bench/tok-bench.sh corpus speed encode"
  "tokenizer-heldout|-|CHOSEN=a0.75-b0 bash bench/tok-heldout.sh"
  "pipeline|bash bench/pipeline-scale.sh bench/out/pipeline 50000|bash bench/pipeline-scale.sh bench/out/pipeline 20000 250000 500000 1000000"
  "langid-stage|bash bench/langid-stage-bench.sh bench/out/pipeline/corpus/docs/coll-0004.jsonl.gz 1|bash bench/langid-stage-bench.sh bench/out/pipeline/corpus/docs/coll-0004.jsonl.gz 3"
  "pipeline-datatrove|-|bash bench/pipeline-datatrove.sh bench/out/pipeline 20000"
)
for w in "${NAMES[@]}"; do
  printf '%s\n' "${BENCHES[@]}" | cut -d'|' -f1 | grep -qx -- "$w" ||
    { echo "bench/run-all.sh: unknown benchmark $w" >&2; exit 2; }
done

OUT=bench/out/run-all
mkdir -p "$OUT"
BUILD_NOTE=""
if [ "${MINGA_SKIP_BUILD:-0}" = 1 ]; then
  # A `cargo` first on PATH that skips `build` and passes every other subcommand to the real one.
  SHIM=$(mktemp -d)
  trap 'rm -rf "$SHIM"' EXIT
  printf '#!/usr/bin/env bash\n[ "${1:-}" = build ] && exit 0\nexec %q "$@"\n' "$(command -v cargo || echo cargo)" > "$SHIM/cargo"
  chmod +x "$SHIM/cargo"
  export PATH="$SHIM:$PATH"
  BUILD_NOTE="; build skipped (MINGA_SKIP_BUILD=1)"
else
  cargo build --release -q -p minga || exit 1
fi
bash bench/setup-venv.sh > "$OUT/setup-venv.log" 2>&1 ||
  echo "bench/run-all.sh: bench/setup-venv.sh failed (see $OUT/setup-venv.log); going on" >&2

stamp() {
  local cpu
  cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
  echo "date $(date -u +%Y-%m-%dT%H:%M:%SZ); git $(git rev-parse --short HEAD)$(git diff --quiet || echo '+dirty');" \
    "$(nproc) cores, ${cpu:-unknown CPU}; load average $(cut -d' ' -f1-3 /proc/loadavg)$BUILD_NOTE"
}

# True when benchmark $1 is among NAMES, or none are given.
wanted() {
  [ ${#NAMES[@]} -eq 0 ] && return 0
  local w
  for w in "${NAMES[@]}"; do [ "$w" = "$1" ] && return 0; done
  return 1
}

SUMMARY=$OUT/SUMMARY.md
{
  echo "# bench/run-all.sh $MODE"
  echo
  echo "Started: $(stamp)"
  echo
  echo "| benchmark | command | wall s | exit |"
  echo "|---|---|---:|---:|"
} > "$SUMMARY.tmp"
TAILS=$(mktemp)
RAN=()
for entry in "${BENCHES[@]}"; do
  IFS='|' read -r name quick full <<< "$entry"
  wanted "$name" || continue
  cmd=$([ "$MODE" = --quick ] && echo "$quick" || echo "$full")
  if [ "$cmd" = - ]; then
    printf '| %s | (--full only) | | |\n' "$name" >> "$SUMMARY.tmp"
    continue
  fi
  log=$OUT/$name.log
  echo "== $name: $cmd" >&2
  echo "# $cmd" > "$log"
  echo "# $(stamp)" >> "$log"
  start=$(date +%s.%N)
  bash -c "$cmd" >> "$log" 2>&1
  rc=$?
  wall=$(echo "$(date +%s.%N) - $start" | bc)
  # The last line tells bench/regen.py the run finished, how, and in which mode.
  printf '# run-all %s: exit %s after %.0f s\n' "$MODE" "$rc" "$wall" >> "$log"
  RAN+=("$name")
  printf '| %s | `%s` | %.0f | %s |\n' "$name" "$cmd" "$wall" "$rc" >> "$SUMMARY.tmp"
  { echo; echo "## $name (exit $rc)"; echo; echo '```'; tail -n 25 "$log"; echo '```'; } >> "$TAILS"
  [ "$rc" -eq 0 ] || echo "   $name failed (exit $rc): see $log" >&2
done
echo >> "$SUMMARY.tmp"
echo "Finished: $(stamp)" >> "$SUMMARY.tmp"
if [ "$REWRITE" = 0 ]; then
  printf '\nFigures not rewritten (--no-rewrite): `python3 bench/regen.py %s` does it from these logs.\n' "${RAN[*]}" >> "$SUMMARY.tmp"
elif [ ${#RAN[@]} -gt 0 ]; then
  echo >> "$SUMMARY.tmp"
  python3 bench/regen.py "${RAN[@]}" | tee -a "$SUMMARY.tmp" >&2 ||
    echo "bench/regen.py failed: no figure rewritten" | tee -a "$SUMMARY.tmp" >&2
fi
cat "$TAILS" >> "$SUMMARY.tmp"
rm -f "$TAILS"
mv "$SUMMARY.tmp" "$SUMMARY"
echo "bench/run-all.sh: $SUMMARY" >&2
