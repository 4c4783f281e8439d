//! The [`SpanOptions`] defaults chosen on synthetic mixed documents of a selection half and
//! reported on those of a report half (`bench/langid-options-split.sh` makes the halves).
//!
//! ```text
//! target/release/examples/langid_span_options SELECT_DIR REPORT_DIR [--rounds 16] [--singles 10]
//!     [--conha19 DIR] [--machado DIR]
//! ```
//! Documents are built from each half's `<label>.txt` lines alone, verbatim, in file order (a
//! label's lines are taken in turn and start again from the first when used up). For every label L
//! other than Spanish, `--rounds` times, three Spanish-hosted documents, as in a Spanish page that
//! quotes or translates L:
//! - *paragraphs*: two Spanish lines, two L lines, two Spanish lines; lines of a paragraph joined
//!   by a space, paragraphs by a blank line;
//! - *lines*: Spanish, L, Spanish, L, one per line (a bilingual edition);
//! - *sentences*: Spanish, L, Spanish joined by spaces into one paragraph (the break is whatever
//!   the lines end with: a sentence end for most, none for lines without final punctuation);
//!
//! and for every label, `--singles` one-language documents of four lines (`a b\nc d`), which should
//! stay one span. Figures: **letter accuracy** (share of the letters of all documents that lie in
//! a span of their line's language), **boundary precision / recall / F1** (a predicted language
//! change is right when it falls between the last letter of one line and the first letter of the
//! next, where the true language changes; one-to-one), and the share of one-language documents left
//! as one span of the right language.
//!
//! Each option is swept around its default, the others at their defaults, on the selection
//! documents only. **Rule:** among the values whose letter accuracy is within [`TOLERANCE`] of the
//! sweep's best, the highest boundary F1; ties go to the current default, then to the nearest
//! value. The chosen values together and the current defaults are then scored on the report
//! documents. With `--conha19` / `--machado`, both settings also label real one-language
//! documents (the novels and Machado's works in ~4 KB chunks, which chose nothing): how many are cut
//! into more than one span and the share of bytes given another language. The last line
//! (`PART spans ...`) is what the script's RESULT line quotes.

use minga_filters::langid::{label_document, LangSpan, Model, SpanOptions};

#[path = "support/corpus.rs"]
mod corpus;

#[path = "support/choose.rs"]
mod choose;

use choose::{flag, round6, Knob};

/// Letter accuracy within this of the best counts as tied (about 400 of the ~400,000 letters).
const TOLERANCE: f64 = 0.001;
/// The host language of the mixed documents.
const HOST: &str = "spa";

type Data = Vec<(String, Vec<String>)>;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Paragraphs,
    Lines,
    Sentences,
    Single,
}

const KINDS: [Kind; 4] = [Kind::Paragraphs, Kind::Lines, Kind::Sentences, Kind::Single];

/// A built document and the language of each of its lines (byte ranges of `text`).
struct Doc {
    kind: Kind,
    text: String,
    segs: Vec<(usize, usize, String)>,
}

const KNOBS: &[Knob<SpanOptions>] = &[
    Knob {
        name: "word_switch_cost",
        values: &[6.0, 8.0, 10.0, 12.0, 14.0, 16.0, 20.0],
        get: |o| round6(f64::from(o.word_switch_cost)),
        set: |o, v| o.word_switch_cost = v as f32,
    },
    Knob {
        name: "sentence_switch_cost",
        values: &[2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0],
        get: |o| round6(f64::from(o.sentence_switch_cost)),
        set: |o, v| o.sentence_switch_cost = v as f32,
    },
    Knob {
        name: "line_switch_cost",
        values: &[0.25, 0.5, 1.0, 1.5, 2.0, 3.0],
        get: |o| round6(f64::from(o.line_switch_cost)),
        set: |o, v| o.line_switch_cost = v as f32,
    },
    Knob {
        name: "paragraph_switch_cost",
        values: &[0.1, 0.25, 0.5, 0.75, 1.0, 2.0],
        get: |o| round6(f64::from(o.paragraph_switch_cost)),
        set: |o, v| o.paragraph_switch_cost = v as f32,
    },
    Knob {
        name: "min_span_letters",
        values: &[4.0, 8.0, 12.0, 16.0, 24.0],
        get: |o| o.min_span_letters as f64,
        set: |o, v| o.min_span_letters = v as usize,
    },
];

