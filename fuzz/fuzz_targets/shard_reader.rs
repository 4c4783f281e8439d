//! The Parquet shard reader on corrupted files: opening, reading documents and ledger rows must
//! give an error, never a panic or an unbounded allocation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minga_manifests::ShardReader;

/// libFuzzer's hook aborts on every panic. Panics raised inside polars are caught by
/// `ShardReader` (its decoder runs under `catch_unwind`) and become `ManifestError::Parquet`, the
/// behaviour under test, so those are let through; a panic anywhere else still aborts.
fn tolerate_polars_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let in_polars = info
                .location()
                .is_some_and(|l| l.file().contains("polars"));
            if !in_polars {
                eprintln!("{info}");
                std::process::abort();
            }
        }));
    });
}

fuzz_target!(|data: &[u8]| {
    tolerate_polars_panics();
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
