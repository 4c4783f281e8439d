#!/usr/bin/env bash
# Builds the 1 M-document workdir used in RESULTS-audit.md: each document is two lines of
# ../shared/data/langid/train/*.txt (line i and line 7919*i+13), as jsonl with a URL on one of
# 20,000 hosts (`https://site<i mod 20000>.example/<file>/<i>`), then ingest + langid.
#   bench/make-audit-workdir.sh OUTDIR [MINGA_BINARY]
set -euo pipefail
out=${1:?usage: make-audit-workdir.sh OUTDIR [MINGA]}
minga=$(realpath "${2:-${CARGO_TARGET_DIR:-target}/release/minga}")
data="$(cd "$(dirname "$0")/.." && pwd)/../shared/data/langid/train"
mkdir -p "$out/src"
python3 - "$data" "$out/src" <<'PY'
import glob, json, sys
lines = [l.strip() for f in sorted(glob.glob(sys.argv[1] + '/*.txt'))
         for l in open(f, encoding='utf-8') if l.strip()]
n, N = len(lines), 1_000_000
for k in range(10):
    with open(f'{sys.argv[2]}/docs-{k:02d}.jsonl', 'w') as out:
        for i in range(k * N // 10, (k + 1) * N // 10):
            text = lines[i % n] + "\n" + lines[(i * 7919 + 13) % n]
            url = f"https://site{i % 20000}.example/{k}/{i}"
            out.write(json.dumps({"text": text, "url": url}, ensure_ascii=False) + "\n")
PY
cat > "$out/pipeline.toml" <<'TOML'
workdir = "work"
[[source]]
name = "langid-train"
path = "src"
format = "jsonl"
licence = "see ../shared/data/langid/README.md"
consent = "public corpora"
TOML
cd "$out"
/usr/bin/time -v "$minga" ingest --config pipeline.toml --out work/ingest
/usr/bin/time -v "$minga" langid --in work/ingest --out work/langid