/// Figures of one setting on one half's documents.
#[derive(Default)]
struct Figures {
    /// Letters right and in all, per kind (in `KINDS` order).
    letters: [(usize, usize); 4],
    matched: usize,
    predicted: usize,
    truth: usize,
    singles_whole: usize,
    singles: usize,
}

impl Figures {
    fn letter_acc(&self) -> f64 {
        let (r, t) = self
            .letters
            .iter()
            .fold((0, 0), |(r, t), x| (r + x.0, t + x.1));
        r as f64 / t.max(1) as f64
    }
    fn kind_acc(&self, k: usize) -> f64 {
        self.letters[k].0 as f64 / self.letters[k].1.max(1) as f64
    }
    fn precision(&self) -> f64 {
        self.matched as f64 / self.predicted.max(1) as f64
    }
    fn recall(&self) -> f64 {
        self.matched as f64 / self.truth.max(1) as f64
    }
    fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn row(&self) -> String {
        format!(
            "{:.4} | {:.3} / {:.3} / {:.3} | {:.4} | {:.4} | {:.4} | {:.3}",
            self.letter_acc(),
            self.precision(),
            self.recall(),
            self.f1(),
            self.kind_acc(0),
            self.kind_acc(1),
            self.kind_acc(2),
            self.singles_whole as f64 / self.singles.max(1) as f64
        )
    }
}

const HEADER: &str = "letter accuracy | boundary P / R / F1 | letters: paragraphs | lines | sentences | one-language docs whole";

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(sel_dir), Some(rep_dir)) = (args.first(), args.get(1)) else {
        return Err(
            "usage: langid_span_options SELECT_DIR REPORT_DIR [--rounds N] [--singles N]".into(),
        );
    };
    let num = |name: &str, default: usize| -> Result<usize, String> {
        flag(&args, name).map_or(Ok(default), |v| {
            v.parse().map_err(|e| format!("{name}: {e}"))
        })
    };
    let (rounds, singles) = (num("--rounds", 16)?, num("--singles", 10)?);
    let model = Model::embedded();
    let sel = build(&corpus::label_lines_of(sel_dir)?, rounds, singles);
    let rep = build(&corpus::label_lines_of(rep_dir)?, rounds, singles);
    for (half, docs) in [("selection", &sel), ("report", &rep)] {
        let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
        let count = |k: Kind| docs.iter().filter(|d| d.kind == k).count();
        println!(
            "{half} documents: {} ({} paragraphs, {} lines, {} sentences, {} one-language), {:.2} MB",
            docs.len(),
            count(Kind::Paragraphs),
            count(Kind::Lines),
            count(Kind::Sentences),
            count(Kind::Single),
            bytes as f64 / 1e6
        );
    }
    let current = SpanOptions::default();
    let chosen = sweep(model, &sel, &current);
    println!(
        "\n== current defaults and chosen values: {}",
        changes(&chosen)
    );
    println!("half | setting | {HEADER}");
    let mut summary = Vec::new();
    for (half, docs) in [("selection", &sel), ("report", &rep)] {
        let a = evaluate(model, docs, &current);
        let b = evaluate(model, docs, &chosen);
        println!("{half} | current | {}", a.row());
        println!("{half} | chosen | {}", b.row());
        summary.push(format!(
            "{half} half letters {:.4} -> {:.4}, boundary F1 {:.3} -> {:.3}",
            a.letter_acc(),
            b.letter_acc(),
            a.f1(),
            b.f1()
        ));
    }
    let real = real_documents(&args)?;
    if !real.is_empty() {
        println!("\n== real one-language documents (~4 KB chunks; chose nothing)");
        println!(
            "collection | setting | documents | split into spans | bytes outside its language"
        );
    }
    for (name, lang, chunks) in &real {
        let mut split = Vec::new();
        for (setting, o) in [("current", &current), ("chosen", &chosen)] {
            let (n, outside) = one_language(model, lang, chunks, o);
            println!("{name} | {setting} | {} | {n} | {outside:.5}", chunks.len());
            split.push(n);
        }
        summary.push(format!(
            "{name} documents split {} -> {} of {}",
            split[0],
            split[1],
            chunks.len()
        ));
    }
    let verdict = if chosen == current {
        "defaults confirmed".to_string()
    } else {
        format!("selection picks {}", changes(&chosen))
    };
    println!("PART spans: {verdict}; {}", summary.join("; "));
    Ok(())
}

