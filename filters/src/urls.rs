//! URL block and allow lists.
//!
//! A list file has one entry per line; blank lines and `#` comments (whole-line, or after
//! whitespace) are ignored. An entry is either
//! - a **domain** (`example.org`, also written `.example.org` or `*.example.org`): matches the
//!   host and every subdomain of it (`a.example.org`), never a host that merely ends with the
//!   same letters (`badexample.org`); or
//! - a **URL prefix** (anything with a `/`, with or without scheme:
//!   `https://example.org/ads/`, `example.org/ads/`): matches URLs of exactly that host whose
//!   path starts with the given path. Scheme, user info, port and the case of the host are
//!   ignored; `www.example.org` is another host; the path is compared as written.
//!
//! [`UrlPolicy`] combines a block list with an allow list of exceptions; a blocked document
//! goes to the ledger with reason `filter.url_blocklist`.

use std::collections::{HashMap, HashSet};
use xxhash_rust::xxh3::Xxh3DefaultBuilder;

/// Ledger reason of a document removed by the block list.
pub const URL_BLOCKLIST_REASON: &str = "filter.url_blocklist";

/// A malformed list entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: bad URL list entry `{entry}`: {why}")]
pub struct UrlListError {
    /// 1-based line number in the list text.
    pub line: usize,
    pub entry: String,
    pub why: &'static str,
}

/// Domains and URL prefixes.
#[derive(Clone, Debug, Default)]
pub struct UrlList {
    domains: HashSet<String, Xxh3DefaultBuilder>,
    /// host -> path prefixes
    prefixes: HashMap<String, Vec<String>, Xxh3DefaultBuilder>,
    entries: usize,
}

/// Host (lower-case, without user info, port and trailing dot) and path-and-query of a URL.
pub fn split_url(url: &str) -> (String, &str) {
    let rest = match url.find("://") {
        Some(i) => &url[i + 3..],
        None => url.strip_prefix("//").unwrap_or(url),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host.starts_with('[') {
        // IPv6 literal: keep the brackets, drop a port after them.
        host.find(']').map_or(host, |i| &host[..=i])
    } else {
        host.split_once(':').map_or(host, |(h, _)| h)
    };
    (host.trim_end_matches('.').to_lowercase(), path)
}

impl UrlList {
    /// Parses list text (see the module documentation for the format).
    pub fn parse(text: &str) -> Result<UrlList, UrlListError> {
        let mut list = UrlList::default();
        list.extend_from_text(text)?;
        Ok(list)
    }

    /// Adds the entries of another list text (for several list files).
    pub fn extend_from_text(&mut self, text: &str) -> Result<(), UrlListError> {
        for (i, raw) in text.lines().enumerate() {
            let entry = strip_comment(raw).trim();
            if entry.is_empty() {
                continue;
            }
            let bad = |why| UrlListError {
                line: i + 1,
                entry: entry.to_string(),
                why,
            };
            if entry.chars().any(char::is_whitespace) {
                return Err(bad("an entry cannot contain spaces"));
            }
            if entry.contains('/') {
                let (host, path) = split_url(entry);
                if host.is_empty() {
                    return Err(bad("the prefix has no host"));
                }
                let path = if path.is_empty() { "/" } else { path };
                self.prefixes
                    .entry(host)
                    .or_default()
                    .push(path.to_string());
            } else {
                let domain = entry.trim_start_matches("*.").trim_start_matches('.');
                let (host, _) = split_url(domain);
                if host.is_empty() || host.contains(['*', '?', '#', '@']) {
                    return Err(bad("not a domain name"));
                }
                self.domains.insert(host);
            }
            self.entries += 1;
        }
        Ok(())
    }

    /// Number of entries read.
    pub fn len(&self) -> usize {
        self.entries
    }

    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }

    /// Whether `url` is matched by an entry.
    pub fn matches(&self, url: &str) -> bool {
        self.find(url).is_some()
    }

    /// The entry that matches `url` (a domain, or `host` + path prefix), for ledger details.
    pub fn find(&self, url: &str) -> Option<String> {
        if self.entries == 0 {
            return None;
        }
        let (host, path) = split_url(url.trim());
        if host.is_empty() {
            return None;
        }
        let mut suffix = host.as_str();
        loop {
            if self.domains.contains(suffix) {
                return Some(suffix.to_string());
            }
            match suffix.split_once('.') {
                Some((_, parent)) if !parent.is_empty() => suffix = parent,
                _ => break,
            }
        }
        let path = if path.is_empty() { "/" } else { path };
        self.prefixes.get(&host).and_then(|list| {
            list.iter()
                .filter(|p| path.starts_with(p.as_str()))
                // Longest match first, so the detail names the most specific entry.
                .max_by(|a, b| a.len().cmp(&b.len()).then_with(|| b.cmp(a)))
                .map(|p| format!("{host}{p}"))
        })
    }
}

