#!/usr/bin/env bash
# The language identifier's detection and span options (DetectOptions, SpanOptions) chosen on a
# selection half and reported on a report half that chooses nothing (issue 21; results:
# bench/RESULTS-langid.md, "Options: selection half vs report half").
#
#   bench/langid-options-split.sh            # build, split, sweep, choose, report
#   MINGA_SKIP_BUILD=1 bench/langid-options-split.sh
#
# Split, by line number, no random state:
#   target/langid-data/dev (scripts/langid-data.sh: the dev lines that trained nothing, i.e. every
#   dev file but oto, and for oto only the 297 even-numbered lines of dev/oto.txt, the odd ones
#   train the model) -> bench/out/langid/options/select/<label>.txt = odd-numbered lines of each
#   file (awk NR % 2 == 1), .../report/<label>.txt = even-numbered lines. For oto the numbers are
#   those of target/langid-data/dev/oto.txt, so select holds dev/oto.txt lines 2, 6, 10, ... and
#   report lines 4, 8, 12, ...
#   Other-language text: the extract-eval pages (../shared/data/extract-eval/truth.jsonl) split
#   by bench/extract_split.py, the same page rule as the extraction benchmark: its dev pages go
#   with the selection half, its report pages with the report half; the `with` snippets of pages
#   in Latin-script languages outside the model (mostly German; French, Polish, ...) are used.
# Choosing: filters/examples/langid_options.rs (DetectOptions: sweeps on select, macro F1 over the
# 21 labels first, other-language accuracy second) and filters/examples/langid_span_options.rs
# (SpanOptions: synthetic Spanish-hosted mixed documents and one-language documents built from
# each half's lines; letter accuracy first, boundary F1 second). Both then score the current
# defaults and the chosen values on the report half; the span example also labels real
# one-language documents with both (conha19 novels, Machado's works; they choose nothing). The Rust
# defaults are not changed here.
# DETECT_ALSO: DetectOptions settings named by hand ('name=value,...;...'), scored on both halves
# next to the current and chosen ones (they choose nothing). Default: consult_coverage_below=0.99
# alone, the one picked value that costs nothing on any selection-half figure (the respelled lines
# included); named after the rule's pick had been seen on the report half (2026-12-07).
# Writes bench/out/langid/options/{detect,spans}.txt; the last line is `RESULT langid-options ...`.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-../shared/data}
OUT=bench/out/langid/options
BIN=${CARGO_TARGET_DIR:-target}/release/examples
mkdir -p "$OUT"

echo "== $(date -u +%Y-%m-%dT%H:%M:%SZ); git $(git rev-parse --short HEAD)$([ -z "$(git status --porcelain -- filters)" ] || echo +dirty);" \
  "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'); load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -z "${MINGA_SKIP_BUILD:-}" ]; then
  nice cargo build --release -q -p minga-filters --example langid_options --example langid_span_options
fi

LANGID_DATA="$DATA/langid" bash scripts/langid-data.sh target/langid-data
rm -rf "$OUT/select" "$OUT/report"
mkdir -p "$OUT/select" "$OUT/report"
for f in target/langid-data/dev/*.txt; do
  awk 'NR % 2 == 1' "$f" > "$OUT/select/$(basename "$f")"
  awk 'NR % 2 == 0' "$f" > "$OUT/report/$(basename "$f")"
done
echo "split: select $(cat "$OUT"/select/*.txt | wc -l) lines, report $(cat "$OUT"/report/*.txt | wc -l) lines" \
  "(oto $(wc -l < "$OUT/select/oto.txt") / $(wc -l < "$OUT/report/oto.txt"))"
python3 bench/extract_split.py "$DATA/extract-eval/truth.jsonl" "$OUT" > /dev/null

echo "== DetectOptions"
"$BIN/langid_options" "$OUT/select" "$OUT/report" \
  --other "$OUT/truth-dev.jsonl" "$OUT/truth-report.jsonl" \
  --also "${DETECT_ALSO-consult_coverage_below=0.99}" | tee "$OUT/detect.txt"
echo "== SpanOptions"
"$BIN/langid_span_options" "$OUT/select" "$OUT/report" \
  --conha19 "$DATA/documents/conha19-tei" --machado "$DATA/documents/machado-txt" | tee "$OUT/spans.txt"

detect=$(sed -n 's/^PART detect: //p' "$OUT/detect.txt")
spans=$(sed -n 's/^PART spans: //p' "$OUT/spans.txt")
echo "RESULT langid-options detect: $detect | spans: $spans"
