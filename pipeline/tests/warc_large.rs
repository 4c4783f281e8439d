//! A 200 MB record is skipped as `ingest.record_too_large` by streaming past it (memory stays
//! far below its size) and the record after it is still read, plain and gzip.

use minga::sources::warc::{read_warc, WarcOptions};
use minga::sources::SourceItem;
use std::io::{BufWriter, Write};

const BIG: u64 = 200 * 1000 * 1000;

fn small(uri: &str) -> Vec<u8> {
    let block = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nSumaq p'unchaw kachun.";
    let mut r = format!(
        "WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nContent-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

/// Writes small, 200 MB, small records; each record its own gzip member when `gzip`.
fn write_file(out: &mut dyn Write, gzip: bool) {
    let member = |out: &mut dyn Write, f: &dyn Fn(&mut dyn Write)| {
        if gzip {
            let mut e = flate2::write::GzEncoder::new(out, flate2::Compression::fast());
            f(&mut e);
            e.finish().unwrap();
        } else {
            f(out);
        }
    };
    member(out, &|w| w.write_all(&small("http://a.pe/antes")).unwrap());
    member(out, &|w| {
        let head = format!(
            "WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: http://a.pe/hatun\r\nContent-Length: {BIG}\r\n\r\n"
        );
        w.write_all(head.as_bytes()).unwrap();
        let line = b"Hatun willakuy, mana tukukuq qillqa. \n";
        let chunk = line.repeat(1 << 14);
        let mut left = BIG as usize;
        while left > 0 {
            let n = left.min(chunk.len());
            w.write_all(&chunk[..n]).unwrap();
            left -= n;
        }
        w.write_all(b"\r\n\r\n").unwrap();
    });
    member(out, &|w| {
        w.write_all(&small("http://a.pe/despues")).unwrap()
    });
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn record_of_200_mb_is_streamed_past() {
    for gzip in [false, true] {
        let tmp = tempfile::NamedTempFile::new().unwrap();
        {
            let mut w = BufWriter::new(tmp.as_file());
            write_file(&mut w, gzip);
            w.flush().unwrap();
        }
        let size = tmp.as_file().metadata().unwrap().len();
        assert!(gzip || size > BIG, "{size}");
        eprintln!("gzip {gzip}: file of {size} bytes");
        let before = peak_rss_kib();
        let items: Vec<SourceItem> = read_warc(tmp.path(), None, &WarcOptions::default())
            .unwrap()
            .collect();
        let labels: Vec<String> = items
            .iter()
            .map(|i| match i {
                SourceItem::Doc(d) => d.url.clone().unwrap(),
                SourceItem::Skip(s) => s.reason.to_string(),
                SourceItem::NotDocument { kind, .. } => kind.clone(),
            })
            .collect();
        assert_eq!(
            labels,
            [
                "http://a.pe/antes",
                "ingest.record_too_large",
                "http://a.pe/despues"
            ],
            "gzip {gzip}"
        );
        let SourceItem::Skip(s) = &items[1] else {
            unreachable!()
        };
        assert!(s.detail.contains("200000000"), "{}", s.detail);
        if let (Some(a), Some(b)) = (before, peak_rss_kib()) {
            assert!(b - a < 64 * 1024, "peak memory grew by {} KiB", b - a);
        }
    }
}
