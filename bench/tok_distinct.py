"""Builds bench/out/spa-distinct.txt: over 100 MB of Spanish in which no paragraph occurs twice.

usage: tok_distinct.py DATA CONHA19_GIT

  CONHA19_GIT  a clone (or bare mirror) of https://github.com/cligs/conha19; its txt/ folder at
               commit COMMIT (237 novels, Creative Commons Public Domain Mark 1.0) is read with
               `git archive`, so nothing outside bench/out/ is written.
  DATA         ../shared/data; its langid/train/spa.txt (news and web sentences) is added.

The old training corpus (spa100m.txt, bench/tok_corpus.py) was 26 MB repeated four times, which
flatters every trainer's word-count cache; here every line is a paragraph or sentence kept only at
its first occurrence (after collapsing whitespace). The 40 novels of DATA/documents/conha19-tei are
among the 237, so they are not read again. Printed and written to spa-distinct.json: bytes and
lines before and after the exact dedup, and the share of word 8-grams that are distinct, which
also sees a paragraph repeated inside a longer one (estimated on the 8-grams whose hash falls in
1/16 of the hash space, so memory stays small).
"""
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile

COMMIT = "d5def0a3b5900fd37172714d1b8b91bfce0a267c"
OUT = "bench/out"
TARGET = 100 * 1000 * 1000


def conha19_novels(git_dir):
    """(name, text) of txt/*.txt at COMMIT, in name order."""
    tar = subprocess.run(
        ["git", "-C", git_dir, "archive", "--format=tar", COMMIT, "txt"], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(tar)) as t:
        members = sorted((m for m in t.getmembers() if m.isfile() and m.name.endswith(".txt")), key=lambda m: m.name)
        for m in members:
            yield m.name, t.extractfile(m).read().decode("utf-8")


class Dedup:
    """Keeps the first occurrence of each whitespace-normalised line; counts what it drops."""

    def __init__(self):
        self.seen = set()
        self.raw_lines = self.raw_bytes = self.kept_lines = self.kept_bytes = 0

    def keep(self, line):
        text = " ".join(line.split())
        if not text:
            return None
        size = len(text.encode("utf-8")) + 1
        self.raw_lines += 1
        self.raw_bytes += size
        key = hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
        if key in self.seen:
            return None
        self.seen.add(key)
        self.kept_lines += 1
        self.kept_bytes += size
        return text


def ngram_distinct_share(path, n=8, sample=16):
    """Distinct word n-grams / all word n-grams (within lines), on a 1/sample hash slice."""
    seen, total = set(), 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            words = line.split()
            for i in range(len(words) - n + 1):
                h = hash(tuple(words[i : i + n]))
                if h % sample == 0:
                    total += 1
                    seen.add(h)
    return len(seen) / total if total else 0.0


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    data, git_dir = sys.argv[1], sys.argv[2]
    os.makedirs(OUT, exist_ok=True)
    dedup, sources = Dedup(), []
    path = f"{OUT}/spa-distinct.txt"
    with open(path, "w", encoding="utf-8") as out:
        novels = conha19_novels(git_dir)
        langid = [("langid/train/spa.txt", open(f"{data}/langid/train/spa.txt", encoding="utf-8").read())]
        for group, docs in (("conha19 txt/ (237 novels)", novels), ("langid/train/spa.txt", langid)):
            before = dedup.kept_bytes
            files = 0
            for _, text in docs:
                files += 1
                for line in text.splitlines():
                    kept = dedup.keep(line)
                    if kept is not None:
                        out.write(kept + "\n")
            sources.append({"source": group, "files": files, "distinct_bytes": dedup.kept_bytes - before})
    stats = {
        "file": path,
        "conha19_commit": COMMIT,
        "sources": sources,
        "raw_lines": dedup.raw_lines,
        "raw_bytes": dedup.raw_bytes,
        "distinct_lines": dedup.kept_lines,
        "distinct_bytes": dedup.kept_bytes,
        "distinct_line_share_of_bytes": round(dedup.kept_bytes / dedup.raw_bytes, 5),
        "distinct_word8gram_share": round(ngram_distinct_share(path), 5),
    }
    json.dump(stats, open(f"{OUT}/spa-distinct.json", "w"), indent=1)
    print(json.dumps(stats, indent=1))
    if dedup.kept_bytes < TARGET:
        sys.exit(f"only {dedup.kept_bytes} distinct bytes, below {TARGET}")


main()
