//! Machine-readable opt-outs from AI training, read from a page's HTML `<head>` and its HTTP
//! headers.
//!
//! * `<meta name="robots" content="noai">` (and `noml`), the same under the name of an AI crawler
//!   (`CCBot`, `GPTBot`, `Google-Extended`, `anthropic-ai`, `ClaudeBot`, `cohere-ai`, ...), where
//!   `noindex` and `none` count too since they are addressed to that crawler alone; the same values
//!   in an `X-Robots-Tag` header, bare or as `agent: values`: [`OptOut::NoAi`].
//! * TDMRep (W3C Community Group): `<meta name="tdm-reservation" content="1">` or the
//!   `tdm-reservation: 1` header: [`OptOut::TdmReservation`]; a `<link rel="tdm-policy">` or
//!   `<meta name="tdm-policy">` is returned so ingest can record it.
//!
//! `noimageai` alone is not an opt-out for text. Only the head is read (up to `<body>` or 256 KiB),
//! so a page quoting such a tag in its text is not taken for one.

use crate::extract::tags::Tag;
use crate::extract::tokenizer::{attrs, Token, Tokenizer};

/// User agents of AI crawlers whose own `<meta name=...>` directives are honoured.
pub const AI_AGENTS: [&str; 8] = [
    "ccbot",
    "gptbot",
    "chatgpt-user",
    "google-extended",
    "anthropic-ai",
    "claudebot",
    "cohere-ai",
    "omgilibot",
];

/// Bytes of HTML searched for the head's tags.
const HEAD_BYTES: usize = 256 << 10;

/// One opt-out signal; `signal` says where it was found, for the ledger's detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptOut {
    NoAi { signal: String },
    TdmReservation { signal: String },
}

impl OptOut {
    /// The ledger reason.
    pub fn reason(&self) -> &'static str {
        match self {
            OptOut::NoAi { .. } => "consent.noai",
            OptOut::TdmReservation { .. } => "consent.tdm_reservation",
        }
    }

    pub fn signal(&self) -> &str {
        match self {
            OptOut::NoAi { signal } | OptOut::TdmReservation { signal } => signal,
        }
    }
}

/// What a page's head says.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct HeadSignals {
    pub opt_outs: Vec<OptOut>,
    /// The TDMRep policy URL, when the page links one.
    pub tdm_policy: Option<String>,
}

/// True when a robots-style directive list opts out of AI training; `ai_agent` says the list is
/// addressed to an AI crawler alone, so excluding it from the index excludes it from training.
fn opts_out(values: &str, ai_agent: bool) -> bool {
    values
        .split([',', ' ', '\t'])
        .map(|v| v.trim().to_ascii_lowercase())
        .any(|v| v == "noai" || v == "noml" || (ai_agent && (v == "noindex" || v == "none")))
}

/// The opt-outs and TDM policy of an HTML page's head.
pub fn head_signals(html: &str) -> HeadSignals {
    let mut end = html.len().min(HEAD_BYTES);
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = HeadSignals::default();
    for token in Tokenizer::new(&html[..end]) {
        let (tag, raw) = match token {
            Token::Start { tag, attrs, .. } => (tag, attrs),
            Token::End(Tag::Head) => break,
            _ => continue,
        };
        let get = |want: &str| {
            attrs(raw)
                .find(|(k, _)| k.eq_ignore_ascii_case(want))
                .map(|(_, v)| v.trim_matches(['"', '\'']).trim().to_string())
        };
        match tag {
            Tag::Body => break,
            Tag::Meta => {
                let (Some(name), Some(content)) = (get("name"), get("content")) else {
                    continue;
                };
                let lname = name.to_ascii_lowercase();
                let ai_agent = AI_AGENTS.contains(&lname.as_str());
                if (lname == "robots" || ai_agent) && opts_out(&content, ai_agent) {
                    let signal = format!("<meta name=\"{name}\" content=\"{content}\">");
                    out.opt_outs.push(OptOut::NoAi { signal });
                } else if lname == "tdm-reservation" && content == "1" {
                    let signal = "<meta name=\"tdm-reservation\" content=\"1\">".to_string();
                    out.opt_outs.push(OptOut::TdmReservation { signal });
                } else if lname == "tdm-policy" {
                    out.tdm_policy.get_or_insert(content);
                }
            }
            Tag::Link if get("rel").is_some_and(|r| r.eq_ignore_ascii_case("tdm-policy")) => {
                if let Some(href) = get("href") {
                    out.tdm_policy.get_or_insert(href);
                }
            }
            _ => {}
        }
    }
    out
}

