#!/usr/bin/env python3
"""Builds the whole-pipeline benchmark input from the real text of ../shared/data.

Documents are runs of real paragraphs (conha19 novels, Machado de Assis, the constitutions) and
real sentences (langid/train, 21 languages), each document in one language. 80 % are web pages
(HTML with a per-site header, menu and footer) in WARC files, one gzip member per record; 20 %
are document collections in jsonl.gz. About 8 % of documents are exact copies of an earlier one
and 6 % near copies (3 % of words replaced, or two paragraphs swapped and a line added), always of
an earlier document, so every prefix of the file list is a self-contained corpus: the 0.25 M and
0.5 M runs read the first quarter and half of the files.

Language shares (of documents): spa 50 %, por 28 %, eng 4 %, the 18 indigenous languages 18 %
together (in proportion to their training text, at least 0.4 % each).

usage: gen-pipeline-corpus.py OUT_DIR DOCS [SEED]
Writes OUT_DIR/web/crawl-NNNN.warc.gz, OUT_DIR/docs/coll-NNNN.jsonl.gz (10,000 documents a file,
every fifth file a collection), OUT_DIR/files.tsv (file, documents, text bytes) and the counts of
exact and near copies on stdout. Python standard library only.
"""
import gzip
import json
import os
import random
import re
import sys
import uuid
import xml.etree.ElementTree as ET

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")
PER_FILE = 10_000
TARGET_BYTES = 5_200  # mean text bytes per document

MENU = {
    "spa": ("Inicio", "Noticias", "Cultura", "Contacto", "Todos los derechos reservados"),
    "por": ("Início", "Notícias", "Cultura", "Contato", "Todos os direitos reservados"),
}


def paragraphs_of_tei(path):
    ns = "{http://www.tei-c.org/ns/1.0}"
    root = ET.parse(path).getroot()
    for p in root.iter(ns + "p"):
        t = " ".join("".join(p.itertext()).split())
        if len(t) > 40:
            yield t


