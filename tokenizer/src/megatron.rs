//! Megatron-LM indexed dataset writer (`.bin` + `.idx`, format in DESIGN.md).
//!
//! `.bin` holds the ids of every document followed by the EOD id, little-endian, uint16 when the
//! vocabulary has fewer than 65,536 entries, else int32. `.idx`:
//!
//! ```text
//! b"MMIDIDX\x00\x00"  u64 version = 1  u8 dtype (8 = u16, 4 = i32)
//! u64 N  u64 N + 1  i32 lengths[N]  i64 byte pointers[N]  i64 document indices 0..=N
//! ```
//!
//! Both files are written under temporary names in the target directory, fsynced and renamed, the
//! `.idx` last, so a prefix whose `.idx` exists is complete.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::TokError;

pub const IDX_MAGIC: &[u8; 9] = b"MMIDIDX\x00\x00";
pub const DTYPE_U16: u8 = 8;
pub const DTYPE_I32: u8 = 4;

/// Per-shard totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ShardCounts {
    pub documents: u64,
    /// Tokens written, EOD included.
    pub tokens: u64,
    pub bin_bytes: u64,
}

pub struct MegatronWriter {
    prefix: PathBuf,
    bin: BufWriter<File>,
    tmp_bin: PathBuf,
    eod: u32,
    vocab_size: usize,
    wide: bool,
    lengths: Vec<i32>,
    pointers: Vec<i64>,
    offset: u64,
    tokens: u64,
}

fn with_ext(prefix: &Path, ext: &str) -> PathBuf {
    let mut s = prefix.as_os_str().to_owned();
    s.push(ext);
    PathBuf::from(s)
}

impl MegatronWriter {
    /// Starts `prefix.bin`/`prefix.idx`; ids must be below `vocab_size`; `eod_id` ends each document.
    pub fn create(prefix: &Path, vocab_size: usize, eod_id: u32) -> Result<Self, TokError> {
        if (eod_id as usize) >= vocab_size || vocab_size > i32::MAX as usize {
            return Err(TokError::Config(format!(
                "eod id {eod_id} / vocab size {vocab_size} out of range"
            )));
        }
        let tmp_bin = with_ext(prefix, ".bin.tmp");
        let file = File::create(&tmp_bin).map_err(|e| TokError::io(&tmp_bin, e))?;
        Ok(MegatronWriter {
            prefix: prefix.to_path_buf(),
            bin: BufWriter::with_capacity(1 << 20, file),
            tmp_bin,
            eod: eod_id,
            vocab_size,
            wide: vocab_size >= 1 << 16,
            lengths: Vec::new(),
            pointers: Vec::new(),
            offset: 0,
            tokens: 0,
        })
    }

    /// The dtype code written to `.idx`.
    pub fn dtype_code(&self) -> u8 {
        if self.wide {
            DTYPE_I32
        } else {
            DTYPE_U16
        }
    }

    /// Appends one document (its ids, then EOD). An empty document becomes a lone EOD.
    pub fn add_document(&mut self, ids: &[u32]) -> Result<(), TokError> {
        let document = self.lengths.len() as u64;
        if let Some(&bad) = ids.iter().find(|&&id| id as usize >= self.vocab_size) {
            return Err(TokError::TokenOutOfRange {
                path: self.tmp_bin.clone(),
                id: bad,
                vocab_size: self.vocab_size,
                document,
            });
        }
        let len = ids.len() + 1;
        let len32 = i32::try_from(len).map_err(|_| TokError::Format {
            path: self.tmp_bin.clone(),
            what: format!("document {document} has {len} tokens, more than int32 holds"),
        })?;
        let width = if self.wide { 4 } else { 2 };
        let mut buf = Vec::with_capacity(len * width);
        for &id in ids.iter().chain(std::iter::once(&self.eod)) {
            if self.wide {
                buf.extend_from_slice(&(id as i32).to_le_bytes());
            } else {
                buf.extend_from_slice(&(id as u16).to_le_bytes());
            }
        }
        self.bin
            .write_all(&buf)
            .map_err(|e| TokError::io(&self.tmp_bin, e))?;
        self.pointers.push(self.offset as i64);
        self.lengths.push(len32);
        self.offset += buf.len() as u64;
        self.tokens += len as u64;
        Ok(())
    }

