"""Builds the tokenizer benchmark corpora under bench/out/ (ignored) from ../shared/data.

  spa100m.txt  conha19 TEI body paragraphs + langid/train/spa.txt, repeated and cut to 100 MB
  mix/<lang>.txt  langid train for all labels (source "langid")
  mix/spa.conha19.txt, mix/por.machado.txt  the novels, as a second source of spa and por
One paragraph or segment per line (a line is a document for the trainers). tok-bench.sh passes
each file as LANG:SOURCE=FILE, so the trainer balances the sources of a language.
"""
import glob, os, re, sys
import xml.etree.ElementTree as ET

DATA = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
OUT = "bench/out"
TEI = "{http://www.tei-c.org/ns/1.0}"


def conha19_paragraphs():
    for path in sorted(glob.glob(f"{DATA}/documents/conha19-tei/*.xml")):
        body = ET.parse(path).getroot().find(f".//{TEI}body")
        if body is None:
            continue
        for el in body.iter():
            if el.tag in (f"{TEI}p", f"{TEI}l"):
                text = " ".join("".join(el.itertext()).split())
                if text:
                    yield text


def machado_paragraphs():
    for path in sorted(glob.glob(f"{DATA}/documents/machado-txt/*.txt")):
        raw = open(path, encoding="utf-8").read()
        for para in re.split(r"\n\s*\n", raw):
            text = " ".join(para.split())
            if text:
                yield text


def main():
    os.makedirs(f"{OUT}/mix", exist_ok=True)
    conha = list(conha19_paragraphs())
    spa_train = open(f"{DATA}/langid/train/spa.txt", encoding="utf-8").read().splitlines()
    base = ("\n".join(conha + spa_train) + "\n").encode("utf-8")
    target = 100 * 1000 * 1000
    data = (base * (target // len(base) + 1))[:target]
    data = data[: data.rfind(b"\n") + 1]
    open(f"{OUT}/spa100m.txt", "wb").write(data)
    for path in sorted(glob.glob(f"{DATA}/langid/train/*.txt")):
        lang = os.path.basename(path)[:-4]
        lines = open(path, encoding="utf-8").read().splitlines()
        open(f"{OUT}/mix/{lang}.txt", "w", encoding="utf-8").write("\n".join(lines) + "\n")
    for name, lines in (("spa.conha19", conha), ("por.machado", list(machado_paragraphs()))):
        open(f"{OUT}/mix/{name}.txt", "w", encoding="utf-8").write("\n".join(lines) + "\n")
    print(f"spa100m.txt {len(data)} bytes; conha19 {sum(map(len, conha))} chars in {len(conha)} paragraphs")


main()
