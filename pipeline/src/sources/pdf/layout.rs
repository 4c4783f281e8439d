//! From placed characters to lines in reading order.
//!
//! Characters are first joined into spans (runs on one baseline without a wide gap), then the
//! page is cut recursively along whitespace (XY-cut): a vertical gutter that no span crosses
//! splits columns, read left to right; otherwise the widest horizontal gap splits bands, read
//! top to bottom. Columns are tried first so that two columns whose lines share baselines are
//! never read across. What cannot be cut is a block whose lines are read top to bottom.

use super::content::PageChars;

/// Thresholds in units of the font size. Chosen on the development half of the evaluation
/// set (`bench/pdf-bench.sh`), reported on the other half.
#[derive(Debug, Clone, Copy)]
pub struct LayoutParams {
    /// A gap wider than this ends a span (column gutters, table cells).
    pub span_gap: f32,
    /// A gap wider than this between two characters is a word space.
    pub word_gap: f32,
    /// A vertical gutter must be at least this wide to split columns.
    pub gutter: f32,
    /// A horizontal gap must be at least this tall to split bands.
    pub band_gap: f32,
    /// Baselines further apart than `para_gap` × size start a new paragraph.
    pub para_gap: f32,
}

impl Default for LayoutParams {
    fn default() -> Self {
        LayoutParams {
            span_gap: 0.7,
            word_gap: 0.15,
            gutter: 0.6,
            band_gap: 0.4,
            para_gap: 1.6,
        }
    }
}

/// Pages with more spans than this are read top to bottom without cutting: XY-cut is
/// quadratic in the worst case and such pages are tables or hostile input.
const MAX_CUT_SPANS: usize = 4000;

/// A run of characters on one baseline.
#[derive(Debug, Clone)]
struct Span {
    x0: f32,
    x1: f32,
    y: f32,
    size: f32,
    text: String,
}

impl Span {
    fn top(&self) -> f32 {
        self.y + 0.85 * self.size
    }
    fn bottom(&self) -> f32 {
        self.y - 0.25 * self.size
    }
}

/// One line of a page in reading order.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub text: String,
    /// Baseline, page space (y up).
    pub y: f32,
    pub x0: f32,
    pub size: f32,
    /// The line starts a paragraph (or a new block).
    pub para: bool,
}

/// Lines of one page in reading order.
pub fn page_lines(page: &PageChars, p: &LayoutParams) -> Vec<Line> {
    let spans = spans(page, p);
    let mut lines = Vec::new();
    if spans.len() > MAX_CUT_SPANS {
        let all: Vec<usize> = (0..spans.len()).collect();
        block_lines(&spans, &all, p, &mut lines);
        return lines;
    }
    // Explicit stack instead of recursion: a page of one-line paragraphs cuts once per line.
    let mut stack: Vec<Vec<usize>> = vec![(0..spans.len()).collect()];
    while let Some(region) = stack.pop() {
        if region.is_empty() {
            continue;
        }
        match cut(&spans, &region, p) {
            Some((first, second)) => {
                stack.push(second);
                stack.push(first);
            }
            None => block_lines(&spans, &region, p, &mut lines),
        }
    }
    lines
}

/// Joins characters, in content order, into spans.
fn spans(page: &PageChars, p: &LayoutParams) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    let mut cur: Option<Span> = None;
    // Start and end of the last glyph added to the current span.
    let (mut last_x0, mut last_x1) = (f32::MIN, f32::MIN);
    for c in &page.chars {
        let text = expand_ligature(page.str_of(c));
        let size = c.size.max(0.1);
        // Justified text widens spaces (word spacing): a space at a line end may reach into
        // the gutter, so spaces never extend a span, and never start one.
        let blank = text.trim().is_empty();
        if let Some(s) = cur.as_mut() {
            let same_line = (c.y - s.y).abs() < 0.3 * s.size.max(size);
            let gap = c.x - s.x1;
            let forward = gap > -0.5 * s.size;
            if same_line && forward && gap < p.span_gap * s.size.max(size) {
                if blank {
                    if !s.text.ends_with(' ') {
                        s.text.push(' ');
                    }
                    continue;
                }
                if c.x < last_x1 - 0.1 * size && compose_accent(&mut s.text, &text) {
                    s.x1 = s.x1.max(c.x + c.w);
                    continue;
                }
                // Fake bold draws the same glyph twice, a hair apart: keep one.
                let dup = (c.x - last_x0).abs() < 0.1 * size && s.text.ends_with(text.as_ref());
                (last_x0, last_x1) = (c.x, c.x + c.w);
                if !dup {
                    if gap > p.word_gap * s.size && !s.text.ends_with(' ') {
                        s.text.push(' ');
                    }
                    s.text.push_str(&text);
                }
                s.x1 = s.x1.max(c.x + c.w);
                continue;
            }
            out.push(cur.take().expect("checked above"));
        }
        if blank {
            continue;
        }
        (last_x0, last_x1) = (c.x, c.x + c.w);
        cur = Some(Span {
            x0: c.x,
            x1: c.x + c.w.max(0.0),
            y: c.y,
            size,
            text: text.into_owned(),
        });
    }
    out.extend(cur);
    out.retain(|s| !s.text.trim().is_empty());
    for s in &mut out {
        s.text = s.text.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    out
}

