//! Streaming Parquet shards: a writer that flushes one row group at a time to a temp file and
//! renames it into place, and a reader that decodes one row group at a time. Memory is bounded by a
//! row group, not a shard.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use polars::prelude::*;

use crate::document::{Columns, Document};
use crate::frame::{add_ledger_columns, from_frame, to_frame};
use crate::ledger::{Rejected, Rejection};
use crate::manifest::{sync_dir, FileEntry};
use crate::part_stats::{PartStats, Tally};

use crate::{blake3_file, ManifestError};

/// Rows per row group; a row group is also cut early once its text passes [`ROW_GROUP_BYTES`].
pub const ROW_GROUP_ROWS: usize = 10_000;
const ROW_GROUP_BYTES: usize = 64 << 20;

/// Writes one shard (or one ledger shard) atomically: temp file, fsync, rename.
pub struct ShardWriter {
    path: PathBuf,
    tmp: PathBuf,
    writer: Option<BatchedWriter<IoRecorder>>,
    /// The first I/O error under the Parquet writer, which reports it only as a thrift error.
    io_error: Arc<Mutex<Option<std::io::Error>>>,
    cols: Columns,
    ledger_stage: Option<String>,
    docs: Vec<Document>,
    why: Vec<Rejection>,
    buffered_bytes: usize,
    rows: u64,
    /// The card's figures of what a document writer wrote (none for a ledger).
    tally: Option<Tally>,
}

impl ShardWriter {
    /// A writer of document rows with the column groups `cols`.
    pub fn documents(path: &Path, cols: &Columns) -> Result<Self, ManifestError> {
        Self::open(path, cols, None)
    }

    /// A writer of ledger rows for `stage`.
    pub fn ledger(path: &Path, cols: &Columns, stage: &str) -> Result<Self, ManifestError> {
        Self::open(path, cols, Some(stage.to_string()))
    }

    fn open(
        path: &Path,
        cols: &Columns,
        ledger_stage: Option<String>,
    ) -> Result<Self, ManifestError> {
        let is_documents = ledger_stage.is_none();
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| ManifestError::io(dir, e))?;
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("part");
        let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        let file = File::create(&tmp).map_err(|e| ManifestError::io(&tmp, e))?;
        let mut empty = to_frame(&[], cols).map_err(|e| ManifestError::parquet(path, e))?;
        if let Some(stage) = &ledger_stage {
            add_ledger_columns(&mut empty, stage, &[])
                .map_err(|e| ManifestError::parquet(path, e))?;
        }
        let io_error = Arc::new(Mutex::new(None));
        let file = IoRecorder {
            file,
            first_error: io_error.clone(),
        };
        let writer = ParquetWriter::new(file)
            .with_compression(ParquetCompression::Zstd(None))
            .with_statistics(StatisticsOptions::empty())
            .set_parallel(false)
            .batched(empty.schema())
            .map_err(|e| ManifestError::write(&tmp, e))?;
        Ok(ShardWriter {
            path: path.to_path_buf(),
            tmp,
            writer: Some(writer),
            io_error,
            cols: cols.clone(),
            ledger_stage,
            docs: Vec::new(),
            why: Vec::new(),
            buffered_bytes: 0,
            rows: 0,
            tally: is_documents.then(Tally::default),
        })
    }

    /// Appends a document row.
    pub fn push(&mut self, doc: Document) -> Result<(), ManifestError> {
        self.buffered_bytes += doc.text.len() + doc.meta.len();
        self.docs.push(doc);
        self.rows += 1;
        if self.docs.len() >= ROW_GROUP_ROWS || self.buffered_bytes >= ROW_GROUP_BYTES {
            self.flush()?;
        }
        Ok(())
    }

    /// Appends a ledger row (only on a ledger writer).
    pub fn push_rejected(&mut self, doc: Document, why: Rejection) -> Result<(), ManifestError> {
        self.why.push(why);
        self.push(doc)
    }

    pub fn rows(&self) -> u64 {
        self.rows
    }

    fn flush(&mut self) -> Result<(), ManifestError> {
        if self.docs.is_empty() {
            return Ok(());
        }
        if let Some(t) = self.tally.as_mut() {
            t.add_batch(&self.docs, &self.cols, |_| 0);
        }
        let refs: Vec<&Document> = self.docs.iter().collect();
        let mut df =
            to_frame(&refs, &self.cols).map_err(|e| ManifestError::parquet(&self.path, e))?;
        if let Some(stage) = &self.ledger_stage {
            let why: Vec<&Rejection> = self.why.iter().collect();
            add_ledger_columns(&mut df, stage, &why)
                .map_err(|e| ManifestError::parquet(&self.path, e))?;
        }
        if let Some(w) = self.writer.as_mut() {
            if let Err(e) = w.write_batch(&df) {
                return Err(self.write_error(e));
            }
        }
        self.docs.clear();
        self.why.clear();
        self.buffered_bytes = 0;
        Ok(())
    }

    /// Writes the footer, fsyncs, renames into place and returns the file's manifest entry.
    pub fn finish(self) -> Result<FileEntry, ManifestError> {
        self.finish_with_stats().map(|(entry, _)| entry)
    }

    /// [`ShardWriter::finish`], also returning the card's figures of the documents written
    /// (`None` for a ledger).
    pub fn finish_with_stats(mut self) -> Result<(FileEntry, Option<PartStats>), ManifestError> {
        self.flush()?;
        let writer = self.writer.take();
        if let Some(w) = writer {
            if let Err(e) = w.finish() {
                return Err(self.write_error(e));
            }
        }
        let f = File::options()
            .append(true)
            .open(&self.tmp)
            .map_err(|e| ManifestError::io(&self.tmp, e))?;
        f.sync_all().map_err(|e| ManifestError::io(&self.tmp, e))?;
        drop(f);
        std::fs::rename(&self.tmp, &self.path).map_err(|e| ManifestError::io(&self.path, e))?;
        if let Some(dir) = self.path.parent() {
            sync_dir(dir);
        }
        let (blake3, bytes) = blake3_file(&self.path)?;
        let stats = self.tally.take().map(Tally::finish);
        let entry = FileEntry {
            path: self
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            bytes,
            rows: self.rows,
            blake3,
        };
        Ok((entry, stats))
    }
}

