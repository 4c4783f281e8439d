//! Tests of the gzip member reader.

use super::*;
use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn members_file(bytes: &[u8]) -> (tempfile::NamedTempFile, std::fs::File) {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(bytes).unwrap();
    let file = std::fs::File::open(f.path()).unwrap();
    (f, file)
}

fn drain(g: &mut GzMembers) -> (Vec<u8>, Vec<Mark>, Stop) {
    let (mut out, mut marks) = (Vec::new(), Vec::new());
    let mut buf = [0u8; 7];
    loop {
        let (n, stop) = g.fill(&mut buf, out.len() as u64, &mut marks);
        out.extend_from_slice(&buf[..n]);
        if let Some(stop) = stop {
            return (out, marks, stop);
        }
    }
}

#[test]
fn marks_give_exact_member_ranges() {
    let (a, b) = (gz(b"WARC/1.1 llaqta\r\n"), gz(b"WARC/1.1 aldeia\r\n"));
    let (_t, file) = members_file(&[a.clone(), b.clone()].concat());
    let mut g = GzMembers::new(Box::new(file), 0);
    let (out, marks, stop) = drain(&mut g);
    assert!(matches!(stop, Stop::Eof));
    assert_eq!(out, b"WARC/1.1 llaqta\r\nWARC/1.1 aldeia\r\n");
    let stored: Vec<u64> = marks.iter().map(|m| m.stored).collect();
    let la = a.len() as u64;
    assert_eq!(stored, vec![0, la, la, la + b.len() as u64]);
    assert_eq!(marks[1].pos, 17);
}

#[test]
fn truncated_member_keeps_earlier_bytes() {
    let a = gz(b"WARC/1.0 ama suwa\r\n");
    let mut b = gz(&b"WARC/1.0 ama llulla ".repeat(50));
    b.truncate(b.len() / 2);
    let (_t, file) = members_file(&[a.clone(), b].concat());
    let (out, _, stop) = drain(&mut GzMembers::new(Box::new(file), 0));
    assert!(out.starts_with(b"WARC/1.0 ama suwa\r\n"));
    match stop {
        Stop::Fault { reason, stored, .. } => {
            assert_eq!(reason, "ingest.truncated_gzip");
            assert_eq!(stored, a.len() as u64);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn resync_finds_next_warc_member() {
    let a = gz(b"not a record");
    let b = gz(b"\r\nWARC/1.0\r\n");
    let bytes = [b"junk".to_vec(), a.clone(), b].concat();
    let (_t, file) = members_file(&bytes);
    let mut g = GzMembers::new(Box::new(file), 0);
    let at = g.resync(1).unwrap();
    assert_eq!(at, Some(4 + a.len() as u64));
    assert_eq!(g.resync(at.unwrap() + 1).unwrap(), None);
}

#[test]
fn header_with_name_and_extra() {
    let mut h = vec![0x1f, 0x8b, 8, 4 | 8, 0, 0, 0, 0, 0, 3, 2, 0, b'x', b'y'];
    h.extend_from_slice(b"pacha.warc\0");
    assert_eq!(gzip_header_len(&h), Header::Len(h.len()));
    assert_eq!(gzip_header_len(&h[..12]), Header::NeedMore);
    assert_eq!(gzip_header_len(b"WARC/1.0"), Header::NotGzip);
}
