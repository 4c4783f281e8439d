#!/usr/bin/env python3
"""Side-by-side main-text extraction: minga, trafilatura, resiliparse on several datasets.

    extract_bench.py MINGA_BIN OUT_DIR DATASET_DIR...      (run by bench/extract-bench.sh)

Every tool runs RUNS times (env, default 3) on every dataset, pinned to core CORE (env, default
0) with `taskset` (TOOLS, env: a comma list, limits the tools), runs interleaved tool by tool so that load on the machine hits all alike.
Each run reads the pages into memory first and times only its extraction loop (CPU time of the
process; minga: `extract_jsonl --bench`, peers: `extract_peers.py`). Quality is scored with
extract-eval's score.py rule on each dataset's dev and report halves (bench/extract_split.py) and
on the es and pt pages. Prints two Markdown tables (quality, speed) to stdout.
"""
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PY = sys.executable
TOOLS = tuple(os.environ.get("TOOLS", "minga,trafilatura,resiliparse").split(","))


def run(cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def timed(tool, binary, out, pages, core):
    pin = ["taskset", "-c", core]
    if tool == "minga":
        cmd = pin + [binary, "--bench", out] + pages
    else:
        cmd = pin + [PY, os.path.join(HERE, "extract_peers.py"), tool, out] + pages
    return json.loads(run(cmd).strip().splitlines()[-1])


def score(score_py, truth, pred):
    o = json.loads(run([PY, score_py, "--truth", truth, "--pred", pred, "--json"]))
    return o["overall"], o["by_lang"]


def f(c):
    return "—" if c is None or not c.get("pages") else f"{c['f1']:.3f}"


def main():
    binary, out_dir, datasets = sys.argv[1], sys.argv[2], sys.argv[3:]
    runs, core = int(os.environ.get("RUNS", "3")), os.environ.get("CORE", "0")
    score_py = os.environ.get("SCORE", "../shared/data/extract-eval/score.py")
    qual, speed = [], []
    for ds in datasets:
        name = os.path.basename(os.path.normpath(ds))
        d = os.path.join(out_dir, name)
        os.makedirs(d, exist_ok=True)
        run([PY, os.path.join(HERE, "extract_split.py"), os.path.join(ds, "truth.jsonl"), d])
        with open(os.path.join(ds, "truth.jsonl"), encoding="utf-8") as fh:
            pages = [os.path.join(ds, json.loads(l)["file"]) for l in fh if l.strip()]
        cpu = {t: [] for t in TOOLS}
        for _ in range(runs):
            for t in TOOLS:
                cpu[t].append(timed(t, binary, os.path.join(d, t + ".jsonl"), pages, core)["cpu_seconds"])
        for t in TOOLS:
            pred = os.path.join(d, t + ".jsonl")
            for split in ("dev", "report"):
                o, by = score(score_py, os.path.join(d, f"truth-{split}.jsonl"), pred)
                qual.append((name, split, t, o, by.get("es"), by.get("pt")))
            rates = sorted(len(pages) / s for s in cpu[t])
            speed.append((name, t, len(pages), statistics.median(rates), rates[0], rates[-1]))
        print(f"done: {name}", file=sys.stderr, flush=True)
    print(f"core {core}, {runs} runs per tool and dataset\n")
    print("| dataset | split | tool | pages | precision | recall | F1 | F1 es (pages) | F1 pt (pages) |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for name, split, t, o, es, pt in qual:
        esn = f" ({es['pages']})" if es else ""
        ptn = f" ({pt['pages']})" if pt else ""
        print(f"| {name} | {split} | {t} | {o['pages']} | {o['precision']:.3f} | {o['recall']:.3f} | "
              f"**{o['f1']:.3f}** | {f(es)}{esn} | {f(pt)}{ptn} |")
    print("\n| dataset | tool | pages | pages per CPU-second, median | min – max |")
    print("|---|---|---:|---:|---:|")
    for name, t, n, med, lo, hi in speed:
        print(f"| {name} | {t} | {n} | {med:.1f} | {lo:.1f} – {hi:.1f} |")


if __name__ == "__main__":
    main()
