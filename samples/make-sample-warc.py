#!/usr/bin/env python3
"""Build minga's sample crawl from the HTML pages in samples/pages/.

Writes
  samples/web/crawl.warc.gz      WARC/1.1, one gzip member per record
  samples/web/crawl.warc.wet.gz  WARC/1.0 WET file with text `conversion` records

Only the Python standard library is used, and the output is deterministic: fixed dates, record
ids derived from URLs (UUID v5), gzip members with mtime 0. Rerunning gives the same bytes, so the
generated files are committed next to this script. Run it from anywhere:

    python3 samples/make-sample-warc.py

Every page was written for minga and is dedicated to the public domain (CC0-1.0); the personal
data on the contact page is synthetic (example.org address, fictitious names, identifier numbers
made up here with valid check digits so PII detectors can be tested).
"""

import base64
import gzip
import hashlib
import struct
import uuid
import zlib
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from html.parser import HTMLParser
from pathlib import Path

HERE = Path(__file__).resolve().parent
PAGES = HERE / "pages"
OUT = HERE / "web"
START = datetime(2024, 5, 6, 12, 0, 0, tzinfo=timezone.utc)
# Fixed namespace so record ids are stable: uuid5(NAMESPACE, "<type> <uri>").
NAMESPACE = uuid.UUID("1a7e5b4c-2d3f-5e6a-8b9c-0d1e2f3a4b5c")

# (page file, URL, charset named in the HTTP Content-Type header)
PAGES_TO_CRAWL = [
    ("cl-lluvias-valdivia.html", "https://diario-austral.cl.example/2024/05/lluvias-valdivia", "utf-8"),
    ("pe-causa-limena.html", "https://cocina-limena.pe.example/blog/causa-limena", "utf-8"),
    ("mx-milpa-oaxaca.html", "https://gaceta-milpa.mx.example/campo/semillas-nativas", "utf-8"),
    ("ar-ferias-barrio.html", "https://cuaderno-porteno.ar.example/2024/ferias-de-barrio", "utf-8"),
    # Served in windows-1252; the page itself declares no charset, only the HTTP header does.
    ("ar-rio-parana.html", "https://el-litoral-semanal.ar.example/bajante-parana", "windows-1252"),
    ("br-chuva-sertao.html", "https://jornal-do-vale.br.example/2024/05/chuva-no-sertao", "utf-8"),
    ("br-pao-de-queijo.html", "https://cozinha-da-vo.br.example/receitas/pao-de-queijo", "utf-8"),
    ("qu-sara-tarpuy.html", "https://runasimi.pe.example/willakuy/sara-tarpuy", "utf-8"),
    ("gn-kaaguy.html", "https://nhe-e-ryakua.py.example/jehai/kaaguy", "utf-8"),
    ("es-qu-huayno.html", "https://cancionero-andino.pe.example/huayno-urpichay", "utf-8"),
    ("py-jopara-mercado.html", "https://radio-ykua.py.example/jopara/mercado-4", "utf-8"),
    ("spam-ofertas.html", "https://ofertas-top.example/zapatillas-baratas", "utf-8"),
    ("pii-contacto.html", "https://junta-vecinal.cl.example/contacto", "utf-8"),
]

# The same page republished by an aggregator: byte-identical payload under another URL.
EXACT_DUPLICATE = ("mx-milpa-oaxaca.html", "https://agregador-noticias.mx.example/n/48213")

# The same news story on another site with a few words changed.
NEAR_DUPLICATE = (
    "cl-lluvias-valdivia.html",
    "https://radio-sur.cl.example/noticias/lluvias-en-valdivia",
    {"Diario Austral": "Radio Sur", "martes": "lunes", "cuatro tramos": "seis tramos",
     "apicultora": "agricultora"},
)

PNG_URL = "https://diario-austral.cl.example/img/logo.png"
RESOURCE_URL = "https://radio-sur.cl.example/transcripciones/boletin-0506.txt"
RESOURCE_TEXT = """Boletín informativo de Radio Sur, lunes 6 de mayo.

Buenos días. Continúan las lluvias en la región de Los Ríos y se mantiene la alerta temprana
preventiva en las comunas de la costa. Se recomienda a los vecinos revisar techos y canaletas,
y no cruzar esteros crecidos.

En otras noticias, la feria campesina del sábado se traslada al gimnasio municipal por el mal
tiempo. Habrá venta de miel, quesos, verduras y pan amasado desde las nueve de la mañana.
"""

# Pages whose text also goes into the WET file as `conversion` records, with CC-style language.
WET_PAGES = [
    ("cl-lluvias-valdivia.html", "spa"),
    ("br-chuva-sertao.html", "por"),
    ("qu-sara-tarpuy.html", "que"),
]


