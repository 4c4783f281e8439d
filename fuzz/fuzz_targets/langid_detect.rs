//! Language identification on arbitrary text with the embedded model: detection must give a label
//! and a score in [0, 1], and document spans must lie in order on char boundaries of the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minga_filters::langid::{label_document, Model, SpanOptions};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let model = Model::embedded();
    let d = model.detect(&text);
    assert!(!d.lang.is_empty());
    assert!((0.0..=1.0).contains(&d.score), "score {}", d.score);
    let _ = model.coverage(&text);
    let doc = label_document(model, &text, &SpanOptions::default());
    let mut prev = 0usize;
    for s in &doc.spans {
        let (start, end) = (s.start as usize, s.end as usize);
        assert!(prev <= start && start < end && end <= text.len(), "span {start}..{end}");
        assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
        assert!((0.0..=1.0).contains(&s.score));
        prev = end;
    }
});
