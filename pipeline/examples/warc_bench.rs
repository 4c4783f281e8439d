//! Throughput of the WARC reader (framing, HTTP, charset decoding; no text extraction).
//!
//! ```text
//! cargo build --release -p minga --example warc_bench
//! target/release/examples/warc_bench generate bench/out/synthetic.warc.gz 20000
//! taskset -c 0 target/release/examples/warc_bench read bench/out/synthetic.warc.gz
//! ```
//! `generate` writes a crawl-like WARC (per capture: a `response` with an HTML page of about
//! 25 KB, its `request` and a `metadata` record; one gzip member per record, or plain when the
//! name does not end in `.gz`). Pages vary in charset (UTF-8 declared, windows-1252 declared,
//! undeclared), transfer- and content-encoding, and some are 404s or images.

use flate2::write::GzEncoder;
use flate2::Compression;
use minga::sources::warc::{read_warc, WarcOptions};
use minga::sources::{Body, SourceItem};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

const WORDS: &[&str] = &[
    "la",
    "comunidad",
    "de",
    "trabajo",
    "minga",
    "en",
    "el",
    "pueblo",
    "para",
    "todos",
    "año",
    "niño",
    "canción",
    "corazón",
    "educação",
    "ação",
    "não",
    "são",
    "também",
    "você",
    "região",
    "informação",
    "agua",
    "tierra",
    "papa",
    "maíz",
    "río",
    "montaña",
    "ayllu",
    "chakra",
    "sumaq",
    "kawsay",
    "pachamama",
    "mañana",
    "día",
    "escuela",
    "saúde",
    "trabalho",
    "cidade",
    "governo",
];

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn page(rng: &mut Lcg, n: usize) -> String {
    let mut s = String::with_capacity(32 * 1024);
    s.push_str("<!DOCTYPE html><html><head><title>Página ");
    s.push_str(&n.to_string());
    s.push_str(
        "</title><meta name=viewport content=\"width=device-width\"><style>body{margin:0}</style>",
    );
    s.push_str("<script>var x = 1; function f(){ return x; }</script></head><body>");
    s.push_str(
        "<nav><ul><li><a href=/>Inicio</a></li><li><a href=/n>Noticias</a></li></ul></nav><main>",
    );
    while s.len() < 24 * 1024 {
        s.push_str("<p>");
        for _ in 0..(20 + rng.next() % 60) {
            s.push_str(WORDS[(rng.next() % WORDS.len() as u64) as usize]);
            s.push(' ');
        }
        s.push_str("</p>\n");
    }
    s.push_str("</main><footer>© 2024 minga · contacto</footer></body></html>");
    s
}

fn http_response(rng: &mut Lcg, n: usize) -> Vec<u8> {
    let kind = n % 20;
    let html = page(rng, n);
    let (status, ctype, body): (&str, &str, Vec<u8>) = match kind {
        0 => (
            "404 Not Found",
            "text/html; charset=utf-8",
            html.into_bytes(),
        ),
        1 => ("200 OK", "image/jpeg", vec![0xff; 4096]),
        2 | 3 => {
            let (b, _, _) = encoding_rs::WINDOWS_1252.encode(&html);
            ("200 OK", "text/html; charset=iso-8859-1", b.into_owned())
        }
        4 => ("200 OK", "text/html", html.into_bytes()),
        _ => ("200 OK", "text/html; charset=UTF-8", html.into_bytes()),
    };
    let mut head = format!("HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nServer: minga-bench\r\n");
    let body = match kind {
        5 => {
            head.push_str("Transfer-Encoding: chunked\r\n");
            let mut c = Vec::new();
            for chunk in body.chunks(8192) {
                c.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                c.extend_from_slice(chunk);
                c.extend_from_slice(b"\r\n");
            }
            c.extend_from_slice(b"0\r\n\r\n");
            c
        }
        6 => {
            head.push_str("Content-Encoding: gzip\r\n");
            let mut e = GzEncoder::new(Vec::new(), Compression::fast());
            e.write_all(&body).unwrap();
            e.finish().unwrap()
        }
        _ => body,
    };
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    [head.into_bytes(), body].concat()
}

