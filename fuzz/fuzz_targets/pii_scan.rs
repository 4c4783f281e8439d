//! The PII scanner and redaction: matches must lie on char boundaries inside the text, and
//! redaction must succeed on whatever the scanner returns.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minga_filters::pii;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let matches = pii::scan(&text);
    for m in &matches {
        assert!(m.start <= m.end && m.end <= text.len());
        assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
    }
    let _ = pii::redact(&text, &matches);
});
