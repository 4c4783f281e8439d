#!/usr/bin/env python3
"""datatrove running the pipeline minga runs, on the same WARC files (bench/pipeline-scale.sh):

  1. WarcReader -> Trafilatura -> language ID -> GopherRepetition, GopherQuality, C4Quality
     (no terminal-punctuation rule, as FineWeb), FineWebQuality -> JsonlWriter
  2-5. MinHash dedup as datatrove runs it (signatures, buckets, clusters, filter; 5-grams,
     14 buckets x 8 hashes, minga's banding) -> DocumentTokenizer with minga's own tokenizer.json

GopherQuality runs without its stop-word rule (English stop words only). Language ID is CLD2 (pycld2) in a LambdaFilter that drops what CLD2 cannot label, standing in
for datatrove's fastText LanguageFilter, whose model is downloaded at run time (this machine has
no network). Every step runs with TASKS tasks on as many worker processes; CPU seconds are those of
the worker processes (RUSAGE_CHILDREN), wall seconds per step.

usage: pipeline_datatrove.py WEB_DIR OUT_DIR TOKENIZER_JSON [TASKS]
Prints one tab-separated line per step: step, wall s, CPU s.
"""
import os
import resource
import sys
import time

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup import (
    MinhashDedupBuckets,
    MinhashDedupCluster,
    MinhashDedupFilter,
    MinhashDedupSignature,
)
from datatrove.pipeline.dedup.minhash import MinhashConfig
from datatrove.pipeline.extractors import Trafilatura
from datatrove.pipeline.filters import (
    C4QualityFilter,
    FineWebQualityFilter,
    GopherQualityFilter,
    GopherRepetitionFilter,
    LambdaFilter,
)
from datatrove.pipeline.readers import JsonlReader, WarcReader
from datatrove.pipeline.tokens import DocumentTokenizer
from datatrove.pipeline.writers import JsonlWriter


def cld2_labels(doc) -> bool:
    import pycld2

    try:
        reliable, _, details = pycld2.detect(doc.text)
    except pycld2.error:
        return False
    code = details[0][1]
    doc.metadata["language"] = code
    return code != "un"


def run(name, pipeline, out, tasks):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.time()
    LocalPipelineExecutor(
        pipeline=pipeline,
        tasks=tasks,
        workers=min(tasks, os.cpu_count() or 1),
        logging_dir=os.path.join(out, "logs", name),
        start_method="fork",
    ).run()
    wall = time.time() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"{name}\t{wall:.1f}\t{cpu:.1f}", flush=True)


def main() -> None:
    web, out, tokenizer = sys.argv[1], sys.argv[2], sys.argv[3]
    tasks = int(sys.argv[4]) if len(sys.argv) > 4 else os.cpu_count()
    mh = MinhashConfig(n_grams=5, num_buckets=14, hashes_per_bucket=8)
    filtered = os.path.join(out, "filtered")
    run(
        "extract+lid+filters",
        [
            WarcReader(web, glob_pattern="*.warc.gz"),
            Trafilatura(favour_precision=True),
            LambdaFilter(cld2_labels),
            GopherRepetitionFilter(),
            # Its stop words are English: on these Spanish, Portuguese and indigenous-language
            # pages the rule drops 88 % of documents, so it is off (minga's stop words are per language).
            GopherQualityFilter(min_stop_words=None),
            C4QualityFilter(filter_no_terminal_punct=False),
            FineWebQualityFilter(),
            JsonlWriter(filtered),
        ],
        out,
        tasks,
    )
    sigs, buckets, clusters = (os.path.join(out, d) for d in ("sigs", "buckets", "clusters"))
    run("minhash-signatures", [JsonlReader(filtered), MinhashDedupSignature(sigs, config=mh)], out, tasks)
    run("minhash-buckets", [MinhashDedupBuckets(sigs, buckets, config=mh)], out, mh.num_buckets)
    run("minhash-clusters", [MinhashDedupCluster(buckets, clusters, config=mh)], out, 1)
    run(
        "minhash-filter+tokenize",
        [
            JsonlReader(filtered),
            MinhashDedupFilter(clusters),
            DocumentTokenizer(os.path.join(out, "tokens"), tokenizer_name_or_path=tokenizer),
        ],
        out,
        tasks,
    )


if __name__ == "__main__":
    main()
