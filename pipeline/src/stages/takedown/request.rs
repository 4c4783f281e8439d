//! The takedown request file (`REQUEST.toml`) and the matcher built from it.
//!
//! A request names what to withdraw by URL, URL prefix, domain (with subdomains), document id,
//! source, or passage of text (near-copies included, [`super::text`]). Every field is checked
//! before anything is read from the workdir, and each refusal names the field.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use minga_filters::urls::split_url;
use minga_manifests::Document;
use serde::{Deserialize, Serialize};

use super::text::{Passage, PassageSet};

/// `REQUEST.toml` as written by the requester.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// Short name: letters, digits, `-` and `_` (it names the ledger reason `takedown.<id>`).
    pub id: String,
    pub requested_by: String,
    /// When it was requested (`YYYY-MM-DD`).
    pub date: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub url_prefixes: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub doc_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// Files of passages, relative to the request file; `---` alone on a line separates passages.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub texts: Vec<PathBuf>,
}

impl Request {
    /// Reads and checks a request; text files are read relative to the request's directory.
    pub fn load(path: &Path) -> Result<(Request, Vec<Passage>)> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the request {}", path.display()))?;
        let req: Request =
            toml::from_str(&text).with_context(|| format!("{}: bad request", path.display()))?;
        req.check().with_context(|| format!("{}", path.display()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        let mut passages = Vec::new();
        for t in &req.texts {
            let p = base.join(t);
            let body = std::fs::read_to_string(&p).with_context(|| {
                format!("{}: texts: cannot read {}", path.display(), p.display())
            })?;
            let found = Passage::split(&body, &t.to_string_lossy())
                .with_context(|| format!("{}: texts", path.display()))?;
            passages.extend(found);
        }
        Ok((req, passages))
    }

    /// Field-by-field checks; the error names the field.
    pub fn check(&self) -> Result<()> {
        if self.id.is_empty()
            || self.id.len() > 64
            || !self
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            bail!(
                "id: {:?} must be 1-64 letters, digits, `-` or `_` (it becomes the ledger reason takedown.<id>)",
                self.id
            );
        }
        for (field, v) in [
            ("requested_by", &self.requested_by),
            ("date", &self.date),
            ("reason", &self.reason),
        ] {
            if v.trim().is_empty() {
                bail!("{field}: must not be empty");
            }
        }
        if !is_date(&self.date) {
            bail!("date: {:?} is not a date (YYYY-MM-DD)", self.date);
        }
        for u in &self.urls {
            check_url("urls", u)?;
        }
        for u in &self.url_prefixes {
            check_url("url_prefixes", u)?;
        }
        for d in &self.domains {
            if !is_host(d) || !d.contains('.') {
                bail!(
                    "domains: {d:?} is not a domain name (like `example.org`, no scheme or path)"
                );
            }
        }
        for i in &self.doc_ids {
            if i.len() != 32 || !i.bytes().all(|b| b.is_ascii_hexdigit()) {
                bail!("doc_ids: {i:?} is not a document id (32 hex digits)");
            }
        }
        for s in &self.sources {
            if s.trim().is_empty() {
                bail!("sources: an empty source name");
            }
        }
        let named = self.urls.len()
            + self.url_prefixes.len()
            + self.domains.len()
            + self.doc_ids.len()
            + self.sources.len()
            + self.texts.len();
        if named == 0 {
            bail!("the request names nothing to withdraw: give at least one of urls, url_prefixes, domains, doc_ids, sources, texts");
        }
        Ok(())
    }

    /// BLAKE3 of the request as parsed (field order fixed by the struct), keys the record.
    pub fn digest(&self) -> String {
        crate::config::digest_of(self)
    }
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&s[5..7].parse::<u8>().unwrap_or(0))
        && (1..=31).contains(&s[8..10].parse::<u8>().unwrap_or(0))
}

fn is_host(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 253
        && h.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        })
}

fn check_url(field: &str, u: &str) -> Result<()> {
    let Some((scheme, _)) = u.split_once("://") else {
        bail!("{field}: {u:?} is not an absolute URL (http:// or https://)");
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        bail!("{field}: {u:?}: scheme {scheme:?} is not http or https");
    }
    if u.chars().any(char::is_whitespace) {
        bail!("{field}: {u:?} contains whitespace");
    }
    let (host, _) = split_url(u);
    if !is_host(&host) {
        bail!("{field}: {u:?} has no valid host");
    }
    Ok(())
}

/// What a document matched, for the ledger detail.
pub type Why = String;

/// A request compiled for matching: hosts lower-cased, passages shingled.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Matcher {
    /// (host, path-and-query) of each URL.
    pub urls: Vec<(String, String)>,
    pub url_prefixes: Vec<(String, String)>,
    pub domains: Vec<String>,
    pub doc_ids: Vec<String>,
    pub sources: Vec<String>,
    #[serde(default)]
    pub passages: PassageSet,
}