    /// Writes `.idx`, syncs, and renames both files into place.
    pub fn finish(self) -> Result<ShardCounts, TokError> {
        let bin_path = with_ext(&self.prefix, ".bin");
        let idx_path = with_ext(&self.prefix, ".idx");
        let tmp_idx = with_ext(&self.prefix, ".idx.tmp");
        let file = self
            .bin
            .into_inner()
            .map_err(|e| TokError::io(&self.tmp_bin, e.into_error()))?;
        file.sync_all()
            .map_err(|e| TokError::io(&self.tmp_bin, e))?;
        let n = self.lengths.len() as u64;
        let mut idx = Vec::with_capacity(34 + self.lengths.len() * 20 + 8);
        idx.extend_from_slice(IDX_MAGIC);
        idx.extend_from_slice(&1u64.to_le_bytes());
        idx.push(if self.wide { DTYPE_I32 } else { DTYPE_U16 });
        idx.extend_from_slice(&n.to_le_bytes());
        idx.extend_from_slice(&(n + 1).to_le_bytes());
        self.lengths
            .iter()
            .for_each(|l| idx.extend_from_slice(&l.to_le_bytes()));
        self.pointers
            .iter()
            .for_each(|p| idx.extend_from_slice(&p.to_le_bytes()));
        (0..=n as i64).for_each(|d| idx.extend_from_slice(&d.to_le_bytes()));
        write_synced(&tmp_idx, &idx)?;
        std::fs::rename(&self.tmp_bin, &bin_path).map_err(|e| TokError::io(&bin_path, e))?;
        std::fs::rename(&tmp_idx, &idx_path).map_err(|e| TokError::io(&idx_path, e))?;
        Ok(ShardCounts {
            documents: n,
            tokens: self.tokens,
            bin_bytes: self.offset,
        })
    }
}

/// Writes `bytes` to `path` and fsyncs it.
pub(crate) fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), TokError> {
    let mut f = File::create(path).map_err(|e| TokError::io(path, e))?;
    f.write_all(bytes).map_err(|e| TokError::io(path, e))?;
    f.sync_all().map_err(|e| TokError::io(path, e))
}

/// Writes `path` atomically: a temporary file beside it, fsync, rename. The temp is named
/// `.NAME.tmp-PID`: two tasks of a job array may write the same merged file (`export.json`) at
/// once, and each renames its own temp.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), TokError> {
    let tmp = temp_name(path, std::process::id());
    write_synced(&tmp, bytes)?;
    std::fs::rename(&tmp, path).map_err(|e| TokError::io(path, e))
}

fn temp_name(path: &Path, pid: u32) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{pid}"))
}

