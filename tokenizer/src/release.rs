//! The release bundle: `tokenizer.json`, `tokenizer_config.json` and `special_tokens_map.json`
//! (what transformers reads), `release.json` (what made it and how it measures) and a short
//! human-readable `TOKENIZER_CARD.md`. Every file is written atomically.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::count::CountStats;
use crate::eval::{compare_markdown, EvalTable};
use crate::hf_release::{corpus_digest, special_tokens_map, tokenizer_config};
use crate::megatron::write_atomic;
use crate::sampling::LanguageMix;
use crate::{TokError, TrainConfig, TrainOutcome, SPLIT_PATTERN};

/// Everything a release records.
pub struct Release<'a> {
    pub outcome: &'a TrainOutcome,
    pub config: &'a TrainConfig,
    /// The release tokenizer measured on held-out text (e.g. `../shared/data/langid/dev`).
    pub eval: Option<&'a EvalTable>,
    /// Reference tokenizers measured on the same text (e.g. Llama 3).
    pub references: &'a [EvalTable],
    /// Training-data manifests: path → BLAKE3 digest.
    pub data_manifests: &'a BTreeMap<String, String>,
}

/// The files of a bundle; `release.json` is written last and marks it complete.
pub const RELEASE_FILES: [&str; 5] = [
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "TOKENIZER_CARD.md",
    "release.json",
];

#[derive(Serialize)]
struct ReleaseJson<'a> {
    name: &'a str,
    version: &'a str,
    /// BLAKE3 over the training shards' digests (`corpus_digest`).
    corpus_blake3: String,
    minga_version: &'static str,
    tokenizer_blake3: String,
    vocab_size: usize,
    merges: usize,
    eod_id: u32,
    special_tokens: Vec<(u32, String)>,
    bos_token: Option<&'a str>,
    eos_token: Option<&'a str>,
    pad_token: Option<&'a str>,
    unk_token: Option<&'a str>,
    model_max_length: u64,
    chat_template: Option<&'static str>,
    normalizer: &'static str,
    split_pattern: &'static str,
    config: &'a TrainConfig,
    data_manifests: &'a BTreeMap<String, String>,
    language_mix: &'a LanguageMix,
    counts: &'a CountStats,
    docs_unplanned: u64,
    eval: Option<&'a EvalTable>,
    references: &'a [EvalTable],
}

/// Writes the bundle into `dir` (created if missing).
pub fn write_release(dir: &Path, r: &Release<'_>) -> Result<(), TokError> {
    std::fs::create_dir_all(dir).map_err(|e| TokError::io(dir, e))?;
    // The release has one writer (the tokenizer job): temps here are a killed run's.
    for f in RELEASE_FILES {
        crate::megatron::remove_stale_temps(&dir.join(f));
    }
    let specials = special_tokens(&r.outcome.tokenizer_json)?;
    let meta = &r.config.release;
    let json = ReleaseJson {
        name: &meta.name,
        version: &meta.version,
        corpus_blake3: corpus_digest(r.data_manifests),
        minga_version: env!("CARGO_PKG_VERSION"),
        tokenizer_blake3: blake3::hash(r.outcome.tokenizer_json.as_bytes())
            .to_hex()
            .to_string(),
        vocab_size: r.outcome.vocab_size,
        merges: r.outcome.merges,
        eod_id: specials.first().map(|s| s.0).unwrap_or(0),
        special_tokens: specials,
        bos_token: meta.bos_token.as_deref(),
        eos_token: meta.eos_token.as_deref(),
        pad_token: meta.pad_token.as_deref(),
        unk_token: meta.unk_token.as_deref(),
        model_max_length: meta.model_max_length,
        chat_template: meta.template(),
        normalizer: "NFC",
        split_pattern: SPLIT_PATTERN,
        config: r.config,
        data_manifests: r.data_manifests,
        language_mix: &r.outcome.mix,
        counts: &r.outcome.counts,
        docs_unplanned: r.outcome.docs_unplanned,
        eval: r.eval,
        references: r.references,
    };
    let release = pretty(&dir.join("release.json"), &json)?;
    write_atomic(
        &dir.join("tokenizer.json"),
        r.outcome.tokenizer_json.as_bytes(),
    )?;
    let hf = [
        (
            "tokenizer_config.json",
            tokenizer_config(meta, &json.special_tokens),
        ),
        (
            "special_tokens_map.json",
            special_tokens_map(meta, &json.special_tokens),
        ),
    ];
    for (name, value) in hf {
        write_atomic(&dir.join(name), pretty(&dir.join(name), &value)?.as_bytes())?;
    }
    write_atomic(&dir.join("TOKENIZER_CARD.md"), card(r, &json).as_bytes())?;
    // Last: `release.json` marks the bundle complete (a resumed run keeps a bundle that has it).
    write_atomic(&dir.join("release.json"), release.as_bytes())
}

