//! Ingest's consent check (`[consent]`, `docs/consent.md`): the opt-outs a page carries in its
//! HTTP headers and HTML head (`minga_filters::consent`), and the robots.txt of its host from the
//! crawl's robots.txt captures (`minga_filters::robots`).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use minga_filters::consent::{head_signals, header_opt_outs};
use minga_filters::robots::Robots;
use minga_manifests::Rejection;
use serde_json::{Map, Value};

use crate::config::{join_clean, ConsentConfig, ConsentSignal};
use crate::sources::{warc, Body, SourceItem};

/// The config with the robots.txt of every captured host loaded.
pub struct ConsentPolicy<'a> {
    pub config: &'a ConsentConfig,
    /// Lower-case host -> its robots.txt (the first capture in the files' order).
    pub robots: BTreeMap<String, Robots>,
}

impl<'a> ConsentPolicy<'a> {
    /// Reads the `robots` WARC files (paths relative to `base`): every `response` or `resource`
    /// record of a URL whose path is `/robots.txt`. A capture that was not a 2xx response is
    /// skipped by the reader, so its host has no rules, as RFC 9309 says for 4xx.
    pub fn load(config: &'a ConsentConfig, base: &Path) -> Result<Self> {
        let mut robots = BTreeMap::new();
        if !config.honour.contains(&ConsentSignal::RobotsDisallow) {
            return Ok(ConsentPolicy { config, robots });
        }
        for file in &config.robots {
            let path = join_clean(base, file);
            let items = warc::read_warc(&path, None, &warc::WarcOptions::default())
                .with_context(|| format!("[consent] robots: {}", path.display()))?;
            for item in items {
                let SourceItem::Doc(d) = item else { continue };
                let Some(host) = d.url.as_deref().and_then(robots_host) else {
                    continue;
                };
                let text = match &d.body {
                    Body::Text(t) | Body::Html(t) => t,
                };
                robots.entry(host).or_insert_with(|| Robots::parse(text));
            }
        }
        Ok(ConsentPolicy { config, robots })
    }

    /// The ledger row of a page that opts out by a signal the config honours; a TDMRep policy URL
    /// of its head goes into `meta`.
    pub fn opted_out(
        &self,
        url: Option<&str>,
        body: &Body,
        meta: &mut Map<String, Value>,
    ) -> Option<Rejection> {
        let honours = |s: ConsentSignal| self.config.honour.contains(&s);
        let header = |k: &str| meta.get(k).and_then(|v| v.as_str());
        let mut found = header_opt_outs(header("x_robots_tag"), header("tdm_reservation"));
        if let Body::Html(h) = body {
            let head = head_signals(h);
            found.extend(head.opt_outs);
            if let Some(policy) = head.tdm_policy {
                meta.insert("tdm_policy".into(), policy.into());
            }
        }
        let signal_of = |reason: &str| {
            [ConsentSignal::Noai, ConsentSignal::TdmReservation]
                .into_iter()
                .find(|s| s.reason() == reason)
        };
        if let Some(o) = found
            .into_iter()
            .find(|o| signal_of(o.reason()).is_some_and(honours))
        {
            return Some(Rejection::new(o.reason(), None, o.signal()));
        }
        let (host, path) = url.and_then(host_and_path)?;
        let agent = self
            .robots
            .get(&host)?
            .disallowing(&self.config.robots_agents, &path)?;
        let detail = format!("robots.txt of {host} disallows {path} for {agent}");
        Some(Rejection::new(
            ConsentSignal::RobotsDisallow.reason(),
            None,
            detail,
        ))
    }
}

/// Lower-case host and path (with query, without fragment) of an absolute URL.
fn host_and_path(url: &str) -> Option<(String, String)> {
    if !url.contains("://") {
        return None;
    }
    let (host, path) = minga_filters::urls::split_url(url);
    let path = path.split('#').next().unwrap_or("");
    let path = match path.starts_with('/') {
        true => path.to_string(),
        false => format!("/{path}"),
    };
    (!host.is_empty()).then_some((host, path))
}

/// The host of a robots.txt URL.
fn robots_host(url: &str) -> Option<String> {
    let (host, path) = host_and_path(url)?;
    (path == "/robots.txt").then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_into_host_and_path() {
        assert_eq!(
            host_and_path("https://u@Diario.CL:8080/a/b?c=1#x"),
            Some(("diario.cl".into(), "/a/b?c=1".into()))
        );
        assert_eq!(
            host_and_path("http://x.example"),
            Some(("x.example".into(), "/".into()))
        );
        assert_eq!(
            host_and_path("http://x.example?q"),
            Some(("x.example".into(), "/?q".into()))
        );
        assert_eq!(host_and_path("no url"), None);
        assert_eq!(
            robots_host("https://x.example/robots.txt").as_deref(),
            Some("x.example")
        );
        assert_eq!(robots_host("https://x.example/a/robots.txt"), None);
    }
}
