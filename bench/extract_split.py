#!/usr/bin/env python3
"""Splits an extract-eval style truth.jsonl into its dev and report halves by page id.

    extract_split.py TRUTH.jsonl OUTDIR      writes OUTDIR/truth-dev.jsonl, OUTDIR/truth-report.jsonl

Rule (the same as `is_report` in filters/tests/extract_eval.rs): a page is in the report half
when the top bit of fmix64(FNV-1a-64(id)) is set (id as UTF-8 bytes; fmix64 is MurmurHash3's
finalizer, which mixes the top bits of short ids), else in the dev half. Heuristics
are developed on dev pages only; report pages are for figures. Prints the page counts.
"""
import json
import os
import sys


def fnv1a64(s):
    h = 0xCBF29CE484222325
    for b in s.encode("utf-8"):
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def fmix64(h):
    m = 0xFFFFFFFFFFFFFFFF
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & m
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & m
    return h ^ (h >> 33)


def is_report(page_id):
    return fmix64(fnv1a64(page_id)) >> 63 == 1


def main():
    truth, outdir = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    halves = {"dev": [], "report": []}
    with open(truth, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                halves["report" if is_report(rec["id"]) else "dev"].append(line.rstrip("\n"))
    for name, lines in halves.items():
        with open(os.path.join(outdir, f"truth-{name}.jsonl"), "w", encoding="utf-8") as f:
            f.write("".join(l + "\n" for l in lines))
    print(json.dumps({k: len(v) for k, v in halves.items()}))


if __name__ == "__main__":
    main()
