//! The WARC reader on arbitrary bytes, stored plain and as gzip members, read whole and split in
//! two byte ranges at a point the input chooses (the split path resyncs on member/record starts).
#![no_main]

use libfuzzer_sys::fuzz_target;
use minga::sources::warc::{read_warc, WarcOptions};

fn read_all(path: &std::path::Path, range: Option<(u64, u64)>, opts: &WarcOptions) {
    if let Ok(it) = read_warc(path, range, opts) {
        for _ in it.take(10_000) {}
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let split = u16::from_le_bytes([data[0], data[1]]) as u64;
    let body = &data[2..];
    let opts = WarcOptions {
        max_record_bytes: 1 << 20,
        ..WarcOptions::default()
    };
    let dir = std::env::temp_dir();
    let path = dir.join(format!("minga-fuzz-{}.warc", std::process::id()));
    std::fs::write(&path, body).unwrap();
    read_all(&path, None, &opts);
    let len = body.len() as u64;
    let k = if len == 0 { 0 } else { split % (len + 1) };
    read_all(&path, Some((0, k)), &opts);
    read_all(&path, Some((k, len)), &opts);
    // The same bytes as gzip members: a member per 512-byte chunk (or per record when the
    // input contains several), so member boundaries fall anywhere.
    use std::io::Write;
    let mut gz = Vec::new();
    for chunk in body.chunks(512) {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(chunk).unwrap();
        gz.extend(e.finish().unwrap());
    }
    let gpath = dir.join(format!("minga-fuzz-{}.warc.gz", std::process::id()));
    std::fs::write(&gpath, &gz).unwrap();
    read_all(&gpath, None, &opts);
    let glen = gz.len() as u64;
    let k = if glen == 0 { 0 } else { split % (glen + 1) };
    read_all(&gpath, Some((0, k)), &opts);
    read_all(&gpath, Some((k, glen)), &opts);
});
