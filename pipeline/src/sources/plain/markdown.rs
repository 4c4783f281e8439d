//! Markdown to plain text, and YAML front matter to metadata, for `.md` documents.
//!
//! Corpus text should read as prose, so markup that is not language is removed (heading
//! markers, emphasis, link targets, fences, table rules, HTML comments) while everything a
//! reader would read stays, including list markers and code. A full CommonMark parser is not
//! needed for this: these rules are line based and never lose text, only markup.

use serde_json::{Map, Value};

/// Splits a leading `---` YAML front matter block off `text`: returns its simple `key: value`
/// pairs (and `key:` followed by `- item` lists) and the rest of the document.
pub fn split_front_matter(text: &str) -> (Map<String, Value>, &str) {
    let mut meta = Map::new();
    let Some(body) = text.strip_prefix("---\n") else {
        return (meta, text);
    };
    let mut offset = 0;
    let mut end = None;
    for line in body.split_inclusive('\n') {
        let bare = line.trim_end();
        if bare == "---" || bare == "..." {
            end = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let Some((yaml_end, rest_start)) = end else {
        return (meta, text);
    };
    let mut list_key: Option<String> = None;
    for line in body[..yaml_end].lines() {
        if let (Some(key), Some(item)) = (&list_key, line.trim_start().strip_prefix("- ")) {
            if let Some(Value::Array(items)) = meta.get_mut(key) {
                items.push(Value::String(unquote(item)));
            }
            continue;
        }
        list_key = None;
        if line.starts_with([' ', '\t', '#']) {
            continue; // nested mappings and comments are not metadata minga uses
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let (key, value) = (key.trim().to_string(), value.trim());
        if value.is_empty() {
            meta.insert(key.clone(), Value::Array(Vec::new()));
            list_key = Some(key);
        } else {
            meta.insert(key, Value::String(unquote(value)));
        }
    }
    (meta, &body[rest_start..])
}

fn unquote(value: &str) -> String {
    let v = value.trim();
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q).and_then(|s| s.strip_suffix(q)) {
            return inner.to_string();
        }
    }
    v.to_string()
}

/// Converts Markdown (line endings already `\n`) to plain text; the first ATX or setext level-1
/// heading is returned as a title candidate.
pub fn markdown_to_text(md: &str) -> (String, Option<String>) {
    let md = strip_html_comments(md);
    let lines: Vec<&str> = md.lines().collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut title = None;
    let mut fence: Option<&str> = None;
    for (i, raw) in lines.iter().enumerate() {
        let line = *raw;
        let trimmed = line.trim_start();
        if let Some(f) = fence {
            if trimmed.starts_with(f) {
                fence = None;
            } else {
                out.push(line.to_string());
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
            continue;
        }
        let prev_text = i > 0 && !lines[i - 1].trim().is_empty();
        if is_rule(trimmed, '=') && prev_text {
            if title.is_none() {
                title = out.last().cloned();
            }
            continue;
        }
        if is_rule(trimmed, '-') || is_rule(trimmed, '*') || is_rule(trimmed, '_') {
            out.push(String::new());
            continue;
        }
        if is_table_rule(trimmed) || is_link_definition(trimmed) {
            continue;
        }
        let (level, content) = heading(trimmed);
        if level == 1 && title.is_none() {
            title = Some(inline(content));
        }
        let content = if level > 0 {
            content
        } else {
            strip_quote(line)
        };
        out.push(inline(content));
    }
    (out.join("\n"), title.filter(|t| !t.is_empty()))
}

fn strip_html_comments(md: &str) -> std::borrow::Cow<'_, str> {
    if !md.contains("<!--") {
        return md.into();
    }
    let mut out = String::with_capacity(md.len());
    let mut rest = md;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        match rest[start..].find("-->") {
            Some(end) => rest = &rest[start + end + 3..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    out.into()
}

/// A line of three or more `c` (spaces allowed between), e.g. `---`, `* * *`, `===`.
fn is_rule(line: &str, c: char) -> bool {
    let mut n = 0;
    for ch in line.trim_end().chars() {
        match ch {
            ' ' => {}
            ch if ch == c => n += 1,
            _ => return false,
        }
    }
    n >= 3
}

fn is_table_rule(line: &str) -> bool {
    line.starts_with('|')
        && line.contains('-')
        && line.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
}

fn is_link_definition(line: &str) -> bool {
    line.starts_with('[')
        && line
            .split_once("]:")
            .is_some_and(|(label, _)| !label.contains(']'))
}

/// `## Título ##` -> (2, "Título").
fn heading(line: &str) -> (usize, &str) {
    let level = line.chars().take_while(|c| *c == '#').count();
    let rest = &line[level..];
    if level == 0 || level > 6 || !(rest.is_empty() || rest.starts_with(' ')) {
        return (0, line);
    }
    (level, rest.trim().trim_end_matches('#').trim_end())
}

fn strip_quote(line: &str) -> &str {
    let mut rest = line;
    while let Some(r) = rest.trim_start().strip_prefix('>') {
        rest = r.strip_prefix(' ').unwrap_or(r);
    }
    rest
}

/// Inline markup: images and links keep their text, emphasis and code marks go, escapes resolve.
fn inline(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if i + 1 < chars.len() && chars[i + 1].is_ascii_punctuation() => {
                out.push(chars[i + 1]);
                i += 2;
            }
            '!' if chars.get(i + 1) == Some(&'[') => i += 1,
            '[' => match link_end(&chars, i) {
                Some((text_end, after)) => {
                    out.push_str(&inline(&chars[i + 1..text_end].iter().collect::<String>()));
                    i = after;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            },
            '`' => i += 1,
            '*' | '_' if is_emphasis_mark(&chars, i) => i += 1,
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// For `[text](url)` or `[text][ref]` starting at `open`: the index of `]` and the index after
/// the link target.
fn link_end(chars: &[char], open: usize) -> Option<(usize, usize)> {
    let close = open + chars[open..].iter().position(|c| *c == ']')?;
    let (opener, closer) = match chars.get(close + 1) {
        Some('(') => ('(', ')'),
        Some('[') => ('[', ']'),
        _ => return None,
    };
    debug_assert!(opener != closer);
    let end = close + 2 + chars[close + 2..].iter().position(|c| *c == closer)?;
    Some((close, end + 1))
}

/// `*`/`_` runs that open or close emphasis: next to a word character on one side only.
/// Underscores inside words (`snake_case`) are text.
fn is_emphasis_mark(chars: &[char], i: usize) -> bool {
    let c = chars[i];
    let mut start = i;
    while start > 0 && chars[start - 1] == c {
        start -= 1;
    }
    let mut end = i;
    while end + 1 < chars.len() && chars[end + 1] == c {
        end += 1;
    }
    let before = start.checked_sub(1).map(|j| chars[j]);
    let after = chars.get(end + 1).copied();
    let word = |ch: Option<char>| ch.is_some_and(|ch| ch.is_alphanumeric());
    let space =
        |ch: Option<char>| ch.is_none_or(|ch| ch.is_whitespace() || ch.is_ascii_punctuation());
    match (word(before), word(after)) {
        (true, true) => false,
        (false, true) => space(before),
        (true, false) => space(after),
        (false, false) => !(space(before) && space(after)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_becomes_metadata() {
        let md = "---\ntitle: \"Willakuy\"\nlang: que\ntags:\n  - cuento\n  - andes\nnested:\n  a: 1\n---\n# Hola\n";
        let (meta, rest) = split_front_matter(md);
        assert_eq!(meta["title"], "Willakuy");
        assert_eq!(meta["lang"], "que");
        assert_eq!(meta["tags"], serde_json::json!(["cuento", "andes"]));
        assert_eq!(rest, "# Hola\n");
        let (meta, rest) = split_front_matter("--- sin cierre\ntexto");
        assert!(meta.is_empty());
        assert_eq!(rest, "--- sin cierre\ntexto");
    }

    #[test]
    fn markup_goes_text_stays() {
        let md = "# La *minga* de Ñuñoa\n\nUn **trabajo** comunitario, ver [el mapa](https://example.org/m) \
                  y ![foto del cerro](f.png).\n\n> Cita de `Rosa`\n\n- uno\n- dos\n\n\
                  | a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncódigo *literal*\n```\n\
                  <!-- nota\ninterna -->variable_con_guion y 2*3*4 \\*no\\*\n\n[ref]: https://example.org\n";
        let (text, title) = markdown_to_text(md);
        assert_eq!(title.as_deref(), Some("La minga de Ñuñoa"));
        let want = "La minga de Ñuñoa\n\nUn trabajo comunitario, ver el mapa y foto del cerro.\n\n\
                    Cita de Rosa\n\n- uno\n- dos\n\n| a | b |\n| 1 | 2 |\n\ncódigo *literal*\n\
                    variable_con_guion y 2*3*4 *no*\n";
        assert_eq!(text, want);
    }

    #[test]
    fn setext_heading_is_a_title_and_rules_are_blank() {
        let (text, title) = markdown_to_text("Ñe'ẽ porã\n=========\n\nTexto.\n\n---\n\nMás.");
        assert_eq!(title.as_deref(), Some("Ñe'ẽ porã"));
        assert_eq!(text, "Ñe'ẽ porã\n\nTexto.\n\n\n\nMás.");
    }
}
