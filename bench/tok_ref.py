"""Reference runs for bench/tok-bench.sh (HF tokenizers' Python API and sentencepiece).

  hf-train FILE VOCAB OUT.json MINGA.json  byte-level BPE configured like minga's: NFC, the split
                                           pattern and special tokens read from MINGA.json, byte
                                           level, min_frequency 2, tokens of at most 32 characters
  spm-train FILE VOCAB PREFIX              sentencepiece BPE, TOK_THREADS threads (default 2)
  hf-encode TOKENIZER.json FILE IDS        encode_batch (HF_API=fast: encode_batch_fast) over the
                                           lines in chunks of 20,000; writes u32 count + ids per line
Every command prints the line tok-bench.sh parses: "trained vocab N in S s" or
"encode: T tokens L lines in S s = R M tokens/s", with S the seconds of the library call alone.
"""
import json, os, sys, time
from array import array

THREADS = int(os.environ.get("TOK_THREADS", "2"))
CHUNK = 20_000  # lines per batch call, as in tokenizer/examples/common/mod.rs


def minga_settings(path):
    # Split pattern and special tokens come from minga's tokenizer.json so both trainers get the same.
    j = json.load(open(path))
    pattern = j["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"]
    specials = [t["content"] for t in sorted(j["added_tokens"], key=lambda t: t["id"])]
    return pattern, specials


def hf_train(path, vocab, out, minga_json):
    from tokenizers import Tokenizer, Regex, models, normalizers, pre_tokenizers, decoders, trainers

    pattern, specials = minga_settings(minga_json)
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.Split(Regex(pattern), behavior="isolated"), pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)]
    )
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab, min_frequency=2, show_progress=False, special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), max_token_length=32,
    )
    t = time.time()
    tok.train([path], trainer)
    print(f"hf-train: trained vocab {tok.get_vocab_size()} in {time.time() - t:.3f} s")
    tok.save(out)


def spm_train(path, vocab, prefix):
    import sentencepiece as spm

    # max_sentence_length above the longest line (21 KB), so spm reads every line the others read
    # (its default, 4,192 bytes, drops about 1 % of the text); pieces up to 32 characters as above.
    t = time.time()
    spm.SentencePieceTrainer.train(
        input=path, model_prefix=prefix, vocab_size=vocab, model_type="bpe", num_threads=THREADS,
        character_coverage=1.0, max_sentence_length=1 << 16, max_sentencepiece_length=32,
        input_sentence_size=0, minloglevel=2,
    )
    size = sum(1 for _ in open(prefix + ".vocab", encoding="utf-8"))
    print(f"spm-train: trained vocab {size} in {time.time() - t:.3f} s")


def hf_encode(tok_path, path, out):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(tok_path)
    batch = tok.encode_batch_fast if os.environ.get("HF_API") == "fast" else tok.encode_batch
    # Split as Rust's str::lines (on "\n" only), not splitlines(), so every encoder sees the same lines.
    lines = open(path, encoding="utf-8", newline="").read().removesuffix("\n").split("\n")
    # Timed: the batch call and reading each Encoding's ids into a Python list (the API's only way
    # to hand them over); reading the file and writing ids are outside, as in tok_encode.
    t = time.time()
    ids = []
    for i in range(0, len(lines), CHUNK):
        ids.extend(e.ids for e in batch(lines[i : i + CHUNK], add_special_tokens=False))
    secs = time.time() - t
    n = sum(map(len, ids))
    print(f"encode: {n} tokens {len(lines)} lines in {secs:.3f} s = {n / secs / 1e6:.3f} M tokens/s")
    with open(out, "wb") as f:
        for row in ids:
            f.write(array("I", [len(row)]).tobytes() + array("I", row).tobytes())


cmd = sys.argv[1] if len(sys.argv) > 1 else ""
if cmd == "hf-train" and len(sys.argv) == 6:
    hf_train(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
elif cmd == "spm-train" and len(sys.argv) == 5:
    spm_train(sys.argv[2], int(sys.argv[3]), sys.argv[4])
elif cmd == "hf-encode" and len(sys.argv) == 5:
    hf_encode(sys.argv[2], sys.argv[3], sys.argv[4])
else:
    sys.exit(__doc__)
