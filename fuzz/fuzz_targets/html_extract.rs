//! The HTML main-text extractor on arbitrary (lossily decoded) markup.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    let _ = minga_filters::extract::extract(&html);
});
