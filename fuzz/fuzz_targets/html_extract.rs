//! The HTML main-text extractor and the consent signals of the head and headers on arbitrary
//! (lossily decoded) markup.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    let _ = minga_filters::extract::extract(&html);
    let _ = minga_filters::consent::head_signals(&html);
    let _ = minga_filters::consent::header_opt_outs(Some(&html), Some(&html));
});
