//! What a release means to the trainers' tools: `[tokenizer.release]` (name, version, the special
//! tokens' roles, `model_max_length`, chat template) and the two files transformers reads next to
//! `tokenizer.json`, `tokenizer_config.json` and `special_tokens_map.json`. Without them
//! `AutoTokenizer.from_pretrained` loads the vocabulary with `eos_token = None`, and a training
//! script that pads or appends EOS silently does the wrong thing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::TokError;

/// ChatML rendering with minga's `<|im_start|>`/`<|im_end|>` tokens (Jinja, as transformers'
/// `apply_chat_template` runs it).
pub const CHATML_TEMPLATE: &str = "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/// Which chat template the release carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChatTemplate {
    /// `<|im_start|>role\ncontent<|im_end|>\n` per message.
    #[default]
    Chatml,
    /// No template (a base-model tokenizer).
    None,
}

/// `[tokenizer.release]` in `pipeline.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReleaseConfig {
    /// Release name; with `version` and the corpus digest it names exactly which tokenizer a
    /// training run used.
    pub name: String,
    pub version: String,
    /// Longest sequence the model trained with it takes (transformers' `model_max_length`).
    pub model_max_length: u64,
    /// Special-token roles; each must be one of `special_tokens` (`None`: the role is unset).
    pub bos_token: Option<String>,
    pub eos_token: Option<String>,
    pub pad_token: Option<String>,
    /// Byte-level BPE encodes every text, so there is no unknown token by default.
    pub unk_token: Option<String>,
    pub chat_template: ChatTemplate,
}

impl Default for ReleaseConfig {
    fn default() -> Self {
        ReleaseConfig {
            name: "minga".into(),
            version: "0.1.0".into(),
            model_max_length: 4096,
            bos_token: Some("<|bos|>".into()),
            eos_token: Some(crate::EOD_TOKEN.into()),
            pad_token: Some("<|pad|>".into()),
            unk_token: None,
            chat_template: ChatTemplate::Chatml,
        }
    }
}

impl ReleaseConfig {
    /// Checks the release settings against the tokenizer's special tokens. Errors name the key in
    /// backticks (the config check finds its line).
    pub fn validate(&self, special_tokens: &[String]) -> Result<(), TokError> {
        let bad = |m: String| Err(TokError::Config(format!("[tokenizer.release] {m}")));
        for (key, v) in [("name", &self.name), ("version", &self.version)] {
            if v.trim().is_empty() || v.contains(char::is_whitespace) {
                return bad(format!("`{key}` {v:?} must be non-empty without spaces"));
            }
        }
        if self.model_max_length == 0 {
            return bad("`model_max_length` must be positive".into());
        }
        for (key, tok) in self.roles() {
            if let Some(t) = tok {
                if !special_tokens.iter().any(|s| s == t) {
                    return bad(format!(
                        "`{key}` {t:?} is not one of [tokenizer] special_tokens"
                    ));
                }
            }
        }
        if self.chat_template == ChatTemplate::Chatml {
            for t in ["<|im_start|>", "<|im_end|>"] {
                if !special_tokens.iter().any(|s| s == t) {
                    return bad(format!(
                        "`chat_template` \"chatml\" needs {t} in [tokenizer] special_tokens \
                         (or set chat_template = \"none\")"
                    ));
                }
            }
        }
        Ok(())
    }

    /// (key, token) of every role, in transformers' order.
    pub fn roles(&self) -> [(&'static str, Option<&str>); 4] {
        [
            ("bos_token", self.bos_token.as_deref()),
            ("eos_token", self.eos_token.as_deref()),
            ("unk_token", self.unk_token.as_deref()),
            ("pad_token", self.pad_token.as_deref()),
        ]
    }

    pub fn template(&self) -> Option<&'static str> {
        match self.chat_template {
            ChatTemplate::Chatml => Some(CHATML_TEMPLATE),
            ChatTemplate::None => None,
        }
    }
}

/// `special_tokens_map.json`: the roles, plus every other special token as additional.
pub fn special_tokens_map(cfg: &ReleaseConfig, specials: &[(u32, String)]) -> Value {
    let mut m = Map::new();
    for (key, tok) in cfg.roles() {
        if let Some(t) = tok {
            m.insert(key.into(), json!(t));
        }
    }
    m.insert(
        "additional_special_tokens".into(),
        json!(additional(cfg, specials)),
    );
    Value::Object(m)
}

/// The special tokens that have no role.
fn additional(cfg: &ReleaseConfig, specials: &[(u32, String)]) -> Vec<String> {
    let roles: Vec<&str> = cfg.roles().iter().filter_map(|(_, t)| *t).collect();
    specials
        .iter()
        .filter(|(_, t)| !roles.contains(&t.as_str()))
        .map(|(_, t)| t.clone())
        .collect()
}

