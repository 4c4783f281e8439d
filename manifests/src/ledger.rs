use crate::document::Document;

/// Why a document left the pipeline (DESIGN.md, "Ledger").
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Rejection {
    /// `ingest.<why>`, `langid.low_confidence`, `filter.<rule>`, `dedup.exact`, `dedup.minhash`.
    pub reason: String,
    /// The measured signal that decided it, if any.
    pub value: Option<f64>,
    pub detail: String,
    /// Id of the kept document this one duplicated.
    pub dup_of: Option<String>,
}

impl Rejection {
    pub fn new(reason: impl Into<String>, value: Option<f64>, detail: impl Into<String>) -> Self {
        Rejection {
            reason: reason.into(),
            value,
            detail: detail.into(),
            dup_of: None,
        }
    }
}

/// A ledger row: the full document plus the stage and the rejection.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejected {
    pub stage: String,
    pub doc: Document,
    pub why: Rejection,
}