def rut_check_digit(body: int) -> str:
    """Chilean RUT verifier: modulo 11 with weights 2..7 from the right; 10 -> K, 11 -> 0."""
    total, weight = 0, 2
    for digit in reversed(str(body)):
        total += int(digit) * weight
        weight = 2 if weight == 7 else weight + 1
    rest = 11 - total % 11
    return {11: "0", 10: "K"}.get(rest, str(rest))


def cpf_with_check_digits(base: str) -> str:
    """Brazilian CPF: two modulo-11 check digits over weights 10..2 and 11..2."""
    digits = [int(c) for c in base]
    for top in (10, 11):
        total = sum(d * w for d, w in zip(digits, range(top, 1, -1)))
        rest = total % 11
        digits.append(0 if rest < 2 else 11 - rest)
    return "".join(map(str, digits))


def synthetic_ids() -> dict:
    rut_body = 17234567
    rut = f"{rut_body:,}".replace(",", ".") + "-" + rut_check_digit(rut_body)
    cpf = cpf_with_check_digits("274815936")
    cpf = f"{cpf[:3]}.{cpf[3:6]}.{cpf[6:9]}-{cpf[9:]}"
    return {"{{RUT}}": rut, "{{CPF}}": cpf}


def sha1_digest(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def record_id(kind: str, uri: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(NAMESPACE, kind + ' ' + uri)}>"


def warc_date(i: int) -> str:
    return (START + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%SZ")


def warc_record(kind: str, headers: list, block: bytes, version: str = "1.1") -> bytes:
    lines = [f"WARC/{version}", f"WARC-Type: {kind}"]
    lines += [f"{name}: {value}" for name, value in headers]
    lines += [f"WARC-Block-Digest: {sha1_digest(block)}", f"Content-Length: {len(block)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + block + b"\r\n\r\n"


def http_response(body: bytes, content_type: str, i: int) -> bytes:
    date = format_datetime(START + timedelta(minutes=i), usegmt=True)
    head = (
        "HTTP/1.1 200 OK\r\n"
        f"Date: {date}\r\n"
        "Server: minga-sample\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


def http_request(url: str) -> bytes:
    host, _, path = url.split("://", 1)[1].partition("/")
    return (
        f"GET /{path} HTTP/1.1\r\n"
        f"Host: {host}\r\n"
        "User-Agent: minga-sample-crawler/0.1 (+https://example.org/minga)\r\n"
        "Accept: text/html,application/xhtml+xml\r\n"
        "Accept-Language: es-CL,es;q=0.9,pt;q=0.8\r\n\r\n"
    ).encode("ascii")


def tiny_png() -> bytes:
    """A 4x4 RGB PNG (a small andean-sunset gradient), built by hand."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    rows = b"".join(
        b"\x00" + b"".join(bytes([230 - 30 * y, 90 + 30 * x, 40 + 20 * y]) for x in range(4))
        for y in range(4)
    )
    header = struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def read_page(name: str, replacements: dict = None) -> str:
    text = (PAGES / name).read_text(encoding="utf-8")
    for old, new in {**synthetic_ids(), **(replacements or {})}.items():
        text = text.replace(old, new)
    if "{{" in text:
        raise SystemExit(f"{name}: unfilled placeholder")
    return text


class TextOfPage(HTMLParser):
    """Visible text of a page, one block per line, without navigation or page furniture."""

    SKIP = {"script", "style", "nav", "header", "footer", "aside", "head"}
    BLOCKS = {"p", "h1", "h2", "h3", "li", "blockquote", "br", "div", "article", "title"}

    def __init__(self):
        super().__init__()
        self.skipping = 0
        self.title = ""
        self.in_title = False
        self.lines = [""]

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self.in_title = True
        elif tag in self.SKIP:
            self.skipping += 1
        if tag in self.BLOCKS:
            self.lines.append("")

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        elif tag in self.SKIP:
            self.skipping -= 1
        if tag in self.BLOCKS:
            self.lines.append("")

    def handle_data(self, data):
        if self.in_title:
            self.title += data
        elif not self.skipping:
            self.lines[-1] += " ".join(data.split()) if data.strip() else " "

    def text(self) -> str:
        body = [" ".join(line.split()) for line in self.lines]
        return "\n".join([self.title.strip()] + [line for line in body if line]) + "\n"


def build_warc() -> tuple:
    records, ids = [], {}
    info_id = record_id("warcinfo", "crawl.warc.gz")
    info = (
        "software: minga samples/make-sample-warc.py\r\n"
        "format: WARC File Format 1.1\r\n"
        "conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n"
        "isPartOf: minga-samples\r\n"
        "description: Sample crawl written for minga; all text is original and CC0-1.0.\r\n"
    ).encode("utf-8")
    records.append(warc_record("warcinfo", [
        ("WARC-Date", warc_date(0)), ("WARC-Record-ID", info_id),
        ("WARC-Filename", "crawl.warc.gz"), ("Content-Type", "application/warc-fields"),
    ], info))

    crawl = [(name, url, charset, None) for name, url, charset in PAGES_TO_CRAWL]
    crawl.append((NEAR_DUPLICATE[0], NEAR_DUPLICATE[1], "utf-8", NEAR_DUPLICATE[2]))
    crawl.append((EXACT_DUPLICATE[0], EXACT_DUPLICATE[1], "utf-8", None))
    for i, (name, url, charset, replacements) in enumerate(crawl, start=1):
        body = read_page(name, replacements).encode(charset)
        payload = http_response(body, f"text/html; charset={charset}", i)
        rid = record_id("response", url)
        ids[(name, url)] = rid
        if i == 1:
            records.append(warc_record("request", [
                ("WARC-Date", warc_date(i)), ("WARC-Record-ID", record_id("request", url)),
                ("WARC-Target-URI", url), ("WARC-Warcinfo-ID", info_id),
                ("WARC-Concurrent-To", rid), ("Content-Type", "application/http; msgtype=request"),
            ], http_request(url)))
        records.append(warc_record("response", [
            ("WARC-Date", warc_date(i)), ("WARC-Record-ID", rid), ("WARC-Target-URI", url),
            ("WARC-IP-Address", f"192.0.2.{i}"), ("WARC-Warcinfo-ID", info_id),
            ("WARC-Payload-Digest", sha1_digest(body)),
            ("Content-Type", "application/http; msgtype=response"),
        ], payload))

    n = len(crawl) + 1
    png = tiny_png()
    records.append(warc_record("response", [
        ("WARC-Date", warc_date(n)), ("WARC-Record-ID", record_id("response", PNG_URL)),
        ("WARC-Target-URI", PNG_URL), ("WARC-IP-Address", "192.0.2.1"),
        ("WARC-Warcinfo-ID", info_id), ("WARC-Payload-Digest", sha1_digest(png)),
        ("Content-Type", "application/http; msgtype=response"),
    ], http_response(png, "image/png", n)))
    text = RESOURCE_TEXT.encode("utf-8")
    records.append(warc_record("resource", [
        ("WARC-Date", warc_date(n + 1)), ("WARC-Record-ID", record_id("resource", RESOURCE_URL)),
        ("WARC-Target-URI", RESOURCE_URL), ("WARC-Warcinfo-ID", info_id),
        ("WARC-Payload-Digest", sha1_digest(text)), ("Content-Type", "text/plain; charset=utf-8"),
    ], text))
    return records, ids


def build_wet(response_ids: dict) -> list:
    info_id = record_id("warcinfo", "crawl.warc.wet.gz")
    info = (
        "software: minga samples/make-sample-warc.py\r\n"
        "isPartOf: minga-samples\r\n"
        "description: Text extracted from three pages of crawl.warc.gz (WET conversion records).\r\n"
    ).encode("utf-8")
    records = [warc_record("warcinfo", [
        ("WARC-Date", warc_date(0)), ("WARC-Record-ID", info_id),
        ("WARC-Filename", "crawl.warc.wet.gz"), ("Content-Type", "application/warc-fields"),
    ], info, version="1.0")]
    urls = {name: url for name, url, _ in PAGES_TO_CRAWL}
    for i, (name, lang) in enumerate(WET_PAGES, start=1):
        url = urls[name]
        parser = TextOfPage()
        parser.feed(read_page(name))
        block = parser.text().encode("utf-8")
        records.append(warc_record("conversion", [
            ("WARC-Target-URI", url), ("WARC-Date", warc_date(i)),
            ("WARC-Record-ID", record_id("conversion", url)),
            ("WARC-Refers-To", response_ids[(name, url)]),
            ("WARC-Identified-Content-Language", lang), ("Content-Type", "text/plain"),
        ], block, version="1.0"))
    return records


def write_gz_members(path: Path, records: list) -> None:
    data = b"".join(gzip.compress(r, compresslevel=9, mtime=0) for r in records)
    path.write_bytes(data)
    print(f"{path.relative_to(HERE.parent)}: {len(records)} records, {len(data)} bytes")


def main() -> None:
    OUT.mkdir(exist_ok=True)
    records, ids = build_warc()
    write_gz_members(OUT / "crawl.warc.gz", records)
    write_gz_members(OUT / "crawl.warc.wet.gz", build_wet(ids))


if __name__ == "__main__":
    main()
