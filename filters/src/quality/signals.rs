//! Every quality signal of a document, computed in one pass over its lines plus the n-gram
//! statistics. The values are stored in the `quality` column (one f32 field per name of
//! [`SIGNAL_NAMES`], in that order), so thresholds can be re-tuned later without re-running.
//!
//! Conventions (see docs/filter.md): lines are the non-blank lines of the text, trimmed, with
//! hard-wrapped continuations joined (see [`Logical`]); paragraphs are runs of lines between
//! blank lines; characters are Unicode scalar values of the trimmed lines. A ratio whose denominator is 0 is 0. `stop_word_count` is NaN when the
//! language has no stop-word list, so the stop-word rule cannot apply.

use super::phrases;
use super::repetition::{chain, ngram_stats, IdBuild, NgramScratch, DUP_NGRAMS, TOP_NGRAMS};
use super::stopwords::{StopList, StopWords};
use super::text::{
    ends_with_ellipsis, ends_with_punct, ends_with_terminal_punct, lowercase_into, scan_words,
    starts_with_bullet,
};
use std::cell::RefCell;
use std::collections::HashSet;
use xxhash_rust::xxh3::xxh3_64;

/// A line of at most this many characters counts as short (FineWeb's `short_line_length`).
pub const SHORT_LINE_CHARS: usize = 30;

macro_rules! signals {
    ($($variant:ident => $name:literal,)*) => {
        /// Index of a signal in [`Signals::values`] and [`SIGNAL_NAMES`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Signal { $($variant,)* }

        /// Field names of the `quality` struct column, in [`Signal`] order.
        pub const SIGNAL_NAMES: &[&str] = &[$($name,)*];

        impl Signal {
            /// All signals in column order.
            pub const ALL: &'static [Signal] = &[$(Signal::$variant,)*];
            pub fn name(self) -> &'static str {
                SIGNAL_NAMES[self as usize]
            }
        }
    };
}

signals! {
    WordCount => "word_count",
    MeanWordLength => "mean_word_length",
    HashWordRatio => "hash_word_ratio",
    EllipsisWordRatio => "ellipsis_word_ratio",
    BulletLineRatio => "bullet_line_ratio",
    EllipsisLineRatio => "ellipsis_line_ratio",
    AlphaWordRatio => "alpha_word_ratio",
    StopWordCount => "stop_word_count",
    DupParaFrac => "dup_para_frac",
    DupParaCharFrac => "dup_para_char_frac",
    DupLineFrac => "dup_line_frac",
    DupLineCharFrac => "dup_line_char_frac",
    Top2gramCharFrac => "top_2gram_char_frac",
    Top3gramCharFrac => "top_3gram_char_frac",
    Top4gramCharFrac => "top_4gram_char_frac",
    Dup5gramCharFrac => "dup_5gram_char_frac",
    Dup6gramCharFrac => "dup_6gram_char_frac",
    Dup7gramCharFrac => "dup_7gram_char_frac",
    Dup8gramCharFrac => "dup_8gram_char_frac",
    Dup9gramCharFrac => "dup_9gram_char_frac",
    Dup10gramCharFrac => "dup_10gram_char_frac",
    LinePunctRatio => "line_punct_ratio",
    ShortLineRatio => "short_line_ratio",
    NewlineWordRatio => "newline_word_ratio",
    LoremIpsumCount => "lorem_ipsum_count",
    JavascriptLineRatio => "javascript_line_ratio",
    PolicyLineRatio => "policy_line_ratio",
    CurlyBracketRatio => "curly_bracket_ratio",
    CharCount => "char_count",
}

/// Number of signals.
pub const SIGNAL_COUNT: usize = Signal::ALL.len();

/// The signals of one document, aligned with [`SIGNAL_NAMES`].
#[derive(Clone, Debug, PartialEq)]
pub struct Signals {
    pub values: [f32; SIGNAL_COUNT],
}

