//! Span segmentation on a bilingual document built from two line-aligned files (a Spanish text and
//! its translation, e.g. the constitutions in `../shared/data/documents/constitutions/`): line `i` of
//! each file alternate, one per line, as in a bilingual edition. Every line should fall in a span of
//! its own language.
//!
//! ```text
//! target/release/examples/langid_spans SPANISH.txt OTHER.txt OTHER_LABEL [--paragraphs]
//!     [--costs WORD,SENTENCE,LINE,PARAGRAPH[,MIN_SPAN_LETTERS]]
//! ```

use std::time::Instant;

use minga_filters::langid::{label_document, Model, SpanOptions};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 3 {
        eprintln!("usage: langid_spans SPANISH.txt OTHER.txt OTHER_LABEL [--paragraphs]");
        std::process::exit(2);
    }
    let read = |p: &str| match std::fs::read_to_string(p) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: reading {p}: {e}");
            std::process::exit(1);
        }
    };
    let (es, other, label) = (read(&args[0]), read(&args[1]), args[2].as_str());
    let sep = if args.iter().any(|a| a == "--paragraphs") {
        "\n\n"
    } else {
        "\n"
    };
    let mut doc = String::new();
    let mut lines: Vec<(usize, usize, &str)> = Vec::new(); // byte range, expected label
    for (a, b) in es.lines().zip(other.lines()) {
        for (text, lang) in [(a.trim(), "spa"), (b.trim(), label)] {
            if std::env::var_os("SPANS_LINES").is_some() {
                let d = Model::embedded().detect(text);
                if d.lang != lang {
                    eprintln!("line {lang} -> {} {:.2}: {text}", d.lang, d.score);
                }
            }
            if text.is_empty() {
                continue;
            }
            let start = doc.len();
            doc.push_str(text);
            lines.push((start, doc.len(), lang));
            doc.push_str(sep);
        }
    }
    let mut opts = SpanOptions::default();
    if let Some(c) = args
        .iter()
        .position(|a| a == "--costs")
        .and_then(|i| args.get(i + 1))
    {
        let v: Vec<f32> = c.split(',').filter_map(|x| x.parse().ok()).collect();
        if let [w, s, l, p, ..] = v[..] {
            (opts.word_switch_cost, opts.sentence_switch_cost) = (w, s);
            (opts.line_switch_cost, opts.paragraph_switch_cost) = (l, p);
        }
        if let Some(&m) = v.get(4) {
            opts.min_span_letters = m as usize;
        }
    }
    let t = Instant::now();
    let result = label_document(Model::embedded(), &doc, &opts);
    let secs = t.elapsed().as_secs_f64();
    let mut ok = [0usize; 2];
    let mut total = [0usize; 2];
    for &(start, end, lang) in &lines {
        let best = result
            .spans
            .iter()
            .map(|s| {
                (
                    overlap(start, end, s.start as usize, s.end as usize),
                    &s.lang,
                )
            })
            .max_by_key(|x| x.0);
        let side = usize::from(lang != "spa");
        total[side] += 1;
        ok[side] += usize::from(matches!(best, Some((n, l)) if n > 0 && l == lang));
    }
    println!(
        "{} lines ({} spa, {} {label}) -> {} spans; doc {} {:.3}",
        lines.len(),
        total[0],
        total[1],
        result.spans.len(),
        result.lang,
        result.score
    );
    println!(
        "lines in a span of their language: spa {:.4}, {label} {:.4}; {:.2} MB in {secs:.3} s ({:.2} MB/s)",
        ok[0] as f64 / total[0].max(1) as f64,
        ok[1] as f64 / total[1].max(1) as f64,
        doc.len() as f64 / 1e6,
        doc.len() as f64 / 1e6 / secs
    );
}

fn overlap(a0: usize, a1: usize, b0: usize, b1: usize) -> usize {
    a1.min(b1).saturating_sub(a0.max(b0))
}