/// `tokenizer_config.json`: what `AutoTokenizer.from_pretrained` reads besides `tokenizer.json`.
/// No BOS or EOS is added by `encode` (`add_bos_token`/`add_eos_token` false), so transformers
/// gives the ids minga exports; the training loop adds EOD between documents as export does.
pub fn tokenizer_config(cfg: &ReleaseConfig, specials: &[(u32, String)]) -> Value {
    let decoder: BTreeMap<String, Value> = specials
        .iter()
        .map(|(id, t)| {
            let entry = json!({"content": t, "lstrip": false, "normalized": false,
                "rstrip": false, "single_word": false, "special": true});
            (id.to_string(), entry)
        })
        .collect();
    let mut m = Map::new();
    m.insert("tokenizer_class".into(), json!("PreTrainedTokenizerFast"));
    m.insert("name_or_path".into(), json!(cfg.name));
    for (key, tok) in cfg.roles() {
        m.insert(key.into(), json!(tok));
    }
    m.insert("model_max_length".into(), json!(cfg.model_max_length));
    m.insert("add_bos_token".into(), json!(false));
    m.insert("add_eos_token".into(), json!(false));
    m.insert("clean_up_tokenization_spaces".into(), json!(false));
    m.insert("padding_side".into(), json!("right"));
    m.insert(
        "additional_special_tokens".into(),
        json!(additional(cfg, specials)),
    );
    if let Some(t) = cfg.template() {
        m.insert("chat_template".into(), json!(t));
    }
    m.insert("added_tokens_decoder".into(), json!(decoder));
    Value::Object(m)
}

/// BLAKE3 of the lines `<path> <blake3>\n` of the training shards in path order: one digest that
/// names the corpus a release was trained on.
pub fn corpus_digest(data_manifests: &BTreeMap<String, String>) -> String {
    let mut h = blake3::Hasher::new();
    for (path, digest) in data_manifests {
        h.update(format!("{path} {digest}\n").as_bytes());
    }
    h.finalize().to_hex().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn specials() -> Vec<(u32, String)> {
        crate::default_special_tokens()
            .into_iter()
            .enumerate()
            .map(|(i, t)| (i as u32, t))
            .collect()
    }

    #[test]
    fn defaults_validate_and_name_bos_eos_pad_and_no_unk() {
        let cfg = ReleaseConfig::default();
        cfg.validate(&crate::default_special_tokens()).unwrap();
        let map = special_tokens_map(&cfg, &specials());
        assert_eq!(map["eos_token"], "<|endoftext|>");
        assert_eq!(map["bos_token"], "<|bos|>");
        assert_eq!(map["pad_token"], "<|pad|>");
        assert!(map.get("unk_token").is_none());
        let extra = map["additional_special_tokens"].as_array().unwrap();
        assert_eq!(extra.len(), 13);
        assert_eq!(extra[0], "<|im_start|>");
        let tc = tokenizer_config(&cfg, &specials());
        assert_eq!(tc["model_max_length"], 4096);
        assert_eq!(tc["unk_token"], Value::Null);
        assert_eq!(tc["added_tokens_decoder"]["0"]["content"], "<|endoftext|>");
        assert!(tc["chat_template"]
            .as_str()
            .unwrap()
            .contains("<|im_start|>"));
    }

    #[test]
    fn bad_roles_and_values_name_their_key() {
        let only_eod = vec![crate::EOD_TOKEN.to_string()];
        let err = ReleaseConfig::default().validate(&only_eod).unwrap_err();
        assert!(err.to_string().contains("`bos_token`"), "{err}");
        let no_chat = ReleaseConfig {
            bos_token: None,
            pad_token: None,
            ..ReleaseConfig::default()
        };
        let err = no_chat.validate(&only_eod).unwrap_err();
        assert!(err.to_string().contains("`chat_template`"), "{err}");
        let base = ReleaseConfig {
            chat_template: ChatTemplate::None,
            ..no_chat
        };
        base.validate(&only_eod).unwrap();
        assert!(tokenizer_config(&base, &specials())
            .get("chat_template")
            .is_none());
        for cfg in [
            ReleaseConfig {
                model_max_length: 0,
                ..ReleaseConfig::default()
            },
            ReleaseConfig {
                version: "".into(),
                ..ReleaseConfig::default()
            },
        ] {
            assert!(cfg.validate(&crate::default_special_tokens()).is_err());
        }
    }

    #[test]
    fn corpus_digest_depends_on_every_shard_digest() {
        let a = BTreeMap::from([("dedup/part-00000.parquet".to_string(), "ab".to_string())]);
        let mut b = a.clone();
        assert_eq!(corpus_digest(&a), corpus_digest(&b));
        b.insert("dedup/part-00001.parquet".into(), "cd".into());
        assert_ne!(corpus_digest(&a), corpus_digest(&b));
    }
}