fn pretty<T: Serialize>(path: &Path, value: &T) -> Result<String, TokError> {
    let mut s = serde_json::to_string_pretty(value).map_err(|e| TokError::Format {
        path: path.into(),
        what: e.to_string(),
    })?;
    s.push('\n');
    Ok(s)
}

fn special_tokens(tokenizer_json: &str) -> Result<Vec<(u32, String)>, TokError> {
    let v: Value = serde_json::from_str(tokenizer_json).map_err(TokError::hf)?;
    let mut out: Vec<(u32, String)> = v
        .get("added_tokens")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| {
            Some((
                u32::try_from(t.get("id")?.as_u64()?).ok()?,
                t.get("content")?.as_str()?.to_string(),
            ))
        })
        .collect();
    out.sort();
    Ok(out)
}

fn card(r: &Release<'_>, json: &ReleaseJson<'_>) -> String {
    let (digest, specials) = (&json.tokenizer_blake3, &json.special_tokens);
    let cfg = r.config;
    let mut s = format!("# {} {} (minga tokenizer)\n\n", json.name, json.version);
    s.push_str(&format!(
        "Byte-level BPE, {} tokens ({} merges), trained by minga {} on {} languages with \
         language-balanced sampling (share ∝ bytes^{}; the sources of one language ∝ bytes^{}; \
         {}at most {}× repeats, seed {}).\n\n",
        r.outcome.vocab_size,
        r.outcome.merges,
        env!("CARGO_PKG_VERSION"),
        r.outcome.mix.languages.len(),
        cfg.alpha,
        cfg.source_alpha,
        if cfg.min_share > 0.0 {
            format!("every language at least {} of the sample; ", cfg.min_share)
        } else {
            String::new()
        },
        cfg.max_repeat,
        cfg.seed
    ));
    s.push_str(&format!("- `tokenizer.json` BLAKE3: `{digest}`\n"));
    s.push_str(&format!(
        "- Training corpus digest: `{}` ({} shards, listed in `release.json`)\n",
        json.corpus_blake3,
        r.data_manifests.len()
    ));
    s.push_str(&roles_line(json));
    s.push_str("- Normaliser NFC; pre-tokenizer: GPT-4-style split that keeps combining marks and word-internal apostrophes (glottal stops) inside words, then byte level. Every byte is encodable; no unknown token.\n");
    let names: Vec<String> = specials
        .iter()
        .map(|(id, t)| format!("{id} `{t}`"))
        .collect();
    s.push_str(&format!(
        "- Special tokens: {}. Id 0 ends every document in exported shards.\n",
        names.join(", ")
    ));
    let dtype = if r.outcome.vocab_size < 1 << 16 {
        "uint16"
    } else {
        "int32"
    };
    s.push_str(&format!(
        "- Megatron shards made with it store ids as {dtype}.\n\n"
    ));
    s.push_str(
        "## Training mix\n\n| lang | bytes seen | rate | share of sample | rate per source |\n|---|---:|---:|---:|---|\n",
    );
    let shares = r.outcome.mix.sampled_shares();
    for (lang, m) in &r.outcome.mix.languages {
        let per_source: Vec<String> = m
            .sources
            .iter()
            .map(|(src, v)| format!("{src} {:.3}", v.rate))
            .collect();
        s.push_str(&format!(
            "| {lang} | {} | {:.3} | {:.2}% | {} |\n",
            m.bytes_seen,
            m.rate,
            100.0 * shares.get(lang).copied().unwrap_or(0.0),
            per_source.join(", ")
        ));
    }
    if let Some(eval) = r.eval {
        s.push_str("\n## Fertility (tokens per word, lower is better)\n\n");
        let mut tables = vec![eval];
        tables.extend(r.references.iter());
        s.push_str(&compare_markdown(&tables));
        s.push('\n');
        s.push_str(&eval.to_markdown());
    }
    s.push_str("\n## Use\n\n```python\nfrom transformers import AutoTokenizer\ntok = AutoTokenizer.from_pretrained(\"path/to/this/dir\")  # eos, bos, pad, model_max_length set\nids = tok(\"Mba'éichapa, ko’ã kuña\")[\"input_ids\"]  # no BOS/EOS added: the ids of the shards\n\nfrom tokenizers import Tokenizer\nids = Tokenizer.from_file(\"tokenizer.json\").encode(\"Mba'éichapa, ko’ã kuña\").ids\n```\n");
    s
}