fn record(typ: &str, uri: &str, n: usize, ctype: &str, block: &[u8]) -> Vec<u8> {
    let head = format!(
        "WARC/1.1\r\nWARC-Type: {typ}\r\nWARC-Date: 2024-05-01T12:00:00Z\r\n\
         WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{n:012}>\r\nWARC-Target-URI: {uri}\r\n\
         Content-Type: {ctype}\r\nContent-Length: {}\r\n\r\n",
        block.len()
    );
    [head.as_bytes(), block, b"\r\n\r\n"].concat()
}

fn generate(out: &Path, captures: usize) -> std::io::Result<()> {
    let gzip = out.extension().is_some_and(|e| e == "gz");
    let mut w = BufWriter::new(File::create(out)?);
    let mut rng = Lcg(7);
    for n in 0..captures {
        let uri = format!("https://ejemplo{}.org/pagina/{n}", n % 97);
        let recs = [
            record(
                "response",
                &uri,
                3 * n,
                "application/http; msgtype=response",
                &http_response(&mut rng, n),
            ),
            record(
                "request",
                &uri,
                3 * n + 1,
                "application/http; msgtype=request",
                format!("GET /pagina/{n} HTTP/1.1\r\nHost: ejemplo.org\r\n\r\n").as_bytes(),
            ),
            record(
                "metadata",
                &uri,
                3 * n + 2,
                "application/warc-fields",
                b"fetchTimeMs: 120\r\n",
            ),
        ];
        for r in recs {
            if gzip {
                let mut e = GzEncoder::new(Vec::new(), Compression::new(6));
                e.write_all(&r)?;
                w.write_all(&e.finish()?)?;
            } else {
                w.write_all(&r)?;
            }
        }
    }
    w.flush()
}

fn read(paths: &[String]) {
    let (mut records, mut docs, mut skips, mut stored, mut text) = (0u64, 0u64, 0u64, 0u64, 0u64);
    let start = Instant::now();
    for p in paths {
        stored += std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        let it = match read_warc(Path::new(p), None, &WarcOptions::default()) {
            Ok(it) => it,
            Err(e) => {
                eprintln!("{e}");
                continue;
            }
        };
        for item in it {
            records += 1;
            match item {
                SourceItem::Doc(d) => {
                    docs += 1;
                    text += match &d.body {
                        Body::Html(s) | Body::Text(s) => s.len() as u64,
                    };
                }
                SourceItem::Skip(_) => skips += 1,
                SourceItem::NotDocument { .. } => {}
            }
        }
    }
    let wall = start.elapsed().as_secs_f64();
    // On a shared machine wall time includes time spent descheduled; CPU time does not.
    let secs = cpu_seconds().filter(|c| *c > 0.0).unwrap_or(wall);
    println!(
        "{records} records ({docs} docs, {skips} skips) in {wall:.3} s wall, {secs:.2} s CPU: \
         {:.0} records/s, {:.0} docs/s, {:.1} MB/s stored, {:.1} MB/s of decoded HTML/text (per CPU second)",
        records as f64 / secs,
        docs as f64 / secs,
        stored as f64 / 1e6 / secs,
        text as f64 / 1e6 / secs
    );
}

/// User + system CPU time of this process (Linux `/proc/self/stat`, clock ticks of 10 ms).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("generate") if args.len() == 3 => {
            let n = args[2].parse().unwrap_or(10_000);
            if let Err(e) = generate(Path::new(&args[1]), n) {
                eprintln!("cannot write {}: {e}", args[1]);
                std::process::exit(1);
            }
        }
        Some("read") if args.len() > 1 => read(&args[1..]),
        _ => {
            eprintln!(
                "usage: warc_bench generate OUT.warc[.gz] CAPTURES | warc_bench read FILE..."
            );
            std::process::exit(2);
        }
    }
}
