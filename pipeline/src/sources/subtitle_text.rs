//! One subtitle text line to plain text: markup out, entities decoded, the speaker label apart.

/// A cleaned cue line.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub text: String,
    /// From `<v Name>` or an upper-case `NAME:` prefix.
    pub speaker: Option<String>,
    /// The line opened with a dialogue dash (`- ¿Vienes?`): a change of speaker.
    pub dash: bool,
    /// The whole line is a sound description (`[música]`, `(risas)`).
    pub description: bool,
}

/// Longest speaker label taken from a `NAME:` prefix, in characters.
const MAX_LABEL_CHARS: usize = 40;
/// Longest span searched for the `>` that closes a tag.
const MAX_TAG_BYTES: usize = 200;

/// Cleans one line; `None` when nothing (not even a speaker) is left.
pub fn clean_line(raw: &str) -> Option<Line> {
    let (no_tags, voice) = strip_markup(raw);
    let decoded = decode_entities(&no_tags);
    let mut text: String = decoded
        .chars()
        .filter(|c| !matches!(c, '♪' | '♫' | '\u{200e}' | '\u{200f}'))
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let mut dash = false;
    for prefix in [">>", "-", "–", "—"] {
        if let Some(rest) = text.strip_prefix(prefix) {
            if prefix == ">>" || rest.starts_with(' ') {
                dash = true;
                text = rest.trim_start().to_string();
                break;
            }
        }
    }
    let mut speaker = voice;
    if let Some((label, rest)) = name_prefix(&text) {
        speaker = Some(label);
        text = rest;
    }
    let description = is_description(&text);
    if text.is_empty() && speaker.is_none() {
        return None;
    }
    Some(Line {
        text,
        speaker,
        dash,
        description,
    })
}

/// Removes `<...>` tags and `{\...}` override blocks; returns the text and a `<v>` voice name.
fn strip_markup(raw: &str) -> (String, Option<String>) {
    let mut out = String::with_capacity(raw.len());
    let mut voice = None;
    let mut rest = raw;
    while let Some(at) = rest.find(['<', '{']) {
        out.push_str(&rest[..at]);
        let open = rest.as_bytes()[at];
        let close = if open == b'<' { '>' } else { '}' };
        let after = &rest[at + 1..];
        let end = after
            .char_indices()
            .take_while(|(i, c)| *i < MAX_TAG_BYTES && *c != '<')
            .find(|(_, c)| *c == close)
            .map(|(i, _)| i);
        let inner = end.map(|e| &after[..e]);
        let is_markup = match (open, inner) {
            (b'<', Some(t)) => t.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '/'),
            (_, Some(t)) => t.starts_with('\\'),
            _ => false,
        };
        match (is_markup, inner, end) {
            (true, Some(tag), Some(e)) => {
                if let Some(name) = voice_name(tag) {
                    voice = Some(name);
                }
                rest = &after[e + 1..];
            }
            _ => {
                out.push(open as char);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    (out, voice)
}

/// The name of a WebVTT voice tag (`v Name`, `v.loud Name`).
fn voice_name(tag: &str) -> Option<String> {
    let rest = tag.strip_prefix('v')?;
    if !rest.starts_with([' ', '.', '\t']) {
        return None;
    }
    let name = rest.split_once(char::is_whitespace)?.1.trim();
    (!name.is_empty()).then(|| name.to_string())
}

/// An upper-case speaker label at the start of a line: `MARÍA:`, `DON JOSÉ: texto`.
fn name_prefix(text: &str) -> Option<(String, String)> {
    let (label, rest) = text.split_once(':')?;
    let label = label.trim();
    let chars = label.chars().count();
    let letters = label.chars().filter(|c| c.is_alphabetic()).count();
    let upper = label
        .chars()
        .all(|c| c.is_uppercase() || matches!(c, ' ' | '.' | '\'' | '-'));
    let starts_upper = label.chars().next().is_some_and(char::is_uppercase);
    // `12:30` and `NOTA:` alone are not labels; a label is followed by speech or ends the line.
    let ok = starts_upper && upper && letters >= 2 && chars <= MAX_LABEL_CHARS;
    (ok && (rest.is_empty() || rest.starts_with(' ')))
        .then(|| (label.to_string(), rest.trim().to_string()))
}

/// `[música]`, `(risas)`, `[APLAUSOS]`: a bracketed line with nothing else.
fn is_description(text: &str) -> bool {
    let pairs = [('[', ']'), ('(', ')')];
    pairs.iter().any(|(o, c)| {
        text.starts_with(*o) && text.ends_with(*c) && text[1..].find(*c) == Some(text.len() - 2)
    })
}

/// The character references subtitles use (`&amp;`, `&nbsp;`, `&#233;`); others stay as written.
fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let semi = after.find(';').filter(|i| *i <= 10);
        let decoded = semi.and_then(|i| entity(&after[..i]).map(|c| (c, i)));
        match decoded {
            Some((c, i)) => {
                out.push(c);
                rest = &after[i + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if name.starts_with('#') {
        return super::xml_entities::numeric_reference(name)
            .filter(|c| !c.is_control() || *c == '\t');
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "lrm" => '\u{200e}',
        "rlm" => '\u{200f}',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(raw: &str) -> String {
        clean_line(raw).map(|l| l.text).unwrap_or_default()
    }

    #[test]
    fn markup_is_removed_and_entities_decoded() {
        assert_eq!(text("<i>Buenas</i> <b>noches</b>"), "Buenas noches");
        assert_eq!(
            text("{\\an8}<font color=\"#fff\">Allin</font> p'unchaw"),
            "Allin p'unchaw"
        );
        assert_eq!(
            text("<c.amarillo>Bom</c> dia &amp; boa noite"),
            "Bom dia & boa noite"
        );
        assert_eq!(text("a <00:00:01.500><c>b</c>"), "a b");
        assert_eq!(text("3 < 5 y {no} cambia"), "3 < 5 y {no} cambia");
        assert_eq!(text("♪ Mba'éichapa ♪"), "Mba'éichapa");
    }

    #[test]
    fn speakers_dashes_and_descriptions() {
        let l = clean_line("<v Doña Rosa>¿Vienes a la minga?").unwrap();
        assert_eq!(l.speaker.as_deref(), Some("Doña Rosa"));
        assert_eq!(l.text, "¿Vienes a la minga?");
        let l = clean_line("JOSÉ MARÍA: Sí, mañana temprano.").unwrap();
        assert_eq!(l.speaker.as_deref(), Some("JOSÉ MARÍA"));
        assert_eq!(l.text, "Sí, mañana temprano.");
        assert_eq!(
            clean_line("Nota: esto no es un hablante").unwrap().speaker,
            None
        );
        assert_eq!(clean_line("Son las 12:30 ya").unwrap().speaker, None);
        let l = clean_line("- Claro que sí.").unwrap();
        assert!(l.dash);
        assert_eq!(l.text, "Claro que sí.");
        assert!(clean_line("[música]").unwrap().description);
        assert!(clean_line("(risas)").unwrap().description);
        assert!(!clean_line("(risas) y luego (más)").unwrap().description);
        assert_eq!(clean_line("<i></i>"), None);
    }
}
