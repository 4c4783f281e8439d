//! Export of one document shard to a Megatron `.bin`/`.idx` pair, and the `export.json` totals.
//!
//! Documents are buffered into batches of about `batch_bytes`, encoded in parallel (rayon, order
//! kept) and written in input order, so the shard is the same for any thread count.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::blend::BlendConfig;
use crate::megatron::{write_atomic, MegatronWriter};
use crate::{Encoder, TokError, EOD_TOKEN};

/// `[export]` in `pipeline.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExportConfig {
    /// The `tokenizer.json` to encode with.
    pub tokenizer: PathBuf,
    /// Special-token strings inside document text are encoded as text (true, so a document cannot
    /// inject an EOD) or as their special ids (false, HF's default).
    pub special_tokens_as_text: bool,
    /// Text buffered per parallel encoding step.
    pub batch_bytes: usize,
    /// Export only documents whose `licence` is one of these (empty: every document). The others
    /// are counted as not exported; they stay in the stage shards and are not ledgered.
    pub licences: Vec<String>,
    /// Export only documents whose `consent` is one of these (empty: every document); the others
    /// are counted as `not_exported.consent`. Documents whose source declares `allowed_uses`
    /// without `pretraining` are always left out (`not_exported.use`).
    pub require_consent: Vec<String>,
    /// One Megatron dataset per part (`part`), per language and part (`lang`:
    /// `<lang>/part-NNNNN`), or per language, source and part (`lang_source`).
    pub group_by: GroupBy,
    /// `[export.blend]`: the language weights of `blend.json` (grouped exports only).
    pub blend: BlendConfig,
}

/// How documents are grouped into Megatron datasets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// `part-NNNNN`: every language of a part in one dataset, in input order.
    #[default]
    Part,
    /// `<lang>/part-NNNNN`.
    Lang,
    /// `<lang>/<source>/part-NNNNN`.
    LangSource,
}

impl Default for ExportConfig {
    fn default() -> Self {
        ExportConfig {
            tokenizer: PathBuf::from("work/tokenizer/tokenizer.json"),
            special_tokens_as_text: true,
            batch_bytes: 8 << 20,
            licences: Vec::new(),
            require_consent: Vec::new(),
            group_by: GroupBy::Part,
            blend: BlendConfig::default(),
        }
    }
}

impl ExportConfig {
    /// Loads the configured tokenizer as an [`Encoder`] set up for export; also returns its JSON
    /// (for [`ExportStats::new`]).
    pub fn encoder(&self) -> Result<(Encoder, String), TokError> {
        let path = &self.tokenizer;
        let json = std::fs::read_to_string(path).map_err(|e| TokError::io(path, e))?;
        let enc = Encoder::from_json(&json)
            .map_err(|e| TokError::Format {
                path: path.clone(),
                what: e.to_string(),
            })?
            .with_special_tokens_as_text(self.special_tokens_as_text);
        Ok((enc, json))
    }
}

/// Documents and tokens (EOD included) under one key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub documents: u64,
    pub tokens: u64,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.documents += other.documents;
        self.tokens += other.tokens;
    }
}

/// What one shard holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShardStats {
    /// File prefix as given (Megatron's `--data-path` entry).
    pub prefix: String,
    pub documents: u64,
    pub tokens: u64,
    pub bin_bytes: u64,
    pub by_lang: BTreeMap<String, Tally>,
    pub by_source: BTreeMap<String, Tally>,
}

/// `export.json`: every shard plus totals per language and per source.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExportStats {
    pub minga_version: String,
    /// BLAKE3 of the `tokenizer.json` used.
    pub tokenizer_blake3: String,
    pub vocab_size: usize,
    pub eod_id: u32,
    /// `uint16` or `int32`.
    pub dtype: String,
    pub documents: u64,
    pub tokens: u64,
    pub by_lang: BTreeMap<String, Tally>,
    pub by_source: BTreeMap<String, Tally>,
    pub shards: Vec<ShardStats>,
}

impl ExportStats {
    pub fn new(tokenizer_json: &str, encoder: &Encoder) -> Self {
        let vocab_size = encoder.vocab_size();
        ExportStats {
            minga_version: env!("CARGO_PKG_VERSION").to_string(),
            tokenizer_blake3: blake3::hash(tokenizer_json.as_bytes()).to_hex().to_string(),
            vocab_size,
            eod_id: encoder.token_to_id(EOD_TOKEN).unwrap_or(0),
            dtype: if vocab_size < 1 << 16 {
                "uint16"
            } else {
                "int32"
            }
            .into(),
            ..Default::default()
        }
    }

    /// Adds a finished shard; shards are kept sorted by prefix so the file does not depend on the
    /// order in which parallel tasks finish.
    pub fn add(&mut self, shard: ShardStats) {
        self.documents += shard.documents;
        self.tokens += shard.tokens;
        for (k, t) in &shard.by_lang {
            self.by_lang.entry(k.clone()).or_default().add(*t);
        }
        for (k, t) in &shard.by_source {
            self.by_source.entry(k.clone()).or_default().add(*t);
        }
        self.shards.push(shard);
        self.shards.sort_by(|a, b| a.prefix.cmp(&b.prefix));
    }

    pub fn write_json(&self, path: &Path) -> Result<(), TokError> {
        let json = serde_json::to_string_pretty(self).map_err(|e| TokError::Format {
            path: path.into(),
            what: e.to_string(),
        })?;
        write_atomic(path, json.as_bytes())
    }
}

struct Pending {
    lang: String,
    source: String,
    text: String,
}

