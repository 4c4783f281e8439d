//! Reader tests on small WARC files written inline: framing, offsets, recovery, ranges.

use super::*;
use crate::sources::{Body, SourceItem};
use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;

pub(crate) fn record(typ: &str, uri: &str, block: &[u8]) -> Vec<u8> {
    let ct = if typ == "resource" {
        "Content-Type: text/plain\r\n"
    } else {
        ""
    };
    let mut r = format!(
        "WARC/1.1\r\nWARC-Type: {typ}\r\nWARC-Target-URI: {uri}\r\nWARC-Record-ID: <urn:uuid:{uri}>\r\n\
         {ct}Content-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn html(text: &str) -> Vec<u8> {
    format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><p>{text}</p></html>")
        .into_bytes()
}

pub(crate) fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn sample() -> Vec<Vec<u8>> {
    vec![
        record("warcinfo", "", b"software: minga\r\n"),
        record("response", "http://a.pe/1", &html("Allinllachu kachkanki")),
        record("request", "http://a.pe/1", b"GET /1 HTTP/1.1\r\n\r\n"),
        record("resource", "http://b.py/2", b"Mba'\xc3\xa9ichapa reiko?"),
        record("response", "http://c.br/3", &html("Bom dia, tudo bem?")),
    ]
}

fn write(bytes: &[u8]) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(bytes).unwrap();
    f
}

fn read_all(path: &Path, range: Option<(u64, u64)>, opts: &WarcOptions) -> Vec<SourceItem> {
    read_warc(path, range, opts).unwrap().collect()
}

/// (offset, label) per item: doc URL, skip reason or record kind.
fn summary(items: &[SourceItem]) -> Vec<(u64, String)> {
    items
        .iter()
        .map(|i| match i {
            SourceItem::Doc(d) => (d.offset, d.url.clone().unwrap_or_default()),
            SourceItem::Skip(s) => (s.offset, s.reason.to_string()),
            SourceItem::NotDocument { offset, kind } => (*offset, kind.clone()),
        })
        .collect()
}

fn labels(items: &[SourceItem]) -> Vec<String> {
    summary(items).into_iter().map(|(_, l)| l).collect()
}

const EXPECTED: [&str; 5] = [
    "warcinfo",
    "http://a.pe/1",
    "request",
    "http://b.py/2",
    "http://c.br/3",
];

#[test]
fn plain_file_offsets_reread() {
    let recs = sample();
    let bytes = recs.concat();
    let f = write(&bytes);
    let mut it = read_warc(f.path(), None, &WarcOptions::default()).unwrap();
    let mut at = 0u64;
    for (i, r) in recs.iter().enumerate() {
        let item = it.next().unwrap();
        let info = it.last_record().unwrap().clone();
        assert_eq!(
            (info.offset, info.length),
            (at, r.len() as u64),
            "record {i}"
        );
        assert_eq!(&bytes[at as usize..(at + info.length) as usize], &r[..]);
        if let SourceItem::Doc(d) = &item {
            assert_eq!((d.offset, d.length), (info.offset, info.length));
        }
        at += r.len() as u64;
    }
    assert!(it.next().is_none());
    let items = read_all(f.path(), None, &WarcOptions::default());
    assert_eq!(labels(&items), EXPECTED);
    let SourceItem::Doc(d) = &items[1] else {
        panic!()
    };
    assert_eq!(
        d.body,
        Body::Html("<html><p>Allinllachu kachkanki</p></html>".into())
    );
    let SourceItem::Doc(d) = &items[3] else {
        panic!()
    };
    assert_eq!(
        (d.content_type, d.meta["charset_source"].as_str()),
        ("warc/text", Some("detected"))
    );
}

#[test]
fn per_record_gzip_offsets_are_members() {
    let members: Vec<Vec<u8>> = sample().iter().map(|r| gz(r)).collect();
    let bytes = members.concat();
    let f = write(&bytes);
    let mut it = read_warc(f.path(), None, &WarcOptions::default()).unwrap();
    let mut at = 0u64;
    for (m, r) in members.iter().zip(sample()) {
        it.next().unwrap();
        let info = it.last_record().unwrap().clone();
        assert_eq!(
            (info.offset, info.length, info.uncompressed),
            (at, m.len() as u64, false)
        );
        let mut out = Vec::new();
        let slice = &bytes[at as usize..(at + info.length) as usize];
        flate2::read::MultiGzDecoder::new(slice)
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, r);
        at += m.len() as u64;
    }
    assert!(it.next().is_none());
}

