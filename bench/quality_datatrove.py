"""Single-core throughput of datatrove's quality filters on the same documents as minga's
`quality_speed` example: GopherQualityFilter, C4QualityFilter and FineWebQualityFilter (the
three named by the benchmark), plus GopherRepetitionFilter (minga computes those signals too).
Every filter sees every document (a fresh copy, since C4QualityFilter rewrites the text).

usage: .venv/bin/python bench/quality_datatrove.py FILE.jsonl [--lang spa] [--repeat 1]
"""

import argparse
import json
import time

from datatrove.data import Document
from datatrove.pipeline.filters import (
    C4QualityFilter,
    FineWebQualityFilter,
    GopherQualityFilter,
    GopherRepetitionFilter,
)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--lang", default="spa")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    texts = [json.loads(line)["text"] for line in open(args.path, encoding="utf-8") if line.strip()]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    # Gopher's default stop words are English; give it minga's list for the language so that it
    # judges Spanish text as minga does (the work done per document is the same either way).
    lists = json.load(open("filters/data/stopwords.json", encoding="utf-8"))["languages"]
    stop_words = lists[args.lang]["words"] if args.lang in lists else None
    filters = {
        "gopher_quality": GopherQualityFilter(language=args.lang, stop_words=stop_words),
        "c4_quality": C4QualityFilter(language=args.lang),
        "fineweb_quality": FineWebQualityFilter(language=args.lang),
        "gopher_repetition": GopherRepetitionFilter(language=args.lang),
    }
    # Warm-up: loads the tokenizers.
    for f in filters.values():
        f.filter(Document(text=texts[0], id="warm"))
    seconds = {}
    kept = {}
    for name, f in filters.items():
        start = time.perf_counter()
        for _ in range(args.repeat):
            kept[name] = 0
            for i, t in enumerate(texts):
                r = f.filter(Document(text=t, id=str(i)))
                kept[name] += int(r is True)
        seconds[name] = (time.perf_counter() - start) / args.repeat
    for name, s in seconds.items():
        print(f"datatrove {name}: {s:.2f} s/pass, {mb / s:.3f} MB/s, kept {kept[name]}/{len(texts)}")
    three = seconds["gopher_quality"] + seconds["c4_quality"] + seconds["fineweb_quality"]
    four = three + seconds["gopher_repetition"]
    print(f"datatrove Gopher+C4+FineWeb: {three:.2f} s/pass, {mb / three:.3f} MB/s")
    print(f"datatrove Gopher+C4+FineWeb+GopherRepetition: {four:.2f} s/pass, {mb / four:.3f} MB/s")
    print(f"MBPS3 {mb / three:.4f}")
    print(f"MBPS4 {mb / four:.4f}")


if __name__ == "__main__":
    main()
