//! Inputs the fuzzers found (`fuzz/`), kept as regression tests: each must run through the code
//! that once panicked on it.

use std::path::Path;

fn inputs(prefix: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no {prefix}* files in {}", dir.display());
    out
}

/// A heading whose recorded start fell inside trailing spaces that a later text run trimmed:
/// dropping it as an orphan truncated the output inside a multi-byte character.
#[test]
fn html_extract_inputs_found_by_fuzzing() {
    for (name, bytes) in inputs("fuzz-html-") {
        let html = String::from_utf8_lossy(&bytes);
        let e = minga_filters::extract::extract(&html);
        assert!(e.text.len() <= html.len() * 2, "{name}");
    }
}
