//! The dedup working files: a 8-byte magic, then fixed-size little-endian records.
//!
//! | file | magic | record |
//! |---|---|---|
//! | band rows | `MGDDROW1` | bucket u128, doc (44 bytes) |
//! | pairs | `MGDDPAR1` | member doc, anchor doc (56 bytes) |
//! | cluster part | `MGDDCLU2` | `n_removed` u64, `n_kept` u64, then removals (member doc, kept doc, reason u8: 0 exact, 1 minhash, similarity f32, NaN when not verified; 61 bytes), then kept rows (key u64, cluster size u32; 12 bytes) |
//!
//! A doc is key u64, id u128, quality f32 (28 bytes). Files are written to a temp name and renamed.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use minga_filters::dedup::{BandEntry, ClusterTable, DocInfo, DupReason, Pair, PairKind, Removal};

pub const ROW_MAGIC: &[u8; 8] = b"MGDDROW1";
pub const PAIR_MAGIC: &[u8; 8] = b"MGDDPAR1";
pub const CLUSTER_MAGIC: &[u8; 8] = b"MGDDCLU2";

const DOC: usize = 28;
pub const ROW_BYTES: usize = 16 + DOC;
pub const PAIR_BYTES: usize = 2 * DOC;
const REMOVAL_BYTES: usize = 2 * DOC + 5;
const KEPT_BYTES: usize = 12;

fn put_doc(buf: &mut Vec<u8>, d: &DocInfo) {
    buf.extend_from_slice(&d.key.to_le_bytes());
    buf.extend_from_slice(&d.id.to_le_bytes());
    buf.extend_from_slice(&d.quality.to_le_bytes());
}

fn get_doc(b: &[u8]) -> DocInfo {
    let mut k = [0u8; 8];
    let mut i = [0u8; 16];
    let mut q = [0u8; 4];
    k.copy_from_slice(&b[0..8]);
    i.copy_from_slice(&b[8..24]);
    q.copy_from_slice(&b[24..28]);
    DocInfo::new(
        u64::from_le_bytes(k),
        u128::from_le_bytes(i),
        f32::from_le_bytes(q),
    )
}

fn get_u128(b: &[u8]) -> u128 {
    let mut a = [0u8; 16];
    a.copy_from_slice(&b[..16]);
    u128::from_le_bytes(a)
}

/// A file written under a temp name and renamed into place by [`RecordWriter::finish`].
pub struct RecordWriter {
    path: PathBuf,
    tmp: PathBuf,
    out: BufWriter<File>,
    buf: Vec<u8>,
    pub records: u64,
}

impl RecordWriter {
    pub fn create(path: &Path, magic: &[u8; 8]) -> Result<Self> {
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
        // Each record file has one writer (its part, band or step), so a temp of the same name
        // is what a killed run left.
        crate::runner::remove_stale_temps(dir, name);
        let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        let f = File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        let mut out = BufWriter::with_capacity(1 << 20, f);
        out.write_all(magic)?;
        Ok(RecordWriter {
            path: path.to_path_buf(),
            tmp,
            out,
            buf: Vec::with_capacity(64),
            records: 0,
        })
    }

    fn emit(&mut self) -> Result<()> {
        self.out
            .write_all(&self.buf)
            .with_context(|| format!("cannot write {}", self.tmp.display()))?;
        self.buf.clear();
        self.records += 1;
        Ok(())
    }

    pub fn row(&mut self, e: &BandEntry) -> Result<()> {
        self.buf.extend_from_slice(&e.bucket.to_le_bytes());
        put_doc(&mut self.buf, &e.doc);
        self.emit()
    }

    pub fn pair(&mut self, p: &Pair) -> Result<()> {
        put_doc(&mut self.buf, &p.member);
        put_doc(&mut self.buf, &p.anchor);
        self.emit()
    }

    /// Writes raw bytes (the cluster file's counts).
    pub fn raw(&mut self, bytes: &[u8]) -> Result<()> {
        self.out.write_all(bytes)?;
        Ok(())
    }

    pub fn removal(&mut self, r: &Removal) -> Result<()> {
        put_doc(&mut self.buf, &r.member);
        put_doc(&mut self.buf, &r.kept);
        self.buf.push(match r.reason {
            DupReason::Exact => 0,
            DupReason::MinHash => 1,
        });
        let similarity = r.similarity.unwrap_or(f32::NAN);
        self.buf.extend_from_slice(&similarity.to_le_bytes());
        self.emit()
    }

    pub fn kept(&mut self, key: u64, size: u32) -> Result<()> {
        self.buf.extend_from_slice(&key.to_le_bytes());
        self.buf.extend_from_slice(&size.to_le_bytes());
        self.emit()
    }

    /// Flushes, syncs and renames into place; returns the final path.
    pub fn finish(self) -> Result<PathBuf> {
        let f = self
            .out
            .into_inner()
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", self.tmp.display()))?;
        f.sync_all()?;
        std::fs::rename(&self.tmp, &self.path)
            .with_context(|| format!("cannot rename to {}", self.path.display()))?;
        Ok(self.path)
    }
}

/// Streams the fixed-size records of a file after checking its magic.
pub struct RecordReader {
    path: PathBuf,
    input: BufReader<File>,
    buf: Vec<u8>,
}

impl RecordReader {
    pub fn open(path: &Path, magic: &[u8; 8], record: usize) -> Result<Self> {
        let f = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let mut input = BufReader::with_capacity(1 << 16, f);
        let mut m = [0u8; 8];
        input
            .read_exact(&mut m)
            .with_context(|| format!("{}: truncated header", path.display()))?;
        if &m != magic {
            bail!(
                "{}: not a dedup file of the expected kind (magic {:?})",
                path.display(),
                String::from_utf8_lossy(&m)
            );
        }
        Ok(RecordReader {
            path: path.to_path_buf(),
            input,
            buf: vec![0u8; record],
        })
    }

