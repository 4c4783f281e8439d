#!/usr/bin/env bash
# PDF reader: text agreement with poppler's pdftotext on real es/pt PDFs (Debian's
# texlive-lang-spanish and texlive-lang-portuguese), reading order against the ground truth on
# PDFs printed by LibreOffice from ../shared/data/documents (one column, two columns,
# footnotes; running header and page-number footer on every page), and speed per core.
#
#   bench/pdf-bench.sh            # corpus under bench/out/pdf, results on stdout
#   MINGA=target/release/minga RUNS=3 CPU=1 bench/pdf-bench.sh
#
# Needs: apt-get install poppler-utils libreoffice-writer-nogui (root), python3.
# Split: files sorted by name, odd positions (1st, 3rd ...) are the development half the
# layout and header/footer thresholds were chosen on; even positions are the reported half.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/bench/out/pdf
MINGA=${MINGA:-${CARGO_TARGET_DIR:-$root/target}/release/minga}
RUNS=${RUNS:-3}
CPU=${CPU:-1}
mkdir -p "$out"
cd "$out"

# 1. Corpus.
if [ ! -d texlive ]; then
    mkdir -p deb texlive
    (cd deb && apt-get download texlive-lang-spanish texlive-lang-portuguese >/dev/null 2>&1)
    for d in deb/*.deb; do dpkg -x "$d" deb/x; done
    find deb/x -name '*.pdf' | sort | while read -r f; do
        cp "$f" "texlive/$(echo "${f#*texlive-doc/}" | tr '/' '_')"
    done
fi
if [ ! -d printed/pdf ]; then
    python3 "$root/bench/pdf_print.py" "$root/../shared/data/documents" printed >/dev/null 2>&1
fi

# 2. Extraction with both tools, one process per file.
extract() { # extract SET DIR_OF_PDFS
    local set=$1 dir=$2
    mkdir -p "txt/$set/pdftotext" "txt/$set/minga"
    for f in "$dir"/*.pdf; do
        n=$(basename "$f")
        pdftotext -q -enc UTF-8 "$f" "txt/$set/pdftotext/$n.txt" || true
        "$MINGA" extract "$f" >"txt/$set/minga/$n.txt" 2>/dev/null || true
    done
    ls "$dir" | grep '\.pdf$' | sort >"$set.all"
    awk 'NR % 2 == 1' "$set.all" >"$set.dev"
    awk 'NR % 2 == 0' "$set.all" >"$set.test"
}
extract texlive texlive
extract printed printed/pdf

# Files where pdftotext finds under 20 words have no text layer to compare (figures, scans).
PYTHONPATH=$root/bench python3 - <<'PY'
from pdf_agree import words
for half in ("dev", "test"):
    names = open(f"texlive.{half}").read().split()
    keep = [n for n in names if len(words(open(f"txt/texlive/pdftotext/{n}.txt", errors="replace").read())) >= 20]
    open(f"texlive.{half}.text", "w").write("\n".join(keep) + "\n")
PY

agree() { python3 "$root/bench/pdf_agree.py" "$@" | tail -2; }
for half in dev test; do
    echo "== $half half"
    echo "-- texlive: minga vs pdftotext ($(wc -l <texlive.$half.text) files with text)   bag  seq"
    agree txt/texlive/pdftotext txt/texlive/minga "texlive.$half.text"
    for layout in one two notes; do
        grep -- "-$layout.pdf" "printed.$half" >"printed.$half.$layout" || true
        for tool in minga pdftotext; do
            echo "-- printed/$layout: $tool vs ground truth ($(wc -l <printed.$half.$layout) files)   bag  seq"
            agree printed/gt "txt/printed/$tool" "printed.$half.$layout"
        done
    done
done

# 3. Speed per core: every PDF of both sets, one process per file, pinned to one CPU.
all=$( (ls "$out"/texlive/*.pdf; ls "$out"/printed/pdf/*.pdf) )
mb=$(du -cb $all | tail -1 | awk '{printf "%.1f", $1 / 1e6}')
# This shell and every process it starts run on one CPU.
taskset -cp "$CPU" $$ >/dev/null
pt_one() { pdftotext -q -enc UTF-8 "$1" - >/dev/null 2>&1 || true; }
mg_one() { "$MINGA" extract "$1" >/dev/null 2>&1 || true; }
time_tool() { # time_tool FUNCTION ; prints seconds for every file
    local s e
    s=$(date +%s.%N)
    for f in $all; do "$1" "$f"; done
    e=$(date +%s.%N)
    echo "$e - $s" | bc
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
pt=$(for _ in $(seq "$RUNS"); do time_tool pt_one; done | median)
mg=$(for _ in $(seq "$RUNS"); do time_tool mg_one; done | median)
echo "== speed, one core (taskset -c $CPU), $(echo $all | wc -w) files, $mb MB, median of $RUNS"
echo "pdftotext  ${pt}s  $(echo "scale=2; $mb / $pt" | bc) MB/s"
echo "minga      ${mg}s  $(echo "scale=2; $mb / $mg" | bc) MB/s"