/// Encodes documents into one `.bin`/`.idx` pair.
pub struct ShardExport<'e> {
    encoder: &'e Encoder,
    writer: MegatronWriter,
    pending: Vec<Pending>,
    pending_bytes: usize,
    batch_bytes: usize,
    stats: ShardStats,
}

impl<'e> ShardExport<'e> {
    /// Starts `prefix.bin`/`.idx`; the EOD is the encoder's `<|endoftext|>`.
    pub fn create(prefix: &Path, encoder: &'e Encoder) -> Result<Self, TokError> {
        let eod = encoder
            .token_to_id(EOD_TOKEN)
            .ok_or_else(|| TokError::Tokenizer(format!("no {EOD_TOKEN} token")))?;
        let writer = MegatronWriter::create(prefix, encoder.vocab_size(), eod)?;
        let stats = ShardStats {
            prefix: prefix.to_string_lossy().into_owned(),
            ..Default::default()
        };
        Ok(ShardExport {
            encoder,
            writer,
            pending: Vec::new(),
            pending_bytes: 0,
            batch_bytes: 8 << 20,
            stats,
        })
    }

    /// Text buffered before a parallel encoding step (default 8 MiB).
    pub fn batch_bytes(mut self, bytes: usize) -> Self {
        self.batch_bytes = bytes.max(1);
        self
    }

    pub fn push(&mut self, lang: &str, source: &str, text: &str) -> Result<(), TokError> {
        self.pending_bytes += text.len();
        self.pending.push(Pending {
            lang: lang.into(),
            source: source.into(),
            text: text.into(),
        });
        if self.pending_bytes >= self.batch_bytes {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), TokError> {
        let batch = std::mem::take(&mut self.pending);
        self.pending_bytes = 0;
        let texts: Vec<&str> = batch.iter().map(|p| p.text.as_str()).collect();
        let encoded = self.encoder.encode_batch(&texts)?;
        for (doc, ids) in batch.iter().zip(&encoded) {
            self.writer.add_document(ids)?;
            let t = Tally {
                documents: 1,
                tokens: ids.len() as u64 + 1,
            };
            self.stats
                .by_lang
                .entry(doc.lang.clone())
                .or_default()
                .add(t);
            self.stats
                .by_source
                .entry(doc.source.clone())
                .or_default()
                .add(t);
        }
        Ok(())
    }

    pub fn finish(mut self) -> Result<ShardStats, TokError> {
        self.flush()?;
        let counts = self.writer.finish()?;
        self.stats.documents = counts.documents;
        self.stats.tokens = counts.tokens;
        self.stats.bin_bytes = counts.bin_bytes;
        Ok(self.stats)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::tests::fixture_json;

    #[test]
    fn export_config_defaults_round_trip_and_load_the_encoder() {
        let cfg: ExportConfig = toml::from_str("tokenizer = \"t.json\"").unwrap();
        assert_eq!(cfg.tokenizer, PathBuf::from("t.json"));
        assert!(cfg.special_tokens_as_text);
        assert_eq!(
            toml::from_str::<ExportConfig>(&toml::to_string(&cfg).unwrap()).unwrap(),
            cfg
        );
        assert!(toml::from_str::<ExportConfig>("tokeniser = \"t.json\"").is_err());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokenizer.json");
        std::fs::write(&path, fixture_json()).unwrap();
        let (enc, json) = ExportConfig {
            tokenizer: path.clone(),
            ..cfg
        }
        .encoder()
        .unwrap();
        assert_eq!(json, fixture_json());
        assert!(!enc.encode("a<|endoftext|>").unwrap().contains(&0));
        let missing = ExportConfig {
            tokenizer: dir.path().join("nope.json"),
            ..ExportConfig::default()
        };
        assert!(missing
            .encoder()
            .unwrap_err()
            .to_string()
            .contains("nope.json"));
    }

    #[test]
    fn exports_documents_in_order_with_totals() {
        let json = fixture_json();
        let enc = Encoder::from_json(&json)
            .unwrap()
            .with_special_tokens_as_text(true);
        let dir = tempfile::tempdir().unwrap();
        let docs = [
            ("spa", "web", "La casa de la gente."),
            ("grn", "books", "Ko’ã kuña oguata."),
            ("grn", "web", ""),
            ("spa", "web", "¿Qué pasó?"),
        ];
        let export = |threads: usize, batch: usize, name: &str| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                let mut sx = ShardExport::create(&dir.path().join(name), &enc)
                    .unwrap()
                    .batch_bytes(batch);
                for (l, s, t) in docs {
                    sx.push(l, s, t).unwrap();
                }
                sx.finish().unwrap()
            })
        };
        let a = export(1, 1 << 20, "a");
        let b = export(2, 10, "b");
        let bin = |n: &str| std::fs::read(dir.path().join(format!("{n}.bin"))).unwrap();
        assert_eq!(bin("a"), bin("b"));
        let expected: u64 = docs
            .iter()
            .map(|d| enc.encode(d.2).unwrap().len() as u64 + 1)
            .sum();
        assert_eq!(a.tokens, expected);
        assert_eq!(a.bin_bytes, 2 * expected);
        assert_eq!(a.by_lang["grn"].documents, 2);
        assert_eq!(
            a.by_source["web"],
            Tally {
                documents: 3,
                tokens: expected - (enc.encode(docs[1].2).unwrap().len() as u64 + 1)
            }
        );
        let mut stats = ExportStats::new(&json, &enc);
        stats.add(b.clone());
        stats.add(a.clone());
        assert_eq!(stats.shards[0].prefix, a.prefix);
        assert_eq!(stats.tokens, 2 * expected);
        assert_eq!(stats.dtype, "uint16");
        let path = dir.path().join("export.json");
        stats.write_json(&path).unwrap();
        let back: ExportStats =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(back, stats);
    }
}