/// TeX-style fonts draw an accent as its own glyph over a letter, before or after it: when
/// `next` overlaps the previous glyph and one of them is a spacing accent, the two become the
/// letter and a combining mark (NFC later composes them). Returns whether it combined.
fn compose_accent(text: &mut String, next: &str) -> bool {
    let Some(last) = text.chars().last() else {
        return false;
    };
    let mut buf = [0u8; 4];
    let last_str: &str = last.encode_utf8(&mut buf);
    let letter = |s: &str| {
        let mut cs = s.chars();
        matches!((cs.next(), cs.next()), (Some(c), None) if c.is_alphabetic())
    };
    let undot = |c: char| match c {
        'ı' => 'i',
        'ȷ' => 'j',
        c => c,
    };
    if let (Some(mark), true) = (super::glyphs::combining_for(last_str), letter(next)) {
        text.pop();
        text.extend(next.chars().map(undot));
        text.push(mark);
        return true;
    }
    if let (Some(mark), true) = (super::glyphs::combining_for(next), last.is_alphabetic()) {
        text.pop();
        text.push(undot(last));
        text.push(mark);
        return true;
    }
    false
}

/// Ligature code points spelt out (fonts whose ToUnicode maps to U+FB0x, which NFC keeps).
fn expand_ligature(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| ('\u{FB00}'..='\u{FB06}').contains(&c)) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '\u{FB00}' => out.push_str("ff"),
            '\u{FB01}' => out.push_str("fi"),
            '\u{FB02}' => out.push_str("fl"),
            '\u{FB03}' => out.push_str("ffi"),
            '\u{FB04}' => out.push_str("ffl"),
            '\u{FB05}' | '\u{FB06}' => out.push_str("st"),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

fn median_size(spans: &[Span], region: &[usize]) -> f32 {
    let mut sizes: Vec<f32> = region.iter().map(|&i| spans[i].size).collect();
    sizes.sort_by(f32::total_cmp);
    sizes.get(sizes.len() / 2).copied().unwrap_or(10.0)
}

/// Splits a region in two: left/right at the widest gutter; else top/bottom at a band gap,
/// preferring a gap near the top or bottom that leaves a side with columns (a title, header or
/// footer across two columns), then the widest.
fn cut(spans: &[Span], region: &[usize], p: &LayoutParams) -> Option<(Vec<usize>, Vec<usize>)> {
    if region.len() < 2 {
        return None;
    }
    let size = median_size(spans, region);
    if let Some(split) = columns(spans, region, p.gutter * size) {
        return Some(split);
    }
    if let Some(split) = edge_lines_over_columns(spans, region, p.gutter * size) {
        return Some(split);
    }
    // Bands: gaps between the vertical extents, taken top-down (y grows upwards).
    let ys: Vec<(f32, f32)> = region
        .iter()
        .map(|&i| (-spans[i].top(), -spans[i].bottom()))
        .collect();
    let gaps = gaps(ys, p.band_gap * size);
    let split = |at: f32| -> (Vec<usize>, Vec<usize>) {
        region.iter().partition(|&&i| -spans[i].bottom() <= at)
    };
    let edges = gaps.iter().take(3).chain(gaps.iter().rev().take(3));
    for &(_, at) in edges {
        let (top, bottom) = split(at);
        let has_columns = |side: &[usize]| columns(spans, side, p.gutter * size).is_some();
        if has_columns(&top) || has_columns(&bottom) {
            return Some((top, bottom));
        }
    }
    let &(_, at) = gaps.iter().max_by(|a, b| a.0.total_cmp(&b.0))?;
    let (top, bottom) = split(at);
    (!top.is_empty() && !bottom.is_empty()).then_some((top, bottom))
}

