#!/usr/bin/env python3
"""Checks a minga workdir with Megatron-Core's own readers (bench/megatron-check.sh runs it).

1. Megatron-Core's tokenizer wrapper (`MegatronTokenizer`, library "huggingface", i.e.
   transformers' AutoTokenizer) loads workdir/tokenizer and reports minga's EOD as its `eod`.
2. `IndexedDataset` opens every dataset export.json lists; every document of the export index
   (`index/part-*.parquet`) is read back by sequence number and must equal that tokenizer's ids for
   the document's text (from the dedup shards) followed by the EOD.
3. With export/blend.json: `BlendedMegatronDatasetBuilder` builds a blended `GPTDataset` from
   `blend.json`'s prefixes and weights (CPU), and the share of samples each language gets must be
   within 0.01 of its weight.

    python bench/megatron_check.py --workdir work [--samples 4000] [--seq-len 64]

Prints one line per check and exits 1 on the first mismatch.
"""
import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter

import numpy as np
import pyarrow.parquet as pq


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def load_texts(stage_dir):
    texts = {}
    for name in sorted(os.listdir(stage_dir)):
        if name.startswith("part-") and name.endswith(".parquet"):
            t = pq.read_table(os.path.join(stage_dir, name), columns=["id", "text"])
            texts.update(zip(t.column("id").to_pylist(), t.column("text").to_pylist()))
    return texts


def check_datasets(export, tok, texts):
    from megatron.core.datasets.indexed_dataset import IndexedDataset

    stats = json.load(open(os.path.join(export, "export.json")))
    datasets = {}
    for shard in stats["shards"]:
        ds = IndexedDataset(os.path.join(export, shard["prefix"]))
        if len(ds) != shard["documents"] or int(ds.sequence_lengths.sum()) != shard["tokens"]:
            fail(f"{shard['prefix']}: {len(ds)} sequences / {ds.sequence_lengths.sum()} tokens, "
                 f"export.json says {shard['documents']} / {shard['tokens']}")
        datasets[shard["prefix"]] = ds
    print(f"ok: IndexedDataset opens {len(datasets)} datasets, "
          f"{sum(len(d) for d in datasets.values())} documents, {stats['tokens']} tokens")
    index_dir = os.path.join(export, "index")
    checked = 0
    for name in sorted(os.listdir(index_dir)):
        rows = pq.read_table(os.path.join(index_dir, name)).to_pylist()
        for r in rows:
            prefix = r.get("prefix") or name.removesuffix(".parquet")
            got = datasets[prefix][r["sequence"]].tolist()
            want = tok.tokenize(texts[r["id"]]) + [tok.eod]
            if got != want or len(got) != r["token_count"]:
                fail(f"{r['id']} ({prefix} #{r['sequence']}): Megatron reads {got[:12]}..., "
                     f"the tokenizer gives {want[:12]}...")
            checked += 1
    print(f"ok: every indexed document ({checked}) reads back as the tokenizer's ids + EOD")


def check_blend(export, tok, samples, seq_len):
    from megatron.core.datasets.blended_megatron_dataset_builder import BlendedMegatronDatasetBuilder
    from megatron.core.datasets.gpt_dataset import GPTDataset, GPTDatasetConfig

    blend = json.load(open(os.path.join(export, "blend.json")))
    prefixes = [os.path.join(export, d["prefix"]) for d in blend["datasets"]]
    weights = [d["weight"] for d in blend["datasets"]]
    import torch.distributed as dist

    with tempfile.TemporaryDirectory() as cache:
        # The builder caches its indices through rank 0 of a process group: one CPU (gloo)
        # process, as a single-node Megatron run has.
        if not dist.is_initialized():
            store = "file://" + os.path.join(cache, "pg-store")
            dist.init_process_group("gloo", init_method=store, rank=0, world_size=1)
        config = GPTDatasetConfig(
            random_seed=1234,
            sequence_length=seq_len,
            blend=(prefixes, weights),
            split="100,0,0",
            tokenizer=tok,
            reset_position_ids=False,
            reset_attention_mask=False,
            eod_mask_loss=False,
            path_to_cache=cache,
        )
        t = time.time()
        train, _, _ = BlendedMegatronDatasetBuilder(
            GPTDataset, [samples, 0, 0], lambda: True, config
        ).build()
        built = time.time() - t
        n = len(train)
        counts = Counter(int(i) for i in train.dataset_index[:n])
        by_lang = Counter()
        for k, c in counts.items():
            by_lang[blend["datasets"][k]["lang"]] += c
        want = Counter()
        for d in blend["datasets"]:
            want[d["lang"]] += d["weight"]
        for lang in sorted(want):
            share = by_lang[lang] / n
            print(f"   {lang}: weight {want[lang]:.4f}, share of samples {share:.4f}")
            if abs(share - want[lang]) > 0.01:
                fail(f"{lang}: {share:.4f} of the samples for a weight of {want[lang]:.4f}")
        sample = train[0]
        if len(sample["tokens"]) != seq_len:
            fail(f"a sample has {len(sample['tokens'])} tokens, not {seq_len}")
        dist.destroy_process_group()
    print(f"ok: BlendedMegatronDatasetBuilder built {n} samples of {seq_len} tokens over "
          f"{len(prefixes)} datasets in {built:.1f} s; language shares match blend.json")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--samples", type=int, default=4000)
    ap.add_argument("--seq-len", type=int, default=64)
    args = ap.parse_args()
    from megatron.core.tokenizers import MegatronTokenizer

    release = os.path.join(args.workdir, "tokenizer")
    tok = MegatronTokenizer.from_pretrained(release, metadata_path={"library": "huggingface"})
    rel = json.load(open(os.path.join(release, "release.json")))
    if tok.eod != rel["eod_id"]:
        fail(f"Megatron's eod is {tok.eod}, the release's EOD id {rel['eod_id']}")
    print(f"ok: MegatronTokenizer loads {rel['name']} {rel['version']} (corpus {rel['corpus_blake3'][:12]}), "
          f"eod {tok.eod}, vocab {tok.vocab_size}")
    export = os.path.join(args.workdir, "export")
    check_datasets(export, tok, load_texts(os.path.join(args.workdir, "dedup")))
    if os.path.exists(os.path.join(export, "blend.json")):
        check_blend(export, tok, args.samples, args.seq_len)
    else:
        print("no export/blend.json (group_by = \"part\"): blend check skipped")


if __name__ == "__main__":
    main()
