#!/usr/bin/env python3
"""Writes every .html/.xhp-rendered page under ROOT as a WARC/1.1 `response` record (HTTP 200,
text/html; charset=utf-8), one gzip member per record, to OUT. Python standard library only.

usage: html-to-warc.py ROOT OUT.warc.gz
"""
import gzip
import hashlib
import base64
import os
import sys
import uuid
from datetime import datetime, timezone


def record(uri: str, payload: bytes, date: str) -> bytes:
    http = (
        b"HTTP/1.1 200 OK\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n"
        + b"Content-Length: %d\r\n\r\n" % len(payload)
    ) + payload
    digest = base64.b32encode(hashlib.sha1(payload).digest()).decode()
    # Record ids derived from the URI so the file is the same on every run.
    rid = uuid.uuid5(uuid.NAMESPACE_URL, uri)
    head = (
        "WARC/1.1\r\n"
        "WARC-Type: response\r\n"
        f"WARC-Record-ID: <urn:uuid:{rid}>\r\n"
        f"WARC-Date: {date}\r\n"
        f"WARC-Target-URI: {uri}\r\n"
        f"WARC-Payload-Digest: sha1:{digest}\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"


def main() -> None:
    root, out = sys.argv[1], sys.argv[2]
    pages = []
    for dirpath, _, files in os.walk(root):
        for name in files:
            if name.endswith((".html", ".htm", ".xhtml")):
                pages.append(os.path.join(dirpath, name))
    pages.sort()
    date = datetime(2024, 1, 1, tzinfo=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    html_bytes = 0
    with open(out + ".tmp", "wb") as f:
        for path in pages:
            with open(path, "rb") as page:
                payload = page.read()
            html_bytes += len(payload)
            uri = "https://help.libreoffice.org/" + os.path.relpath(path, root).replace(os.sep, "/")
            # One gzip member per record, as crawlers write them.
            f.write(gzip.compress(record(uri, payload, date), compresslevel=6, mtime=0))
    os.replace(out + ".tmp", out)
    print(f"{out}: {len(pages)} pages, {html_bytes / 1e6:.1f} MB of HTML")


if __name__ == "__main__":
    main()
