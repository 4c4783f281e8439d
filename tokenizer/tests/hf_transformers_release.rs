//! A release bundle loads in transformers with its meaning: `AutoTokenizer.from_pretrained` and
//! `PreTrainedTokenizerFast.from_pretrained` on the directory `write_release` made give minga's ids
//! and the bos/eos/pad tokens, `model_max_length` and chat template of `[tokenizer.release]`. Needs
//! `.venv/bin/python` with `transformers` (`bench/setup-venv.sh --ci`); skips with a message when
//! it is missing.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use minga_tokenizer::{train, write_release, CorpusDoc, Encoder, Release, TokError, TrainConfig};

fn venv_python() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python");
    let ok = p.exists()
        && Command::new(&p)
            .args(["-c", "import transformers, jinja2"])
            .status()
            .is_ok_and(|s| s.success());
    ok.then_some(p)
}

const SCRIPT: &str = r#"
import json, sys
from transformers import AutoTokenizer, PreTrainedTokenizerFast
texts = json.load(open(sys.argv[2], encoding="utf-8"))
out = {}
for name, cls in (("auto", AutoTokenizer), ("fast", PreTrainedTokenizerFast)):
    tok = cls.from_pretrained(sys.argv[1])
    out[name] = {
        "ids": [tok(t)["input_ids"] for t in texts],
        "roles": [tok.bos_token, tok.eos_token, tok.pad_token, tok.unk_token],
        "role_ids": [tok.bos_token_id, tok.eos_token_id, tok.pad_token_id],
        "max": tok.model_max_length,
        "chat": tok.apply_chat_template(
            [{"role": "user", "content": texts[0]}], tokenize=True, add_generation_prompt=True,
            return_dict=False),
        "padded": tok(["a", "ab ab ab"], padding=True)["input_ids"],
    }
json.dump(out, open(sys.argv[3], "w"))
"#;

#[test]
fn transformers_loads_the_release_with_ids_and_special_tokens() {
    let Some(python) = venv_python() else {
        eprintln!(
            "skipping: .venv/bin/python with transformers not found (run bench/setup-venv.sh --ci)"
        );
        return;
    };
    let texts: Vec<String> = [
        "Mba'éichapa, che ryvy? Ko’ã kuña oguata mbeguekatu ỹ g̃uahẽ.",
        "Allin p'unchay! Jach'a ch'aki t'ant'a q'ara k'iche' — «comillas»",
        "decomposed: kun\u{303}a, e\u{301}l; emoji 😀👍🏽 CJK 中文 RTL مرحبا",
        "NUL\u{0}inside \r\n\r\nCRLF\ttabs\u{a0}nbsp 1234567 3.14159",
        "",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut corpus = |sink: &mut dyn FnMut(CorpusDoc<'_>)| -> Result<(), TokError> {
        for (i, t) in texts.iter().enumerate() {
            for k in 0..20 {
                let lang = if i % 2 == 0 { "spa" } else { "que" };
                sink(CorpusDoc {
                    lang,
                    source: "test",
                    text: &format!("{t} {k}"),
                });
            }
        }
        Ok(())
    };
    let mut cfg = TrainConfig {
        vocab_size: 600,
        ..TrainConfig::default()
    };
    cfg.release.model_max_length = 2048;
    let outcome = train(&mut corpus, &cfg).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let release = dir.path().join("release");
    write_release(
        &release,
        &Release {
            outcome: &outcome,
            config: &cfg,
            eval: None,
            references: &[],
            data_manifests: &BTreeMap::new(),
        },
    )
    .unwrap();
    let (texts_path, out_path) = (dir.path().join("texts.json"), dir.path().join("out.json"));
    std::fs::write(&texts_path, serde_json::to_string(&texts).unwrap()).unwrap();
    let status = Command::new(python)
        .args(["-c", SCRIPT])
        .arg(&release)
        .arg(&texts_path)
        .arg(&out_path)
        .status()
        .unwrap();
    assert!(status.success(), "the transformers script failed");
    let got: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out_path).unwrap()).unwrap();
    let enc = Encoder::from_json(&outcome.tokenizer_json).unwrap();
    let ours = enc.encode_batch(&texts).unwrap();
    let id = |t: &str| enc.token_to_id(t).unwrap();
    for name in ["auto", "fast"] {
        let g = &got[name];
        let theirs: Vec<Vec<u32>> = serde_json::from_value(g["ids"].clone()).unwrap();
        assert_eq!(ours, theirs, "{name}: ids differ from minga's");
        assert_eq!(
            g["roles"],
            serde_json::json!(["<|bos|>", "<|endoftext|>", "<|pad|>", null]),
            "{name}"
        );
        assert_eq!(
            g["role_ids"],
            serde_json::json!([id("<|bos|>"), 0, id("<|pad|>")]),
            "{name}"
        );
        assert_eq!(g["max"], 2048, "{name}");
        let chat: Vec<u32> = serde_json::from_value(g["chat"].clone()).unwrap();
        let (start, end) = (id("<|im_start|>"), id("<|im_end|>"));
        assert_eq!(chat[0], start, "{name}: chat starts with <|im_start|>");
        assert_eq!(chat.iter().filter(|&&t| t == start).count(), 2, "{name}");
        assert_eq!(chat.iter().filter(|&&t| t == end).count(), 1, "{name}");
        let padded: Vec<Vec<u32>> = serde_json::from_value(g["padded"].clone()).unwrap();
        assert_eq!(padded[0].len(), padded[1].len(), "{name}: padding");
        assert_eq!(
            *padded[0].last().unwrap(),
            id("<|pad|>"),
            "{name}: right padding"
        );
    }
}