def paragraphs_of_txt(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        for block in re.split(r"\n\s*\n", f.read()):
            t = " ".join(block.split())
            if len(t) > 40:
                yield t


def pools():
    """Text units per language: paragraphs for spa/por, training sentences for the rest."""
    units = {}
    docs = os.path.join(DATA, "documents")
    for name in sorted(os.listdir(os.path.join(docs, "conha19-tei"))):
        if name.endswith(".xml"):
            units.setdefault("spa", []).extend(
                paragraphs_of_tei(os.path.join(docs, "conha19-tei", name)))
    for name in sorted(os.listdir(os.path.join(docs, "machado-txt"))):
        if name.endswith(".txt"):
            units.setdefault("por", []).extend(
                paragraphs_of_txt(os.path.join(docs, "machado-txt", name)))
    train = os.path.join(DATA, "langid", "train")
    for name in sorted(os.listdir(train)):
        lang = name[:-4]
        with open(os.path.join(train, name), encoding="utf-8") as f:
            lines = [" ".join(l.split()) for l in f if len(l.strip()) > 20]
        units.setdefault(lang, []).extend(lines)
    return units


def language_weights(units):
    big = {"spa": 0.50, "por": 0.28, "eng": 0.04}
    small = [l for l in units if l not in big]
    sizes = {l: sum(map(len, units[l])) for l in small}
    total = sum(sizes.values())
    w = dict(big)
    for l in small:
        w[l] = 0.18 * max(sizes[l] / total, 0.004 / 0.18)
    norm = sum(w.values())
    langs = sorted(w)
    return langs, [w[l] / norm for l in langs]


def make_text(rng, pool):
    out, size = [], 0
    target = rng.randint(TARGET_BYTES // 3, TARGET_BYTES * 5 // 3)
    while size < target:
        u = rng.choice(pool)
        out.append(u)
        size += len(u) + 2
    return out


def near_copy(rng, paras):
    paras = list(paras)
    if rng.random() < 0.5 and len(paras) > 2:
        i = rng.randrange(len(paras) - 1)
        paras[i], paras[i + 1] = paras[i + 1], paras[i]
        paras.append("Actualizado.")
        return paras
    words = " \n".join(paras).split(" ")
    for _ in range(max(1, len(words) * 3 // 100)):
        words[rng.randrange(len(words))] = words[rng.randrange(len(words))]
    return " ".join(words).split(" \n")


def html_page(lang, site, title, paras):
    menu = MENU.get(lang, MENU["spa"])
    nav = " | ".join(f'<a href="/{m.lower()}">{m}</a>' for m in menu[:4])
    body = "\n".join(f"<p>{p}</p>" for p in paras)
    return (f"<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">"
            f"<title>{title} - site{site}</title></head><body><header><nav>{nav}</nav></header>"
            f"<main><article><h1>{title}</h1>\n{body}\n</article></main>"
            f"<footer>site{site}.example - {menu[4]} - 2024</footer></body></html>").encode()


def warc_record(uri, payload):
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            + b"Content-Length: %d\r\n\r\n" % len(payload)) + payload
    rid = uuid.uuid5(uuid.NAMESPACE_URL, uri)
    head = ("WARC/1.1\r\nWARC-Type: response\r\n"
            f"WARC-Record-ID: <urn:uuid:{rid}>\r\nWARC-Date: 2024-01-01T00:00:00Z\r\n"
            f"WARC-Target-URI: {uri}\r\n"
            "Content-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http)}\r\n\r\n").encode()
    return gzip.compress(head + http + b"\r\n\r\n", compresslevel=1, mtime=0)


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 2026)
    units = pools()
    langs, weights = language_weights(units)
    os.makedirs(os.path.join(out, "web"), exist_ok=True)
    os.makedirs(os.path.join(out, "docs"), exist_ok=True)
    earlier = []  # (lang, paragraphs) of a sample of earlier documents, for copies
    stats = {"docs": 0, "exact": 0, "near": 0, "text_bytes": 0}
    listing = open(os.path.join(out, "files.tsv"), "w")
    for f in range((n + PER_FILE - 1) // PER_FILE):
        web = f % 5 != 4
        path = os.path.join(out, "web" if web else "docs",
                            f"crawl-{f:04d}.warc.gz" if web else f"coll-{f:04d}.jsonl.gz")
        text_before = stats["text_bytes"]
        with open(path + ".tmp", "wb") as fh:
            gz = None if web else gzip.GzipFile(fileobj=fh, mode="wb", compresslevel=1, mtime=0)
            for i in range(min(PER_FILE, n - f * PER_FILE)):
                k = f * PER_FILE + i
                r = rng.random()
                if earlier and r < 0.08:
                    lang, paras = rng.choice(earlier)
                    stats["exact"] += 1
                elif earlier and r < 0.14:
                    lang, paras = rng.choice(earlier)
                    paras = near_copy(rng, paras)
                    stats["near"] += 1
                else:
                    lang = rng.choices(langs, weights)[0]
                    paras = make_text(rng, units[lang])
                if len(earlier) < 200_000:
                    earlier.append((lang, paras))
                elif rng.random() < 0.05:
                    earlier[rng.randrange(len(earlier))] = (lang, paras)
                title = " ".join(paras[0].split()[:6])
                stats["docs"] += 1
                stats["text_bytes"] += sum(len(p.encode()) + 2 for p in paras)
                if web:
                    site = k % 5000
                    fh.write(warc_record(f"https://site{site}.example/{lang}/{k}",
                                         html_page(lang, site, title, paras)))
                else:
                    row = {"id": f"coll-{k}", "text": "\n\n".join(paras), "lang_hint": lang}
                    gz.write((json.dumps(row, ensure_ascii=False) + "\n").encode())
            if gz:
                gz.close()
        os.replace(path + ".tmp", path)
        rel = os.path.relpath(path, out)
        listing.write(f"{rel}\t{min(PER_FILE, n - f * PER_FILE)}\t{stats['text_bytes'] - text_before}\n")
        listing.flush()
        print(f"{path}: {stats['docs']} documents so far", file=sys.stderr)
    print(json.dumps(stats))


if __name__ == "__main__":
    main()
