#!/usr/bin/env python3
"""Accuracy and single-threaded speed of CLD2 (pycld2) and langid.py on a directory of <label>.txt
files, next to minga's predictions (a TSV written by `langid_eval --predictions`).

Their ISO 639-1 codes are mapped to ISO 639-3; a label a tool does not know counts as its measured
accuracy (0), and the table also gives the macro accuracy over the labels each tool knows.
"""
import argparse
import os
import sys
import time

ISO1_TO_3 = {
    "es": "spa", "pt": "por", "en": "eng", "qu": "que", "gn": "grn", "ay": "aym",
    "fr": "fra", "it": "ita", "de": "deu", "ca": "cat", "gl": "glg", "la": "lat", "tl": "tgl",
    "id": "ind", "ms": "msa", "nl": "nld", "ro": "ron", "eo": "epo", "eu": "eus", "oc": "oci",
}
KNOWN = {
    "cld2": {"spa", "por", "eng", "que", "grn", "aym"},
    "langid.py": {"spa", "por", "eng", "que"},
}


def load(d):
    data = {}
    for name in sorted(os.listdir(d)):
        if name.endswith(".txt"):
            with open(os.path.join(d, name), encoding="utf-8") as f:
                data[name[:-4]] = [l.rstrip("\n") for l in f if l.strip()]
    return data


def cld2_fn():
    import pycld2

    def detect(text):
        try:
            _, _, details = pycld2.detect(text)
        except pycld2.error:
            return "und"
        code = details[0][1]
        return "und" if code == "un" else ISO1_TO_3.get(code, code)

    return detect


def langid_fn():
    import langid

    langid.classify("warm up")
    def detect(text):
        code = langid.classify(text)[0]
        return ISO1_TO_3.get(code, code)

    return detect


def run(name, fn, data):
    preds, total_bytes, n = {}, 0, 0
    t, c = time.perf_counter(), time.process_time()
    for label, lines in data.items():
        preds[label] = [fn(l) for l in lines]
        total_bytes += sum(len(l.encode()) for l in lines)
        n += len(lines)
    secs, cpu = time.perf_counter() - t, time.process_time() - c
    return preds, n / secs, total_bytes / 1e6 / secs, total_bytes / 1e6 / cpu


def accuracy(data, preds):
    return {l: sum(p == l for p in preds[l]) / max(1, len(data[l])) for l in data}


def minga_preds(path, data):
    preds = {l: [] for l in data}
    with open(path, encoding="utf-8") as f:
        for row in f:
            label, got = row.split("\t", 2)[:2]
            preds[label].append(got)
    return preds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--minga-predictions", required=True)
    ap.add_argument("--minga-speed", default="", help="minga's lines/s and MB/s, as printed")
    args = ap.parse_args()
    data = load(args.dir)
    accs = {"minga": accuracy(data, minga_preds(args.minga_predictions, data))}
    speeds = {"minga": args.minga_speed}
    for name, make in [("cld2", cld2_fn), ("langid.py", langid_fn)]:
        preds, lps, mbs, cpu_mbs = run(name, make(), data)
        accs[name] = accuracy(data, preds)
        speeds[name] = f"{lps:,.0f} lines/s, {mbs:.2f} MB/s ({cpu_mbs:.2f} MB/s per CPU-second)"
    tools = list(accs)
    print("| label | lines | " + " | ".join(tools) + " |")
    print("|---|---|" + "---|" * len(tools))
    for l in data:
        cells = []
        for t in tools:
            known = t == "minga" or l in KNOWN[t]
            cells.append(f"{accs[t][l]:.3f}" + ("" if known else " (n/a)"))
        print(f"| {l} | {len(data[l])} | " + " | ".join(cells) + " |")
    macro = {t: sum(accs[t].values()) / len(data) for t in tools}
    print("| **macro, all labels** | | " + " | ".join(f"**{macro[t]:.3f}**" for t in tools) + " |")
    known_macro = []
    for t in tools:
        ks = [l for l in data if t == "minga" or l in KNOWN[t]]
        known_macro.append(f"{sum(accs[t][l] for l in ks) / len(ks):.3f} ({len(ks)} labels)")
    print("| macro, labels the tool knows | | " + " | ".join(known_macro) + " |")
    print("| speed, 1 thread | | " + " | ".join(speeds[t] for t in tools) + " |")


if __name__ == "__main__":
    sys.exit(main())