#[test]
fn whole_file_gzip_uses_uncompressed_offsets() {
    let recs = sample();
    let f = write(&gz(&recs.concat()));
    let items = read_all(f.path(), None, &WarcOptions::default());
    assert_eq!(labels(&items), EXPECTED);
    let SourceItem::Doc(d) = &items[1] else {
        panic!()
    };
    assert_eq!(d.offset, recs[0].len() as u64);
    assert_eq!(d.meta["offsets"], "uncompressed");
    assert!(!is_splittable(f.path(), &WarcOptions::default()).unwrap());
    let per_record = write(&recs.iter().map(|r| gz(r)).collect::<Vec<_>>().concat());
    assert!(is_splittable(per_record.path(), &WarcOptions::default()).unwrap());
    // A later range cannot place the records of a member that starts before it.
    assert!(read_all(f.path(), Some((1, u64::MAX)), &WarcOptions::default()).is_empty());
}

#[test]
fn lying_content_length_recovers_next_record() {
    for delta in [-7i64, 9, 5000] {
        let mut recs = sample();
        let r = String::from_utf8(recs[1].clone()).unwrap();
        let len = html("Allinllachu kachkanki").len() as i64;
        recs[1] = r
            .replace(
                &format!("Content-Length: {len}"),
                &format!("Content-Length: {}", len + delta),
            )
            .into_bytes();
        for gzip in [false, true] {
            let bytes = if gzip {
                recs.iter().map(|r| gz(r)).collect::<Vec<_>>().concat()
            } else {
                recs.concat()
            };
            let f = write(&bytes);
            let items = read_all(f.path(), None, &WarcOptions::default());
            let mut want = EXPECTED.to_vec();
            want[1] = "ingest.bad_content_length";
            assert_eq!(labels(&items), want, "delta {delta} gzip {gzip}");
            let off = if gzip {
                gz(&recs[0]).len()
            } else {
                recs[0].len()
            };
            assert_eq!(summary(&items)[1].0, off as u64);
        }
    }
}

#[test]
fn garbage_between_records_is_skipped() {
    let recs = sample();
    let mut bytes = recs[..2].concat();
    bytes.extend_from_slice(b"\x00\x01 ruido entre registros\nWARC no es\n");
    bytes.extend_from_slice(&recs[2..].concat());
    let f = write(&bytes);
    let items = read_all(f.path(), None, &WarcOptions::default());
    let l = labels(&items);
    assert_eq!(l[2], "ingest.garbage", "{l:?}");
    assert_eq!(&l[3..], &EXPECTED[2..]);
    let SourceItem::Skip(s) = &items[2] else {
        panic!()
    };
    assert_eq!(s.offset, (recs[0].len() + recs[1].len()) as u64);
}

#[test]
fn damaged_gzip_members() {
    let recs = sample();
    let mut members: Vec<Vec<u8>> = recs.iter().map(|r| gz(r)).collect();
    // Corrupt the deflate data of member 1, cut the last member short.
    let m1 = &mut members[1];
    let mid = m1.len() / 2;
    m1[mid..mid + 8].copy_from_slice(b"\xff\xff\xff\xff\xff\xff\xff\xff");
    let last = members.last_mut().unwrap();
    last.truncate(last.len() - 30);
    let f = write(&members.concat());
    let items = read_all(f.path(), None, &WarcOptions::default());
    let l = labels(&items);
    assert!(l[1] == "ingest.bad_gzip", "{l:?}");
    assert_eq!(&l[2..4], &EXPECTED[2..4]);
    assert_eq!(l[4], "ingest.truncated_gzip");
    assert_eq!(l.len(), 5);
}

#[test]
fn oversized_record_streamed_past() {
    let mut recs = sample();
    recs[1] = record(
        "response",
        "http://a.pe/big",
        &html(&"hatun ".repeat(100_000)),
    );
    let opts = WarcOptions {
        max_record_bytes: 64 * 1024,
    };
    for gzip in [false, true] {
        let bytes = if gzip {
            recs.iter().map(|r| gz(r)).collect::<Vec<_>>().concat()
        } else {
            recs.concat()
        };
        let f = write(&bytes);
        let mut want = EXPECTED.to_vec();
        want[1] = "ingest.record_too_large";
        assert_eq!(
            labels(&read_all(f.path(), None, &opts)),
            want,
            "gzip {gzip}"
        );
    }
}

