#!/usr/bin/env bash
# Times minga's document readers (TEI, txt, jsonl) against Python stdlib equivalents, one core,
# on ../shared/data/documents. Usage: bench/docs-readers.sh [RUNS]   (default 3 runs each)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
data=../shared/data/documents
[ -d "$data" ] || { echo "skipping: ../shared/data not found"; exit 0; }
out=bench/out/docs-readers
mkdir -p "$out"
cargo build --release -q -p minga --example read_docs
bin=${CARGO_TARGET_DIR:-target}/release/examples/read_docs

# A jsonl corpus from the Machado texts: one record per paragraph, extra fields as meta.
jsonl=$out/machado-paragraphs.jsonl
if [ ! -s "$jsonl" ]; then
  python3 - "$data/machado-txt" "$jsonl" <<'PY'
import json, pathlib, sys
src, dst = pathlib.Path(sys.argv[1]), sys.argv[2]
with open(dst, "w", encoding="utf-8") as out:
    for rep in range(4):
        for f in sorted(src.glob("*.txt")):
            for i, para in enumerate(f.read_text(encoding="utf-8").split("\n\n")):
                if para.strip():
                    out.write(json.dumps({"id": f"{f.stem}-{rep}-{i}", "text": para,
                                          "source": f.name, "n": i}, ensure_ascii=False) + "\n")
PY
fi

run() { for _ in $(seq "$runs"); do taskset -c 0 "$@"; done; }
echo "== TEI: conha19 (40 files)";   run "$bin" $data/conha19-tei/*.xml
echo "-- python xml.etree";          run python3 bench/docs_readers_py.py tei $data/conha19-tei/*.xml
echo "== txt: machado (245 files)";  run "$bin" $data/machado-txt/*.txt
echo "-- python";                    run python3 bench/docs_readers_py.py txt $data/machado-txt/*.txt
echo "== jsonl: machado paragraphs"; run "$bin" "$jsonl"
echo "-- python json";               run python3 bench/docs_readers_py.py jsonl "$jsonl"
echo "== peak memory (KB, max RSS)"
for f in "$data/conha19-tei/nh0007.xml" "$jsonl"; do
  /usr/bin/time -f "%M KB  $(basename "$f")" "$bin" "$f" > /dev/null
done

echo "== hostile inputs (KB max RSS, seconds)"
huge=$out/huge-line.jsonl
if [ ! -s "$huge" ]; then
  python3 - "$huge" <<'PY'
import sys
with open(sys.argv[1], "wb") as f:
    f.write(b'{"id": "a", "text": "Rimaykullayki."}\n{"id": "big", "text": "')
    chunk = b"a" * (1 << 20)
    for _ in range(300):
        f.write(chunk)
    f.write(b'"}\n{"id": "c", "text": "Tupananchikkama."}\n')
PY
fi
bomb=$out/entity-bomb.xml
python3 - "$bomb" <<'PY'
import sys
ents = ['<!ENTITY e0 "jajaja">'] + [f'<!ENTITY e{i} "{("&e%d;" % (i - 1)) * 10}">' for i in range(1, 10)]
body = "<p>" + "&e9;" * 1000 + "</p>"
open(sys.argv[1], "w").write(f'<!DOCTYPE TEI [{"".join(ents)}]><TEI><text><body>{body}</body></text></TEI>')
PY
deep=$out/deep-nesting.xml
python3 -c "import sys; n=100000; open(sys.argv[1],'w').write('<TEI><text><body>' + '<div>'*n + 'x' + '</div>'*n + '</body></text></TEI>')" "$deep"
for f in "$huge" "$bomb" "$deep"; do
  /usr/bin/time -f "%M KB  %e s  $(basename "$f")" "$bin" --verbose "$f" | cut -c1-160
done
