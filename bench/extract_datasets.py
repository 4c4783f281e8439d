#!/usr/bin/env python3
"""Converts public main-text benchmarks into the extract-eval format, outside the repository.

    extract_datasets.py OUT_DIR --merged SRC --scrapinghub SRC [--exclude-truth TRUTH.jsonl]

SRC is a checkout or a bare git directory of
  --merged       github.com/j-szulc/html-cleaning-dataset-merged @ 46e01a04b470 (CleanEval dev and
                 final, Dragnet, L3S-GN1 as geodrome/page-signal, Mozilla readability tests,
                 CleanPortalEval: `input/<name>.html` pages and `GoldStandard/<name>.txt` main text)
  --scrapinghub  github.com/scrapinghub/article-extraction-benchmark @ 4a3bc979f76c
                 (`html/<sha256>.html.gz`, `ground-truth.json` articleBody)
Each dataset becomes OUT_DIR/<name>/{pages/<id>.html, truth.jsonl}, scored by extract-eval's
score.py. The pages stay under their publishers' and the datasets' licences (Dragnet: AGPLv3;
L3S-GN1: research use; readability tests: Apache-2.0; CleanEval: research use): never commit them.

The datasets give the whole main text, not snippets, so snippets are drawn by a fixed rule:
  with:    up to 4 sentences of the gold text, 40-200 characters, that occur inside one text block
           of the page (so a tool can find them), spread over the gold text (first, ~1/3, ~2/3, last);
  without: up to 4 text blocks of the page (>= 4 words, >= 25 characters, cut to <= 100 characters
           at a word boundary) that share under 10% of their word trigrams with the gold text,
           spread over the page.
Pages with no usable `with` sentence are left out. Pages are re-encoded to UTF-8.
"""
import argparse
import gzip
import html as htmlmod
import io
import json
import os
import re
import subprocess
import sys
import tarfile
from html.parser import HTMLParser

WS = re.compile(r"\s+")
SENT = re.compile(r"(?<=[.!?»\"”])\s+(?=[^\s])")
BLOCK = {"p", "div", "li", "td", "th", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "br", "section",
         "article", "header", "footer", "nav", "aside", "ul", "ol", "table", "blockquote", "pre",
         "dd", "dt", "form", "main", "figure", "figcaption", "option", "title", "body", "hr"}
SKIP = {"script", "style", "noscript", "template", "head", "select", "textarea", "svg"}
MERGED = {"cleaneval-dev": "cleaneval-dev", "cleaneval-final": "cleaneval-final",
          "dragnet": "dragnet_data", "l3s-gn1": "page-signal-master", "readability": "readability",
          "cleanportaleval": "CleanPortalEval-master"}


def norm(s):
    return WS.sub(" ", s).strip()


class Blocks(HTMLParser):
    """Visible text of a page split at block-level tags; with `cls`, only text inside elements
    whose class attribute contains one of `cls` (for L3S-GN1's annotated gold pages)."""

    def __init__(self, cls=None):
        super().__init__(convert_charrefs=True)
        self.out, self.cur, self.skip, self.cls, self.stack = [], [], 0, cls, []

    def flush(self):
        t = norm("".join(self.cur))
        if t:
            self.out.append(t)
        self.cur = []

    def handle_starttag(self, tag, attrs):
        if tag in SKIP:
            self.skip += 1
        if tag in BLOCK:
            self.flush()
        if self.cls is not None and tag not in ("br", "img", "hr", "meta", "link", "input"):
            c = dict(attrs).get("class") or ""
            self.stack.append((tag, any(k in c.split() for k in self.cls)))

    def handle_endtag(self, tag):
        if tag in SKIP and self.skip:
            self.skip -= 1
        if tag in BLOCK:
            self.flush()
        if self.cls is not None:
            for i in range(len(self.stack) - 1, -1, -1):
                if self.stack[i][0] == tag:
                    del self.stack[i:]
                    break

    def handle_data(self, data):
        if self.skip:
            return
        if self.cls is not None and not any(on for _, on in self.stack):
            return
        self.cur.append(data)


def blocks(html, cls=None):
    p = Blocks(cls)
    try:
        p.feed(html)
        p.close()
    except Exception:  # a malformed page gives what was parsed so far
        pass
    p.flush()
    return p.out


def decode(raw):
    m = re.search(rb"charset\s*=\s*[\"']?([A-Za-z0-9_-]+)", raw[:4096])
    for enc in ([m.group(1).decode("ascii", "ignore")] if m else []) + ["utf-8", "cp1252"]:
        try:
            text = raw.decode(enc)
            break
        except (LookupError, UnicodeDecodeError):
            continue
    else:
        text = raw.decode("utf-8", errors="replace")
    return re.sub(r"(charset\s*=\s*[\"']?)[A-Za-z0-9_-]+", r"\1utf-8", text, count=2)


def trigrams(s):
    w = s.lower().split()
    return {tuple(w[i:i + 3]) for i in range(len(w) - 2)}