#[test]
fn empty_missing_and_arc_files() {
    let f = write(b"");
    assert!(read_all(f.path(), None, &WarcOptions::default()).is_empty());
    let err = read_warc(
        Path::new("/no/such/dir/x.warc.gz"),
        None,
        &WarcOptions::default(),
    )
    .err()
    .unwrap();
    assert!(err.to_string().contains("/no/such/dir/x.warc.gz"), "{err}");
    let body = "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<p>Jaku, wawakuna!</p>";
    let arc = format!(
        "filedesc://x.arc 0.0.0.0 20240101000000 text/plain 9\n1 0 minga\n\n\
         http://a.bo/jaku 1.2.3.4 20240102030405 text/html {}\n{body}\n",
        body.len()
    );
    let arc = write(arc.as_bytes());
    let items = read_all(arc.path(), None, &WarcOptions::default());
    assert_eq!(labels(&items), ["warcinfo", "http://a.bo/jaku"]);
    let SourceItem::Doc(d) = &items[1] else {
        panic!()
    };
    assert_eq!(
        (d.offset, d.date.as_deref()),
        (64, Some("2024-01-02T03:04:05Z"))
    );
    assert_eq!(d.body, Body::Html("<p>Jaku, wawakuna!</p>".into()));
}

#[test]
fn truncated_plain_file() {
    let bytes = sample().concat();
    let f = write(&bytes[..bytes.len() - 20]);
    let l = labels(&read_all(f.path(), None, &WarcOptions::default()));
    assert_eq!(&l[..4], &EXPECTED[..4]);
    assert_eq!(l[4], "ingest.truncated_record");
}

#[test]
fn lf_only_and_non_utf8_headers() {
    let block = b"HTTP/1.0 200 OK\nContent-Type: text/html\n\n<p>Ma\xf1ana</p>";
    let mut r = b"WARC/1.0\nWARC-Type: response\nWARC-Target-URI: http://a.cl/se\xf1a\n".to_vec();
    r.extend_from_slice(format!("Content-Length: {}\n\n", block.len()).as_bytes());
    r.extend_from_slice(block);
    r.extend_from_slice(b"\n\n");
    let f = write(&[r, sample()[4].clone()].concat());
    let items = read_all(f.path(), None, &WarcOptions::default());
    assert_eq!(labels(&items)[1], "http://c.br/3");
    let SourceItem::Doc(d) = &items[0] else {
        panic!("{items:?}")
    };
    assert_eq!(d.body, Body::Html("<p>Mañana</p>".into()));
    assert!(d.url.as_deref().unwrap().starts_with("http://a.cl/se"));
}

/// Splitting at every byte reads each record exactly once.
#[test]
fn ranges_tile_the_file() {
    let recs = sample();
    let plain = recs.concat();
    let gzipped = recs.iter().map(|r| gz(r)).collect::<Vec<_>>().concat();
    let mut damaged = recs[..2].concat();
    damaged.extend_from_slice(b"junk\n");
    damaged.extend_from_slice(&recs[2..].concat());
    // A record written without its CRLF CRLF, the next header right behind its block.
    let mut bare = recs[..2].concat();
    bare.truncate(bare.len() - 4);
    bare.extend_from_slice(&recs[2..].concat());
    for bytes in [plain, gzipped, damaged, bare] {
        let f = write(&bytes);
        let opts = WarcOptions::default();
        let whole = summary(&read_all(f.path(), None, &opts));
        let kept: Vec<_> = whole
            .iter()
            .filter(|(_, l)| l != "ingest.garbage")
            .cloned()
            .collect();
        for k in 0..=bytes.len() as u64 {
            let mut parts = summary(&read_all(f.path(), Some((0, k)), &opts));
            parts.extend(summary(&read_all(f.path(), Some((k, u64::MAX)), &opts)));
            parts.retain(|(_, l)| l != "ingest.garbage");
            assert_eq!(parts, kept, "split at {k}");
        }
    }
}

