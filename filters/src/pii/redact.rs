//! Tag or redact mode over the matches of a scan.

use std::borrow::Cow;

use super::{scan, PiiCounts, PiiMatch, PiiMode};

/// Scans `text` and applies `mode`: `Tag` returns the text unchanged with its matches and counts,
/// `Redact` replaces each match with its kind's placeholder (matches keep offsets into the
/// original text), `Off` does nothing.
pub fn apply(text: &str, mode: PiiMode) -> (Cow<'_, str>, PiiCounts, Vec<PiiMatch>) {
    if mode == PiiMode::Off {
        return (Cow::Borrowed(text), PiiCounts::default(), Vec::new());
    }
    let matches = scan(text);
    let counts = PiiCounts::of(&matches);
    if mode == PiiMode::Tag || matches.is_empty() {
        return (Cow::Borrowed(text), counts, matches);
    }
    (Cow::Owned(redact(text, &matches)), counts, matches)
}

/// `text` with every match replaced by its placeholder. `matches` must be sorted and
/// non-overlapping, as [`scan`] returns them; a match that is not is skipped.
pub fn redact(text: &str, matches: &[PiiMatch]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for m in matches {
        if m.start < pos
            || m.end > text.len()
            || !text.is_char_boundary(m.start)
            || !text.is_char_boundary(m.end)
        {
            continue;
        }
        out.push_str(&text[pos..m.start]);
        out.push_str(m.kind.placeholder());
        pos = m.end;
    }
    out.push_str(&text[pos..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pii::PiiKind;

    const TEXT: &str =
        "Señor Muñoz (RUT 12.531.909-2), correo jmuñoz@uchile.cl, fono +56 9 8765 4321; año 2019.";

    #[test]
    fn redact_replaces_with_placeholders() {
        let (out, counts, m) = apply(TEXT, PiiMode::Redact);
        assert_eq!(
            out,
            "Señor Muñoz (RUT <RUT>), correo <EMAIL>, fono <PHONE>; año 2019."
        );
        assert_eq!(
            (counts.rut, counts.email, counts.phone, counts.total()),
            (1, 1, 1, 3)
        );
        assert_eq!(&TEXT[m[1].start..m[1].end], "jmuñoz@uchile.cl");
    }

    #[test]
    fn tag_keeps_text_and_reports() {
        let (out, counts, m) = apply(TEXT, PiiMode::Tag);
        assert!(matches!(out, Cow::Borrowed(_)));
        assert_eq!(out, TEXT);
        assert_eq!(counts.total(), 3);
        let kinds: Vec<_> = m.iter().map(|m| m.kind).collect();
        assert_eq!(kinds, [PiiKind::Rut, PiiKind::Email, PiiKind::Phone]);
    }

    #[test]
    fn off_does_nothing() {
        let (out, counts, m) = apply(TEXT, PiiMode::Off);
        assert_eq!(out, TEXT);
        assert_eq!(counts.total(), 0);
        assert!(m.is_empty());
    }

    #[test]
    fn redact_skips_bad_matches() {
        let bad = [PiiMatch {
            start: 1,
            end: 2,
            kind: PiiKind::Email,
        }];
        assert_eq!(redact("ñx", &bad), "ñx");
    }
}