fn strip_comment(line: &str) -> &str {
    if line.trim_start().starts_with('#') {
        return "";
    }
    // A `#` after whitespace starts a comment; inside an entry it is a URL fragment.
    match line.find(" #").or_else(|| line.find("\t#")) {
        Some(i) => &line[..i],
        None => line,
    }
}

/// A block list with an allow list of exceptions.
#[derive(Clone, Debug, Default)]
pub struct UrlPolicy {
    pub block: UrlList,
    pub allow: UrlList,
}

impl UrlPolicy {
    /// The block entry that removes `url`, unless an allow entry keeps it.
    pub fn blocked_by(&self, url: &str) -> Option<String> {
        let hit = self.block.find(url)?;
        if self.allow.matches(url) {
            return None;
        }
        Some(hit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = "\
# spam farms
example.org
*.casino.test   # and all subdomains
.Apuestas.CL

https://noticias.test/publicidad/
foro.test/usuarios?id=
";

    #[test]
    fn domains_match_subdomains_but_not_lookalikes() {
        let l = UrlList::parse(LIST).expect("parses");
        assert_eq!(l.len(), 5);
        assert!(l.matches("https://example.org/"));
        assert!(l.matches("http://a.example.org/x?y=1"));
        assert!(l.matches("https://A.B.EXAMPLE.ORG.:8080/"));
        assert!(!l.matches("https://badexample.org/"));
        assert!(!l.matches("https://example.org.evil.test/"));
        assert!(l.matches("https://www.casino.test"));
        assert!(l.matches("https://apuestas.cl/ruleta"));
        assert!(!l.matches("https://org/"));
        assert_eq!(l.find("https://a.example.org/"), Some("example.org".into()));
    }

    #[test]
    fn prefixes_match_host_and_path_start() {
        let l = UrlList::parse(LIST).expect("parses");
        assert!(l.matches("http://noticias.test/publicidad/banner.html"));
        assert!(l.matches("https://NOTICIAS.test/publicidad/"));
        assert!(!l.matches("https://noticias.test/politica/nota.html"));
        assert!(!l.matches("https://www.noticias.test/publicidad/x"));
        assert!(l.matches("https://foro.test/usuarios?id=7"));
        assert!(!l.matches("https://foro.test/usuarios"));
        assert_eq!(
            l.find("https://noticias.test/publicidad/a"),
            Some("noticias.test/publicidad/".into())
        );
    }

    #[test]
    fn bad_entries_name_their_line() {
        let err = UrlList::parse("ok.test\nmal dominio.test\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(UrlList::parse("https:///sin-host").is_err());
        assert!(UrlList::parse("").is_ok_and(|l| l.is_empty()));
    }

    #[test]
    fn allow_list_makes_exceptions() {
        let policy = UrlPolicy {
            block: UrlList::parse("blogs.test").expect("parses"),
            allow: UrlList::parse("blogs.test/cultura/").expect("parses"),
        };
        assert_eq!(
            policy.blocked_by("https://blogs.test/spam"),
            Some("blogs.test".into())
        );
        assert_eq!(
            policy.blocked_by("https://blogs.test/cultura/quechua"),
            None
        );
        assert_eq!(policy.blocked_by("https://otro.test/"), None);
    }
}