impl ShardWriter {
    /// The I/O error under a failed write when there was one (disk full, read-only), else the
    /// Parquet writer's own message.
    fn write_error(&self, e: impl std::fmt::Display) -> ManifestError {
        match self.io_error.lock().ok().and_then(|mut g| g.take()) {
            Some(io) => ManifestError::io(&self.tmp, io),
            None => ManifestError::write(&self.tmp, e),
        }
    }
}

/// A file that keeps the first write error it returns, for [`ShardWriter::write_error`].
struct IoRecorder {
    file: File,
    first_error: Arc<Mutex<Option<std::io::Error>>>,
}

impl IoRecorder {
    fn record<T>(&self, r: std::io::Result<T>) -> std::io::Result<T> {
        if let Err(e) = &r {
            if let Ok(mut g) = self.first_error.lock() {
                if g.is_none() {
                    *g = Some(std::io::Error::new(e.kind(), e.to_string()));
                }
            }
        }
        r
    }
}

impl std::io::Write for IoRecorder {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let r = self.file.write(buf);
        self.record(r)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        let r = self.file.flush();
        self.record(r)
    }
}

impl Drop for ShardWriter {
    fn drop(&mut self) {
        // A writer dropped without finish() (an error on the way) leaves no partial file behind.
        if self.writer.is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Reads a shard one row group at a time.
pub struct ShardReader {
    path: PathBuf,
    file: File,
    metadata: polars::io::parquet::metadata::FileMetadataRef,
    next_group: usize,
    offset: usize,
}

impl ShardReader {
    pub fn open(path: &Path) -> Result<Self, ManifestError> {
        let file = File::open(path).map_err(|e| ManifestError::io(path, e))?;
        let clone = file.try_clone().map_err(|e| ManifestError::io(path, e))?;
        let mut reader = ParquetReader::new(clone);
        let metadata = guard(path, || reader.get_metadata().cloned())?;
        Ok(ShardReader {
            path: path.to_path_buf(),
            file,
            metadata,
            next_group: 0,
            offset: 0,
        })
    }

    /// Skips, without decoding them, the row groups that end at or before row `index`; returns
    /// the first row of the next group (point lookups decode one row group, not the shard).
    pub(crate) fn skip_before(&mut self, index: usize) -> usize {
        while let Some(g) = self.metadata.row_groups.get(self.next_group) {
            let n = g.num_rows();
            if self.offset + n > index {
                break;
            }
            self.offset += n;
            self.next_group += 1;
        }
        self.offset
    }

    /// True when the shard has a top-level column `name` (stages add columns as they go:
    /// `lang` appears at langid).
    pub fn has_column(&self, name: &str) -> bool {
        let fields = self.metadata.schema().fields();
        fields.iter().any(|f| f.name() == name)
    }

    /// The shard's column groups, from its schema (an empty shard has them too).
    pub fn columns(&self) -> Result<Columns, ManifestError> {
        let file = self
            .file
            .try_clone()
            .map_err(|e| ManifestError::io(&self.path, e))?;
        let mut reader = ParquetReader::new(file).with_slice(Some((0, 0)));
        reader.set_metadata(self.metadata.clone());
        let df = guard(&self.path, || reader.finish())?;
        from_frame(&df)
            .map(|(_, c)| c)
            .map_err(|(column, e)| ManifestError::Column {
                path: self.path.clone(),
                column,
                message: e.to_string(),
            })
    }

    /// Total rows in the shard (from the footer).
    pub fn rows(&self) -> u64 {
        self.metadata.num_rows as u64
    }

    fn next_frame(&mut self) -> Result<Option<DataFrame>, ManifestError> {
        let Some(group) = self.metadata.row_groups.get(self.next_group) else {
            return Ok(None);
        };
        let n = group.num_rows();
        self.next_group += 1;
        let df = self.read_rows(self.offset, n, None)?;
        self.offset += n;
        Ok(Some(df))
    }

    /// Decodes rows `start..start + n` (one row group), only `columns` when given.
    fn read_rows(
        &self,
        start: usize,
        n: usize,
        columns: Option<Vec<String>>,
    ) -> Result<DataFrame, ManifestError> {
        let file = self
            .file
            .try_clone()
            .map_err(|e| ManifestError::io(&self.path, e))?;
        let mut reader = ParquetReader::new(file)
            .with_slice(Some((start, n)))
            .with_columns(columns);
        reader.set_metadata(self.metadata.clone());
        guard(&self.path, || reader.finish())
    }

    /// The `text` of the rows at `rows` (ascending row indices), decoding only the `text` column
    /// of the row groups that hold one of them. Rows past the end are not returned.
    pub fn texts_at(&mut self, rows: &[usize]) -> Result<Vec<(usize, String)>, ManifestError> {
        let mut out = Vec::with_capacity(rows.len());
        self.for_texts_at(rows, |r, text| out.push((r, text.to_string())))?;
        Ok(out)
    }

    /// Calls `f` with the row index and `text` of each of `rows` (ascending) in turn, one
    /// decoded row group in memory at a time; returns how many rows it found.
    pub fn for_texts_at(
        &mut self,
        rows: &[usize],
        mut f: impl FnMut(usize, &str),
    ) -> Result<usize, ManifestError> {
        let mut found = 0;
        let mut wanted = rows.iter().copied().peekable();
        while let Some(group) = self.metadata.row_groups.get(self.next_group) {
            let n = group.num_rows();
            let (start, end) = (self.offset, self.offset + n);
            self.next_group += 1;
            self.offset = end;
            while wanted.next_if(|&r| r < start).is_some() {}
            if wanted.peek().is_none_or(|&r| r >= end) {
                continue;
            }
            let df = self.read_rows(start, n, Some(vec!["text".to_string()]))?;
            let col = df
                .column("text")
                .and_then(|c| c.str().cloned())
                .map_err(|e| ManifestError::parquet(&self.path, e))?;
            while let Some(r) = wanted.next_if(|&r| r < end) {
                f(r, col.get(r - start).unwrap_or_default());
                found += 1;
            }
        }
        Ok(found)
    }

    /// The next row group with only the named string columns decoded (nulls read as empty
    /// strings); `None` at the end. Lets whole-workdir scans (the audit index) read
    /// ids and urls without decoding text and signal columns.
    pub fn next_strings(
        &mut self,
        names: &[&str],
    ) -> Result<Option<Vec<Vec<String>>>, ManifestError> {
        let Some(group) = self.metadata.row_groups.get(self.next_group) else {
            return Ok(None);
        };
        let n = group.num_rows();
        self.next_group += 1;
        let columns = names.iter().map(|s| s.to_string()).collect();
        let df = self.read_rows(self.offset, n, Some(columns))?;
        self.offset += n;
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            let col = df
                .column(name)
                .and_then(|c| c.str())
                .map_err(|e| ManifestError::parquet(&self.path, e))?;
            out.push(
                col.into_iter()
                    .map(|v| v.unwrap_or_default().to_string())
                    .collect(),
            );
        }
        Ok(Some(out))
    }

    /// The next row group's documents and the shard's column groups; `None` at the end.
    pub fn next_batch(&mut self) -> Result<Option<(Vec<Document>, Columns)>, ManifestError> {
        let Some(df) = self.next_frame()? else {
            return Ok(None);
        };
        from_frame(&df)
            .map(Some)
            .map_err(|(column, e)| ManifestError::Column {
                path: self.path.clone(),
                column,
                message: e.to_string(),
            })
    }

    /// The next row group of a ledger shard.
    pub fn next_ledger_batch(&mut self) -> Result<Option<Vec<Rejected>>, ManifestError> {
        let Some(df) = self.next_frame()? else {
            return Ok(None);
        };
        let bad = |column: &str, e: PolarsError| ManifestError::Column {
            path: self.path.clone(),
            column: column.to_string(),
            message: e.to_string(),
        };
        let (docs, _) = from_frame(&df).map_err(|(c, e)| bad(&c, e))?;
        let s = |name: &str| -> Result<Vec<Option<String>>, ManifestError> {
            let c = df.column(name).map_err(|e| bad(name, e))?;
            Ok(c.str()
                .map_err(|e| bad(name, e))?
                .into_iter()
                .map(|v| v.map(str::to_string))
                .collect())
        };
        let (stage, reason, detail, dup_of) =
            (s("stage")?, s("reason")?, s("detail")?, s("dup_of")?);
        let value: Vec<Option<f64>> = df
            .column("value")
            .and_then(|c| c.f64().map(|ca| ca.into_iter().collect()))
            .map_err(|e| bad("value", e))?;
        Ok(Some(
            docs.into_iter()
                .enumerate()
                .map(|(i, doc)| Rejected {
                    stage: stage[i].clone().unwrap_or_default(),
                    doc,
                    why: Rejection {
                        reason: reason[i].clone().unwrap_or_default(),
                        value: value[i],
                        detail: detail[i].clone().unwrap_or_default(),
                        dup_of: dup_of[i].clone(),
                    },
                })
                .collect(),
        ))
    }
}

/// Runs a polars read, turning both its errors and its panics on corrupt files into an error that
/// names the file: a damaged shard must stop with a clear message, not a backtrace.
pub(crate) fn guard<T>(
    path: &Path,
    f: impl FnOnce() -> PolarsResult<T>,
) -> Result<T, ManifestError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(ManifestError::parquet(path, e)),
        Err(_) => Err(ManifestError::parquet(
            path,
            "the Parquet decoder failed on corrupt data",
        )),
    }
}

/// Flushes a writer-side buffer to disk; used by JSON writers too.
pub(crate) fn write_all_synced(path: &Path, bytes: &[u8]) -> Result<(), ManifestError> {
    let mut f = File::create(path).map_err(|e| ManifestError::io(path, e))?;
    f.write_all(bytes).map_err(|e| ManifestError::io(path, e))?;
    f.sync_all().map_err(|e| ManifestError::io(path, e))
}
