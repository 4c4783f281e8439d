//! The Parquet shard reader on corrupted files: opening, reading documents and ledger rows must
//! give an error, never a panic or an unbounded allocation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minga_manifests::ShardReader;

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("minga-fuzz-{}.parquet", std::process::id()));
    std::fs::write(&path, data).unwrap();
    if let Ok(mut r) = ShardReader::open(&path) {
        for _ in 0..1000 {
            match r.next_batch() {
                Ok(Some(_)) => {}
                _ => break,
            }
        }
    }
    if let Ok(mut r) = ShardReader::open(&path) {
        for _ in 0..1000 {
            match r.next_ledger_batch() {
                Ok(Some(_)) => {}
                _ => break,
            }
        }
    }
});
