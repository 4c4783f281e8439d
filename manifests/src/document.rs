/// A byte range of `text` labelled with one language.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LangSpan {
    pub start: u32,
    pub end: u32,
    pub lang: String,
    pub score: f32,
}

/// One row of a document shard (DESIGN.md, "Document shards").
///
/// Stage-added columns are optional in the file: a shard has them once the stage that sets them has
/// run ([`Columns`] says which), so ingest output carries no empty `quality` struct.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct Document {
    pub id: String,
    pub source: String,
    pub source_file: String,
    pub source_offset: u64,
    pub source_length: u64,
    pub url: Option<String>,
    pub record_id: Option<String>,
    pub date: Option<String>,
    pub payload_digest: Option<String>,
    pub content_type: String,
    pub title: Option<String>,
    pub text: String,
    pub licence: Option<String>,
    pub consent: Option<String>,
    pub contact: Option<String>,
    pub country: Option<String>,
    /// JSON object of other fields.
    pub meta: String,
    pub lang: Option<String>,
    pub lang_score: Option<f32>,
    pub lang_spans: Vec<LangSpan>,
    /// Quality signals, aligned with [`Columns::quality`].
    pub quality: Vec<f32>,
    /// PII counts, aligned with [`Columns::pii`].
    pub pii: Vec<u32>,
    pub dup_cluster_size: Option<u32>,
}

/// Which stage-added column groups a shard holds. Each stage's output has its input's columns
/// plus its own; the names of the `quality` and `pii` struct fields are fixed by the filter stage.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Columns {
    /// `lang`, `lang_score`, `lang_spans`.
    pub lang: bool,
    /// Field names of the `quality` struct (empty = no column).
    pub quality: Vec<String>,
    /// Field names of the `pii` struct (empty = no column).
    pub pii: Vec<String>,
    /// `dup_cluster_size`.
    pub dedup: bool,
}

impl Columns {
    /// The union of two column sets (a stage's output = input columns + its own).
    pub fn with(mut self, other: &Columns) -> Columns {
        self.lang |= other.lang;
        self.dedup |= other.dedup;
        if !other.quality.is_empty() {
            self.quality = other.quality.clone();
        }
        if !other.pii.is_empty() {
            self.pii = other.pii.clone();
        }
        self
    }

    /// Quality signal `name` of `doc`, if this shard has it.
    pub fn quality_of(&self, doc: &Document, name: &str) -> Option<f32> {
        let i = self.quality.iter().position(|n| n == name)?;
        doc.quality.get(i).copied()
    }
}
