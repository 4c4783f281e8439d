//! robots.txt as RFC 9309 (Robots Exclusion Protocol) defines it, for honouring AI crawlers'
//! exclusions in a crawl that was made before them.
//!
//! * A group is one or more `user-agent` lines followed by `allow` / `disallow` rules; keys are
//!   case-insensitive, `#` starts a comment, unknown lines (`sitemap`, `crawl-delay`) are ignored.
//! * A crawler obeys the groups whose user-agent equals its product token (case-insensitive; all
//!   such groups are merged), else the `*` groups, else nothing: everything is allowed.
//! * Of the rules that match a path, the longest pattern wins; between an `allow` and a
//!   `disallow` of the same length, `allow` wins. `*` matches any run of characters and a final
//!   `$` anchors the end. An empty `disallow` matches nothing. `/robots.txt` is always allowed.
//! * Patterns and paths are compared with percent-encodings of unreserved characters decoded and
//!   the other percent-encodings upper-cased, so `/%7Ejoe` and `/~joe` are one path.

/// One `allow` or `disallow` line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    allow: bool,
    pattern: String,
}

/// A parsed robots.txt.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Robots {
    /// `(user agents, rules)` per group, agents lower-cased.
    groups: Vec<(Vec<String>, Vec<Rule>)>,
}

/// Decodes `%XX` of unreserved characters and upper-cases the rest, so equal paths compare equal.
fn normalise_path(p: &str) -> String {
    let b = p.as_bytes();
    let mut out = String::with_capacity(p.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = p.get(i + 1..i + 3).unwrap_or("");
            let is_hex = hex.len() == 2 && hex.bytes().all(|c| c.is_ascii_hexdigit());
            if let (true, Ok(v)) = (is_hex, u8::from_str_radix(hex, 16)) {
                if v.is_ascii_alphanumeric() || b"-._~".contains(&v) {
                    out.push(v as char);
                } else {
                    out.push('%');
                    out.push_str(&hex.to_ascii_uppercase());
                }
                i += 3;
                continue;
            }
        }
        let c = p[i..].chars().next().unwrap_or('\u{fffd}');
        out.push(c);
        i += c.len_utf8().max(1);
    }
    out
}