/// The sweeps on the selection documents and the values the rule picks.
fn sweep(model: &Model, sel: &[Doc], current: &SpanOptions) -> SpanOptions {
    println!("\n== sweeps on the selection documents (others at their defaults)");
    println!("option | value | {HEADER}");
    choose::sweep(KNOBS, current, TOLERANCE, |o| {
        let f = evaluate(model, sel, o);
        (f.row(), f.letter_acc(), f.f1())
    })
}

/// Each label's lines in turn, from the first again when used up.
struct Cursor<'a> {
    data: &'a Data,
    next: Vec<usize>,
}

impl<'a> Cursor<'a> {
    fn new(data: &'a Data) -> Self {
        Cursor {
            data,
            next: vec![0; data.len()],
        }
    }
    fn take(&mut self, label: &str) -> Option<&'a str> {
        let i = self.data.iter().position(|(l, _)| l == label)?;
        let lines = &self.data[i].1;
        if lines.is_empty() {
            return None;
        }
        let line = &lines[self.next[i] % lines.len()];
        self.next[i] += 1;
        Some(line)
    }
}

/// A document from `(language, separator before the line)` parts, lines taken from `cur`.
fn compose(kind: Kind, parts: &[(&str, &str)], cur: &mut Cursor) -> Option<Doc> {
    let mut doc = Doc {
        kind,
        text: String::new(),
        segs: Vec::new(),
    };
    for &(lang, sep) in parts {
        let line = cur.take(lang)?.trim();
        if !doc.text.is_empty() {
            doc.text.push_str(sep);
        }
        let start = doc.text.len();
        doc.text.push_str(line);
        doc.segs.push((start, doc.text.len(), lang.to_string()));
    }
    Some(doc)
}

fn build(data: &Data, rounds: usize, singles: usize) -> Vec<Doc> {
    let mut docs = Vec::new();
    let mut cur = Cursor::new(data);
    for (l, _) in data.iter().filter(|(l, _)| l != HOST) {
        let l = l.as_str();
        let (h, p, n, s) = (HOST, "\n\n", "\n", " ");
        let plans: [(Kind, Vec<(&str, &str)>); 3] = [
            (
                Kind::Paragraphs,
                vec![(h, ""), (h, s), (l, p), (l, s), (h, p), (h, s)],
            ),
            (Kind::Lines, vec![(h, ""), (l, n), (h, n), (l, n)]),
            (Kind::Sentences, vec![(h, ""), (l, s), (h, s)]),
        ];
        for _ in 0..rounds {
            for (kind, plan) in &plans {
                docs.extend(compose(*kind, plan, &mut cur));
            }
        }
    }
    let mut cur = Cursor::new(data);
    for (l, _) in data {
        let plan = [(l.as_str(), ""), (l, " "), (l, "\n"), (l, " ")];
        for _ in 0..singles {
            docs.extend(compose(Kind::Single, &plan, &mut cur));
        }
    }
    docs
}

