#!/usr/bin/env python3
"""Reference timings for minga's document readers, with the Python standard library.

    python3 bench/docs_readers_py.py tei|txt|jsonl FILE...

tei: xml.etree iterparse (C expat), text of <p>/<head>/<l>/<ab> inside <body>, notes left out.
txt: read, decode UTF-8, normalise line endings and blank lines.
jsonl: json.loads per line, text field popped, other fields kept.
Prints documents, input MB, seconds and MB/s in the same shape as read_docs.
"""
import json
import os
import sys
import time
import xml.etree.ElementTree as ET

TEI = "{http://www.tei-c.org/ns/1.0}"
BLOCKS = {TEI + t for t in ("p", "head", "l", "ab")}


def tei(path):
    paras, in_body = [], 0
    for event, el in ET.iterparse(path, events=("start", "end")):
        if el.tag == TEI + "body":
            in_body += 1 if event == "start" else -1
        elif event == "end" and in_body and el.tag in BLOCKS:
            for note in el.iter(TEI + "note"):
                note.clear()
            paras.append(" ".join("".join(el.itertext()).split()))
            el.clear()
    return ["\n\n".join(paras)]


def txt(path):
    with open(path, "rb") as f:
        text = f.read().decode("utf-8", errors="replace")
    lines = [l.rstrip() for l in text.replace("\r\n", "\n").split("\n")]
    out, blank = [], False
    for l in lines:
        if not l:
            blank = True
            continue
        out.append(("\n\n" if blank and out else "\n" if out else "") + l)
        blank = False
    return ["".join(out)]


def jsonl(path):
    docs = []
    with open(path, "rb") as f:
        for line in f:
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            text = obj.pop("text", None)
            if isinstance(text, str):
                docs.append(text)
    return docs


def main():
    kind, files = sys.argv[1], sys.argv[2:]
    read = {"tei": tei, "txt": txt, "jsonl": jsonl}[kind]
    start = time.perf_counter()
    docs = sum(len(read(p)) for p in files)
    secs = time.perf_counter() - start
    mb = sum(os.path.getsize(p) for p in files) / 1e6
    print(f"documents {docs}  input {mb:.1f} MB  {secs:.3f} s  {mb / secs:.1f} MB/s")


if __name__ == "__main__":
    main()
