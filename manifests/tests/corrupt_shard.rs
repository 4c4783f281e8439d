//! Corrupt shards found by `fuzz/` (target `shard_reader`): reading must give an error, never
//! let a decoder panic escape.

use std::path::Path;

use minga_manifests::ShardReader;

/// Reads documents and then ledger rows from `name` in tests/data; true when it gave an error
/// that names the file.
fn reads_as_error(name: &str) -> bool {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    let mut failed = false;
    if let Ok(mut r) = ShardReader::open(&path) {
        loop {
            match r.next_batch() {
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(e) => {
                    assert!(e.to_string().contains(name), "{e}");
                    failed = true;
                    break;
                }
            }
        }
    } else {
        failed = true;
    }
    failed
}

#[test]
fn dictionary_page_that_panics_polars_is_an_error() {
    // polars-parquet 0.52 asserts in `dictionary_encoded/required.rs` on this file.
    assert!(
        reads_as_error("fuzz-dict-panic.parquet"),
        "a corrupt shard must not read as valid"
    );
}

#[test]
fn columns_of_unequal_length_are_an_error() {
    // polars decodes this file into a frame whose `source_offset` column is shorter than its
    // `id` column; reading it once indexed past the end (manifests/src/frame.rs).
    assert!(
        reads_as_error("fuzz-ragged-columns.parquet"),
        "a corrupt shard must not read as valid"
    );
}
