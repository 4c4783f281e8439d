//! From each page's lines to the document text: running headers, footers and page numbers
//! dropped, words hyphenated at line ends joined, and the byte range each page fills.

use std::collections::BTreeMap;

use unicode_normalization::UnicodeNormalization;

use super::layout::Line;

/// Which lines count as page furniture. Chosen on the development half of the evaluation set.
#[derive(Debug, Clone, Copy)]
pub struct FurnitureParams {
    /// Lines this close to the top or bottom of a page (by rank) are candidates.
    pub edge_lines: usize,
    /// A candidate repeated (digits ignored) at the same height on at least this share of
    /// pages is a running header or footer.
    pub repeat_share: f32,
    /// Heights within this many points are the same position.
    pub y_tolerance: f32,
}

impl Default for FurnitureParams {
    fn default() -> Self {
        FurnitureParams {
            edge_lines: 2,
            repeat_share: 0.3,
            y_tolerance: 3.0,
        }
    }
}

/// The text of a document and the byte range of it each page fills.
#[derive(Debug, Default, PartialEq)]
pub struct Assembled {
    pub text: String,
    /// `(start, end, page number from 1)`; pages that kept no text are left out.
    pub pages: Vec<(usize, usize, u32)>,
    /// Lines dropped as headers, footers or page numbers.
    pub furniture_lines: usize,
}

/// Marks the furniture lines of every page (`true` = drop).
pub fn furniture(pages: &[Vec<Line>], p: &FurnitureParams) -> Vec<Vec<bool>> {
    let mut drop: Vec<Vec<bool>> = pages.iter().map(|l| vec![false; l.len()]).collect();
    let candidates: Vec<Vec<usize>> = pages.iter().map(|l| edge_lines(l, p.edge_lines)).collect();
    // Pages on which each (height bucket, text without digits) appears.
    let mut seen: BTreeMap<(i32, String), usize> = BTreeMap::new();
    for (pg, cands) in candidates.iter().enumerate() {
        let mut keys: Vec<(i32, String)> = cands
            .iter()
            .map(|&i| key(&pages[pg][i], p.y_tolerance))
            .collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            *seen.entry(k).or_default() += 1;
        }
    }
    let counted = pages.iter().filter(|l| !l.is_empty()).count();
    let need = ((p.repeat_share * counted as f32).ceil() as usize).max(2);
    for (pg, cands) in candidates.iter().enumerate() {
        for &i in cands {
            let line = &pages[pg][i];
            let repeated =
                counted >= 2 && seen.get(&key(line, p.y_tolerance)).copied().unwrap_or(0) >= need;
            if repeated || is_page_number(&line.text) {
                drop[pg][i] = true;
            }
        }
    }
    drop
}

/// Indices of the `n` highest and `n` lowest lines of a page.
fn edge_lines(lines: &[Line], n: usize) -> Vec<usize> {
    let mut by_y: Vec<usize> = (0..lines.len()).collect();
    by_y.sort_by(|&a, &b| lines[b].y.total_cmp(&lines[a].y));
    let mut out: Vec<usize> = by_y.iter().take(n).copied().collect();
    out.extend(by_y.iter().rev().take(n));
    out.sort_unstable();
    out.dedup();
    out
}

fn key(line: &Line, tol: f32) -> (i32, String) {
    let text: String = line
        .text
        .chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .flat_map(char::to_lowercase)
        .collect();
    let mut collapsed = text.replace("##", "#");
    while collapsed.contains("##") {
        collapsed = collapsed.replace("##", "#");
    }
    ((line.y / tol.max(0.1)).round() as i32, collapsed)
}

/// `12`, `- 12 -`, `xiv`, `Página 3`, `3 / 40`, `Pág. 3 de 40`.
pub fn is_page_number(text: &str) -> bool {
    let t = text.trim_matches(|c: char| c.is_whitespace() || "-–—|·•".contains(c));
    let lower = t.to_lowercase();
    let rest = ["página", "pagina", "pág.", "pag.", "pág", "page", "p."]
        .iter()
        .find_map(|w| lower.strip_prefix(w))
        .unwrap_or(&lower)
        .trim();
    let mut parts = rest
        .split(|c: char| c == '/' || c.is_whitespace())
        .filter(|w| !w.is_empty());
    let Some(first) = parts.next() else {
        return false;
    };
    let numeral = |w: &str| {
        (w.len() <= 4 && w.chars().all(|c| c.is_ascii_digit()))
            || (w.len() <= 6 && w.chars().all(|c| "ivxlcdm".contains(c)))
    };
    let tail: Vec<&str> = parts.collect();
    numeral(first)
        && match tail.as_slice() {
            [] => true,
            [n] => numeral(n),
            [w, n] => matches!(*w, "de" | "of" | "do") && numeral(n),
            _ => false,
        }
}