/// A running header, a title or a footer set across two columns, at normal line spacing
/// (no band gap): when taking off up to three lines at the top or bottom leaves columns,
/// those lines are a band of their own.
fn edge_lines_over_columns(
    spans: &[Span],
    region: &[usize],
    min: f32,
) -> Option<(Vec<usize>, Vec<usize>)> {
    let mut ys: Vec<f32> = region.iter().map(|&i| spans[i].y).collect();
    ys.sort_by(|a, b| b.total_cmp(a));
    ys.dedup_by(|a, b| (*a - *b).abs() < 1.0);
    let n = ys.len();
    for k in 1..=3.min(n.saturating_sub(2)) {
        for at in [(ys[k - 1] + ys[k]) / 2.0, (ys[n - k] + ys[n - k - 1]) / 2.0] {
            let (top, bottom): (Vec<usize>, Vec<usize>) =
                region.iter().partition(|&&i| spans[i].y > at);
            let small_is_top = top.len() <= bottom.len();
            let rest = if small_is_top { &bottom } else { &top };
            if columns(spans, rest, min).is_some() {
                return Some((top, bottom));
            }
        }
    }
    None
}

/// Left and right of the widest gutter at least `min` wide, when both sides are columns.
fn columns(spans: &[Span], region: &[usize], min: f32) -> Option<(Vec<usize>, Vec<usize>)> {
    if region.len() < 4 {
        return None;
    }
    let x0 = region.iter().map(|&i| spans[i].x0).fold(f32::MAX, f32::min);
    let x1 = region.iter().map(|&i| spans[i].x1).fold(f32::MIN, f32::max);
    let width = (x1 - x0).max(1e-3);
    let xs: Vec<(f32, f32)> = region.iter().map(|&i| (spans[i].x0, spans[i].x1)).collect();
    let &(_, at) = gaps(xs, min).iter().max_by(|a, b| a.0.total_cmp(&b.0))?;
    let (left, right): (Vec<usize>, Vec<usize>) = region.iter().partition(|&&i| spans[i].x1 <= at);
    let lw = left.iter().map(|&i| spans[i].x1).fold(f32::MIN, f32::max) - x0;
    let rw = x1 - right.iter().map(|&i| spans[i].x0).fold(f32::MAX, f32::min);
    // A narrow side (bullets, line numbers, a page number) is part of its lines, not a column.
    (left.len() >= 2 && right.len() >= 2 && lw.min(rw) >= 0.15 * width).then_some((left, right))
}

/// Every gap at least `min` wide between the union of intervals: (width, middle), in order.
fn gaps(mut iv: Vec<(f32, f32)>, min: f32) -> Vec<(f32, f32)> {
    iv.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out = Vec::new();
    let Some(first) = iv.first() else {
        return out;
    };
    let mut reach = first.1;
    for &(lo, hi) in &iv[1..] {
        let gap = lo - reach;
        if gap >= min {
            out.push((gap, reach + gap / 2.0));
        }
        reach = reach.max(hi);
    }
    out
}