/// The opt-outs of a response's `X-Robots-Tag` and `tdm-reservation` headers.
pub fn header_opt_outs(x_robots_tag: Option<&str>, tdm_reservation: Option<&str>) -> Vec<OptOut> {
    let mut out = Vec::new();
    if let Some(tag) = x_robots_tag {
        // Each comma-separated item is a directive, or `agent: directive` addressing one crawler
        // (which then applies to the items after it, as search engines read it).
        let mut agent_is_ai: Option<bool> = None;
        for item in tag.split(',') {
            let item = item.trim();
            let directive = match item.split_once(':') {
                Some((agent, d)) if !agent.contains(' ') => {
                    let a = agent.trim().to_ascii_lowercase();
                    agent_is_ai = Some(AI_AGENTS.contains(&a.as_str()));
                    if a != "*" && a != "robots" && agent_is_ai == Some(false) {
                        continue;
                    }
                    d
                }
                _ => item,
            };
            if agent_is_ai != Some(false) && opts_out(directive, agent_is_ai == Some(true)) {
                out.push(OptOut::NoAi {
                    signal: format!("X-Robots-Tag: {tag}"),
                });
                break;
            }
        }
    }
    if tdm_reservation.is_some_and(|v| v.trim() == "1") {
        out.push(OptOut::TdmReservation {
            signal: "tdm-reservation: 1".to_string(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reasons(v: &[OptOut]) -> Vec<&str> {
        v.iter().map(OptOut::reason).collect()
    }

    #[test]
    fn meta_robots_noai_and_ai_agents() {
        let page = r#"<html><head><meta charset="utf-8"><META NAME="Robots" CONTENT="noindex, noai"></head><body>x</body>"#;
        let s = head_signals(page);
        assert_eq!(reasons(&s.opt_outs), ["consent.noai"]);
        assert!(s.opt_outs[0].signal().contains("noindex, noai"));
        // noindex is for search engines unless addressed to an AI crawler.
        assert!(head_signals(r#"<meta name="robots" content="noindex">"#)
            .opt_outs
            .is_empty());
        let gpt = head_signals(r#"<head><meta name="GPTBot" content="noindex"></head>"#);
        assert_eq!(reasons(&gpt.opt_outs), ["consent.noai"]);
        assert!(head_signals(r#"<meta name="robots" content="noimageai">"#)
            .opt_outs
            .is_empty());
        assert!(head_signals(r#"<meta name="googlebot" content="noindex">"#)
            .opt_outs
            .is_empty());
    }

    #[test]
    fn tdmrep_meta_and_policy_link() {
        let page = r#"<head><meta name="tdm-reservation" content="1"><link rel="tdm-policy" href="https://ex.example/policy.json"></head>"#;
        let s = head_signals(page);
        assert_eq!(reasons(&s.opt_outs), ["consent.tdm_reservation"]);
        assert_eq!(
            s.tdm_policy.as_deref(),
            Some("https://ex.example/policy.json")
        );
        let zero = head_signals(r#"<meta name="tdm-reservation" content="0">"#);
        assert!(zero.opt_outs.is_empty());
    }

    #[test]
    fn tags_in_the_body_are_text_not_signals() {
        let page =
            r#"<head><title>t</title></head><body><meta name="robots" content="noai"></body>"#;
        assert!(head_signals(page).opt_outs.is_empty());
        let quoted = "<body><p>&lt;meta name=\"robots\" content=\"noai\"&gt;</p>";
        assert!(head_signals(quoted).opt_outs.is_empty());
    }

    #[test]
    fn x_robots_tag_and_tdm_header() {
        assert_eq!(
            reasons(&header_opt_outs(Some("noai, noimageai"), None)),
            ["consent.noai"]
        );
        assert_eq!(
            reasons(&header_opt_outs(Some("GPTBot: noindex"), None)),
            ["consent.noai"]
        );
        assert!(header_opt_outs(Some("googlebot: noindex"), None).is_empty());
        assert!(header_opt_outs(Some("noindex, nofollow"), None).is_empty());
        assert!(header_opt_outs(Some("googlebot: noai"), None).is_empty());
        assert_eq!(
            reasons(&header_opt_outs(None, Some(" 1 "))),
            ["consent.tdm_reservation"]
        );
        assert!(header_opt_outs(None, Some("0")).is_empty());
        assert!(header_opt_outs(None, None).is_empty());
    }
}
