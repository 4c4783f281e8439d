//! The zip-based readers (DOCX, ODT, EPUB per book and per chapter) on arbitrary containers:
//! central directory, inflate budget, XML parts, package and spine resolution.
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use minga::sources::epub::epub_items;
use minga::sources::office::{office_item, OfficeKind};
use minga::sources::zipped::Container;

fuzz_target!(|data: &[u8]| {
    // A small budget, so inflating past it is exercised too.
    let budget = 256 * 1024;
    let len = data.len() as u64;
    for kind in [OfficeKind::Docx, OfficeKind::Odt] {
        if let Ok(mut c) = Container::new(Cursor::new(data), budget) {
            let _ = office_item(&mut c, kind, len);
        }
    }
    for per_chapter in [false, true] {
        if let Ok(mut c) = Container::new(Cursor::new(data), budget) {
            let _ = epub_items(&mut c, per_chapter, len);
        }
    }
});
