#!/usr/bin/env python3
"""Prints texts of ../shared/data/documents to PDF with LibreOffice in several layouts; the
source paragraphs are the ground truth of reading order.

usage: pdf_print.py DOCS_DIR OUT_DIR
Writes OUT_DIR/pdf/<stem>-<layout>.pdf and OUT_DIR/gt/<stem>-<layout>.pdf.txt.
Layouts: `one` (one column, running header, page-number footer), `two` (two columns, header,
footer), `notes` (one column, header, footnotes whose text is not in the ground truth).
Each text is cut to about WORDS words of whole paragraphs.
"""
import html, os, re, subprocess, sys

WORDS = 1800
TEXTS = [
    "machado-txt/conto_macn001_contos-fluminenses_1870.txt",
    "machado-txt/conto_macn054_brincar-com-fogo_1875.txt",
    "machado-txt/romance_marm01_ressurreicao_1872.txt",
    "machado-txt/critica_mact13_o-ideal-do-critico_1865.txt",
    "constitutions/argentina-fdelmazo/argentina_1853.txt",
    "constitutions/javiervz-constitucional/ecuador.txt",
    "constitutions/peru-duvet05/peru_1993_vigente-2025.txt",
    "constitutions/javiervz-constitucional/paraguay.txt",
]

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"')


def paragraphs(path):
    raw = open(path, encoding="utf-8").read()
    paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n", raw)]
    paras = [p for p in paras if len(p.split()) >= 3 and "http" not in p]
    out, n = [], 0
    for p in paras:
        out.append(p)
        n += len(p.split())
        if n >= WORDS:
            break
    return out


def fodt(paras, layout, header):
    cols = '<style:columns fo:column-count="2" fo:column-gap="0.8cm"/>' if layout == "two" else ""
    body = []
    for i, p in enumerate(paras):
        note = ""
        if layout == "notes" and i % 4 == 1:
            note = ('<text:note text:note-class="footnote"><text:note-citation>{0}</text:note-citation>'
                    '<text:note-body><text:p>Nota {0} al margen del texto.</text:p></text:note-body>'
                    '</text:note>').format(i // 4 + 1)
        body.append(f'<text:p text:style-name="Body">{html.escape(p)}{note}</text:p>')
    return f'''<?xml version="1.0" encoding="UTF-8"?>
<office:document {NS} office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.text">
<office:styles><style:style style:name="Body" style:family="paragraph">
<style:paragraph-properties fo:margin-bottom="0.2cm" fo:text-align="justify"/>
<style:text-properties fo:font-size="11pt"/></style:style></office:styles>
<office:automatic-styles><style:page-layout style:name="pm1">
<style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="1.5cm"
 fo:margin-bottom="1.5cm" fo:margin-left="2cm" fo:margin-right="2cm">{cols}</style:page-layout-properties>
<style:header-style/><style:footer-style/></style:page-layout></office:automatic-styles>
<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1">
<style:header><text:p>{html.escape(header)}</text:p></style:header>
<style:footer><text:p>Página <text:page-number text:select-page="current">1</text:page-number></text:p></style:footer>
</style:master-page></office:master-styles>
<office:body><office:text>{"".join(body)}</office:text></office:body></office:document>
'''


def main():
    docs, out = sys.argv[1], sys.argv[2]
    for sub in ("fodt", "pdf", "gt"):
        os.makedirs(f"{out}/{sub}", exist_ok=True)
    fodts = []
    for rel in TEXTS:
        path = f"{docs}/{rel}"
        if not os.path.exists(path):
            print("missing", path, file=sys.stderr)
            continue
        stem = os.path.basename(rel)[:-4][:40]
        paras = paragraphs(path)
        for layout in ("one", "two", "notes"):
            name = f"{stem}-{layout}"
            with open(f"{out}/fodt/{name}.fodt", "w", encoding="utf-8") as f:
                f.write(fodt(paras, layout, f"Colección de prueba — {stem[:30]}"))
            with open(f"{out}/gt/{name}.pdf.txt", "w", encoding="utf-8") as f:
                f.write("\n\n".join(paras) + "\n")
            fodts.append(f"{out}/fodt/{name}.fodt")
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", f"{out}/pdf"] + fodts,
                   check=True, stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
