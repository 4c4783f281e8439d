//! Runs the PII scanner over files and prints every match with its context, then counts per
//! kind; with `--bench N` it times N scans of all the text instead (single thread).
//!
//! ```text
//! cargo run --release -p minga-filters --example pii_scan -- ../shared/data/documents/constitutions
//! pii_scan --bench 5 --dump-jsonl bench/out/conha19.jsonl ../shared/data/documents/conha19-tei
//! ```
//! Directories are walked recursively (sorted). `.xml` files are TEI: tags are removed and the
//! five XML entities decoded, so the scanner sees the text a reader sees (header included).
//! `.html` pages lose their scripts and styles the same way. `.md`/`.rst` twins of a `.txt` are
//! skipped.

use std::path::{Path, PathBuf};
use std::time::Instant;

use minga_filters::pii::{redact, scan, PiiCounts};

fn main() {
    if let Err(e) = run() {
        eprintln!("pii_scan: {e}");
        std::process::exit(1);
    }
}

struct Args {
    bench: Option<usize>,
    dump: Option<PathBuf>,
    context: usize,
    paths: Vec<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        bench: None,
        dump: None,
        context: 40,
        paths: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(x) = it.next() {
        match x.as_str() {
            "--bench" => {
                a.bench = Some(
                    it.next()
                        .and_then(|n| n.parse().ok())
                        .ok_or("--bench needs a count")?,
                )
            }
            "--dump-jsonl" => a.dump = Some(it.next().ok_or("--dump-jsonl needs a path")?.into()),
            "--context" => {
                a.context = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("--context needs a number")?
            }
            _ => a.paths.push(x.into()),
        }
    }
    if a.paths.is_empty() {
        return Err(
            "usage: pii_scan [--bench N] [--dump-jsonl FILE] [--context BYTES] PATH...".into(),
        );
    }
    Ok(a)
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let mut files = Vec::new();
    for p in &args.paths {
        collect(p, &mut files).map_err(|e| format!("{}: {e}", p.display()))?;
    }
    let mut docs = Vec::new();
    for f in &files {
        let raw = std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()))?;
        let text = match f.extension().and_then(|e| e.to_str()) {
            Some("xml") => strip_xml(&raw),
            Some("html") => strip_xml(&drop_blocks(&raw, &["script", "style"])),
            _ => raw,
        };
        docs.push((f.clone(), text));
    }
    if let Some(out) = &args.dump {
        dump_jsonl(out, &docs)?;
    }
    match args.bench {
        Some(n) => bench(&docs, n),
        None => report(&docs, args.context),
    }
    Ok(())
}

fn collect(p: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if p.is_file() {
        out.push(p.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(p)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for e in entries {
        if e.is_dir() {
            collect(&e, out)?;
            continue;
        }
        let ext = e.extension().and_then(|x| x.to_str()).unwrap_or("");
        let twin = matches!(ext, "md" | "rst") && e.with_extension("txt").exists();
        if matches!(ext, "txt" | "md" | "rst" | "xml" | "html") && !twin {
            out.push(e);
        }
    }
    Ok(())
}

/// `raw` without the content of the named HTML elements (scripts and styles are not text).
fn drop_blocks(raw: &str, names: &[&str]) -> String {
    let mut out = raw.to_string();
    for name in names {
        let (open, close) = (format!("<{name}"), format!("</{name}>"));
        let mut kept = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(i) = rest.find(&open) {
            kept.push_str(&rest[..i]);
            rest = match rest[i..].find(&close) {
                Some(j) => &rest[i + j + close.len()..],
                None => "",
            };
        }
        kept.push_str(rest);
        out = kept;
    }
    out
}

/// Text content of an XML document: tags removed, entities decoded.
fn strip_xml(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        match rest[i..].find('>') {
            Some(j) => rest = &rest[i + j + 1..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn dump_jsonl(out: &Path, docs: &[(PathBuf, String)]) -> Result<(), String> {
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let mut s = String::new();
    for (p, text) in docs {
        let row = serde_json::json!({ "id": p.display().to_string(), "text": text });
        s.push_str(&row.to_string());
        s.push('\n');
    }
    std::fs::write(out, s).map_err(|e| format!("{}: {e}", out.display()))
}

fn report(docs: &[(PathBuf, String)], ctx: usize) {
    let mut counts = PiiCounts::default();
    let mut bytes = 0usize;
    for (p, text) in docs {
        bytes += text.len();
        let matches = scan(text);
        counts.merge(&PiiCounts::of(&matches));
        for m in matches {
            let a = floor(text, m.start.saturating_sub(ctx));
            let b = ceil(text, (m.end + ctx).min(text.len()));
            let show = |s: &str| s.replace('\n', " ");
            println!(
                "{}:{} {:<5} …{}[{}]{}…",
                p.display(),
                m.start,
                m.kind.name(),
                show(&text[a..m.start]),
                &text[m.start..m.end],
                show(&text[m.end..b])
            );
        }
    }
    println!("\n{} files, {:.1} MB", docs.len(), bytes as f64 / 1e6);
    for (k, n) in counts.iter() {
        println!("{:<6} {n}", k.name());
    }
    println!("total  {}", counts.total());
}

/// Times `n` passes over every text, single thread: the scan alone, and the scan with the
/// redacted text built (what datatrove's `PIIFormatter.format` does, so that is the figure to
/// compare with it).
fn bench(docs: &[(PathBuf, String)], n: usize) {
    let bytes: usize = docs.iter().map(|(_, t)| t.len()).sum();
    let mb = (bytes * n) as f64 / 1e6;
    // One warm-up pass, then the timed ones.
    let found: usize = docs.iter().map(|(_, t)| scan(t).len()).sum();
    let scan_only = time_passes(n, || {
        for (_, t) in docs {
            std::hint::black_box(scan(t));
        }
    });
    let redacting = time_passes(n, || {
        for (_, t) in docs {
            std::hint::black_box(redact(t, &scan(t)));
        }
    });
    let what = format!("{} docs, {:.1} MB x {n}", docs.len(), bytes as f64 / 1e6);
    println!(
        "minga pii scan+redact: {what} in {redacting:.3} s = {:.1} MB/s (single thread), {found} matches per pass",
        mb / redacting
    );
    println!(
        "minga pii scan only: {what} in {scan_only:.3} s = {:.1} MB/s (single thread)",
        mb / scan_only
    );
}

/// Seconds for `n` calls of `pass`.
fn time_passes(n: usize, mut pass: impl FnMut()) -> f64 {
    let t0 = Instant::now();
    for _ in 0..n {
        pass();
    }
    t0.elapsed().as_secs_f64()
}

fn floor(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}