/// The special tokens' roles, the length and the chat template, as `tokenizer_config.json` has them.
fn roles_line(json: &ReleaseJson<'_>) -> String {
    let show = |t: Option<&str>| t.map_or("none".to_string(), |t| format!("`{t}`"));
    format!(
        "- transformers (`tokenizer_config.json`, `special_tokens_map.json`): bos {}, eos {}, pad \
         {}, unk {}; `model_max_length` {}; chat template: {}. `encode` adds no BOS or EOS.\n",
        show(json.bos_token),
        show(json.eos_token),
        show(json.pad_token),
        show(json.unk_token),
        json.model_max_length,
        if json.chat_template.is_some() {
            "ChatML (`<|im_start|>role\\ncontent<|im_end|>`)"
        } else {
            "none"
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::tests::fixture_json;
    use crate::eval::eval;

    #[test]
    fn bundle_has_the_three_files_with_digest_mix_and_eval() {
        let json = fixture_json();
        let cfg = TrainConfig {
            vocab_size: 700,
            ..TrainConfig::default()
        };
        let mut mix = LanguageMix::default();
        mix.observe("grn", "test", 100);
        let outcome = TrainOutcome {
            tokenizer_json: json.clone(),
            mix,
            counts: CountStats::default(),
            vocab_size: 700,
            merges: 428,
            docs_unplanned: 0,
            timings: Default::default(),
        };
        let texts = BTreeMap::from([("grn".to_string(), vec!["Ko’ã kuña oguata.".to_string()])]);
        let table = eval("minga", &json, &texts).unwrap();
        let reference = EvalTable {
            tokenizer: "llama3".into(),
            ..eval("x", &json, &texts).unwrap()
        };
        let manifests =
            BTreeMap::from([("work/dedup/_manifest.json".to_string(), "ab12".to_string())]);
        let dir = tempfile::tempdir().unwrap();
        let release = Release {
            outcome: &outcome,
            config: &cfg,
            eval: Some(&table),
            references: &[reference],
            data_manifests: &manifests,
        };
        write_release(dir.path(), &release).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("tokenizer.json")).unwrap(),
            json
        );
        let rel: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.path().join("release.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(
            rel["tokenizer_blake3"],
            blake3::hash(json.as_bytes()).to_hex().as_str()
        );
        assert_eq!(rel["eod_id"], 0);
        assert_eq!(rel["special_tokens"][0][1], "<|endoftext|>");
        assert_eq!(rel["data_manifests"]["work/dedup/_manifest.json"], "ab12");
        assert_eq!(rel["config"]["vocab_size"], 700);
        assert_eq!(rel["language_mix"]["languages"]["grn"]["bytes_seen"], 100);
        assert_eq!(rel["references"][0]["tokenizer"], "llama3");
        assert_eq!(
            (&rel["name"], &rel["version"]),
            (&"minga".into(), &"0.1.0".into())
        );
        assert_eq!(rel["corpus_blake3"], crate::corpus_digest(&manifests));
        assert_eq!(rel["eos_token"], "<|endoftext|>");
        assert_eq!(rel["model_max_length"], 4096);
        for f in RELEASE_FILES {
            assert!(dir.path().join(f).is_file(), "{f}");
        }
        let map: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.path().join("special_tokens_map.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(map["pad_token"], "<|pad|>");
        let card = std::fs::read_to_string(dir.path().join("TOKENIZER_CARD.md")).unwrap();
        let header = format!("| lang | minga ({0}) | llama3 ({0}) |", table.vocab_size);
        assert!(card.contains(&header), "{card}");
        assert!(card.contains("| grn | 100 |"));
        assert!(card.starts_with("# minga 0.1.0"), "{card}");
        assert!(card.contains("eos `<|endoftext|>`"), "{card}");
    }
}
