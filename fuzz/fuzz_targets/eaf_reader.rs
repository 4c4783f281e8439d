//! The ELAN reader (XML, time slots, reference chains, tier choice, translation documents) on
//! arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minga::sources::eaf::{eaf_items, EafOptions};

fuzz_target!(|data: &[u8]| {
    let _ = eaf_items(data, &EafOptions::default());
    let opts = EafOptions {
        tiers: Some(vec!["transcription".into(), "ts".into()]),
        translation_tiers: vec!["translation".into()],
        ..EafOptions::default()
    };
    let _ = eaf_items(data, &opts);
});
