//! The SRT and WebVTT readers (decoding, cue blocks, timings, markup, speakers) on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minga::sources::subtitles::{subtitle_document, SubKind};

fuzz_target!(|data: &[u8]| {
    let _ = subtitle_document(data, SubKind::Srt);
    let _ = subtitle_document(data, SubKind::Vtt);
});