def spread(items, k=4):
    if len(items) <= k:
        return items
    idx = sorted({round(i * (len(items) - 1) / (k - 1)) for i in range(k)})
    return [items[i] for i in idx]


def cut(s, n=100):
    if len(s) <= n:
        return s
    return s[:n].rsplit(" ", 1)[0]


def snippets(page_blocks, gold_paras):
    """The `with` and `without` lists for one page (see the module docstring)."""
    cands = []
    for para in gold_paras:
        for sent in SENT.split(norm(htmlmod.unescape(para))):
            if 40 <= len(sent) <= 200 and any(sent in b for b in page_blocks):
                cands.append(sent)
    with_ = spread(list(dict.fromkeys(cands)))
    gold = trigrams(" ".join(gold_paras))
    out = []
    for b in page_blocks:
        tg = trigrams(b)
        if len(b) < 25 or len(b.split()) < 4 or not tg:
            continue
        if len(tg & gold) >= 0.1 * len(tg) or any(w in b for w in with_):
            continue
        out.append(cut(b))
    return with_, spread(list(dict.fromkeys(out)))


def tree_files(src, sub):
    """{relative path: bytes} under `sub` of a checkout or a bare git directory."""
    if os.path.isdir(os.path.join(src, sub)):
        root = os.path.join(src, sub)
        return {os.path.relpath(os.path.join(d, f), src): open(os.path.join(d, f), "rb").read()
                for d, _, fs in os.walk(root) for f in fs}
    tar = subprocess.run(["git", "--git-dir", src, "archive", "HEAD", sub], check=True,
                         capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(tar)) as t:
        return {m.name: t.extractfile(m).read() for m in t.getmembers() if m.isfile()}


def gold_paras(name, raw):
    if name == "l3s-gn1":  # annotated page: x-nc-sel1 headline, x-nc-sel2 full text
        return blocks(decode(raw), cls=("x-nc-sel1", "x-nc-sel2"))
    text = decode(raw)
    if name == "readability":
        return blocks(text)
    if name == "dragnet":  # content, then the comments after this separator
        text = re.split(r"!@#\$%\^&\*\(\)\s*COMMENTS", text)[0]
    text = re.sub(r"^URL:.*$", "", text, count=1, flags=re.M)
    text = re.sub(r"^\s*<(p|h|l)>", "\n\n", text, flags=re.M)
    return [norm(p) for p in re.split(r"\n\s*\n", text) if norm(p)]


def write(out_dir, name, pages):
    """pages: (id, html text, gold paragraphs, url)."""
    d = os.path.join(out_dir, name)
    os.makedirs(os.path.join(d, "pages"), exist_ok=True)
    n = 0
    with open(os.path.join(d, "truth.jsonl"), "w", encoding="utf-8") as tf:
        for pid, html, gold, url in sorted(pages):
            w, wo = snippets(blocks(html), gold)
            if not w:
                continue
            with open(os.path.join(d, "pages", pid + ".html"), "w", encoding="utf-8") as f:
                f.write(html)
            rec = {"id": pid, "file": f"pages/{pid}.html", "lang": "en", "with": w, "without": wo,
                   "url": url, "source": name}
            tf.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    print(f"{name}: {n} pages", file=sys.stderr)


def merged(src, out_dir):
    for name, sub in MERGED.items():
        files = tree_files(src, sub)
        pages = []
        for path, raw in files.items():
            if "/input/" not in path or not path.endswith(".html"):
                continue
            stem = os.path.basename(path)[:-5]
            gold = files.get(f"{sub}/GoldStandard/{stem}.txt")
            if gold is None:
                continue
            pid = re.sub(r"[^A-Za-z0-9_.-]", "_", stem)
            pages.append((pid, decode(raw), gold_paras(name, gold), ""))
        write(out_dir, name, pages)


def portuguese(text):
    w = text.lower().split()
    return sum(x in ("não", "é", "uma", "são", "também", "com", "os", "das") for x in w) > 0.03 * len(w)


def scrapinghub(src, out_dir):
    files = tree_files(src, "html")
    truth = json.loads(tree_files(src, "ground-truth.json")["ground-truth.json"])
    pages = []
    for pid, rec in truth.items():
        raw = files.get(f"html/{pid}.html.gz")
        # Portuguese pages are already part of extract-eval (and its hold-out): left out here.
        if raw is None or portuguese(rec["articleBody"]):
            continue
        paras = [p for p in rec["articleBody"].split("\n") if p.strip()]
        pages.append((pid, decode(gzip.decompress(raw)), paras, rec.get("url", "")))
    write(out_dir, "scrapinghub", pages)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--merged")
    ap.add_argument("--scrapinghub")
    a = ap.parse_args()
    if a.merged:
        merged(a.merged, a.out)
    if a.scrapinghub:
        scrapinghub(a.scrapinghub, a.out)


if __name__ == "__main__":
    main()
