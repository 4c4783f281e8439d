"""Reference runs for bench/tok-bench.sh (HF tokenizers' Python API and sentencepiece).

  hf-train FILE VOCAB OUT.json      byte-level BPE configured like minga's (NFC, same split, byte level)
  spm-train FILE VOCAB PREFIX       sentencepiece BPE, 2 threads
  hf-encode TOKENIZER.json FILE IDS  encode_batch over the lines; writes u32 count + ids per line
"""
import json, struct, sys, time


def minga_split_pattern():
    # The split pattern is read from a minga tokenizer.json so both trainers use the same one.
    return json.load(open(sys.argv[5]))["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"]


def hf_train(path, vocab, out, pattern):
    from tokenizers import Tokenizer, Regex, models, normalizers, pre_tokenizers, decoders, trainers

    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.Split(Regex(pattern), behavior="isolated"), pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)]
    )
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab, min_frequency=2, show_progress=False, special_tokens=["<|endoftext|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    t = time.time()
    tok.train([path], trainer)
    print(f"hf-train {time.time() - t:.2f} s vocab {tok.get_vocab_size()}")
    tok.save(out)


def spm_train(path, vocab, prefix):
    import sentencepiece as spm

    t = time.time()
    spm.SentencePieceTrainer.train(
        input=path, model_prefix=prefix, vocab_size=vocab, model_type="bpe", num_threads=2,
        character_coverage=1.0, minloglevel=2,
    )
    print(f"spm-train {time.time() - t:.2f} s")


def hf_encode(tok_path, path, out):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(tok_path)
    lines = open(path, encoding="utf-8").read().splitlines()
    t = time.time()
    ids = []
    for i in range(0, len(lines), 20000):
        ids.extend(e.ids for e in tok.encode_batch(lines[i : i + 20000], add_special_tokens=False))
    secs = time.time() - t
    n = sum(map(len, ids))
    print(f"hf-encode {n} tokens in {secs:.2f} s = {n / secs / 1e6:.3f} M tokens/s")
    with open(out, "wb") as f:
        for row in ids:
            f.write(struct.pack(f"<I{len(row)}I", len(row), *row))


cmd = sys.argv[1]
if cmd == "hf-train":
    hf_train(sys.argv[2], int(sys.argv[3]), sys.argv[4], minga_split_pattern())
elif cmd == "spm-train":
    spm_train(sys.argv[2], int(sys.argv[3]), sys.argv[4])
elif cmd == "hf-encode":
    hf_encode(sys.argv[2], sys.argv[3], sys.argv[4])
else:
    sys.exit(__doc__)