/// Files larger than the reader's window: ranges still tile, offsets still re-read.
#[test]
fn ranges_tile_a_file_larger_than_the_window() {
    let filler = "Ñuqanchik llamk'anchik kuska, minga p'unchaw. ".repeat(100);
    let recs: Vec<Vec<u8>> = (0..900)
        .map(|i| match i % 3 {
            0 => record("response", &format!("http://a.pe/{i}"), &html(&filler)),
            1 => record(
                "request",
                &format!("http://a.pe/{i}"),
                b"GET / HTTP/1.1\r\n\r\n",
            ),
            _ => record("resource", &format!("http://a.pe/{i}"), filler.as_bytes()),
        })
        .collect();
    let plain = recs.concat();
    let gzipped = recs.iter().map(|r| gz(r)).collect::<Vec<_>>().concat();
    assert!(plain.len() > 2 << 20);
    for bytes in [plain, gzipped] {
        let f = write(&bytes);
        let opts = WarcOptions::default();
        let whole = summary(&read_all(f.path(), None, &opts));
        assert_eq!(whole.len(), 900);
        let len = bytes.len() as u64;
        let cuts: Vec<u64> = (0..=7)
            .map(|k| len * k / 7 + k * 13)
            .map(|c| c.min(len))
            .collect();
        let mut parts = Vec::new();
        for w in cuts.windows(2) {
            parts.extend(summary(&read_all(f.path(), Some((w[0], w[1])), &opts)));
        }
        parts.extend(summary(&read_all(
            f.path(),
            Some((cuts[7], u64::MAX)),
            &opts,
        )));
        assert_eq!(parts, whole);
    }
}

/// Damaged copies of the sample (bytes overwritten, cut, duplicated) never panic, never loop,
/// and every item's offset lies inside the file.
#[test]
fn random_damage_never_panics() {
    let recs = sample();
    let plain = recs.concat();
    let gzipped = recs.iter().map(|r| gz(r)).collect::<Vec<_>>().concat();
    let whole = gz(&plain);
    let mut seed = 0x5eed_u64;
    let mut rand = move |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n.max(1)
    };
    let body = "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<p>Jaku, wawakuna!</p>";
    let arc = format!(
        "filedesc://x.arc 0.0.0.0 20240101000000 text/plain 9\n1 0 minga\n\n\
         http://a.bo/jaku 1.2.3.4 20240102030405 text/html {}\n{body}\n\
         http://a.bo/kay 1.2.3.4 20240102030405 text/html {}\n{body}\n",
        body.len(),
        body.len()
    )
    .into_bytes();
    for (k, base) in [plain, gzipped, whole, arc].into_iter().enumerate() {
        for round in 0..1000 {
            let mut b = base.clone();
            match round % 3 {
                0 => {
                    for _ in 0..1 + rand(6) {
                        let i = rand(b.len());
                        b[i] = rand(256) as u8;
                    }
                }
                1 => b.truncate(rand(b.len())),
                _ => {
                    let (i, n) = (rand(b.len()), rand(200));
                    let piece = b[i..(i + n).min(b.len())].to_vec();
                    let j = rand(b.len());
                    b.splice(j..j, piece);
                }
            }
            let f = write(&b);
            let items = read_all(f.path(), None, &WarcOptions::default());
            assert!(
                items.len() <= 2 * recs.len() + 8,
                "round {round}: {items:?}"
            );
            // Offsets of whole-file gzip records are inflated positions.
            let limit = if k == 2 {
                4 * base.len() + 4096
            } else {
                b.len()
            };
            for (offset, _) in summary(&items) {
                assert!(offset <= limit as u64, "round {round}: {offset} > {limit}");
            }
        }
    }
}

#[test]
fn crc_mismatch_skips_only_that_record() {
    let recs = sample();
    let mut members: Vec<Vec<u8>> = recs.iter().map(|r| gz(r)).collect();
    let m1 = &mut members[1];
    let crc_at = m1.len() - 8;
    m1[crc_at] ^= 0xff;
    let f = write(&members.concat());
    let items = read_all(f.path(), None, &WarcOptions::default());
    let mut want = EXPECTED.to_vec();
    want[1] = "ingest.bad_gzip";
    assert_eq!(labels(&items), want);
    let SourceItem::Skip(s) = &items[1] else {
        panic!()
    };
    assert_eq!(s.offset, members[0].len() as u64);
    assert!(s.detail.contains("CRC"), "{}", s.detail);
}
