#!/usr/bin/env python3
"""Trains a tiny GPT on minga's Megatron shards to show they feed a GPU training loop.

The shard reader below is written from the format in DESIGN.md (not from Megatron's code):
  .idx: b"MMIDIDX\\x00\\x00", u64 version 1, u8 dtype code, u64 N, u64 N+1,
        i32 lengths[N], i64 byte pointers[N], i64 document indices[N+1]   (little-endian)
  .bin: the ids of every document, each followed by the EOD id, in that dtype.

  python tokenizer/scripts/train_tiny_gpt.py --blend work/export/blend.json --steps 300
  python tokenizer/scripts/train_tiny_gpt.py --blend work/export/blend.json --device cpu --steps 5
  python tokenizer/scripts/train_tiny_gpt.py --data work/export/part-00000 --steps 300

With --blend (minga's export/blend.json, `group_by = "lang"`), each sequence comes from a dataset
drawn with the blend's weights, and the vocabulary size, EOD and pad ids come from the tokenizer
release (--release, default: ../tokenizer beside the export dir): a window that runs past the end
of a small dataset is padded with the release's pad token, which the loss ignores.

Prints the loss every few steps and, at the end, tokens/s and the mean loss of the first and last
tenth of the steps. Not part of CI: it needs PyTorch (bench/setup-venv.sh --megatron; the reader
alone needs only numpy); bench/megatron-check.sh runs a CPU smoke run from blend.json.
"""
import argparse
import math
import struct
import sys
import time

import numpy as np

MAGIC = b"MMIDIDX\x00\x00"
DTYPES = {1: np.uint8, 2: np.int8, 3: np.int16, 4: np.int32, 5: np.int64, 6: np.float64, 7: np.float32, 8: np.uint16}


class IndexedShard:
    """One `.bin`/`.idx` pair, memory-mapped."""

    def __init__(self, prefix):
        with open(prefix + ".idx", "rb") as f:
            idx = f.read()
        if idx[:9] != MAGIC:
            raise ValueError(f"{prefix}.idx: bad magic {idx[:9]!r}")
        version, code, n, n_docs = struct.unpack_from("<QBQQ", idx, 9)
        if version != 1 or code not in DTYPES or n_docs != n + 1:
            raise ValueError(f"{prefix}.idx: version {version}, dtype {code}, {n} sequences, {n_docs} document entries")
        off = 9 + 8 + 1 + 8 + 8
        self.lengths = np.frombuffer(idx, dtype="<i4", count=n, offset=off)
        self.pointers = np.frombuffer(idx, dtype="<i8", count=n, offset=off + 4 * n)
        self.doc_index = np.frombuffer(idx, dtype="<i8", count=n + 1, offset=off + 12 * n)
        self.dtype = np.dtype(DTYPES[code]).newbyteorder("<")
        self.tokens = np.memmap(prefix + ".bin", dtype=self.dtype, mode="r")
        expected = int(self.lengths.sum()) if n else 0
        if len(self.tokens) != expected:
            raise ValueError(f"{prefix}.bin: {len(self.tokens)} tokens, .idx says {expected}")

    def __len__(self):
        return len(self.lengths)

    def document(self, i):
        start = self.pointers[i] // self.dtype.itemsize
        return np.asarray(self.tokens[start : start + self.lengths[i]])


def batches(shards, seq_len, batch, rng, weights=None, pad_id=None):
    """Random windows of seq_len + 1 tokens; shard k is drawn with weights[k] (default: its
    size). Without a pad id, shards shorter than a window are left out; with one, a window is
    padded to full length."""
    if weights is None:
        weights = [len(s.tokens) for s in shards]
    pairs = [(s.tokens, w) for s, w in zip(shards, weights)
             if len(s.tokens) > (0 if pad_id is not None else seq_len + 1) and w > 0]
    if not pairs:
        sys.exit(f"no shard has more than {seq_len + 1} tokens; lower --seq-len")
    streams = [p[0] for p in pairs]
    p = np.array([p[1] for p in pairs], dtype=np.float64)
    p /= p.sum()
    while True:
        rows = []
        for k in rng.choice(len(streams), size=batch, p=p):
            s = streams[k]
            start = rng.integers(0, max(1, len(s) - seq_len - 1))
            row = np.asarray(s[start : start + seq_len + 1], dtype=np.int64)
            if len(row) < seq_len + 1:
                row = np.concatenate([row, np.full(seq_len + 1 - len(row), pad_id, dtype=np.int64)])
            rows.append(row)
        yield np.stack(rows)


def load_blend(path, release_dir):
    """Datasets and weights of a minga blend.json, and the release's vocabulary and special ids."""
    import json
    import os

    with open(path, encoding="utf-8") as f:
        blend = json.load(f)
    base = os.path.dirname(os.path.abspath(path))
    release_dir = release_dir or os.path.join(base, "..", "tokenizer")
    with open(os.path.join(release_dir, "release.json"), encoding="utf-8") as f:
        release = json.load(f)
    ids = {tok: i for i, tok in release["special_tokens"]}
    specials = {role: ids.get(release.get(role)) for role in ("eos_token", "pad_token", "bos_token")}
    if specials["eos_token"] != release["eod_id"]:
        sys.exit(f"release eos_token {release.get('eos_token')} is not the EOD id {release['eod_id']}")
    prefixes = [os.path.join(base, d["prefix"]) for d in blend["datasets"]]
    weights = [d["weight"] for d in blend["datasets"]]
    langs = {}
    for d in blend["datasets"]:
        langs[d["lang"]] = langs.get(d["lang"], 0.0) + d["weight"]
    print(f"blend {path}: " + ", ".join(f"{l} {w:.3f}" for l, w in sorted(langs.items())))
    print(f"release {release.get('name')} {release.get('version')}: vocab {release['vocab_size']}, "
          f"eos {specials['eos_token']}, pad {specials['pad_token']}, bos {specials['bos_token']}")
    return prefixes, weights, release["vocab_size"], specials


