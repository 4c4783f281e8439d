#!/usr/bin/env python3
"""Writes small valid PDFs into DIR as seeds for the pdf_reader fuzz target (a fresh machine has no
benchmark PDFs): text in WinAnsi and with a ToUnicode CMap, a FlateDecode content stream, two
columns, a running footer, a form XObject and an /Info dictionary.

    python3 fuzz/pdf_seeds.py fuzz/corpus/pdf_reader
"""
import os
import sys
import zlib


def pdf(objects):
    """objects: list of bytes bodies for objects 1..n (1 = catalog). Returns the file bytes."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for o in offsets:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, len(objects), xref)
    return bytes(out)


def stream(data, flate=False):
    if flate:
        data = zlib.compress(data)
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


CMAP = b"""/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CMapName /Seed def 1 begincodespacerange <00> <FF> endcodespacerange
2 beginbfchar <41> <00E1> <42> <00F1> endbfchar
1 beginbfrange <61> <7A> <0061> endbfrange endcmap CMapName currentdict /CMap defineresource pop end end"""


def seeds():
    info = b"<< /Title (Cuento de la minga) /Author (Comunidad) /CreationDate (D:20240102030405Z) >>"
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    # 1. One page, WinAnsi text over three lines, a hyphenated word and a page number.
    text = (b"BT /F1 12 Tf 72 720 Td (La minga es trabajo comunitario para el bien) Tj "
            b"0 -14 Td (com\xfan de la comunidad, con pa-) Tj 0 -14 Td (labras en espa\xf1ol.) Tj "
            b"ET BT /F1 9 Tf 300 40 Td (3) Tj ET")
    yield "one-page.pdf", pdf([
        b"<< /Type /Catalog /Pages 2 0 R /Lang (es) >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        stream(text), font, info])
    # 2. Two pages, two columns each, flate content, a footer repeated on both pages.
    cols = (b"BT /F1 10 Tf 72 700 Td (Primera columna del texto) Tj 0 -12 Td (sigue aqui abajo) Tj ET "
            b"BT /F1 10 Tf 320 700 Td (Segunda columna) Tj 0 -12 Td (termina) Tj ET "
            b"BT /F1 8 Tf 72 30 Td (Revista comunitaria) Tj ET")
    page2 = cols.replace(b"Primera", b"Tercera").replace(b"Segunda columna", b"Cuarta columna")
    yield "two-columns.pdf", pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R "
        b"/Resources << /Font << /F1 7 0 R >> >> >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 6 0 R "
        b"/Resources << /Font << /F1 7 0 R >> >> >>",
        stream(cols, flate=True), stream(page2, flate=True), font, info])
    # 3. A ToUnicode CMap font and a form XObject drawing text.
    cmap_font = (b"<< /Type /Font /Subtype /Type1 /BaseFont /Custom /ToUnicode 6 0 R "
                 b"/Encoding << /Type /Encoding /Differences [65 /aacute /ntilde] >> >>")
    form = (b"<< /Type /XObject /Subtype /Form /BBox [0 0 500 100] "
            b"/Resources << /Font << /F2 5 0 R >> >> /Length %d >>\nstream\n")
    form_body = b"BT /F2 11 Tf 10 50 Td (ma) Tj (B) Tj (ana) Tj ET"
    yield "tounicode-form.pdf", pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /XObject << /X1 7 0 R >> /Font << /F2 5 0 R >> >> >>",
        stream(b"q 1 0 0 1 50 600 cm /X1 Do Q BT /F2 12 Tf 72 500 Td [(A) -250 (rbol)] TJ ET"),
        cmap_font,
        stream(CMAP),
        form % len(form_body) + form_body + b"\nendstream",
        info])


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, data in seeds():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
