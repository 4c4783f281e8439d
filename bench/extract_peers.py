#!/usr/bin/env python3
"""Runs one reference extractor over HTML pages and times the extraction loop only.

    extract_peers.py TOOL OUT.jsonl PAGE.html...      TOOL: trafilatura | resiliparse

Pages are read into memory first; the times printed (JSON on stdout: wall "seconds" and
process "cpu_seconds") cover the extraction calls alone, as in `extract_jsonl --bench`. OUT.jsonl gets one {"file", "text"} line per page, the format score.py reads.
"""
import json
import sys
import time


def load_tool(name):
    if name == "trafilatura":
        import trafilatura

        # As in trafilatura's own evaluation: main text without comments.
        return lambda html: trafilatura.extract(html, include_comments=False)
    if name == "resiliparse":
        from resiliparse.extract.html2text import extract_plain_text

        return lambda html: extract_plain_text(html, main_content=True)
    raise SystemExit(f"unknown tool {name!r}")


def main():
    tool, out_path, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
    fn = load_tool(tool)
    pages = []
    for p in paths:
        with open(p, "rb") as f:
            raw = f.read()
        pages.append((p, raw.decode("utf-8", errors="replace"), len(raw)))
    texts = []
    start, cpu = time.perf_counter(), time.process_time()
    for _, html, _ in pages:
        try:
            texts.append(fn(html))
        except Exception as e:  # a peer's failure on one page counts as empty output
            print(f"warning: {tool}: {e}", file=sys.stderr)
            texts.append(None)
    secs, cpu = time.perf_counter() - start, time.process_time() - cpu
    with open(out_path, "w", encoding="utf-8") as f:
        for (p, _, _), t in zip(pages, texts):
            f.write(json.dumps({"file": p, "text": t}, ensure_ascii=False) + "\n")
    print(json.dumps({"tool": tool, "pages": len(pages), "bytes": sum(b for _, _, b in pages), "seconds": secs,
                      "cpu_seconds": cpu}))


if __name__ == "__main__":
    main()
