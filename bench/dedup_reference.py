"""Times the reference MinHash signature tools on the documents `dedup_bench --dump` wrote.

usage: dedup_reference.py DOCS.jsonl [--limit N]

datasketch: MinHash(num_perm=112) fed with word 5-grams of the lower-cased, whitespace-split text
(update_batch, its fastest path). datatrove: MinhashDedupSignature with its default config
(5-grams, 14 buckets x 8 hashes) and the Spanish word tokenizer, run as a pipeline step writing
its signature files to a temporary folder. Times are process CPU seconds (one thread: the bench
script pins the process to one core and sets the BLAS/OpenMP thread counts to 1).
"""

import json
import sys
import tempfile
import time

from datasketch import MinHash
from datatrove.data import Document
from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupSignature
from datatrove.utils.typeshelper import Languages


def load(path, limit):
    docs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            docs.append(json.loads(line)["text"])
            if limit and len(docs) >= limit:
                break
    return docs


def timed(fn, docs):
    cpu0 = time.process_time()
    fn(docs)
    return time.process_time() - cpu0


def run_datasketch(docs):
    for text in docs:
        words = text.lower().split()
        grams = [" ".join(words[i : i + 5]).encode("utf-8") for i in range(max(1, len(words) - 4))]
        m = MinHash(num_perm=112)
        m.update_batch(grams)
        m.hashvalues  # noqa: B018 - the signature


def run_datatrove(docs):
    with tempfile.TemporaryDirectory() as out:
        step = MinhashDedupSignature(output_folder=out, config=MinhashConfig(), language=Languages.spanish)
        data = (Document(text=t, id=str(i)) for i, t in enumerate(docs))
        result = step.run(data, rank=0, world_size=1)
        if result is not None:
            for _ in result:
                pass


def main():
    path = sys.argv[1]
    limit = int(sys.argv[sys.argv.index("--limit") + 1]) if "--limit" in sys.argv else 0
    docs = load(path, limit)
    mb = sum(len(t.encode("utf-8")) for t in docs) / 1e6
    print(f"{len(docs)} documents, {mb:.1f} MB, CPU seconds\n")
    print("| tool | MB/s | docs/s | seconds |\n|---|---|---|---|")
    for name, fn in [("datasketch 112 perms", run_datasketch), ("datatrove MinhashDedupSignature", run_datatrove)]:
        secs = timed(fn, docs)
        print(f"| {name} | {mb / secs:.2f} | {len(docs) / secs:.0f} | {secs:.1f} |", flush=True)


if __name__ == "__main__":
    main()
