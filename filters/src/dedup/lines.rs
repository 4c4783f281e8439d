//! Repeated-line boilerplate: lines (menus extraction missed, legal footers, "to open this
//! command..." help boxes) that recur across many documents of one site.
//!
//! This is a different problem from near-duplicate documents: the pages differ, one line of each
//! is shared. As in CCNet, lines are counted within one batch of documents (minga: one input part,
//! which ingest fixes, so the result is the same for any shard count), grouped by site (the URL's
//! host, else the source name); a line of at least `min_words` words found in at least `min_docs`
//! documents of its site is removed from every document of that site.
//!
//! A line's key is xxh3 of its normalised form: lower case, whitespace runs folded to one space,
//! ends trimmed, digits folded to `0` (so "Page 3 of 12" and "Page 4 of 12" are one line).

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Seed of line hashes: the ASCII bytes of "minga-ln".
pub const LINE_SEED: u64 = 0x6d69_6e67_612d_6c6e;

/// Hash of one line's normalised form; `None` for a blank line.
pub fn line_hash(line: &str) -> Option<u64> {
    let mut norm = String::with_capacity(line.len());
    for word in line.split_whitespace() {
        if !norm.is_empty() {
            norm.push(' ');
        }
        for c in word.chars() {
            if c.is_numeric() {
                norm.push('0');
            } else {
                norm.extend(c.to_lowercase());
            }
        }
    }
    (!norm.is_empty()).then(|| xxh3_64_with_seed(norm.as_bytes(), LINE_SEED))
}

/// Distinct hashes of the lines of at least `min_words` words of a text, sorted: each document
/// counts once per line. Shorter lines (headings such as "Ejemplo:", table cells, `End Sub`) are
/// not counted, so never removed: they repeat because they are structure, and a page stripped of
/// them reads worse.
pub fn line_hashes(text: &str, min_words: usize) -> Vec<u64> {
    let mut out: Vec<u64> = text
        .lines()
        .filter(|l| l.split_whitespace().count() >= min_words)
        .filter_map(line_hash)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The group whose documents' lines are counted together: the URL's host (lower case, without
/// `www.`), else the source name.
pub fn site_of<'a>(source: &'a str, url: Option<&'a str>) -> &'a str {
    let host = url.and_then(|u| {
        let rest = u.split_once("://")?.1;
        let authority = rest.split(['/', '?', '#']).next()?;
        let host = authority.rsplit('@').next()?;
        let host = host.split(':').next()?;
        Some(host.strip_prefix("www.").unwrap_or(host))
    });
    match host {
        Some(h) if !h.is_empty() => h,
        _ => source,
    }
}

/// Hash of a site name, for the counting tables.
pub fn site_hash(site: &str) -> u64 {
    xxh3_64_with_seed(site.to_ascii_lowercase().as_bytes(), LINE_SEED ^ 1)
}

/// The text without the lines `is_boilerplate` names, with the paragraph layout kept (no run of
/// more than one blank line, none at either end); `removed` sees each dropped line. `None` when
/// no line was dropped.
pub fn strip_lines(
    text: &str,
    is_boilerplate: impl Fn(u64) -> bool,
    mut removed: impl FnMut(u64, &str),
) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut dropped = false;
    let mut blank_run = 0;
    for line in text.lines() {
        match line_hash(line) {
            Some(h) if is_boilerplate(h) => {
                removed(h, line);
                dropped = true;
            }
            None => blank_run += 1,
            Some(_) => {
                if !out.is_empty() {
                    out.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
                }
                out.push_str(line);
                blank_run = 0;
            }
        }
    }
    dropped.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_fold_case_space_and_digits() {
        assert_eq!(
            line_hash("Página 3 de 12"),
            line_hash("  página 4   de 15 ")
        );
        assert_ne!(line_hash("Página 3 de 12"), line_hash("Páginas 3 de 12"));
        assert_eq!(line_hash(" \t "), None);
        assert_eq!(line_hashes("a\nb\n\na\n", 1).len(), 2);
        assert_eq!(
            line_hashes("Ejemplo:\nEnd Sub\nPara acceder a esta orden", 3).len(),
            1
        );
    }

    #[test]
    fn sites_are_hosts_or_sources() {
        assert_eq!(
            site_of("web", Some("https://www.Diario.cl:443/a/b?x")),
            "Diario.cl"
        );
        assert_eq!(site_of("web", Some("http://u@radio.pe/n")), "radio.pe");
        assert_eq!(site_of("web", Some("not a url")), "web");
        assert_eq!(site_of("docs", None), "docs");
        assert_eq!(site_hash("Diario.cl"), site_hash("diario.cl"));
    }

    #[test]
    fn stripping_keeps_paragraphs() {
        let menu = line_hash("Inicio | Noticias | Contacto").unwrap();
        let text = "Inicio | Noticias | Contacto\n\nLlueve en Valdivia.\nEl río creció.\n\nInicio | Noticias | Contacto\n\nFin.";
        let mut seen = Vec::new();
        let out = strip_lines(text, |h| h == menu, |_, l| seen.push(l.to_string()));
        assert_eq!(
            out.as_deref(),
            Some("Llueve en Valdivia.\nEl río creció.\n\nFin.")
        );
        assert_eq!(seen.len(), 2);
        assert_eq!(strip_lines(text, |_| false, |_, _| {}), None);
        assert_eq!(
            strip_lines("Inicio | Noticias | Contacto", |h| h == menu, |_, _| {}),
            Some(String::new())
        );
    }
}
