//! Recall on generated identifiers: for every kind, hundreds of valid values from a seeded
//! generator, in several surface formats, inside Spanish and Portuguese sentences. Each must be
//! found with its exact span and kind (recall >= 0.99), and the same values with a wrong check
//! digit must not be found as that kind.
//!
//! `cargo test -p minga-filters --test pii_recall -- --nocapture` prints the table that
//! bench/RESULTS-pii.md records.

use minga_filters::pii::{apply, scan, PiiMode};
use minga_filters::rng::SplitMix64;

#[path = "pii_recall/generators.rs"]
mod generators;
use generators::{embed, Rng, GENERATORS};

const PER_KIND: usize = 500;

#[test]
fn recall_per_kind_on_generated_identifiers() {
    let mut r = Rng(SplitMix64::new(0x6d69_6e67_6121));
    let mut report = Vec::new();
    for &(kind, gen) in GENERATORS {
        let (mut hit, mut wrong_same, mut wrong_any, mut wrong_n) =
            (0usize, 0usize, 0usize, 0usize);
        let mut misses = Vec::new();
        for _ in 0..PER_KIND {
            let case = gen(&mut r);
            let (text, s, e) = embed(&mut r, case.templates, &case.value);
            let m = scan(&text);
            if m.iter()
                .any(|m| m.start == s && m.end == e && m.kind == kind)
            {
                hit += 1;
            } else if misses.len() < 5 {
                misses.push(format!("{text:?} -> {m:?}"));
            }
            if let Some(w) = &case.wrong {
                let (text, s, e) = embed(&mut r, case.templates, w);
                let m = scan(&text);
                wrong_n += 1;
                let overl: Vec<_> = m.iter().filter(|m| m.start < e && m.end > s).collect();
                wrong_same += overl.iter().filter(|m| m.kind == kind).count();
                wrong_any += usize::from(!overl.is_empty());
            }
        }
        let recall = hit as f64 / PER_KIND as f64;
        report.push(format!(
            "| {:<5} | {PER_KIND} | {recall:.3} | {} | {wrong_same} | {wrong_any} |",
            kind.name(),
            if wrong_n == 0 {
                "-".to_string()
            } else {
                wrong_n.to_string()
            }
        ));
        assert!(
            recall >= 0.99,
            "{}: recall {recall:.3}; misses: {misses:#?}",
            kind.name()
        );
        assert_eq!(
            wrong_same,
            0,
            "{}: wrong check digits accepted",
            kind.name()
        );
        // A bare number with a wrong check digit may still be a valid number of another kind
        // (11 digits: CPF, CUIT or RUC), but rarely.
        assert!(
            wrong_any * 50 <= wrong_n.max(1),
            "{}: {wrong_any} of {wrong_n} wrong values matched",
            kind.name()
        );
    }
    println!(
        "| kind | n | recall | wrong-check n | wrong matched as kind | wrong matched as any |"
    );
    println!("|---|---|---|---|---|---|");
    for line in report {
        println!("{line}");
    }
}

#[test]
fn redaction_of_a_mixed_paragraph() {
    let text = "Señora Núñez (RUT 12.531.909-2, CPF 390.533.447-05) pagó con 4111 1111 1111 1111; \
                escriba a ñandú.porã@uchile.cl o llame al +56 9 8765 4321. Ley 21.096, año 2018.";
    let (out, counts, _) = apply(text, PiiMode::Redact);
    assert_eq!(
        out,
        "Señora Núñez (RUT <RUT>, CPF <CPF>) pagó con <CARD>; escriba a <EMAIL> o llame al <PHONE>. Ley 21.096, año 2018."
    );
    assert_eq!(counts.total(), 5);
}

#[test]
fn offsets_on_multibyte_text() {
    let mut r = Rng(SplitMix64::new(7));
    for &(kind, gen) in GENERATORS {
        for _ in 0..20 {
            let case = gen(&mut r);
            // Multibyte text before, inside the sentence and after; DNI needs its keyword.
            let sentence = case.templates[0].replace("{}", &case.value);
            let text = format!("Ñe'ẽ ỹrã ação — {sentence} ñandú «ỹ»");
            let m = scan(&text);
            let found = m.iter().find(|m| m.kind == kind);
            let Some(found) = found else {
                panic!("{}: {text:?} -> {m:?}", kind.name())
            };
            assert_eq!(&text[found.start..found.end], case.value, "{}", kind.name());
        }
    }
}
