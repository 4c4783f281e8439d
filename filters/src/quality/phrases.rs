//! Boilerplate phrases C4 looks for ("lorem ipsum", "javascript", cookie and policy notices),
//! extended to the Spanish and Portuguese wording of the same notices. Matching is ASCII
//! case-insensitive with one Aho-Corasick automaton over all phrases, run once per line.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use std::sync::OnceLock;

/// What a matched phrase indicates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhraseKind {
    LoremIpsum,
    Javascript,
    Policy,
}

const LOREM: &[&str] = &["lorem ipsum"];
const JAVASCRIPT: &[&str] = &["javascript"];
/// C4's English policy substrings, then the Spanish and Portuguese wording of cookie banners,
/// privacy policies and terms of use (both with and without the accent that is often lost).
const POLICY: &[&str] = &[
    // en (C4)
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
    // es
    "política de privacidad",
    "politica de privacidad",
    "política de cookies",
    "politica de cookies",
    "términos de uso",
    "terminos de uso",
    "términos y condiciones de uso",
    "aviso de privacidad",
    "utiliza cookies",
    "utilizamos cookies",
    "usa cookies",
    "usamos cookies",
    "uso de cookies",
    "aceptar cookies",
    "acepta cookies",
    // pt
    "política de privacidade",
    "politica de privacidade",
    "termos de uso",
    "termos de utilização",
    "aviso de privacidade",
    "utilizamos cookies",
    "usamos cookies",
    "aceitar cookies",
    "aceita cookies",
    "aceito cookies",
];

struct Matcher {
    automaton: AhoCorasick,
    kinds: Vec<PhraseKind>,
}

fn matcher() -> &'static Matcher {
    static MATCHER: OnceLock<Matcher> = OnceLock::new();
    MATCHER.get_or_init(|| {
        let mut patterns: Vec<&str> = Vec::new();
        let mut kinds = Vec::new();
        for (list, kind) in [
            (LOREM, PhraseKind::LoremIpsum),
            (JAVASCRIPT, PhraseKind::Javascript),
            (POLICY, PhraseKind::Policy),
        ] {
            for p in list {
                if !patterns.contains(p) {
                    patterns.push(p);
                    kinds.push(kind);
                }
            }
        }
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            // ~40 short patterns: a full DFA is small and the fastest to run on every line.
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            // The pattern set is a constant of this file; a build failure is a programming
            // error caught by the tests, never an input-dependent path.
            .unwrap_or_else(|e| panic!("boilerplate phrase automaton: {e}"));
        Matcher { automaton, kinds }
    })
}

/// Phrase hits of one line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LineHits {
    pub lorem_ipsum: u32,
    pub javascript: bool,
    pub policy: bool,
}

/// Looks for the boilerplate phrases in `line`.
pub fn scan_line(line: &str) -> LineHits {
    let m = matcher();
    let mut hits = LineHits::default();
    for found in m.automaton.find_iter(line) {
        match m.kinds[found.pattern().as_usize()] {
            PhraseKind::LoremIpsum => hits.lorem_ipsum += 1,
            PhraseKind::Javascript => hits.javascript = true,
            PhraseKind::Policy => hits.policy = true,
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_phrases_in_three_languages_case_insensitively() {
        let h = scan_line("Este sitio UTILIZA COOKIES para mejorar");
        assert!(h.policy && !h.javascript);
        assert!(scan_line("Leia a nossa Política de Privacidade.").policy);
        assert!(scan_line("Please enable JavaScript to continue").javascript);
        assert_eq!(scan_line("Lorem ipsum dolor; lorem IPSUM").lorem_ipsum, 2);
    }

    #[test]
    fn ordinary_prose_has_no_hits() {
        let h = scan_line("La política de la provincia cambió con las galletas del desayuno.");
        assert_eq!(h, LineHits::default());
        let h = scan_line("Ñande ñe'ẽ ha'e ñande rekove.");
        assert_eq!(h, LineHits::default());
    }
}
