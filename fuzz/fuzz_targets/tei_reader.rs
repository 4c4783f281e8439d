//! The TEI/XML reader (DTD entities, encodings, depth limit) on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minga::sources::tei::{read_tei, TeiOptions};

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("minga-fuzz-{}.xml", std::process::id()));
    std::fs::write(&path, data).unwrap();
    let opts = TeiOptions {
        max_depth: 200,
        max_entity_expansion: 64 * 1024,
        ..TeiOptions::default()
    };
    let _ = read_tei(&path, &opts);
});
