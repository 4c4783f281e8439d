//! Stage manifests: one JSON per finished shard (`_parts/part-NNNNN.json`, written last, so its
//! presence means the shard is done) and one merged `_manifest.json` per stage.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::shard::write_all_synced;
use crate::ManifestError;

pub const MANIFEST_FILE: &str = "_manifest.json";
pub const PARTS_DIR: &str = "_parts";
pub const REJECTED_DIR: &str = "rejected";

/// A file a stage read or wrote.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileEntry {
    /// Relative to the stage output dir (outputs) or to the source root / input dir (inputs).
    pub path: String,
    pub bytes: u64,
    pub rows: u64,
    pub blake3: String,
}

/// The manifest of one finished shard.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PartManifest {
    pub stage: String,
    pub part: String,
    pub version: String,
    pub config_digest: String,
    /// BLAKE3 over the input entries; `--resume` skips a shard only when this and the config
    /// digest both match.
    pub input_digest: String,
    pub inputs: Vec<FileEntry>,
    pub outputs: Vec<FileEntry>,
    pub rows_in: u64,
    pub rows_out: u64,
    pub rows_rejected: u64,
    /// Rejections per reason (these rows are in the ledger).
    pub reasons: BTreeMap<String, u64>,
    /// Other named counts (records skipped that are not documents, PII per type, bytes read ...).
    pub counters: BTreeMap<String, u64>,
    pub started: String,
    pub finished: String,
    pub seconds: f64,
    /// The data card's figures of the part's kept documents (stages that write document shards,
    /// and the export's tokens), so the card never reads shards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stats: Option<crate::PartStats>,
}

/// The merged manifest of a stage, written when all its shards are done.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StageManifest {
    pub stage: String,
    pub version: String,
    pub config: serde_json::Value,
    pub config_digest: String,
    pub started: String,
    pub finished: String,
    pub seconds: f64,
    pub parts: usize,
    pub inputs: Vec<FileEntry>,
    pub outputs: Vec<FileEntry>,
    pub rows_in: u64,
    pub rows_out: u64,
    pub rows_rejected: u64,
    pub reasons: BTreeMap<String, u64>,
    pub counters: BTreeMap<String, u64>,
}

impl StageManifest {
    /// Merges finished part manifests (in part order) into the stage manifest.
    pub fn merge(
        stage: &str,
        config: serde_json::Value,
        config_digest: &str,
        parts: &[PartManifest],
    ) -> Self {
        let mut m = StageManifest {
            stage: stage.to_string(),
            version: crate::VERSION.to_string(),
            config,
            config_digest: config_digest.to_string(),
            started: parts
                .iter()
                .map(|p| p.started.clone())
                .min()
                .unwrap_or_default(),
            finished: parts
                .iter()
                .map(|p| p.finished.clone())
                .max()
                .unwrap_or_default(),
            seconds: parts.iter().map(|p| p.seconds).sum(),
            parts: parts.len(),
            inputs: Vec::new(),
            outputs: Vec::new(),
            rows_in: 0,
            rows_out: 0,
            rows_rejected: 0,
            reasons: BTreeMap::new(),
            counters: BTreeMap::new(),
        };
        for p in parts {
            m.inputs.extend(p.inputs.iter().cloned());
            m.outputs.extend(p.outputs.iter().cloned());
            m.rows_in += p.rows_in;
            m.rows_out += p.rows_out;
            m.rows_rejected += p.rows_rejected;
            for (k, v) in &p.reasons {
                *m.reasons.entry(k.clone()).or_default() += v;
            }
            for (k, v) in &p.counters {
                *m.counters.entry(k.clone()).or_default() += v;
            }
        }
        m
    }
}

/// `part-00042`.
pub fn part_name(index: usize) -> String {
    format!("part-{index:05}")
}

/// The `part-NNNNN.parquet` files of a stage dir, sorted by part number.
pub fn list_parts(dir: &Path) -> Result<Vec<(usize, PathBuf)>, ManifestError> {
    let mut parts = Vec::new();
    let rd = std::fs::read_dir(dir).map_err(|e| ManifestError::io(dir, e))?;
    for entry in rd {
        let entry = entry.map_err(|e| ManifestError::io(dir, e))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(num) = name
            .strip_prefix("part-")
            .and_then(|r| r.strip_suffix(".parquet"))
        else {
            continue;
        };
        if let Ok(i) = num.parse::<usize>() {
            parts.push((i, entry.path()));
        }
    }
    parts.sort();
    Ok(parts)
}

/// Writes `bytes` to `path` atomically: a temp file in the same dir, fsync, rename, dir fsync.
/// A reader never sees a partial file under the final name.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), ManifestError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| ManifestError::io(dir, e))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    if let Err(e) = write_all_synced(&tmp, bytes) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, path).map_err(|e| ManifestError::io(path, e))?;
    sync_dir(dir);
    Ok(())
}

impl PartManifest {
    /// An empty manifest for a part about to run, started now.
    pub fn new(
        stage: &str,
        part: usize,
        config_digest: &str,
        input_digest: &str,
        started: String,
    ) -> Self {
        PartManifest {
            stage: stage.to_string(),
            part: part_name(part),
            version: crate::VERSION.to_string(),
            config_digest: config_digest.to_string(),
            input_digest: input_digest.to_string(),
            inputs: Vec::new(),
            outputs: Vec::new(),
            rows_in: 0,
            rows_out: 0,
            rows_rejected: 0,
            reasons: BTreeMap::new(),
            counters: BTreeMap::new(),
            started,
            finished: String::new(),
            seconds: 0.0,
            stats: None,
        }
    }

    pub fn read(path: &Path) -> Result<Self, ManifestError> {
        read_json(path)
    }
    pub fn write(&self, path: &Path) -> Result<(), ManifestError> {
        atomic_write(path, &to_json(self))
    }
}

impl StageManifest {
    pub fn read(path: &Path) -> Result<Self, ManifestError> {
        read_json(path)
    }
    pub fn write(&self, path: &Path) -> Result<(), ManifestError> {
        atomic_write(path, &to_json(self))
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, ManifestError> {
    let bytes = std::fs::read(path).map_err(|e| ManifestError::io(path, e))?;
    serde_json::from_slice(&bytes).map_err(|source| ManifestError::Json {
        path: path.to_path_buf(),
        source,
    })
}

fn to_json<T: serde::Serialize>(v: &T) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(v).unwrap_or_default();
    out.push(b'\n');
    out
}

/// Best-effort fsync of a directory so a rename survives a crash.
pub(crate) fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}