/// Joins the kept lines of every page into one text, already in the form ingest stores
/// (NFC, no trailing spaces, paragraphs split by one blank line), so page ranges stay valid.
pub fn assemble(pages: &[Vec<Line>], drop: &[Vec<bool>]) -> Assembled {
    let mut out = Assembled::default();
    let mut page_start: Option<(usize, u32)> = None;
    let mut prev_para_end = true;
    for (pg, lines) in pages.iter().enumerate() {
        let mut first_on_page = true;
        for (i, line) in lines.iter().enumerate() {
            if drop[pg][i] {
                out.furniture_lines += 1;
                continue;
            }
            let text: String = line.text.nfc().collect();
            if text.is_empty() {
                continue;
            }
            let before = out.text.len();
            if !out.text.is_empty() {
                join(
                    &mut out.text,
                    &text,
                    line.para || (first_on_page && prev_para_end),
                );
            }
            if first_on_page {
                // The previous page ends before the separator, or where a hyphen was removed.
                if let Some((start, n)) = page_start.take() {
                    out.pages.push((start, before.min(out.text.len()), n));
                }
                page_start = Some((out.text.len(), pg as u32 + 1));
                first_on_page = false;
            }
            out.text.push_str(&text);
            prev_para_end = text.ends_with(['.', '!', '?', ':', '»', '"', '”']);
        }
    }
    if let Some((start, n)) = page_start {
        out.pages.push((start, out.text.len(), n));
    }
    // A page whose first word was joined to the previous page's last line starts mid-word,
    // where its own characters do.
    out
}

/// Appends the separator between two lines: a hyphen at a line end is removed and the word
/// joined when the next line goes on in lower case; otherwise a newline, or a blank line
/// before a new paragraph.
fn join(text: &mut String, next: &str, para: bool) {
    let next_lower = next.chars().next().is_some_and(char::is_lowercase);
    if text.ends_with('\u{AD}') {
        text.pop();
        return;
    }
    if next_lower && text.ends_with('-') {
        let mut rev = text.chars().rev().skip(1);
        if rev.next().is_some_and(char::is_alphabetic) {
            text.pop();
            return;
        }
    }
    text.push_str(if para { "\n\n" } else { "\n" });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, y: f32, para: bool) -> Line {
        Line {
            text: text.into(),
            y,
            x0: 50.0,
            size: 10.0,
            para,
        }
    }

    #[test]
    fn page_numbers_are_recognised() {
        for t in [
            "12",
            "- 12 -",
            "xiv",
            "Página 3",
            "3 / 40",
            "Pág. 3 de 40",
            "— 7 —",
        ] {
            assert!(is_page_number(t), "{t}");
        }
        for t in ["12 de octubre", "Capítulo 3", "1998 fue un año", "vivir"] {
            assert!(!is_page_number(t), "{t}");
        }
    }

    #[test]
    fn running_header_dropped_body_kept() {
        let bodies = [
            "Llegó la lluvia.",
            "Se secó el río.",
            "Volvió el sol.",
            "Fin.",
        ];
        let pages: Vec<Vec<Line>> = (1..=4)
            .map(|n| {
                vec![
                    line(&format!("Informe anual {n}"), 800.0, true),
                    line(bodies[n - 1], 700.0, true),
                    line(&n.to_string(), 40.0, true),
                ]
            })
            .collect();
        let drop = furniture(&pages, &FurnitureParams::default());
        let a = assemble(&pages, &drop);
        assert_eq!(a.furniture_lines, 8);
        assert_eq!(
            a.text,
            "Llegó la lluvia.\n\nSe secó el río.\n\nVolvió el sol.\n\nFin."
        );
        assert_eq!(a.pages.len(), 4);
        assert_eq!(&a.text[a.pages[2].0..a.pages[2].1], "Volvió el sol.");
        assert_eq!(a.pages[2].2, 3);
    }

    #[test]
    fn hyphen_at_line_end_joins_words() {
        let pages = vec![vec![
            line("la comuni-", 700.0, true),
            line("dad andina y franco-", 688.0, false),
            line("Brasil, año 2020-", 676.0, false),
            line("2021.", 664.0, false),
        ]];
        let drop = vec![vec![false; 4]];
        let a = assemble(&pages, &drop);
        assert_eq!(
            a.text,
            "la comunidad andina y franco-\nBrasil, año 2020-\n2021."
        );
    }

    #[test]
    fn hyphen_across_pages_joins_and_splits_ranges() {
        let pages = vec![
            vec![line("el territo-", 700.0, true)],
            vec![line("rio común.", 700.0, true)],
        ];
        let a = assemble(&pages, &[vec![false], vec![false]]);
        assert_eq!(a.text, "el territorio común.");
        assert_eq!(a.pages, vec![(0, 10, 1), (10, a.text.len(), 2)]);
    }
}
