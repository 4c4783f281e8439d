//! Corrupt shards found by `fuzz/` (target `shard_reader`): reading must give an error, never
//! let a decoder panic escape.

use std::path::Path;

use minga_manifests::ShardReader;

#[test]
fn dictionary_page_that_panics_polars_is_an_error() {
    // polars-parquet 0.52 asserts in `dictionary_encoded/required.rs` on this file.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz-dict-panic.parquet");
    let mut failed = false;
    if let Ok(mut r) = ShardReader::open(&path) {
        loop {
            match r.next_batch() {
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(e) => {
                    assert!(e.to_string().contains("fuzz-dict-panic.parquet"), "{e}");
                    failed = true;
                    break;
                }
            }
        }
    } else {
        failed = true;
    }
    assert!(failed, "a corrupt shard must not read as valid");
}