fn evaluate(model: &Model, docs: &[Doc], opts: &SpanOptions) -> Figures {
    let mut f = Figures::default();
    for doc in docs {
        let spans = label_document(model, &doc.text, opts).spans;
        let k = KINDS.iter().position(|&k| k == doc.kind).unwrap_or(0);
        let (right, all) = letters(doc, &spans);
        f.letters[k].0 += right;
        f.letters[k].1 += all;
        let (matched, predicted, truth) = boundaries(doc, &spans);
        f.matched += matched;
        f.predicted += predicted;
        f.truth += truth;
        if doc.kind == Kind::Single {
            f.singles += 1;
            let whole = spans.len() == 1 && spans[0].lang == doc.segs[0].2;
            f.singles_whole += usize::from(whole);
        }
    }
    f
}

/// Letters of the document's lines that lie in a span of their line's language, and all letters.
fn letters(doc: &Doc, spans: &[LangSpan]) -> (usize, usize) {
    let (mut right, mut all, mut j) = (0, 0, 0);
    for (start, end, lang) in &doc.segs {
        for (i, c) in doc.text[*start..*end].char_indices() {
            if !c.is_alphabetic() {
                continue;
            }
            let pos = start + i;
            while j < spans.len() && spans[j].end as usize <= pos {
                j += 1;
            }
            all += 1;
            let inside = j < spans.len() && spans[j].start as usize <= pos;
            right += usize::from(inside && spans[j].lang == *lang);
        }
    }
    (right, all)
}

/// Language changes matched one-to-one, predicted, and true. A true change between two lines is
/// the byte range from the end of the first to the first letter of the second; a predicted change
/// is the start of every span after the first.
fn boundaries(doc: &Doc, spans: &[LangSpan]) -> (usize, usize, usize) {
    let mut regions: Vec<(usize, usize, bool)> = Vec::new();
    for w in doc.segs.windows(2) {
        let (prev, next) = (&w[0], &w[1]);
        if prev.2 != next.2 {
            let lead = doc.text[next.0..next.1]
                .char_indices()
                .find(|(_, c)| c.is_alphabetic())
                .map_or(0, |(i, _)| i);
            regions.push((prev.1, next.0 + lead, false));
        }
    }
    let mut matched = 0;
    for s in spans.iter().skip(1) {
        let b = s.start as usize;
        if let Some(r) = regions.iter_mut().find(|r| !r.2 && r.0 <= b && b <= r.1) {
            r.2 = true;
            matched += 1;
        }
    }
    (matched, spans.len().saturating_sub(1), regions.len())
}

/// `(name, language, ~4 KB chunks)` of the collections given with `--conha19 DIR` (Spanish novels)
/// and `--machado DIR` (Portuguese works).
fn real_documents(args: &[String]) -> Result<Vec<(String, String, Vec<String>)>, String> {
    let mut out = Vec::new();
    if let Some(dir) = flag(args, "--conha19") {
        let files = corpus::conha19_chunks(std::path::Path::new(dir))?;
        let chunks = files.into_iter().flat_map(|f| f.1).collect();
        out.push(("conha19".to_string(), "spa".to_string(), chunks));
    }
    if let Some(dir) = flag(args, "--machado") {
        let files = corpus::machado_chunks(std::path::Path::new(dir))?;
        let chunks = files.into_iter().flat_map(|f| f.1).collect();
        out.push(("machado".to_string(), "por".to_string(), chunks));
    }
    Ok(out)
}

/// Documents cut into more than one span, and the share of span bytes not labelled `lang`.
fn one_language(model: &Model, lang: &str, docs: &[String], opts: &SpanOptions) -> (usize, f64) {
    let (mut split, mut outside, mut all) = (0, 0u64, 0u64);
    for d in docs {
        let spans = label_document(model, d, opts).spans;
        split += usize::from(spans.len() > 1);
        for s in &spans {
            let n = u64::from(s.end - s.start);
            all += n;
            outside += if s.lang == lang { 0 } else { n };
        }
    }
    (split, outside as f64 / all.max(1) as f64)
}

/// The options that differ from the defaults, `name=value`.
fn changes(o: &SpanOptions) -> String {
    choose::changes(KNOBS, o, &SpanOptions::default())
}
