#!/usr/bin/env bash
# Repeated-line boilerplate removal on real pages: the LibreOffice help WARC (5,122 Spanish and
# Portuguese pages of one site, bench/make-libreoffice-warc.sh), `minga dedup` with
# `boilerplate_lines` off and on at several `boilerplate_min_docs`, one thread on one core.
# Prints per setting: CPU seconds, lines, bytes and documents changed, documents left empty, the
# number of distinct lines removed, the 8 most frequent and a fixed sample of 12 of them.
#
#   bash bench/dedup-boilerplate.sh [MIN_DOCS...]      (default 5 10 20)
set -euo pipefail
cd "$(dirname "$0")/.."
CORE=${CORE:-1}
MINGA=${MINGA:-${CARGO_TARGET_DIR:-target}/release/minga}
cargo build --quiet --release -p minga
out=bench/out/boilerplate
mkdir -p "$out"
[ -f bench/out/libreoffice.warc.gz ] || bash bench/make-libreoffice-warc.sh
[ -f "$out/ingest/_manifest.json" ] || "$MINGA" ingest bench/out/libreoffice.warc.gz --out "$out/ingest" --source libreoffice >/dev/null
run() { # name, extra [dedup] lines
  printf '[dedup]\n%b' "$2" > "$out/$1.toml"
  RAYON_NUM_THREADS=1 /usr/bin/time -f "%U %S" -o "$out/time-$1.txt" taskset -c "$CORE" \
    "$MINGA" dedup --in "$out/ingest" --out "$out/$1" --config "$out/$1.toml" >/dev/null 2>&1
  python3 - "$out/$1" "$(awk '{print $1 + $2}' "$out/time-$1.txt")" "$1" <<'PY'
import json, random, sys, pathlib
d, cpu, name = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
m = json.load(open(d / "_manifest.json"))
c = m["counters"]
print(f"{name}: CPU {cpu} s; lines removed {c.get('boilerplate.lines_removed', 0)}, "
      f"bytes {c.get('boilerplate.bytes_removed', 0)}, documents changed {c.get('boilerplate.documents_changed', 0)}, "
      f"left empty {m['reasons'].get('dedup.boilerplate_only', 0)} of {m['rows_in']}")
lst = sorted(d.glob("boilerplate/*.jsonl"))
rows = [json.loads(l) for f in lst for l in open(f)]
if rows:
    print(f"  distinct lines removed: {len(rows)}; most frequent:")
    for r in sorted(rows, key=lambda r: (-r["docs"], r["line"]))[:8]:
        print(f"    {r['docs']:5}  {r['line'][:100]}")
    print("  sample:")
    for r in random.Random(17).sample(rows, min(12, len(rows))):
        print(f"    {r['docs']:5}  {r['line'][:100]}")
PY
}
echo "pages: $(python3 -c "import json;print(json.load(open('$out/ingest/_manifest.json'))['rows_out'])"), core $CORE"
run off ""
for n in "${@:-5 10 20}"; do
  for k in $n; do run "min$k" "boilerplate_lines = true\nboilerplate_min_docs = $k\n"; done
done