/// Removes the temps of `path` that a killed writer left; only for files with one writer.
pub(crate) fn remove_stale_temps(path: &Path) {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return;
    };
    let prefix = format!(".{}.tmp-", name.to_string_lossy());
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if e.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An independent reader written from the DESIGN.md layout: (dtype, documents as id lists).
    fn read_back(prefix: &Path) -> (u8, Vec<Vec<u32>>) {
        let idx = std::fs::read(with_ext(prefix, ".idx")).unwrap();
        let bin = std::fs::read(with_ext(prefix, ".bin")).unwrap();
        assert_eq!(&idx[..9], b"MMIDIDX\x00\x00");
        let u64_at = |o: usize| u64::from_le_bytes(idx[o..o + 8].try_into().unwrap());
        assert_eq!(u64_at(9), 1);
        let dtype = idx[17];
        let n = u64_at(18) as usize;
        assert_eq!(u64_at(26) as usize, n + 1);
        let lens_at = 34;
        let ptrs_at = lens_at + 4 * n;
        let docs_at = ptrs_at + 8 * n;
        assert_eq!(idx.len(), docs_at + 8 * (n + 1));
        let width = match dtype {
            8 => 2,
            4 => 4,
            other => panic!("dtype {other}"),
        };
        let mut out = Vec::new();
        let mut expect_ptr = 0i64;
        for i in 0..n {
            let len = i32::from_le_bytes(
                idx[lens_at + 4 * i..lens_at + 4 * i + 4]
                    .try_into()
                    .unwrap(),
            ) as usize;
            let ptr = i64::from_le_bytes(
                idx[ptrs_at + 8 * i..ptrs_at + 8 * i + 8]
                    .try_into()
                    .unwrap(),
            );
            assert_eq!(ptr, expect_ptr);
            expect_ptr += (len * width) as i64;
            let d = i64::from_le_bytes(
                idx[docs_at + 8 * i..docs_at + 8 * i + 8]
                    .try_into()
                    .unwrap(),
            );
            assert_eq!(d, i as i64);
            let ids = (0..len)
                .map(|k| {
                    let o = ptr as usize + k * width;
                    if width == 2 {
                        u32::from(u16::from_le_bytes([bin[o], bin[o + 1]]))
                    } else {
                        i32::from_le_bytes(bin[o..o + 4].try_into().unwrap()) as u32
                    }
                })
                .collect();
            out.push(ids);
        }
        assert_eq!(expect_ptr as usize, bin.len());
        (dtype, out)
    }

    #[test]
    fn writes_uint16_shards_with_eod_and_empty_documents() {
        let dir = tempfile::tempdir().unwrap();
        let prefix = dir.path().join("part-00000");
        let mut w = MegatronWriter::create(&prefix, 64_000, 0).unwrap();
        w.add_document(&[5, 63_999, 7]).unwrap();
        w.add_document(&[]).unwrap();
        w.add_document(&[1]).unwrap();
        let counts = w.finish().unwrap();
        assert_eq!(
            counts,
            ShardCounts {
                documents: 3,
                tokens: 7,
                bin_bytes: 14
            }
        );
        let (dtype, docs) = read_back(&prefix);
        assert_eq!(dtype, 8);
        assert_eq!(docs, vec![vec![5, 63_999, 7, 0], vec![0], vec![1, 0]]);
        assert!(!dir.path().join("part-00000.bin.tmp").exists());
    }

    #[test]
    fn switches_to_int32_at_65536_and_rejects_out_of_range_ids() {
        let dir = tempfile::tempdir().unwrap();
        let prefix = dir.path().join("wide");
        let mut w = MegatronWriter::create(&prefix, 65_536, 3).unwrap();
        assert_eq!(w.dtype_code(), 4);
        w.add_document(&[65_535, 70]).unwrap();
        assert!(matches!(
            w.add_document(&[65_536]),
            Err(TokError::TokenOutOfRange { id: 65_536, .. })
        ));
        w.finish().unwrap();
        assert_eq!(read_back(&prefix), (4, vec![vec![65_535, 70, 3]]));
        let narrow = MegatronWriter::create(&dir.path().join("n"), 65_535, 0).unwrap();
        assert_eq!(narrow.dtype_code(), 8);
        assert!(MegatronWriter::create(&dir.path().join("x"), 10, 10).is_err());
    }

    #[test]
    fn an_empty_shard_is_valid() {
        let dir = tempfile::tempdir().unwrap();
        let prefix = dir.path().join("empty");
        MegatronWriter::create(&prefix, 1000, 0)
            .unwrap()
            .finish()
            .unwrap();
        assert_eq!(read_back(&prefix), (8, vec![]));
    }
}
