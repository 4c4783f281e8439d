//! The jsonl reader on arbitrary bytes, whole and in two ranges at an input-chosen split.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minga::sources::jsonl::{read_jsonl, JsonlOptions};

fuzz_target!(|data: &[u8]| {
    if data.is_empty() {
        return;
    }
    let body = &data[1..];
    let path = std::env::temp_dir().join(format!("minga-fuzz-{}.jsonl", std::process::id()));
    std::fs::write(&path, body).unwrap();
    let opts = JsonlOptions {
        max_line_bytes: 4096,
        ..JsonlOptions::default()
    };
    let len = body.len() as u64;
    let k = (data[0] as u64 * len) / 255;
    for range in [None, Some((0, k)), Some((k, len))] {
        if let Ok(it) = read_jsonl(&path, range, &opts) {
            for _ in it.take(10_000) {}
        }
    }
});
