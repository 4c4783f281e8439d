#!/usr/bin/env python3
"""Times WARC ingest (read records, decode HTML, extract main text) on one core, side by side:

  fastwarc+resiliparse   fastwarc ArchiveIterator, resiliparse encoding detection + extract_plain_text(main_content)
  warcio+trafilatura     warcio ArchiveIterator, trafilatura.extract
  minga                  `minga ingest` (when the binary has the command)

and, for the readers alone (no extraction): fastwarc and warcio reading every payload.
Each tool runs in its own process pinned to CPU 0 (taskset -c 0). Reports documents/s and
HTML MB/s (payload bytes of the `response` records) and ratios against fastwarc+resiliparse.

usage: bench/setup-venv.sh && bench/make-libreoffice-warc.sh
       .venv/bin/python bench/ingest-peers.py [bench/out/libreoffice.warc.gz] [--only TOOL,...]
"""
import json
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MINGA = os.path.join(ROOT, "target", "release", "minga")
MINGA_CMD = "taskset -c 0 target/release/minga ingest bench/out/libreoffice.warc.gz --out bench/out/ingest-lo --source lo"


def run_fastwarc(path, extract):
    from fastwarc.warc import ArchiveIterator, WarcRecordType
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.encoding import bytes_to_str, detect_encoding

    docs = html_bytes = chars = 0
    with open(path, "rb") as f:
        for rec in ArchiveIterator(f, record_types=WarcRecordType.response):
            body = rec.reader.read()
            html_bytes += len(body)
            if extract:
                text = extract_plain_text(bytes_to_str(body, detect_encoding(body)), main_content=True)
                chars += len(text)
            docs += 1
    return docs, html_bytes, chars


def run_warcio(path, extract):
    from warcio.archiveiterator import ArchiveIterator

    if extract:
        import trafilatura
    docs = html_bytes = chars = 0
    with open(path, "rb") as f:
        for rec in ArchiveIterator(f):
            if rec.rec_type != "response":
                continue
            body = rec.content_stream().read()
            html_bytes += len(body)
            if extract:
                text = trafilatura.extract(body) or ""
                chars += len(text)
            docs += 1
    return docs, html_bytes, chars


TOOLS = {
    "fastwarc+resiliparse": lambda p: run_fastwarc(p, True),
    "warcio+trafilatura": lambda p: run_warcio(p, True),
    "fastwarc (reader only)": lambda p: run_fastwarc(p, False),
    "warcio (reader only)": lambda p: run_warcio(p, False),
}


def child(tool, path):
    start, cpu0 = time.perf_counter(), time.process_time()
    docs, html_bytes, chars = TOOLS[tool](path)
    secs, cpu = time.perf_counter() - start, time.process_time() - cpu0
    print(json.dumps({"tool": tool, "docs": docs, "html_bytes": html_bytes, "chars": chars, "secs": secs, "cpu": cpu}))


def minga_available():
    if not os.access(MINGA, os.X_OK):
        return False
    return subprocess.run([MINGA, "ingest", "--help"], capture_output=True).returncode == 0


def run_minga(path, html_bytes, docs):
    out = os.path.join(ROOT, "bench", "out", "ingest-lo")
    shutil.rmtree(out, ignore_errors=True)
    start, before = time.perf_counter(), os.times()
    subprocess.run(["taskset", "-c", "0", MINGA, "ingest", path, "--out", out, "--source", "lo"], check=True,
                   cwd=ROOT, env={**os.environ, "RAYON_NUM_THREADS": "1"})
    secs, after = time.perf_counter() - start, os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    # HTML bytes are the same WARC's; documents are minga's own count of response records read
    # (kept + ledgered), from its manifest.
    with open(os.path.join(out, "_manifest.json")) as f:
        docs = json.load(f)["rows_in"]
    return {"tool": "minga", "docs": docs, "html_bytes": html_bytes, "chars": 0, "secs": secs, "cpu": cpu}


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
        return
    import argparse

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("warc", nargs="?", default=os.path.join(ROOT, "bench", "out", "libreoffice.warc.gz"))
    ap.add_argument("--only", help="comma-separated tool names")
    opts = ap.parse_args()
    path = os.path.abspath(opts.warc)
    only = opts.only.split(",") if opts.only else None
    results = []
    for tool in TOOLS:
        if only and tool not in only:
            continue
        cmd = ["taskset", "-c", "0", sys.executable, os.path.abspath(__file__), "--child", tool, path]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
        r = results[-1]
        print(f"{tool}: {r['docs']} docs in {r['secs']:.2f} s", file=sys.stderr)
    if minga_available() and results:
        results.append(run_minga(path, results[0]["html_bytes"], results[0]["docs"]))
    base = next((r for r in results if r["tool"] == "fastwarc+resiliparse"), None)
    print(f"WARC: {os.path.relpath(path, ROOT)} ({os.path.getsize(path) / 1e6:.1f} MB stored)")
    # Rates per CPU second: on a shared machine wall time also counts time spent descheduled.
    print("| tool (1 core) | docs | wall s | CPU s | docs/s | HTML MB/s | vs fastwarc+resiliparse |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        dps = r["docs"] / r["cpu"]
        mbs = r["html_bytes"] / 1e6 / r["cpu"]
        ratio = f"{base['cpu'] / r['cpu']:.2f}x" if base else "-"
        print(f"| {r['tool']} | {r['docs']} | {r['secs']:.2f} | {r['cpu']:.2f} | {dps:,.0f} | {mbs:.1f} | {ratio} |")
    if not minga_available():
        print(f"| minga | pending: `{MINGA_CMD}` | | | | | |")


if __name__ == "__main__":
    main()
