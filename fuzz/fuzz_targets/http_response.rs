//! HTTP response parsing and payload decoding (chunked transfer, gzip/deflate content-encoding)
//! as the WARC reader applies them to a response record's block.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minga::sources::http;

fuzz_target!(|data: &[u8]| {
    if let Ok(resp) = http::parse_response(data) {
        let _ = http::decode_body(&resp, 1 << 20, &mut Vec::new());
    }
    let _ = http::dechunk(data);
});
