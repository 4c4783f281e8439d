//! The verification fingerprints of the dedup clusters step, spilled to disk: computed once from
//! the input shards (parts in parallel, one file per part) and read back a batch of components
//! at a time, so the step's memory follows the batch, not the number of documents compared.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use minga_filters::dedup::{DedupParams, DocInfo, Fingerprint, Fingerprinter};
use minga_manifests::ShardReader;
use rayon::prelude::*;

/// Documents whose fingerprints are in memory at once (more when one component is larger):
/// about 75 MB of shingle sets for web pages of 1,200 words.
pub const BATCH_DOCS: usize = 10_000;

/// Names the spill dir of a clusters step (`.verify-PID`).
const SPILL_PREFIX: &str = ".verify-";

const SHINGLES: u8 = 0;
const SIGNATURE: u8 = 1;

/// One part's spill: its file, (key, offset, bytes) per fingerprint, and their in-memory size.
type PartSpill = (PathBuf, Vec<(u64, u64, u32)>, u64);

/// Where each fingerprint is: (key, file, offset, bytes), sorted by key.
pub struct Spilled {
    dir: PathBuf,
    files: Vec<File>,
    index: Vec<(u64, u32, u64, u32)>,
    /// What the fingerprints would take in memory all at once.
    pub heap_bytes: u64,
}

impl Spilled {
    /// Fingerprints of the documents with these keys (sorted) from the text of the input parts,
    /// written under `root/.verify-PID/` (removed when dropped). Spills that killed clusters
    /// steps left in `root` go first: the step is one task of a workdir, so no other process is
    /// using one.
    pub fn write(
        params: DedupParams,
        parts: &[(usize, PathBuf)],
        wanted: &[u64],
        root: &Path,
    ) -> Result<Spilled> {
        remove_stale_spills(root);
        let dir = root.join(format!("{SPILL_PREFIX}{}", std::process::id()));
        let dir = dir.as_path();
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let per_part: Vec<Result<PartSpill>> = parts
            .par_iter()
            .map(|(part, path)| spill_part(params, *part, path, wanted, dir))
            .collect();
        let mut s = Spilled {
            dir: dir.to_path_buf(),
            files: Vec::new(),
            index: Vec::new(),
            heap_bytes: 0,
        };
        for r in per_part {
            let (path, entries, bytes) = r?;
            let file_no = s.files.len() as u32;
            let f = File::open(&path).with_context(|| format!("cannot open {}", path.display()))?;
            s.files.push(f);
            s.index
                .extend(entries.into_iter().map(|(k, off, n)| (k, file_no, off, n)));
            s.heap_bytes += bytes;
        }
        s.index.sort_unstable();
        Ok(s)
    }

    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// The fingerprints of `keys` (those that have one).
    pub fn load(&self, keys: &[u64]) -> Result<BTreeMap<u64, Fingerprint>> {
        let mut out = BTreeMap::new();
        let mut buf = Vec::new();
        for &k in keys {
            let Ok(i) = self.index.binary_search_by_key(&k, |e| e.0) else {
                continue;
            };
            let (_, file, offset, len) = self.index[i];
            buf.resize(len as usize, 0);
            self.files[file as usize]
                .read_exact_at(&mut buf, offset)
                .with_context(|| format!("reading fingerprints in {}", self.dir.display()))?;
            out.insert(k, decode(&buf)?);
        }
        Ok(out)
    }
}

fn remove_stale_spills(root: &Path) {
    let Ok(rd) = std::fs::read_dir(root) else {
        return;
    };
    for e in rd.flatten() {
        if e.file_name().to_string_lossy().starts_with(SPILL_PREFIX) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

impl Drop for Spilled {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Fingerprints one part's wanted rows into `dir/part-N.fp`.
fn spill_part(
    params: DedupParams,
    part: usize,
    path: &Path,
    wanted: &[u64],
    dir: &Path,
) -> Result<PartSpill> {
    let lo = DocInfo::part_row_key(part as u32, 0);
    let hi = lo + (1u64 << 32);
    let (a, b) = (
        wanted.partition_point(|&k| k < lo),
        wanted.partition_point(|&k| k < hi),
    );
    let rows: Vec<usize> = wanted[a..b].iter().map(|&k| (k - lo) as usize).collect();
    let file = dir.join(format!("part-{part:05}.fp"));
    let mut w = BufWriter::new(
        File::create(&file).with_context(|| format!("cannot create {}", file.display()))?,
    );
    let (mut entries, mut offset, mut heap) = (Vec::new(), 0u64, 0u64);
    if !rows.is_empty() {
        // Each text is fingerprinted and written as its row group is read: memory holds one
        // decoded row group, not the part's texts.
        let mut fp = Fingerprinter::new(params, params.verify)?;
        let mut failed: Option<std::io::Error> = None;
        let found = ShardReader::open(path)?
            .for_texts_at(&rows, |row, text| {
                let Some(f) = fp.fingerprint(text) else {
                    return;
                };
                let bytes = encode(&f);
                if failed.is_none() {
                    failed = w.write_all(&bytes).err();
                }
                entries.push((lo + row as u64, offset, bytes.len() as u32));
                offset += bytes.len() as u64;
                heap += f.heap_bytes() as u64;
            })
            .with_context(|| format!("dedup clusters: reading {}", path.display()))?;
        if let Some(e) = failed {
            return Err(e).with_context(|| format!("writing {}", file.display()));
        }
        if found != rows.len() {
            bail!(
                "{} has fewer rows than the dedup pairs name: it changed after `minga dedup signatures`; rerun the dedup steps",
                path.display()
            );
        }
    }
    w.flush()
        .with_context(|| format!("writing {}", file.display()))?;
    Ok((file, entries, heap))
}

fn encode(f: &Fingerprint) -> Vec<u8> {
    let mut out = Vec::with_capacity(f.heap_bytes() + 1);
    match f {
        Fingerprint::Shingles(s) => {
            out.push(SHINGLES);
            s.iter()
                .for_each(|x| out.extend_from_slice(&x.to_le_bytes()));
        }
        Fingerprint::Signature(s) => {
            out.push(SIGNATURE);
            s.iter()
                .for_each(|x| out.extend_from_slice(&x.to_le_bytes()));
        }
    }
    out
}

fn decode(bytes: &[u8]) -> Result<Fingerprint> {
    match bytes.split_first() {
        Some((&SHINGLES, rest)) if rest.len() % 8 == 0 => Ok(Fingerprint::Shingles(
            rest.chunks_exact(8)
                .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default()))
                .collect(),
        )),
        Some((&SIGNATURE, rest)) if rest.len() % 4 == 0 => Ok(Fingerprint::Signature(
            rest.chunks_exact(4)
                .map(|c| u32::from_le_bytes(c.try_into().unwrap_or_default()))
                .collect(),
        )),
        _ => bail!("a spilled fingerprint is damaged"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_come_back_as_written() {
        for f in [
            Fingerprint::Shingles(vec![1, u64::MAX, 42]),
            Fingerprint::Signature(vec![7, 0, u32::MAX]),
            Fingerprint::Shingles(Vec::new()),
        ] {
            assert_eq!(decode(&encode(&f)).unwrap(), f);
        }
        assert!(decode(&[SHINGLES, 1, 2]).is_err());
        assert!(decode(&[]).is_err());
    }
}