impl Signals {
    pub fn get(&self, s: Signal) -> f32 {
        self.values[s as usize]
    }
    pub fn to_vec(&self) -> Vec<f32> {
        self.values.to_vec()
    }
    /// `(name, value)` pairs in column order.
    pub fn named(&self) -> impl Iterator<Item = (&'static str, f32)> + '_ {
        SIGNAL_NAMES
            .iter()
            .copied()
            .zip(self.values.iter().copied())
    }
    fn set(&mut self, s: Signal, v: f32) {
        self.values[s as usize] = v;
    }
}

#[derive(Default)]
struct Scratch {
    words: Vec<(u64, u32)>,
    lines: HashSet<u64, IdBuild>,
    paras: HashSet<u64, IdBuild>,
    lower: String,
    ngrams: NgramScratch,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Computes all signals of `text` for language `lang` (ISO 639-3); `stop` supplies the
/// stop-word list of the language, if it has one.
pub fn compute_signals(text: &str, lang: &str, stop: &StopWords) -> Signals {
    let list = stop.for_lang(lang);
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut s) => compute_with(text, list, &mut s),
        // Only reachable through re-entrance, which this module never does; stay correct anyway.
        Err(_) => compute_with(text, list, &mut Scratch::default()),
    })
}

/// Counters gathered in the line pass.
#[derive(Default)]
struct Counts {
    lines: u64,
    chars: u64,
    bullets: u64,
    ellipsis_lines: u64,
    punct_lines: u64,
    short_lines: u64,
    dup_lines: u64,
    dup_line_chars: u64,
    paras: u64,
    dup_paras: u64,
    dup_para_chars: u64,
    words: u64,
    word_chars: u64,
    alpha_words: u64,
    symbol_tokens: u64,
    stop_words: u64,
    lorem: u64,
    js_lines: u64,
    policy_lines: u64,
}

fn compute_with(text: &str, list: Option<&StopList>, s: &mut Scratch) -> Signals {
    s.words.clear();
    s.lines.clear();
    s.paras.clear();
    let mut c = Counts::default();
    let mut para: Option<(u64, u64)> = None; // (hash, chars) of the open paragraph
    let mut logical: Option<Logical> = None;
    for raw in text.split('\n') {
        let line = raw.trim();
        if line.is_empty() {
            close_line(logical.take(), &mut s.lines, &mut c);
            close_paragraph(para.take(), &mut s.paras, &mut c);
            continue;
        }
        let chars = line.chars().count() as u64;
        let h = xxh3_64(line.as_bytes());
        c.chars += chars;
        let hits = phrases::scan_line(line);
        c.lorem += u64::from(hits.lorem_ipsum);
        let piece = Logical {
            hash: h,
            chars,
            pieces: 1,
            bullet: starts_with_bullet(line),
            terminal: ends_with_terminal_punct(line),
            punctuated: ends_with_punct(line),
            ellipsis: ends_with_ellipsis(line),
            javascript: hits.javascript,
            policy: hits.policy,
        };
        logical = match logical.take() {
            Some(cur) if continues_wrapped(&cur, line) => Some(cur.join(piece)),
            cur => {
                close_line(cur, &mut s.lines, &mut c);
                Some(piece)
            }
        };
        para = Some(match para {
            Some((ph, pc)) => (chain(ph, h), pc + chars),
            None => (h, chars),
        });
        let tokens = scan_words(line, |w| {
            c.words += 1;
            c.word_chars += u64::from(w.chars);
            c.alpha_words += u64::from(w.alphabetic);
            s.words.push((xxh3_64(w.text.as_bytes()), w.chars));
            if let Some(list) = list {
                if w.chars as usize <= list.max_chars() {
                    lowercase_into(w.text, &mut s.lower);
                    c.stop_words += u64::from(list.contains(&s.lower));
                }
            }
        });
        c.symbol_tokens += u64::from(tokens.symbol_tokens);
    }
    close_line(logical.take(), &mut s.lines, &mut c);
    close_paragraph(para.take(), &mut s.paras, &mut c);
    let ngrams = ngram_stats(&s.words, &mut s.ngrams);
    assemble(text, &c, list.is_some(), &ngrams)
}

/// A line as the line rules see it. Plain-text sources are often hard-wrapped (a paragraph
/// broken every ~70 characters); counting every wrapped piece as a line would make running
/// prose look like a list of unpunctuated short lines. A physical line continues the previous
/// one when that one has no terminal punctuation and this one starts with a lower-case letter.
/// List items, menu entries, headings and verse (which starts with a capital) stay separate.
struct Logical {
    hash: u64,
    chars: u64,
    pieces: u64,
    bullet: bool,
    terminal: bool,
    /// Ends with terminal punctuation or `, ; : ) ]` (verse and dialogue do, menus do not).
    punctuated: bool,
    ellipsis: bool,
    javascript: bool,
    policy: bool,
}

