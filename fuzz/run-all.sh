#!/usr/bin/env bash
# Runs every cargo-fuzz target for SECONDS (default 900), JOBS at a time (default 2), with corpora
# seeded from samples/. Needs cargo-fuzz (`cargo install cargo-fuzz`); on a stable toolchain the
# nightly flags are enabled with RUSTC_BOOTSTRAP=1. Findings land in fuzz/artifacts/<target>/.
#   fuzz/run-all.sh 900            # all targets, 15 minutes each
#   TARGETS="pii_scan html_extract" fuzz/run-all.sh 120
#   SEED_ONLY=1 MINGA=target/debug/minga fuzz/run-all.sh   # only (re)make the seed corpora
set -euo pipefail
SECONDS_EACH=${1:-900}
JOBS=${JOBS:-2}
cd "$(dirname "$0")"
root=$(cd .. && pwd)
export RUSTC_BOOTSTRAP=1
TARGETS=${TARGETS:-"warc_reader http_response tei_reader jsonl_reader shard_reader html_extract pii_scan tokenizer_export langid_detect zip_docs subtitles eaf_reader pdf_reader"}

seed() { # seed TARGET FILES...
    local t=$1; shift
    mkdir -p "corpus/$t"
    for f in "$@"; do [ -f "$f" ] && cp -n "$f" "corpus/$t/" || true; done
}
s=$root/samples
# warc_reader takes a 2-byte split point first, jsonl_reader 1 byte.
mkdir -p corpus/warc_reader corpus/jsonl_reader
for f in "$s"/web/*; do printf '\x40\x01' | cat - "$f" > "corpus/warc_reader/$(basename "$f")"; done
gunzip -c "$s"/web/*.warc.gz 2>/dev/null | head -c 60000 | { printf '\x00\x10'; cat; } > corpus/warc_reader/plain.warc || true
for f in "$s"/docs/*.jsonl; do printf '\x80' | cat - "$f" > "corpus/jsonl_reader/$(basename "$f")"; done
seed http_response
for f in "$s"/pages/*.html; do
    printf 'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n' | cat - "$f" > "corpus/http_response/$(basename "$f").http"
done
seed tei_reader "$s"/docs/*.xml
seed html_extract "$s"/pages/*.html
seed pii_scan "$s"/pages/*.html "$s"/docs/*.txt "$s"/docs/*.md
seed tokenizer_export "$s"/docs/*.txt "$s"/docs/*.md
seed langid_detect "$s"/docs/*.txt "$s"/docs/*.md
seed eaf_reader "$root"/tests/fixtures/eaf/*.eaf
# A small ELAN seed as well: the real file is larger than -max_len and slow to mutate.
mkdir -p corpus/eaf_reader
cat > corpus/eaf_reader/small.eaf <<'EAF'
<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="a" DATE="2021-05-03"><HEADER><MEDIA_DESCRIPTOR MEDIA_URL="m.wav"/></HEADER>
<TIME_ORDER><TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="10"/><TIME_SLOT TIME_SLOT_ID="ts2"/><TIME_SLOT TIME_SLOT_ID="ts3" TIME_VALUE="3000"/></TIME_ORDER>
<TIER TIER_ID="tx" LINGUISTIC_TYPE_REF="transcription" PARTICIPANT="R" LANG_REF="que"><ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2"><ANNOTATION_VALUE>Allin &amp; p'unchaw</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION></TIER>
<TIER TIER_ID="ft" LINGUISTIC_TYPE_REF="translation" PARENT_REF="tx"><ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a2" ANNOTATION_REF="a1"><ANNOTATION_VALUE>Buenos d&#237;as</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION></TIER>
<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="translation" TIME_ALIGNABLE="false" CONTROLLED_VOCABULARY="cv"/><LANGUAGE LANG_ID="que" LANG_DEF="q"/>
</ANNOTATION_DOCUMENT>
EAF
mkdir -p corpus/subtitles corpus/zip_docs
printf '1\r\n00:00:01,000 --> 00:00:03,000\r\n<i>ROSA: Allin p\x27unchaw</i>\r\n\r\n2\r\n00:00:06,000 --> 00:00:07,000\r\n{\\an8}[m\xfasica]\r\n' > corpus/subtitles/a.srt
printf 'WEBVTT\nLanguage: es\n\nNOTE x\n\n1\n00:01.000 --> 00:02.000 align:start\n<v Ana><c.y>Hola</c> &amp; <00:01.500>chau\n' > corpus/subtitles/b.vtt
# Small DOCX/ODT/EPUB seeds, zipped with Info-ZIP (mimetype first and stored).
if command -v zip >/dev/null; then
    z=$(mktemp -d)
    mkdir -p "$z/docx/word" "$z/odt" "$z/epub/META-INF" "$z/epub/OEBPS"
    echo '<Types/>' > "$z/docx/[Content_Types].xml"
    echo '<w:document xmlns:w="w"><w:body><w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Minga</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>' > "$z/docx/word/document.xml"
    printf 'application/vnd.oasis.opendocument.text' > "$z/odt/mimetype"
    echo '<d xmlns:text="t"><text:h>Feira</text:h><text:p>a<text:s/>b<text:note><text:note-body><text:p>n</text:p></text:note-body></text:note></text:p></d>' > "$z/odt/content.xml"
    printf 'application/epub+zip' > "$z/epub/mimetype"
    echo '<container><rootfiles><rootfile full-path="OEBPS/p.opf"/></rootfiles></container>' > "$z/epub/META-INF/container.xml"
    echo '<package><metadata><title>T</title><rights>CC BY 4.0</rights></metadata><manifest><item id="a" href="a.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="a"/></spine></package>' > "$z/epub/OEBPS/p.opf"
    echo '<html><body><h1>Uno</h1><p>texto&nbsp;y<br/>más</p><aside epub:type="footnote">nota</aside></body></html>' > "$z/epub/OEBPS/a.xhtml"
    (cd "$z/docx" && zip -qX "$z/a.docx" '[Content_Types].xml' word/document.xml)
    (cd "$z/odt" && zip -qX0 "$z/b.odt" mimetype && zip -qX "$z/b.odt" content.xml)
    (cd "$z/epub" && zip -qX0 "$z/c.epub" mimetype && zip -qXr "$z/c.epub" META-INF OEBPS)
    cp "$z"/a.docx "$z"/b.odt "$z"/c.epub corpus/zip_docs/
    rm -rf "$z"
fi
# PDFs: the small ones of the PDF benchmark corpus, when bench/pdf-bench.sh has made it.
seed pdf_reader $(find "$root/bench/out/pdf" -name '*.pdf' -size -200k 2>/dev/null | head -20)
# and small hand-made ones (text encodings, columns, flate, ToUnicode, a form XObject).
python3 "$root/fuzz/pdf_seeds.py" corpus/pdf_reader
# Shards: ingest the samples with the minga binary when one is at hand.
minga=${MINGA:-$(command -v minga || true)}
if [ -n "$minga" ] && [ -x "$minga" ]; then
    tmp=$(mktemp -d)
    "$minga" ingest "$s/docs" --out "$tmp/out" --part-size-mb 0.002 >/dev/null 2>&1 || true
    mkdir -p corpus/shard_reader
    find "$tmp/out" -name 'part-*.parquet' | head -8 | while read -r p; do
        cp "$p" "corpus/shard_reader/$(echo "$p" | tr / _)"
    done
    rm -rf "$tmp"
else
    echo "no minga binary (set MINGA=...): shard_reader starts from an empty corpus" >&2
    mkdir -p corpus/shard_reader
fi

[ -n "${SEED_ONLY:-}" ] && exit 0
# PROFILE=--dev builds much faster (polars) and runs slower, with overflow checks.
PROFILE=${PROFILE:--O}
cargo fuzz build --sanitizer none $PROFILE
mkdir -p logs
run_one() {
    local t=$1
    cargo fuzz run --sanitizer none $PROFILE "$t" "corpus/$t" -- \
        -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -max_len=65536 -timeout=20 \
        > "logs/$t.log" 2>&1 || echo "$t: stopped with a finding, see fuzz/logs/$t.log and fuzz/artifacts/$t/"
    echo "$t: $(grep -Eo '#[0-9]+' "logs/$t.log" | tail -1 | tr -d '#') executions"
}
running=0
for t in $TARGETS; do
    run_one "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
done
wait