/// Whether `pattern` (with `*` and a final `$`) matches a prefix of `path` (or all of it, with `$`).
fn matches(pattern: &str, path: &str) -> bool {
    let (pattern, anchored) = match pattern.strip_suffix('$') {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    let pieces: Vec<&str> = pattern.split('*').collect();
    let mut at = 0;
    for (i, piece) in pieces.iter().enumerate() {
        if i == 0 {
            if !path.starts_with(piece) {
                return false;
            }
            at = piece.len();
            continue;
        }
        // The last piece of an anchored pattern must end the path.
        if anchored && i == pieces.len() - 1 {
            return path.len() >= at + piece.len() && path.ends_with(piece);
        }
        match path[at..].find(piece) {
            Some(k) => at += k + piece.len(),
            None => return false,
        }
    }
    !anchored || at == path.len()
}

impl Robots {
    /// Parses a robots.txt; lines it cannot use are ignored, as the RFC asks.
    pub fn parse(text: &str) -> Robots {
        let mut robots = Robots::default();
        let mut agents: Vec<String> = Vec::new();
        let mut rules: Vec<Rule> = Vec::new();
        let mut in_rules = false;
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let (key, value) = (key.trim().to_ascii_lowercase(), value.trim());
            match key.as_str() {
                "user-agent" => {
                    if in_rules {
                        robots
                            .groups
                            .push((std::mem::take(&mut agents), std::mem::take(&mut rules)));
                        in_rules = false;
                    }
                    agents.push(value.to_ascii_lowercase());
                }
                "allow" | "disallow" if !agents.is_empty() => {
                    in_rules = true;
                    if !value.is_empty() {
                        rules.push(Rule {
                            allow: key == "allow",
                            pattern: normalise_path(value),
                        });
                    }
                }
                _ => {}
            }
        }
        if !agents.is_empty() {
            robots.groups.push((agents, rules));
        }
        robots
    }

    /// Whether the crawler with product token `agent` may fetch `path` (path and query of the URL).
    pub fn allowed(&self, agent: &str, path: &str) -> bool {
        let agent = agent.to_ascii_lowercase();
        let named: Vec<&Rule> = self.rules_of(|a| a == agent);
        let rules = if named.is_empty() && !self.groups.iter().any(|(a, _)| a.contains(&agent)) {
            self.rules_of(|a| a == "*")
        } else {
            named
        };
        let path = if path.is_empty() { "/" } else { path };
        if path == "/robots.txt" {
            return true;
        }
        let path = normalise_path(path);
        let best = rules
            .iter()
            .filter(|r| matches(&r.pattern, &path))
            .max_by_key(|r| (r.pattern.len(), r.allow));
        best.is_none_or(|r| r.allow)
    }

    fn rules_of(&self, pick: impl Fn(&str) -> bool) -> Vec<&Rule> {
        self.groups
            .iter()
            .filter(|(agents, _)| agents.iter().any(|a| pick(a)))
            .flat_map(|(_, rules)| rules)
            .collect()
    }

    /// The first of `agents` that may not fetch `path`, if any.
    pub fn disallowing<'a>(&self, agents: &'a [String], path: &str) -> Option<&'a str> {
        agents
            .iter()
            .find(|a| !self.allowed(a, path))
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example file of RFC 9309, section 5.1.
    const RFC_EXAMPLE: &str = "User-Agent: *\nDisallow: *.gif$\nDisallow: /example/\nAllow: /publications/\n\n\
        User-Agent: foobot\nDisallow:/\nAllow:/example/page.html\nAllow:/example/allowed.gif\n\n\
        User-Agent: barbot\nUser-Agent: bazbot\nDisallow: /example/page.html\n\nUser-Agent: quxbot\n\n\
        EOF\n";

    #[test]
    fn rfc_9309_example_groups() {
        let r = Robots::parse(RFC_EXAMPLE);
        // foobot: everything disallowed but the two allowed files.
        assert!(r.allowed("foobot", "/example/page.html"));
        assert!(r.allowed("FooBot", "/example/allowed.gif"));
        assert!(!r.allowed("foobot", "/example/other.html"));
        assert!(!r.allowed("foobot", "/"));
        // barbot and bazbot share a group.
        for bot in ["barbot", "bazbot"] {
            assert!(!r.allowed(bot, "/example/page.html"));
            assert!(r.allowed(bot, "/example/other.html"));
        }
        // quxbot has an empty group: everything is allowed (it does not fall back to `*`).
        assert!(r.allowed("quxbot", "/example/page.html"));
        assert!(r.allowed("quxbot", "/a.gif"));
        // Any other crawler follows `*`.
        assert!(!r.allowed("otherbot", "/example/x"));
        assert!(!r.allowed("otherbot", "/images/a.gif"));
        assert!(r.allowed("otherbot", "/images/a.gif?x=1"));
        assert!(r.allowed("otherbot", "/publications/"));
        assert!(r.allowed("otherbot", "/robots.txt"));
    }

    #[test]
    fn longest_match_wins_and_allow_wins_ties() {
        // RFC 9309, section 2.2.2.
        let r = Robots::parse(
            "User-Agent: foobot\nAllow: /example/page/\nDisallow: /example/page/disallowed.gif\n",
        );
        assert!(r.allowed("foobot", "/example/page/"));
        assert!(r.allowed("foobot", "/example/page/a.html"));
        assert!(!r.allowed("foobot", "/example/page/disallowed.gif"));
        let tie = Robots::parse("User-agent: *\nDisallow: /a\nAllow: /a\n");
        assert!(tie.allowed("x", "/a"));
    }

    #[test]
    fn wildcards_anchors_and_encodings() {
        let r =
            Robots::parse("user-agent: GPTBot\ndisallow: /*/private/*.html$\ndisallow: /%7Ejoe/\n");
        assert!(!r.allowed("gptbot", "/x/private/a.html"));
        assert!(r.allowed("gptbot", "/x/private/a.html?y"));
        assert!(r.allowed("gptbot", "/x/public/a.html"));
        assert!(!r.allowed("gptbot", "/~joe/index.html"));
        assert!(r.allowed("ccbot", "/x/private/a.html"));
        // An empty disallow allows everything; no file allows everything.
        assert!(Robots::parse("User-agent: *\nDisallow:\n").allowed("x", "/"));
        assert!(Robots::parse("").allowed("x", "/a"));
        assert!(Robots::parse("Disallow: /\n").allowed("x", "/a"));
    }

    #[test]
    fn the_first_disallowed_agent_is_named() {
        let r = Robots::parse("User-agent: CCBot\nDisallow: /\n\nUser-agent: *\nAllow: /\n");
        let agents: Vec<String> = ["GPTBot", "CCBot"].map(String::from).to_vec();
        assert_eq!(r.disallowing(&agents, "/news/1"), Some("CCBot"));
        assert_eq!(Robots::default().disallowing(&agents, "/"), None);
    }

    #[test]
    fn arbitrary_files_and_paths_never_panic() {
        let alphabet: Vec<char> = "/*$%7Eañ:# \nAllowDisgent-u".chars().collect();
        let mut rng = crate::rng::SplitMix64::new(9);
        let mut text = |n: usize| -> String {
            (0..n)
                .map(|_| alphabet[(rng.next_u64() % alphabet.len() as u64) as usize])
                .collect()
        };
        for _ in 0..2000 {
            let file = format!(
                "User-agent: *\nDisallow: {}\nAllow: {}\n{}",
                text(6),
                text(4),
                text(30)
            );
            let r = Robots::parse(&file);
            let _ = r.allowed("x", &text(12));
        }
    }
}
