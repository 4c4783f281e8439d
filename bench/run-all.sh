#!/usr/bin/env bash
# Runs minga's benchmarks one after the other, each side by side with its peers as its own script
# does, and writes what they printed with a stamp (date, git revision, CPU model, cores, load
# average at the start of each) to bench/out/run-all/: one log per benchmark and SUMMARY.md (wall
# time and exit status of each, then the tail of its log).
#
#   bash bench/run-all.sh --quick     # about 12 minutes on 2 cores: fewer runs, smaller inputs
#   bash bench/run-all.sh --full      # the settings the figures of BENCHMARKS.md were made with
#   bash bench/run-all.sh --quick langid quality    # only the named benchmarks
#
# Needs the README's set-up (a release build) and ../shared/data; the reference tools are
# installed into .venv by the benchmarks themselves (bench/setup-venv.sh). The RESULTS-*.md files
# are not rewritten: they hold prose and tables written from these logs; a benchmark whose log
# disagrees with its RESULTS file is the signal to update the file.
set -uo pipefail
cd "$(dirname "$0")/.."

MODE=${1:-}
case "$MODE" in
  --quick|--full) shift ;;
  *) echo "usage: bench/run-all.sh --quick|--full [BENCHMARK ...]" >&2; exit 2 ;;
esac
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
  "tokenizer-heldout|-|bash bench/tok-heldout.sh"
  "pipeline|bash bench/pipeline-scale.sh bench/out/pipeline 50000|bash bench/pipeline-scale.sh bench/out/pipeline 20000 250000 500000 1000000"
  "langid-stage|bash bench/langid-stage-bench.sh bench/out/pipeline/corpus/docs/coll-0004.jsonl.gz 1|bash bench/langid-stage-bench.sh bench/out/pipeline/corpus/docs/coll-0004.jsonl.gz 3"
  "pipeline-datatrove|-|bash bench/pipeline-datatrove.sh bench/out/pipeline 20000"
)

OUT=bench/out/run-all
mkdir -p "$OUT"
cargo build --release -q -p minga || exit 1

stamp() {
  local cpu
  cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
  echo "date $(date -u +%Y-%m-%dT%H:%M:%SZ); git $(git rev-parse --short HEAD)$(git diff --quiet || echo '+dirty');" \
    "$(nproc) cores, ${cpu:-unknown CPU}; load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

# True when benchmark $1 is among the rest of the arguments, or none are given.
wanted() {
  local n=$1; shift
  [ $# -eq 0 ] && return 0
  for w in "$@"; do [ "$w" = "$n" ] && return 0; done
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
for entry in "${BENCHES[@]}"; do
  IFS='|' read -r name quick full <<< "$entry"
  wanted "$name" "$@" || continue
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
  printf '| %s | `%s` | %.0f | %s |\n' "$name" "$cmd" "$wall" "$rc" >> "$SUMMARY.tmp"
  { echo; echo "## $name (exit $rc)"; echo; echo '```'; tail -n 25 "$log"; echo '```'; } >> "$TAILS"
  [ "$rc" -eq 0 ] || echo "   $name failed (exit $rc): see $log" >&2
done
{ echo; echo "Finished: $(stamp)"; cat "$TAILS"; } >> "$SUMMARY.tmp"
rm -f "$TAILS"
mv "$SUMMARY.tmp" "$SUMMARY"
echo "bench/run-all.sh: $SUMMARY" >&2
