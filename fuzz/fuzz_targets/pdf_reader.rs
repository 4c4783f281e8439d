//! The PDF reader (lopdf object layer, content-stream walk, layout, furniture) on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minga::sources::pdf::{read_pdf_bytes, PdfOptions};

fuzz_target!(|data: &[u8]| {
    let opts = PdfOptions {
        max_bytes: 1 << 20,
        max_page_ops: 100_000,
        max_doc_ops: 1_000_000,
        ..PdfOptions::default()
    };
    let _ = read_pdf_bytes(data, &opts);
});
