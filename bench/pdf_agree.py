#!/usr/bin/env python3
"""Word-level agreement between extracted PDF texts and a reference (pdftotext or ground truth).

usage: pdf_agree.py REF_DIR CAND_DIR NAMES_FILE
Each name N is read as REF_DIR/N.txt and CAND_DIR/N.txt. Both sides are normalised the same way:
NFKC, lower case, a hyphen at a line end joined with the next line when it goes on in lower
case (minga does this, pdftotext does not), punctuation stripped from word edges.
Prints per file and overall:
  bag  = F1 of the two word multisets (same words, any order): content agreement;
  seq  = 2*M/(|a|+|b|), M = words in matching blocks in order (difflib): reading-order agreement.
A missing candidate counts as empty text (agreement 0).
"""
import collections, difflib, re, sys, unicodedata

HYPHEN = re.compile(r"(\w)-\n(?=[a-záéíóúñãõâêôçà])")
EDGE = re.compile(r"^\W+|\W+$")


def words(text):
    text = unicodedata.normalize("NFKC", text).replace("\u00ad\n", "").lower()
    text = HYPHEN.sub(r"\1", text)
    out = []
    for w in text.split():
        w = EDGE.sub("", w)
        if w:
            out.append(w)
    return out


def bag_f1(a, b):
    if not a and not b:
        return 1.0
    ca, cb = collections.Counter(a), collections.Counter(b)
    common = sum((ca & cb).values())
    return 2 * common / (len(a) + len(b)) if a or b else 1.0


def seq(a, b):
    if not a and not b:
        return 1.0
    m = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return 2 * sum(x.size for x in m.get_matching_blocks()) / (len(a) + len(b))


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def main():
    ref_dir, cand_dir, names = sys.argv[1], sys.argv[2], sys.argv[3]
    tb = ts = n = 0
    wsum = wbag = wseq = 0
    for name in open(names).read().split():
        a, b = words(read(f"{ref_dir}/{name}.txt")), words(read(f"{cand_dir}/{name}.txt"))
        fb, fs = bag_f1(a, b), seq(a, b)
        print(f"{name}\t{len(a)}\t{len(b)}\t{fb:.4f}\t{fs:.4f}")
        tb += fb; ts += fs; n += 1
        w = max(len(a), 1); wsum += w; wbag += fb * w; wseq += fs * w
    print(f"MEAN\tfiles={n}\t\t{tb / max(n, 1):.4f}\t{ts / max(n, 1):.4f}")
    print(f"WORD-WEIGHTED\t\t\t{wbag / max(wsum, 1):.4f}\t{wseq / max(wsum, 1):.4f}")


if __name__ == "__main__":
    main()
