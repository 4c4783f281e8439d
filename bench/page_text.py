"""Writes the whole visible text of the extract-eval web pages (menus, footers, cookie notices
and all, i.e. *without* main-content extraction) as JSON lines per language, to check that the
quality rules reject boilerplate-heavy text: `{lang}.jsonl` with one `{"file", "text"}` per page.
Standard library only.

usage: python3 bench/page_text.py ../shared/data/extract-eval bench/out/pages
"""

import html.parser
import json
import os
import sys

BLOCK = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
         "br", "section", "article", "header", "footer", "nav", "aside", "table", "form",
         "blockquote", "pre", "dt", "dd", "option", "title"}
SKIP = {"script", "style", "noscript", "template", "svg"}
LANGS = {"es": "spa", "pt": "por", "en": "eng"}


class Visible(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIP:
            self.skip += 1
        elif tag in BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)

    def text(self):
        lines = (" ".join(l.split()) for l in "".join(self.parts).split("\n"))
        return "\n".join(l for l in lines if l)


def main():
    root, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    files = {}
    for line in open(os.path.join(root, "truth.jsonl"), encoding="utf-8"):
        rec = json.loads(line)
        lang = LANGS.get(rec["lang"])
        if not lang:
            continue
        p = Visible()
        p.feed(open(os.path.join(root, rec["file"]), encoding="utf-8", errors="replace").read())
        if lang not in files:
            files[lang] = open(os.path.join(out, f"{lang}.jsonl"), "w", encoding="utf-8")
        files[lang].write(json.dumps({"file": rec["file"], "text": p.text()}, ensure_ascii=False) + "\n")
    for f in files.values():
        f.close()


if __name__ == "__main__":
    main()
