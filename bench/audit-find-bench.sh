#!/usr/bin/env bash
# `minga audit index` and `minga audit find` on the 1 M-document workdir of
# make-audit-workdir.sh: index build time and the time of a URL, a domain and a text query
# (median and range of 3 runs each, every query on one core with `taskset -c 1`).
#   bench/audit-find-bench.sh OUTDIR [MINGA_BINARY]
set -euo pipefail
out=${1:?usage: audit-find-bench.sh OUTDIR [MINGA]}
minga=$(realpath "${2:-${CARGO_TARGET_DIR:-target}/release/minga}")
here="$(cd "$(dirname "$0")" && pwd)"
workdir=$out/work  # what make-audit-workdir.sh builds
[ -d "$workdir/langid" ] || "$here/make-audit-workdir.sh" "$out" "$minga"
cd "$out"
echo "# audit find on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg), $(git -C "$here" rev-parse --short HEAD)"
rm -rf work/audit-index
/usr/bin/time -f "index: %e s wall, %U s user, %M KB peak" "$minga" audit index --workdir work
ls -l work/audit-index
# A document of the corpus as the passage: the text of row 123,457 of the ingest shard.
python3 - <<'PY'
import json
with open("src/docs-01.jsonl", encoding="utf-8") as f:
    for i, line in enumerate(f):
        if i == 23457:
            open("passage.txt", "w", encoding="utf-8").write(json.loads(line)["text"])
            break
PY
time_query() {
  local label=$1; shift
  local runs=()
  for _ in 1 2 3; do
    s=$(date +%s.%N)
    taskset -c 1 "$minga" audit find --workdir work "$@" > "query-$label.out"
    e=$(date +%s.%N)
    runs+=("$(echo "$e - $s" | bc)")
  done
  sorted=$(printf '%s\n' "${runs[@]}" | sort -n | tr '\n' ' ')
  echo "$label: median $(echo "$sorted" | cut -d' ' -f2) s (runs: $sorted); $(sed -n 's/.*: \([0-9]* documents* found.*\)/\1/p' "query-$label.out" | head -1)"
}
time_query url --url https://site4242.example/0/24242
time_query domain --domain site4242.example
time_query text --text passage.txt
