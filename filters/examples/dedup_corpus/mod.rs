//! Real documents for the dedup examples: the conha19 novels (TEI), the text of each `<body>`
//! with tags stripped crudely, cut at paragraph ends into documents of about 4 KB.

use std::path::{Path, PathBuf};

/// Where the novels are, from `--data DIR` or `../shared/data/documents/conha19-tei` relative to
/// the workspace root or the current directory. `None` (with a message) when absent.
pub fn data_dir(arg: Option<&str>) -> Option<PathBuf> {
    let rel = "../shared/data/documents/conha19-tei";
    let candidates: Vec<PathBuf> = match arg {
        Some(a) => vec![PathBuf::from(a)],
        None => vec![
            Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(rel),
            PathBuf::from(rel),
        ],
    };
    let found = candidates.into_iter().find(|p| p.is_dir());
    if found.is_none() {
        eprintln!("skipping: ../shared/data not found");
    }
    found
}

/// CPU time of the calling thread in seconds (Linux `/proc/thread-self/schedstat`), so timings
/// on a shared, busy machine count only the time this thread ran. `None` elsewhere.
#[allow(dead_code)] // used by dedup_bench only
pub fn thread_cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(ns as f64 / 1e9)
}

/// Seconds `f` took: thread CPU time where available, wall time otherwise.
#[allow(dead_code)] // used by dedup_bench only
pub fn time(f: impl FnOnce()) -> f64 {
    let (cpu0, wall0) = (thread_cpu_secs(), std::time::Instant::now());
    f();
    match (cpu0, thread_cpu_secs()) {
        (Some(a), Some(b)) => b - a,
        _ => wall0.elapsed().as_secs_f64(),
    }
}

/// Value of `--name VALUE` in the command line.
pub fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

/// Paragraphs of a TEI file's body: block tags end paragraphs, other tags vanish, whitespace
/// collapses, the five XML entities are decoded.
pub fn tei_paragraphs(xml: &str) -> Vec<String> {
    let (Some(start), Some(end)) = (xml.find("<body"), xml.rfind("</body>")) else {
        return Vec::new();
    };
    let body = &xml[start..end];
    let mut flat = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(lt) = rest.find('<') {
        flat.push_str(&rest[..lt]);
        let Some(gt) = rest[lt..].find('>') else {
            break;
        };
        let tag = rest[lt + 1..lt + gt].trim_start_matches('/');
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if matches!(
            name.as_str(),
            "p" | "head" | "l" | "ab" | "div" | "lg" | "quote" | "sp"
        ) {
            flat.push('\u{2029}');
        }
        rest = &rest[lt + gt + 1..];
    }
    flat.push_str(rest);
    let flat = flat
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
    flat.split('\u{2029}')
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

/// Joins paragraphs (with a blank line) into documents of at least `target` bytes; a paragraph
/// longer than twice the target is cut at spaces.
pub fn cut_documents(paragraphs: &[String], target: usize) -> Vec<String> {
    let mut docs = Vec::new();
    let mut cur = String::new();
    for p in paragraphs {
        let mut piece = p.as_str();
        while piece.len() > 2 * target {
            let lim = (1..=target)
                .rev()
                .find(|&i| piece.is_char_boundary(i))
                .unwrap_or(target);
            let cut = piece[..lim].rfind(' ').filter(|&c| c > 0).unwrap_or(lim);
            push_paragraph(&mut docs, &mut cur, &piece[..cut], target);
            piece = piece[cut..].trim_start();
        }
        push_paragraph(&mut docs, &mut cur, piece, target);
    }
    if !cur.is_empty() {
        docs.push(cur);
    }
    docs
}

fn push_paragraph(docs: &mut Vec<String>, cur: &mut String, p: &str, target: usize) {
    if !cur.is_empty() {
        cur.push_str("\n\n");
    }
    cur.push_str(p);
    if cur.len() >= target {
        docs.push(std::mem::take(cur));
    }
}

/// All novels in `dir` (sorted by file name) as ~`target`-byte documents.
pub fn load_documents(dir: &Path, target: usize) -> std::io::Result<Vec<String>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    files.sort();
    let mut docs = Vec::new();
    for f in files {
        let xml = std::fs::read_to_string(&f)?;
        docs.extend(cut_documents(&tei_paragraphs(&xml), target));
    }
    Ok(docs)
}