impl Logical {
    fn join(self, next: Logical) -> Logical {
        Logical {
            hash: chain(self.hash, next.hash),
            chars: self.chars + next.chars,
            pieces: self.pieces + next.pieces,
            bullet: self.bullet,
            terminal: next.terminal,
            punctuated: next.punctuated,
            ellipsis: next.ellipsis,
            javascript: self.javascript || next.javascript,
            policy: self.policy || next.policy,
        }
    }
}

fn continues_wrapped(cur: &Logical, line: &str) -> bool {
    !cur.terminal && line.chars().next().is_some_and(char::is_lowercase)
}

fn close_line(line: Option<Logical>, seen: &mut HashSet<u64, IdBuild>, c: &mut Counts) {
    let Some(l) = line else { return };
    c.lines += 1;
    c.bullets += u64::from(l.bullet);
    c.ellipsis_lines += u64::from(l.ellipsis);
    c.punct_lines += u64::from(l.terminal);
    // The joins count as one space each.
    let short = (l.chars + l.pieces - 1) as usize <= SHORT_LINE_CHARS;
    c.short_lines += u64::from(short && !l.punctuated);
    c.js_lines += u64::from(l.javascript);
    c.policy_lines += u64::from(l.policy);
    if !seen.insert(l.hash) {
        // Short repeats (speaker names in drama, "—¿Sí?") do not count as duplicated lines by
        // number; they still count by characters.
        c.dup_lines += u64::from(!short);
        c.dup_line_chars += l.chars;
    }
}

fn close_paragraph(para: Option<(u64, u64)>, seen: &mut HashSet<u64, IdBuild>, c: &mut Counts) {
    if let Some((h, chars)) = para {
        c.paras += 1;
        if !seen.insert(h) {
            // As for lines: short repeats count by characters only.
            c.dup_paras += u64::from(chars as usize > SHORT_LINE_CHARS);
            c.dup_para_chars += chars;
        }
    }
}

/// Document-wide symbol counts: `#`, ellipses and curly brackets. A run of three or more dots
/// (or of `…`) is one ellipsis: long dot rows mark elided passages in print, and counting them
/// as many ellipses (as `str.count("...")` does) would reject literature for typography.
fn symbol_counts(text: &str) -> (u64, u64, u64) {
    let (mut hashes, mut ellipses, mut curly) = (0u64, 0u64, 0u64);
    let (mut dots, mut in_ellipsis) = (0u32, false);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // `…` is E2 80 A6 in UTF-8.
        let is_dot = b == b'.';
        let is_ellipsis_char = b == 0xE2 && bytes.get(i + 1..i + 3) == Some(&[0x80, 0xA6]);
        if is_dot || is_ellipsis_char {
            dots += if is_dot { 1 } else { 3 };
            if dots >= 3 && !in_ellipsis {
                ellipses += 1;
                in_ellipsis = true;
            }
            i += if is_dot { 1 } else { 3 };
            continue;
        }
        dots = 0;
        in_ellipsis = false;
        match b {
            b'#' => hashes += 1,
            b'{' | b'}' => curly += 1,
            _ => {}
        }
        i += 1;
    }
    (hashes, ellipses, curly)
}

fn ratio(num: u64, den: u64) -> f32 {
    if den == 0 {
        0.0
    } else {
        (num as f64 / den as f64) as f32
    }
}