impl Matcher {
    pub fn new(req: &Request, passages: Vec<Passage>) -> Self {
        let split = |u: &String| {
            let (h, p) = split_url(u);
            (h, p.to_string())
        };
        Matcher {
            urls: req.urls.iter().map(split).collect(),
            url_prefixes: req.url_prefixes.iter().map(split).collect(),
            domains: req
                .domains
                .iter()
                .map(|d| d.trim_end_matches('.').to_lowercase())
                .collect(),
            doc_ids: req.doc_ids.iter().map(|i| i.to_lowercase()).collect(),
            sources: req.sources.clone(),
            passages: PassageSet::new(passages),
        }
    }

    /// Why `doc` is withdrawn by this request, or `None`.
    pub fn matches(&self, doc: &Document) -> Option<Why> {
        if self.doc_ids.contains(&doc.id) {
            return Some(format!("doc_id {}", doc.id));
        }
        if self.sources.contains(&doc.source) {
            return Some(format!("source {}", doc.source));
        }
        if let Some(u) = doc.url.as_deref() {
            let (host, path) = split_url(u);
            if self.urls.iter().any(|(h, p)| *h == host && p == path) {
                return Some(format!("url {u}"));
            }
            if let Some((h, p)) = self
                .url_prefixes
                .iter()
                .find(|(h, p)| *h == host && path.starts_with(p.as_str()))
            {
                return Some(format!("url_prefix {h}{p}"));
            }
            if let Some(d) = self
                .domains
                .iter()
                .find(|d| host == **d || host.ends_with(&format!(".{d}")))
            {
                return Some(format!("domain {d}"));
            }
        }
        self.passages.matches(&doc.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(extra: &str) -> Result<Request> {
        let text = format!(
            "id = \"t1\"\nrequested_by = \"Comunidad\"\ndate = \"2026-01-02\"\nreason = \"r\"\n{extra}"
        );
        let r: Request = toml::from_str(&text)?;
        r.check()?;
        Ok(r)
    }

    fn err(extra: &str) -> String {
        format!("{:#}", req(extra).unwrap_err())
    }

    #[test]
    fn refusals_name_the_field() {
        assert!(err("").contains("names nothing"));
        assert!(err("domain = [\"a.org\"]").contains("unknown field `domain`"));
        assert!(err("urls = [\"notaurl\"]").contains("urls:"));
        assert!(err("url_prefixes = [\"ftp://a.org/x\"]").contains("url_prefixes:"));
        assert!(err("urls = [\"https:// /x\"]").contains("urls:"));
        assert!(err("domains = [\"https://a.org\"]").contains("domains:"));
        assert!(err("doc_ids = [\"xyz\"]").contains("doc_ids:"));
        let bad_date = "id = \"t\"\nrequested_by = \"x\"\ndate = \"2026-13-01\"\nreason = \"r\"\nsources = [\"s\"]";
        let r: Request = toml::from_str(bad_date).unwrap();
        assert!(format!("{:#}", r.check().unwrap_err()).contains("date:"));
    }

    #[test]
    fn request_round_trips_through_toml_and_its_digest_is_stable() {
        let r = req("domains = [\"a.org\"]\ntexts = [\"s.txt\"]").unwrap();
        let back: Request = toml::from_str(&toml::to_string(&r).unwrap()).unwrap();
        assert_eq!(back, r);
        assert_eq!(back.digest(), r.digest());
        let other = req("domains = [\"b.org\"]").unwrap();
        assert_ne!(other.digest(), r.digest());
    }

    #[test]
    fn matches_urls_prefixes_domains_ids_sources() {
        let r = req(concat!(
            "urls = [\"https://a.org/x?y=1\"]\n",
            "url_prefixes = [\"https://b.org/news/\"]\n",
            "domains = [\"c.org\"]\n",
            "doc_ids = [\"00000000000000000000000000000abc\"]\n",
            "sources = [\"community\"]"
        ))
        .unwrap();
        let m = Matcher::new(&r, Vec::new());
        let doc = |url: &str, id: &str, source: &str| Document {
            url: Some(url.to_string()),
            id: id.to_string(),
            source: source.to_string(),
            ..Document::default()
        };
        assert!(m.matches(&doc("http://A.org/x?y=1", "1", "w")).is_some());
        assert!(m.matches(&doc("https://a.org/x?y=2", "1", "w")).is_none());
        assert!(m
            .matches(&doc("https://b.org/news/2024", "1", "w"))
            .is_some());
        assert!(m.matches(&doc("https://b.org/new", "1", "w")).is_none());
        assert!(m.matches(&doc("https://www.c.org/", "1", "w")).is_some());
        assert!(m.matches(&doc("https://abc.org/", "1", "w")).is_none());
        assert!(m
            .matches(&doc("x", "00000000000000000000000000000abc", "w"))
            .is_some());
        assert!(m.matches(&doc("x", "2", "community")).is_some());
    }
}
