#!/usr/bin/env bash
# `minga report` on the 1 M-document workdir of make-audit-workdir.sh: wall, user CPU and peak
# RSS of 3 runs, interleaved with a second binary when one is given (e.g. an older build), so
# both sides see the same machine state. Also checks that both write the same card.
#   bench/report-bench.sh OUTDIR [MINGA] [BASELINE_MINGA]
set -euo pipefail
out=${1:?usage: report-bench.sh OUTDIR [MINGA] [BASELINE_MINGA]}
minga=$(realpath "${2:-${CARGO_TARGET_DIR:-target}/release/minga}")
base=${3:+$(realpath "$3")}
here="$(cd "$(dirname "$0")" && pwd)"
workdir=$out/work  # what make-audit-workdir.sh builds
[ -d "$workdir/langid" ] || "$here/make-audit-workdir.sh" "$out" "$minga"
cd "$out"
echo "# minga report on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg), $(git -C "$here" rev-parse --short HEAD)"
for run in 1 2 3; do
  for side in minga ${base:+baseline}; do
    bin=$minga; [ "$side" = baseline ] && bin=$base
    /usr/bin/time -f "$side run $run: %e s wall, %U s user, %M KB peak" \
      "$bin" report --workdir work --out "report-$side" 2>&1 | tail -1
  done
done
if [ -n "$base" ]; then
  cmp report-minga/stats.json report-baseline/stats.json \
    && cmp report-minga/index.html report-baseline/index.html \
    && echo "same card from both binaries"
fi