fn assemble(text: &str, c: &Counts, has_list: bool, ng: &super::repetition::NgramStats) -> Signals {
    use Signal::*;
    let (hashes, ellipses, curly) = symbol_counts(text);
    let mut s = Signals {
        values: [0.0; SIGNAL_COUNT],
    };
    s.set(WordCount, c.words as f32);
    s.set(MeanWordLength, ratio(c.word_chars, c.words));
    s.set(HashWordRatio, ratio(hashes, c.words));
    s.set(EllipsisWordRatio, ratio(ellipses, c.words));
    s.set(BulletLineRatio, ratio(c.bullets, c.lines));
    s.set(EllipsisLineRatio, ratio(c.ellipsis_lines, c.lines));
    s.set(
        AlphaWordRatio,
        ratio(c.alpha_words, c.words + c.symbol_tokens),
    );
    let stop = if has_list {
        c.stop_words as f32
    } else {
        f32::NAN
    };
    s.set(StopWordCount, stop);
    s.set(DupParaFrac, ratio(c.dup_paras, c.paras));
    s.set(DupParaCharFrac, ratio(c.dup_para_chars, c.chars));
    s.set(DupLineFrac, ratio(c.dup_lines, c.lines));
    s.set(DupLineCharFrac, ratio(c.dup_line_chars, c.chars));
    const TOP: [Signal; TOP_NGRAMS.len()] = [Top2gramCharFrac, Top3gramCharFrac, Top4gramCharFrac];
    for (sig, v) in TOP.iter().zip(ng.top) {
        s.set(*sig, v);
    }
    const DUP: [Signal; DUP_NGRAMS.len()] = [
        Dup5gramCharFrac,
        Dup6gramCharFrac,
        Dup7gramCharFrac,
        Dup8gramCharFrac,
        Dup9gramCharFrac,
        Dup10gramCharFrac,
    ];
    for (sig, v) in DUP.iter().zip(ng.dup) {
        s.set(*sig, v);
    }
    s.set(LinePunctRatio, ratio(c.punct_lines, c.lines));
    s.set(ShortLineRatio, ratio(c.short_lines, c.lines));
    s.set(NewlineWordRatio, ratio(c.lines.saturating_sub(1), c.words));
    s.set(LoremIpsumCount, c.lorem as f32);
    s.set(JavascriptLineRatio, ratio(c.js_lines, c.lines));
    s.set(PolicyLineRatio, ratio(c.policy_lines, c.lines));
    s.set(CurlyBracketRatio, ratio(curly, c.chars));
    s.set(CharCount, c.chars as f32);
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::rules::{judge, Thresholds};

    /// 84 words of running Spanish, no repetition, every line punctuated.
    pub(crate) const ES: &str = "La minga es un trabajo comunitario que reúne a las familias del pueblo.\n\
        Cada casa aporta herramientas, comida y manos para levantar un puente o sembrar la chacra.\n\n\
        Al terminar la jornada se comparte una olla grande de sopa con papas y maíz.\n\
        Los abuelos cuentan historias antiguas mientras los niños juegan cerca del fogón.\n\n\
        Nadie recibe dinero por su esfuerzo, pero todos saben que la ayuda volverá cuando la necesiten.\n\
        Así se construyeron caminos, escuelas y canales de riego en muchos valles andinos.";

    fn sig(text: &str, lang: &str) -> Signals {
        let stop = StopWords::from_lists([("spa".to_string(), vec!["la", "de", "el", "que", "y"])]);
        compute_signals(text, lang, &stop)
    }

    #[test]
    fn clean_prose_passes_every_default_rule() {
        let s = sig(ES, "spa");
        assert_eq!(s.get(Signal::WordCount), 84.0);
        assert_eq!(s.get(Signal::LinePunctRatio), 1.0);
        assert_eq!(s.get(Signal::DupLineFrac), 0.0);
        assert_eq!(judge(&s, &Thresholds::default()), None);
    }

    #[test]
    fn stop_words_are_counted_only_where_a_list_exists() {
        assert_eq!(sig(ES, "spa").get(Signal::StopWordCount), 12.0);
        let quechua = sig("Ñuqaqa wasiypim kachkani, mikhuyta yanuchkani.", "que");
        assert!(quechua.get(Signal::StopWordCount).is_nan());
        let t = Thresholds {
            min_words: None,
            ..Thresholds::default()
        };
        assert_eq!(judge(&quechua, &t), None, "no list, so no stop-word rule");
    }

    #[test]
    fn line_and_symbol_ratios() {
        let text = "- uno\n- dos\n- tres...\n# cuatro #\nCinco seis siete ocho.";
        let s = sig(text, "spa");
        assert_eq!(s.get(Signal::BulletLineRatio), 3.0 / 5.0);
        assert_eq!(s.get(Signal::EllipsisLineRatio), 1.0 / 5.0);
        assert_eq!(s.get(Signal::HashWordRatio), 2.0 / 8.0);
        assert_eq!(s.get(Signal::EllipsisWordRatio), 1.0 / 8.0);
        assert_eq!(s.get(Signal::LinePunctRatio), 2.0 / 5.0);
        // Five short lines; "- tres..." and the last one end with punctuation.
        assert_eq!(s.get(Signal::ShortLineRatio), 3.0 / 5.0);
        assert_eq!(s.get(Signal::NewlineWordRatio), 4.0 / 8.0);
        // A dot row is one ellipsis, as is a run of `…`.
        let dots = sig("uno ........ dos …… tres", "spa");
        assert_eq!(dots.get(Signal::EllipsisWordRatio), 2.0 / 3.0);
    }

    #[test]
    fn hard_wrapped_prose_is_one_line_but_verse_is_not() {
        let wrapped = "Era conveniente ao romance que o leitor\nficasse muito tempo sem saber quem\nera Miss Dollar.";
        let s = sig(wrapped, "por");
        assert_eq!(s.get(Signal::LinePunctRatio), 1.0);
        assert_eq!(s.get(Signal::ShortLineRatio), 0.0);
        let verse = "Musa consoladora,\nQuando da minha fronte de mancebo\nA última ilusão cair";
        let s = sig(verse, "por");
        assert_eq!(s.get(Signal::LinePunctRatio), 0.0);
        // Short lines ending with punctuation are verse or dialogue, not menu entries.
        assert_eq!(s.get(Signal::ShortLineRatio), 1.0 / 3.0);
        let menu = sig("Inicio\nNoticias\nContacto", "spa");
        assert_eq!(menu.get(Signal::ShortLineRatio), 1.0);
    }

    #[test]
    fn duplicated_lines_and_paragraphs() {
        let para = "Esta línea se repite en el documento entero.";
        let text = format!("{para}\nOtra cosa distinta aquí.\n\n{para}\n\n{para}\n\nJUAN\n\nJUAN");
        let s = sig(&text, "spa");
        // Lines: para, otra, para, para, JUAN, JUAN -> 2 long repeats out of 6 (short "JUAN"
        // repeats count by characters only).
        assert_eq!(s.get(Signal::DupLineFrac), 2.0 / 6.0);
        let chars = s.get(Signal::CharCount);
        assert_eq!(s.get(Signal::DupLineCharFrac), (2.0 * 44.0 + 4.0) / chars);
        // Paragraphs: [para, otra], [para], [para], [JUAN], [JUAN]: one long repeat by number,
        // the second [para] and [JUAN] by characters.
        assert_eq!(s.get(Signal::DupParaFrac), 1.0 / 5.0);
        assert_eq!(s.get(Signal::DupParaCharFrac), (44.0 + 4.0) / chars);
    }

    #[test]
    fn boilerplate_phrases_and_brackets() {
        let text = "Lorem ipsum dolor sit amet.\nEste sitio usa cookies.\nActive JavaScript.\nvar x = {a: 1};";
        let s = sig(text, "spa");
        assert_eq!(s.get(Signal::LoremIpsumCount), 1.0);
        assert_eq!(s.get(Signal::PolicyLineRatio), 0.25);
        assert_eq!(s.get(Signal::JavascriptLineRatio), 0.25);
        assert_eq!(
            s.get(Signal::CurlyBracketRatio),
            2.0 / s.get(Signal::CharCount)
        );
    }

    #[test]
    fn alphabetic_share_and_mean_length_keep_indigenous_words_whole() {
        let s = sig("jach'a uta | 1999 ch'aki", "aym");
        // Words: jach'a uta 1999 ch'aki; symbol token: "|".
        assert_eq!(s.get(Signal::WordCount), 4.0);
        assert_eq!(s.get(Signal::AlphaWordRatio), 3.0 / 5.0);
        assert_eq!(s.get(Signal::MeanWordLength), (6.0 + 3.0 + 4.0 + 6.0) / 4.0);
    }

    #[test]
    fn empty_text_gives_zero_ratios() {
        let s = sig("", "spa");
        assert_eq!(s.get(Signal::WordCount), 0.0);
        assert!(s
            .values
            .iter()
            .enumerate()
            .all(|(i, v)| *v == 0.0 || i == Signal::StopWordCount as usize));
        assert_eq!(SIGNAL_NAMES.len(), SIGNAL_COUNT);
    }
}