def build_model(torch, vocab, seq_len, d_model, layers, heads):
    nn = torch.nn
    F = torch.nn.functional

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1 = nn.LayerNorm(d_model)
            self.qkv = nn.Linear(d_model, 3 * d_model)
            self.proj = nn.Linear(d_model, d_model)
            self.ln2 = nn.LayerNorm(d_model)
            self.mlp = nn.Sequential(nn.Linear(d_model, 4 * d_model), nn.GELU(), nn.Linear(4 * d_model, d_model))

        def forward(self, x):
            b, t, c = x.shape
            q, k, v = self.qkv(self.ln1(x)).split(c, dim=2)
            q, k, v = (z.view(b, t, heads, c // heads).transpose(1, 2) for z in (q, k, v))
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            x = x + self.proj(y.transpose(1, 2).reshape(b, t, c))
            return x + self.mlp(self.ln2(x))

    class TinyGPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok = nn.Embedding(vocab, d_model)
            self.pos = nn.Embedding(seq_len, d_model)
            self.blocks = nn.ModuleList(Block() for _ in range(layers))
            self.ln = nn.LayerNorm(d_model)
            self.head = nn.Linear(d_model, vocab, bias=False)
            self.head.weight = self.tok.weight
            # GPT-2 initialisation: with N(0, 1) embeddings tied to the output layer the first
            # logits are ~sqrt(d_model) large and the loss starts far above ln(vocab).
            for m in self.modules():
                if isinstance(m, (nn.Linear, nn.Embedding)):
                    nn.init.normal_(m.weight, mean=0.0, std=0.02)
                if isinstance(m, nn.Linear) and m.bias is not None:
                    nn.init.zeros_(m.bias)

        def forward(self, idx):
            pos = torch.arange(idx.shape[1], device=idx.device)
            x = self.tok(idx) + self.pos(pos)
            for blk in self.blocks:
                x = blk(x)
            return self.head(self.ln(x))

    return TinyGPT()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--data", nargs="+", help="shard prefixes (without .bin/.idx)")
    src.add_argument("--blend", help="minga's export/blend.json")
    ap.add_argument("--release", default=None, help="tokenizer release dir (with --blend)")
    ap.add_argument("--device", default=None, help="cuda or cpu (default: cuda when available)")
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--seq-len", type=int, default=256)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--d-model", type=int, default=256)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--vocab-size", type=int, default=None, help="default: largest id in the shards + 1")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    weights, pad_id, release_vocab = None, None, None
    if args.blend:
        prefixes, weights, release_vocab, specials = load_blend(args.blend, args.release)
        pad_id = specials["pad_token"]
    else:
        prefixes = args.data
    shards = [IndexedShard(p) for p in prefixes]
    total = sum(len(s.tokens) for s in shards)
    vocab = args.vocab_size or release_vocab or int(max(int(s.tokens.max()) for s in shards if len(s.tokens)) + 1)
    print(f"{len(shards)} shard(s), {sum(len(s) for s in shards)} documents, {total} tokens, vocab {vocab}")

    import torch

    torch.manual_seed(args.seed)
    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    model = build_model(torch, vocab, args.seq_len, args.d_model, args.layers, args.heads).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.1)
    warmup = max(1, args.steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * min(s, args.steps) / args.steps))
    )
    rng = np.random.default_rng(args.seed)
    data = batches(shards, args.seq_len, args.batch, rng, weights, pad_id)
    ignore = pad_id if pad_id is not None else -100
    losses = []
    start = time.time()
    for step in range(args.steps):
        xy = torch.from_numpy(next(data)).to(device)
        logits = model(xy[:, :-1])
        loss = torch.nn.functional.cross_entropy(
            logits.reshape(-1, vocab), xy[:, 1:].reshape(-1), ignore_index=ignore
        )
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        losses.append(loss.item())
        if step % max(1, args.steps // 20) == 0 or step == args.steps - 1:
            print(f"step {step:5d}  loss {losses[-1]:.4f}  {time.time() - start:.1f} s", flush=True)
    tenth = max(1, len(losses) // 10)
    first, last = np.mean(losses[:tenth]), np.mean(losses[-tenth:])
    print(f"ln(vocab) = {math.log(vocab):.4f} (the loss of a uniform guess)")
    tokens_per_s = args.steps * args.batch * args.seq_len / max(time.time() - start, 1e-9)
    print(f"{tokens_per_s:.0f} tokens/s (inputs, padding included)")
    print(f"{device}: mean loss first {tenth} steps {first:.4f} -> last {tenth} steps {last:.4f} ({'falling' if last < first else 'NOT falling'})")


if __name__ == "__main__":
    main()
