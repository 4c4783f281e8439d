//! `minga ingest` by URL, from a loopback HTTP server started here: plain and gzip WARC, a server
//! that drops the connection mid-file (the reader resumes with a Range request), and a paths list.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::util::*;

/// Serves `files` on 127.0.0.1 with HEAD and `Range: bytes=N-`. With `drop_first`, the first
/// GET sends half its body and closes. Handles at most `max_conns` connections.
fn serve(
    files: Vec<(String, Vec<u8>)>,
    drop_first: bool,
    max_conns: usize,
) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let gets = Arc::new(AtomicUsize::new(0));
    let counter = gets.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming().take(max_conns) {
            let Ok(conn) = conn else { continue };
            handle(conn, &files, drop_first, &counter);
        }
    });
    (port, gets)
}

fn handle(mut conn: TcpStream, files: &[(String, Vec<u8>)], drop_first: bool, gets: &AtomicUsize) {
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    let mut from = 0usize;
    for _ in 0..100 {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
            break;
        }
        if let Some(v) = h.to_ascii_lowercase().strip_prefix("range: bytes=") {
            from = v.trim().trim_end_matches('-').parse().unwrap_or(0);
        }
    }
    let mut words = request.split_whitespace();
    let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let Some((_, body)) = files.iter().find(|(p, _)| p == path) else {
        let _ = conn
            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
    };
    if method == "HEAD" {
        let _ = write!(conn, "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nAccept-Ranges: bytes\r\nConnection: close\r\n\r\n", body.len());
        return;
    }
    let n = gets.fetch_add(1, Ordering::SeqCst);
    let rest = &body[from.min(body.len())..];
    let status = if from > 0 {
        "206 Partial Content"
    } else {
        "200 OK"
    };
    let _ = write!(
        conn,
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n",
        rest.len()
    );
    let cut = if drop_first && n == 0 {
        rest.len() / 2
    } else {
        rest.len()
    };
    let _ = conn.write_all(&rest[..cut]);
    let _ = conn.flush();
}

fn plain_warc() -> Vec<u8> {
    let gz = std::fs::read(samples().join("web/crawl.warc.gz")).unwrap();
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(&gz[..])
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// (offset, length, url, text) of every document: what must not change between local and remote.
fn docs_of(dir: &Path) -> Vec<(u64, u64, Option<String>, String)> {
    read_docs(dir)
        .into_iter()
        .map(|d| (d.source_offset, d.source_length, d.url, d.text))
        .collect()
}

fn ingest(dir: &Path, out: &str, input: &str) -> Vec<(u64, u64, Option<String>, String)> {
    run_ok(
        dir,
        &[
            "ingest", input, "--out", out, "--source", "web", "--format", "warc",
        ],
        &[],
    );
    docs_of(&dir.join(out))
}

#[test]
fn url_ingest_equals_local_ingest_plain_gzip_and_after_a_dropped_connection() {
    let t = tempfile::tempdir().unwrap();
    let gz = std::fs::read(samples().join("web/crawl.warc.gz")).unwrap();
    let plain = plain_warc();
    std::fs::write(t.path().join("crawl.warc"), &plain).unwrap();
    std::fs::write(t.path().join("crawl.warc.gz"), &gz).unwrap();
    let files = vec![
        ("/cc/crawl.warc.gz".to_string(), gz),
        ("/cc/crawl.warc".to_string(), plain),
    ];
    for name in ["crawl.warc.gz", "crawl.warc"] {
        let local = ingest(t.path(), &format!("local-{name}"), name);
        assert!(local.len() >= 3, "{name}: {} documents", local.len());
        for drop_first in [false, true] {
            let (port, gets) = serve(files.clone(), drop_first, 20);
            let url = format!("http://127.0.0.1:{port}/cc/{name}");
            let out = format!("remote-{name}-{drop_first}");
            assert_eq!(
                ingest(t.path(), &out, &url),
                local,
                "{url} drop={drop_first}"
            );
            if drop_first {
                assert!(
                    gets.load(Ordering::SeqCst) >= 2,
                    "the reader resumed with a second GET"
                );
            }
            let source_files: Vec<String> = read_docs(&t.path().join(&out))
                .into_iter()
                .map(|d| d.source_file)
                .collect();
            assert!(
                source_files.iter().all(|f| f == &format!("cc/{name}")),
                "{source_files:?}"
            );
        }
    }
}

#[test]
fn paths_file_with_base_url_reads_every_listed_warc() {
    let t = tempfile::tempdir().unwrap();
    let gz = std::fs::read(samples().join("web/crawl.warc.gz")).unwrap();
    let local = ingest(
        t.path(),
        "local",
        samples().join("web/crawl.warc.gz").to_str().unwrap(),
    );
    let (port, _) = serve(vec![("/data/crawl.warc.gz".to_string(), gz)], false, 20);
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(b"data/crawl.warc.gz\n").unwrap();
    std::fs::write(t.path().join("warc.paths.gz"), enc.finish().unwrap()).unwrap();
    let base = format!("http://127.0.0.1:{port}/");
    run_ok(
        t.path(),
        &[
            "ingest",
            "--paths-file",
            "warc.paths.gz",
            "--base-url",
            &base,
            "--out",
            "remote",
            "--source",
            "web",
            "--format",
            "warc",
        ],
        &[],
    );
    assert_eq!(docs_of(&t.path().join("remote")), local);
}
