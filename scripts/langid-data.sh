#!/usr/bin/env bash
# Assembles the training and evaluation directories of the built-in language-ID model
# (filters/models/langid.bin) from ../shared/data/langid, outside the repository's tracked files.
#
#   scripts/langid-data.sh [OUT]      # default OUT = target/langid-data
#
# OUT/train/<label>.txt  = train/<label>.txt for every label, and for oto also the dev Otomí lines
#                          with an ODD line number (1, 3, 5, ..., 595: 298 lines)
# OUT/dev/<label>.txt    = dev/<label>.txt for every label except oto, whose file holds only the dev
#                          Otomí lines with an EVEN line number (2, 4, ..., 594: 297 lines), never
#                          used to train or to choose anything
#
# Why: dev Otomí (AmericasNLP dev.oto) is written in a variety and orthography (ⴘ, ô̮, qh, "on",
# "ane") that no line of train/ has, and it is the Otomí minga meets on unseen text. The rule is the
# line number in dev/oto.txt (1-based, as awk's NR), so it is fixed and needs no random state.
# No other label uses any dev line. filters/tests/langid_model.rs applies the same rule when it
# retrains the model and compares the bytes with the committed file.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=${LANGID_DATA:-../shared/data/langid}
OUT=${1:-target/langid-data}
[ -f "$SRC/dev/oto.txt" ] || { echo "langid-data.sh: $SRC/dev/oto.txt not found" >&2; exit 1; }
rm -rf "$OUT/train" "$OUT/dev"
mkdir -p "$OUT/train" "$OUT/dev"
for f in "$SRC"/train/*.txt; do cp "$f" "$OUT/train/"; done
for f in "$SRC"/dev/*.txt; do
  [ "$(basename "$f")" = oto.txt ] || cp "$f" "$OUT/dev/"
done
awk 'NR % 2 == 1' "$SRC/dev/oto.txt" >> "$OUT/train/oto.txt"
awk 'NR % 2 == 0' "$SRC/dev/oto.txt" > "$OUT/dev/oto.txt"
echo "langid-data.sh: $OUT/train (train/ + $(awk 'NR % 2 == 1' "$SRC/dev/oto.txt" | wc -l) odd dev oto lines)," \
  "$OUT/dev (dev/ with $(wc -l < "$OUT/dev/oto.txt") even oto lines)" >&2
