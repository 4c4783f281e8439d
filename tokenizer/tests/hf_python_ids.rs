//! Export ids must equal HF tokenizers' Python `encode` on the same `tokenizer.json`. Needs
//! `.venv/bin/python` with `tokenizers` (made by `bench/setup-venv.sh`); skips with a message when
//! it is missing.

use std::path::PathBuf;
use std::process::Command;

use minga_tokenizer::{train, CorpusDoc, Encoder, TokError, TrainConfig};

fn odd_texts() -> Vec<String> {
    let mut v: Vec<String> = [
        "Mba'éichapa, che ryvy? Ko’ã kuña oguata mbeguekatu ỹ g̃uahẽ mbyg̃ue.",
        "Allin p'unchay! Jach'a ch'aki t'ant'a q'ara k'iche' — «comillas» “dobles” ‘simples’",
        "decomposed: kun\u{303}a, e\u{301}l, a\u{308}\u{301}\u{323} \u{301}at start",
        "emoji 😀👍🏽👨‍👩‍👧‍👦 🇵🇪, CJK 中文字符 日本語のテキスト 한국어",
        "RTL: مرحبا بالعالم שלום עולם \u{200F}mark\u{200E}",
        "NUL\u{0}inside \u{1}\u{7f}\r\n\r\nCRLF\ttabs\u{a0}nbsp\u{2003}em\u{3000}x",
        "numbers 1234567 3.14159 ٣٤٥ ２０２４ 10,000.50",
        "specials <|endoftext|> in text <|pad|><|endoftext|>x <|endoftext",
        "   spaces   \n\n\n",
        "",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("Pneumonoultramicroscopicsilicovolcanoconiosis".repeat(100));
    v.push("ñ".repeat(20_000));
    let mut big = String::new();
    let mut i = 0;
    while big.len() < 1 << 20 {
        big.push_str(&v[i % 10]);
        big.push_str(&format!(" línea {i}, wasi {i}.\n"));
        i += 1;
    }
    v.push(big);
    v
}

fn venv_python() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python");
    let ok = p.exists()
        && Command::new(&p)
            .args(["-c", "import tokenizers"])
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
    ok.then_some(p)
}

const SCRIPT: &str = r#"
import json, sys
from tokenizers import Tokenizer
tok = Tokenizer.from_file(sys.argv[1])
texts = json.load(open(sys.argv[2], encoding="utf-8"))
out = {}
for as_text in (False, True):
    tok.encode_special_tokens = as_text
    out[str(as_text).lower()] = [tok.encode(t).ids for t in texts]
json.dump(out, open(sys.argv[3], "w"))
"#;

#[test]
fn ids_equal_hf_python_encode() {
    let Some(python) = venv_python() else {
        eprintln!("skipping: .venv/bin/python with tokenizers not found (run bench/setup-venv.sh)");
        return;
    };
    let texts = odd_texts();
    let mut corpus = |sink: &mut dyn FnMut(CorpusDoc<'_>)| -> Result<(), TokError> {
        for (i, t) in texts.iter().take(10).enumerate() {
            for k in 0..20 {
                sink(CorpusDoc {
                    lang: if i % 2 == 0 { "spa" } else { "grn" },
                    source: "test",
                    text: &format!("{t} {k}"),
                });
            }
        }
        Ok(())
    };
    let cfg = TrainConfig {
        vocab_size: 1000,
        ..TrainConfig::default()
    };
    let json = train(&mut corpus, &cfg).unwrap().tokenizer_json;
    let dir = tempfile::tempdir().unwrap();
    let (tok_path, texts_path, out_path) = (
        dir.path().join("tokenizer.json"),
        dir.path().join("texts.json"),
        dir.path().join("ids.json"),
    );
    std::fs::write(&tok_path, &json).unwrap();
    std::fs::write(&texts_path, serde_json::to_string(&texts).unwrap()).unwrap();
    let status = Command::new(python)
        .arg("-c")
        .arg(SCRIPT)
        .arg(&tok_path)
        .arg(&texts_path)
        .arg(&out_path)
        .status()
        .unwrap();
    assert!(status.success());
    let python_ids: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out_path).unwrap()).unwrap();
    for as_text in [false, true] {
        let enc = Encoder::from_json(&json)
            .unwrap()
            .with_special_tokens_as_text(as_text);
        assert_eq!(enc.fast_path(), Ok(()));
        let ours = enc.encode_batch(&texts).unwrap();
        let theirs: Vec<Vec<u32>> =
            serde_json::from_value(python_ids[as_text.to_string()].clone()).unwrap();
        for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
            let head: String = texts[i].chars().take(30).collect();
            assert_eq!(a, b, "text {i} {head:?}, special tokens as text: {as_text}");
        }
        assert_eq!(ours.len(), theirs.len());
    }
}
