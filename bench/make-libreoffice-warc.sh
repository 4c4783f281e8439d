#!/usr/bin/env bash
# Builds bench/out/libreoffice.warc.gz: the HTML help pages of Debian's libreoffice-help-es and
# libreoffice-help-pt-br packages (about 5,000 real Spanish and Portuguese pages) as WARC
# `response` records, one gzip member per record, for the ingest benchmark (bench/ingest-peers.py).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/out"
mkdir -p "$out/debs" "$out/libreoffice"
cd "$out/debs"
if ! ls libreoffice-help-es_*.deb >/dev/null 2>&1 || ! ls libreoffice-help-pt-br_*.deb >/dev/null 2>&1; then
  apt-get download libreoffice-help-es libreoffice-help-pt-br
fi
for deb in libreoffice-help-es_*.deb libreoffice-help-pt-br_*.deb; do
  dpkg -x "$deb" "$out/libreoffice"
done
python3 "$here/html-to-warc.py" "$out/libreoffice/usr/share/libreoffice/help" "$out/libreoffice.warc.gz"
