//! The Parquet shard reader on corrupted files: opening, reading documents and ledger rows must
//! give an error, never a panic or an unbounded allocation.
#![no_main]
// The fuzz build enables nightly features with RUSTC_BOOTSTRAP=1 (fuzz/run-all.sh).
#![feature(alloc_error_hook)]

use libfuzzer_sys::fuzz_target;
use minga_manifests::ShardReader;

/// libFuzzer's hook aborts on every panic. Panics raised inside polars are caught by
/// `ShardReader` (its decoder runs under `catch_unwind`) and become `ManifestError::Parquet`, the
/// behaviour under test, so those are let through; a panic anywhere else still aborts.
///
/// polars-parquet 0.52 also trusts sizes in corrupted page headers and asks the allocator for up
/// to 2^61 bytes, which aborts the process. minga refuses a shard whose BLAKE3 differs from its
/// part manifest before decoding it (`runner::checked_input`), which is how a pipeline run avoids
/// this; here the allocation failure is turned into a panic (caught like the others) so the
/// fuzzer goes on past it.
fn tolerate_polars_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::alloc::set_alloc_error_hook(|layout| {
            panic!("polars: allocation of {} bytes failed", layout.size())
        });
        std::panic::set_hook(Box::new(|info| {
            let in_polars = info
                .location()
                .is_some_and(|l| l.file().contains("polars"))
                || info
                    .payload()
                    .downcast_ref::<String>()
                    .is_some_and(|m| m.starts_with("polars: allocation of"));
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
