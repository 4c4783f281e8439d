#!/usr/bin/env bash
# Throughput of minga's WARC reader alone (framing, HTTP, charset decoding; no extraction) next to
# the fastwarc and warcio readers, one core each, over a generated crawl-like WARC (plain and
# per-record gzip) and the LibreOffice help WARC of make-libreoffice-warc.sh when present.
# Needs bench/setup-venv.sh for the peers.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p minga --example warc_bench
bin="${CARGO_TARGET_DIR:-target}/release/examples/warc_bench"
mkdir -p bench/out
captures="${CAPTURES:-20000}"
[ -f bench/out/synthetic.warc.gz ] || "$bin" generate bench/out/synthetic.warc.gz "$captures"
[ -f bench/out/synthetic.warc ] || "$bin" generate bench/out/synthetic.warc "$captures"
files=(bench/out/synthetic.warc bench/out/synthetic.warc.gz)
[ -f bench/out/libreoffice.warc.gz ] && files+=(bench/out/libreoffice.warc.gz)
for f in "${files[@]}"; do
  echo "== $f"
  for _ in 1 2 3; do taskset -c 0 "$bin" read "$f"; done
  if [ -x .venv/bin/python ]; then
    .venv/bin/python bench/ingest-peers.py "$f" --only "fastwarc (reader only),warcio (reader only)" 2>/dev/null \
      | grep reader
  fi
done