/// The lines of an uncut block, top to bottom, spans on a line left to right.
fn block_lines(spans: &[Span], region: &[usize], p: &LayoutParams, out: &mut Vec<Line>) {
    let mut order: Vec<usize> = region.to_vec();
    order.sort_by(|&a, &b| {
        spans[b]
            .y
            .total_cmp(&spans[a].y)
            .then(spans[a].x0.total_cmp(&spans[b].x0))
    });
    let mut first = true;
    let mut i = 0;
    while i < order.len() {
        let head = &spans[order[i]];
        let mut j = i + 1;
        while j < order.len() && (head.y - spans[order[j]].y).abs() < 0.4 * head.size {
            j += 1;
        }
        let mut members: Vec<&Span> = order[i..j].iter().map(|&k| &spans[k]).collect();
        members.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let text = members
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let size = members.iter().map(|s| s.size).fold(0.0, f32::max);
        let para = first
            || out
                .last()
                .is_some_and(|prev: &Line| prev.y - head.y > p.para_gap * size.max(prev.size));
        out.push(Line {
            text,
            y: head.y,
            x0: members[0].x0,
            size,
            para,
        });
        first = false;
        i = j;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::pdf::content::Placed;

    /// A page from (x, y, text) words in a 10 pt font, 5 pt per character.
    fn page(words: &[(f32, f32, &str)]) -> PageChars {
        let mut pc = PageChars::default();
        for &(x, y, w) in words {
            for (k, ch) in w.chars().enumerate() {
                let start = pc.text.len() as u32;
                pc.text.push(ch);
                pc.chars.push(Placed {
                    x: x + 5.0 * k as f32,
                    y,
                    w: 5.0,
                    size: 10.0,
                    start,
                    end: pc.text.len() as u32,
                });
            }
        }
        pc
    }

    fn texts(lines: &[Line]) -> Vec<&str> {
        lines.iter().map(|l| l.text.as_str()).collect()
    }

    #[test]
    fn two_columns_read_left_then_right() {
        // Lines of both columns share baselines and are drawn interleaved.
        let pc = page(&[
            (50.0, 700.0, "uno dos"),
            (300.0, 700.0, "cinco seis"),
            (50.0, 688.0, "tres cuatro"),
            (300.0, 688.0, "siete ocho"),
        ]);
        let lines = page_lines(&pc, &LayoutParams::default());
        assert_eq!(
            texts(&lines),
            ["uno dos", "tres cuatro", "cinco seis", "siete ocho"]
        );
    }

    #[test]
    fn title_above_columns_comes_first() {
        let pc = page(&[
            (
                50.0,
                760.0,
                "Un titulo que cruza las dos columnas de la pagina entera",
            ),
            (50.0, 700.0, "izquierda uno con texto"),
            (300.0, 700.0, "derecha uno con texto"),
            (50.0, 688.0, "izquierda dos con texto"),
            (300.0, 688.0, "derecha dos con texto"),
        ]);
        let lines = page_lines(&pc, &LayoutParams::default());
        assert_eq!(
            lines[0].text,
            "Un titulo que cruza las dos columnas de la pagina entera"
        );
        assert_eq!(
            texts(&lines[1..]),
            [
                "izquierda uno con texto",
                "izquierda dos con texto",
                "derecha uno con texto",
                "derecha dos con texto"
            ]
        );
        assert!(lines[1].para && !lines[2].para);
    }

    #[test]
    fn bullets_stay_on_their_lines() {
        let pc = page(&[
            (50.0, 700.0, "•"),
            (80.0, 700.0, "primera cosa de la lista larga"),
            (50.0, 688.0, "•"),
            (80.0, 688.0, "segunda cosa de la lista larga"),
        ]);
        let lines = page_lines(&pc, &LayoutParams::default());
        assert_eq!(
            texts(&lines),
            [
                "• primera cosa de la lista larga",
                "• segunda cosa de la lista larga"
            ]
        );
    }

    #[test]
    fn overprinted_accents_combine() {
        use unicode_normalization::UnicodeNormalization;
        // TeX draws "´" then moves back over it to draw "o"; "a" then "˜" the other way.
        let mut pc = PageChars::default();
        for (x, t) in [
            (50.0, "c"),
            (55.0, "´"),
            (55.5, "o"),
            (60.5, "n"),
            (65.5, "a"),
            (65.7, "˜"),
        ] {
            let start = pc.text.len() as u32;
            pc.text.push_str(t);
            let end = pc.text.len() as u32;
            pc.chars.push(Placed {
                x,
                y: 700.0,
                w: 5.0,
                size: 10.0,
                start,
                end,
            });
        }
        let text: String = page_lines(&pc, &LayoutParams::default())[0]
            .text
            .nfc()
            .collect();
        assert_eq!(text, "cónã");
    }

    #[test]
    fn ligatures_are_spelt_out() {
        let pc = page(&[(50.0, 700.0, "e\u{FB01}caz o\u{FB03}ce")]);
        assert_eq!(
            page_lines(&pc, &LayoutParams::default())[0].text,
            "eficaz office"
        );
    }
}
