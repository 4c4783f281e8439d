#!/usr/bin/env python3
"""Writes N ~1 KB documents cut from real texts as JSON lines, with planted duplicates.

Usage: gen-dedup-corpus.py N OUT.jsonl [DATA_DIR]   (DATA_DIR default ../shared/data/documents)

Each original document joins three ~340-byte word-aligned slices taken at random offsets of the
Portuguese, Spanish and constitution texts, so documents are distinct while every word is real.
Of every 100 documents, 10 are exact copies of an earlier one and 10 are near-duplicates (3% of
words replaced by words from elsewhere). Seeded: the same N gives the same file.
"""
import json
import random
import re
import sys
from pathlib import Path

n, out = int(sys.argv[1]), Path(sys.argv[2])
data = Path(sys.argv[3] if len(sys.argv) > 3 else "../shared/data/documents")
words = []
for p in sorted(data.rglob("*")):
    if p.suffix not in (".txt", ".xml"):
        continue
    t = p.read_text(encoding="utf-8", errors="replace")
    if p.suffix == ".xml":
        t = re.sub(r"<[^>]+>", " ", t)
    words.extend(t.split())
rng = random.Random(20241125)
docs = []


def slice_words(k=55):
    i = rng.randrange(0, len(words) - k)
    return " ".join(words[i : i + k])


out.parent.mkdir(parents=True, exist_ok=True)
exact = near = 0
with out.open("w", encoding="utf-8") as f:
    for i in range(n):
        r = rng.random()
        if docs and r < 0.10:
            text = rng.choice(docs)
            exact += 1
        elif docs and r < 0.20:
            w = rng.choice(docs).split()
            for _ in range(max(1, len(w) * 3 // 100)):
                w[rng.randrange(len(w))] = words[rng.randrange(len(words))]
            text = " ".join(w)
            near += 1
        else:
            text = "\n\n".join(slice_words() for _ in range(3))
            docs.append(text)
            if len(docs) > 50000:
                docs = docs[-50000:]
        f.write(json.dumps({"id": f"d{i}", "text": text}, ensure_ascii=False) + "\n")
print(f"{out}: {n} documents, {exact} exact copies, {near} near-duplicates", file=sys.stderr)