    /// The next record's bytes, `None` at a clean end; a partial record is an error.
    fn next_bytes(&mut self) -> Result<Option<&[u8]>> {
        let mut got = 0;
        while got < self.buf.len() {
            let n = self
                .input
                .read(&mut self.buf[got..])
                .with_context(|| format!("cannot read {}", self.path.display()))?;
            if n == 0 {
                if got == 0 {
                    return Ok(None);
                }
                bail!("{}: truncated record", self.path.display());
            }
            got += n;
        }
        Ok(Some(&self.buf))
    }

    pub fn next_row(&mut self) -> Result<Option<BandEntry>> {
        Ok(self.next_bytes()?.map(|b| BandEntry {
            bucket: get_u128(b),
            doc: get_doc(&b[16..]),
        }))
    }

    pub fn next_pair(&mut self, kind: PairKind) -> Result<Option<Pair>> {
        Ok(self.next_bytes()?.map(|b| Pair {
            member: get_doc(b),
            anchor: get_doc(&b[DOC..]),
            kind,
        }))
    }
}

/// Iterator over the rows of a band-row file, for `merge_sorted_runs`.
pub struct Rows(pub RecordReader);

impl Iterator for Rows {
    type Item = Result<BandEntry>;
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next_row().transpose()
    }
}

/// Writes one part's slice of the cluster table.
pub fn write_cluster_part(
    path: &Path,
    removed: &[Removal],
    kept: &[(u64, u32)],
) -> Result<PathBuf> {
    let mut w = RecordWriter::create(path, CLUSTER_MAGIC)?;
    w.raw(&(removed.len() as u64).to_le_bytes())?;
    w.raw(&(kept.len() as u64).to_le_bytes())?;
    for r in removed {
        w.removal(r)?;
    }
    for &(k, s) in kept {
        w.kept(k, s)?;
    }
    w.finish()
}

/// Reads one part's slice of the cluster table.
pub fn read_cluster_part(path: &Path) -> Result<ClusterTable> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let bad = || anyhow::anyhow!("{}: truncated or corrupt cluster file", path.display());
    if bytes.len() < 24 || &bytes[..8] != CLUSTER_MAGIC {
        return Err(bad());
    }
    let count = |b: &[u8]| -> usize {
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        u64::from_le_bytes(a) as usize
    };
    let (nr, nk) = (count(&bytes[8..16]), count(&bytes[16..24]));
    let body = &bytes[24..];
    if body.len() != nr * REMOVAL_BYTES + nk * KEPT_BYTES {
        return Err(bad());
    }
    let (rem, kept) = body.split_at(nr * REMOVAL_BYTES);
    let removed = rem
        .chunks_exact(REMOVAL_BYTES)
        .map(|b| Removal {
            member: get_doc(b),
            kept: get_doc(&b[DOC..]),
            reason: if b[2 * DOC] == 0 {
                DupReason::Exact
            } else {
                DupReason::MinHash
            },
            similarity: {
                let mut f = [0u8; 4];
                f.copy_from_slice(&b[2 * DOC + 1..2 * DOC + 5]);
                Some(f32::from_le_bytes(f)).filter(|s| !s.is_nan())
            },
        })
        .collect();
    let kept = kept
        .chunks_exact(KEPT_BYTES)
        .map(|b| {
            let mut k = [0u8; 8];
            let mut s = [0u8; 4];
            k.copy_from_slice(&b[..8]);
            s.copy_from_slice(&b[8..12]);
            (u64::from_le_bytes(k), u32::from_le_bytes(s))
        })
        .collect();
    Ok(ClusterTable::from_rows(removed, kept))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(key: u64) -> DocInfo {
        DocInfo::new(key, u128::from(key) << 70 | 7, key as f32 * 0.5)
    }

    #[test]
    fn rows_and_pairs_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.bin");
        let mut w = RecordWriter::create(&p, ROW_MAGIC).unwrap();
        let rows = [
            BandEntry {
                bucket: 3,
                doc: doc(1),
            },
            BandEntry {
                bucket: u128::MAX,
                doc: doc(9),
            },
        ];
        for r in &rows {
            w.row(r).unwrap();
        }
        w.finish().unwrap();
        let back: Vec<BandEntry> = Rows(RecordReader::open(&p, ROW_MAGIC, ROW_BYTES).unwrap())
            .collect::<Result<_>>()
            .unwrap();
        assert_eq!(back, rows);
        assert!(RecordReader::open(&p, PAIR_MAGIC, PAIR_BYTES).is_err());
        // A cut file is an error, not a short read.
        let bytes = std::fs::read(&p).unwrap();
        std::fs::write(&p, &bytes[..bytes.len() - 3]).unwrap();
        let r: Result<Vec<BandEntry>> =
            Rows(RecordReader::open(&p, ROW_MAGIC, ROW_BYTES).unwrap()).collect();
        assert!(r.is_err());
    }

    #[test]
    fn cluster_part_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.bin");
        let removed = vec![
            Removal {
                member: doc(5),
                kept: doc(2),
                reason: DupReason::MinHash,
                similarity: Some(0.875),
            },
            Removal {
                member: doc(6),
                kept: doc(2),
                reason: DupReason::MinHash,
                similarity: None,
            },
        ];
        write_cluster_part(&p, &removed, &[(2, 3)]).unwrap();
        let t = read_cluster_part(&p).unwrap();
        assert_eq!(t.removals(), &removed[..]);
        assert_eq!(t.representatives(), &[(2, 3)]);
    }
}
