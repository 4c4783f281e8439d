use super::*;
use crate::train::{train, MemoryCorpus, TrainConfig};

pub(crate) fn odd_texts() -> Vec<String> {
    let mut v: Vec<String> = [
        "Mba'éichapa, che ryvy? Ko’ã kuña oguata mbeguekatu ỹ g̃uahẽ mbyg̃ue.",
        "Allin p'unchay! Jach'a ch'aki t'ant'a q'ara k'iche' — «comillas» “dobles” ‘simples’",
        "decomposed: kun\u{303}a, e\u{301}l, a\u{308}\u{301}\u{323} stacked marks \u{301}at start",
        "emoji 😀👍🏽👨‍👩‍👧‍👦 🇵🇪 flags, CJK 中文字符 日本語のテキスト 한국어",
        "RTL: مرحبا بالعالم שלום עולם \u{200F}mark\u{200E}",
        "NUL\u{0}inside and \u{1}\u{7f} controls\r\n\r\nCRLF\ttabs\u{a0}nbsp\u{2003}em\u{3000}ideographic",
        "numbers 1234567 3.14159 ٣٤٥ ２０２４ and 10,000.50 USD",
        "specials <|endoftext|> in text <|pad|><|endoftext|>x <|endoftext",
        "   leading and trailing spaces   \n\n\n",
        "",
        " ",
        "\n",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("antidisestablishmentarianism".repeat(40));
    v.push("ñ".repeat(5000));
    v.push("👍".repeat(3000));
    v
}

/// A 1 MB document mixing everything above.
pub(crate) fn big_document() -> String {
    let mut doc = String::new();
    let odd = odd_texts();
    let mut i = 0;
    while doc.len() < 1 << 20 {
        doc.push_str(&odd[i % odd.len()]);
        doc.push_str(&format!(" línea {i} de la casa, wasi {i}.\n"));
        i += 1;
    }
    doc
}

pub(crate) fn fixture_json() -> String {
    let mut docs: Vec<(&str, String)> = Vec::new();
    for (i, t) in odd_texts().into_iter().enumerate() {
        docs.push(("und", format!("{t} {i}")));
    }
    for i in 0..40 {
        docs.push((
            "spa",
            format!("La gente de la casa {i} camina por la calle; ¿qué pasó?"),
        ));
        docs.push((
            "grn",
            format!("Ko’ã kuña oguata {i} mbeguekatu, g̃uahẽ ñane róga."),
        ));
    }
    let mut corpus = MemoryCorpus {
        source: "test",
        docs: &docs,
    };
    let cfg = TrainConfig {
        vocab_size: 700,
        ..TrainConfig::default()
    };
    train(&mut corpus, &cfg).unwrap().tokenizer_json
}

fn hf_ids(json: &str, text: &str, as_text: bool) -> Vec<u32> {
    let mut tok: Tokenizer = json.parse().unwrap();
    tok.set_encode_special_tokens(as_text);
    tok.encode(text, false).unwrap().get_ids().to_vec()
}

#[test]
fn fast_path_gives_hf_ids_on_odd_unicode() {
    let json = fixture_json();
    let enc = Encoder::from_json(&json).unwrap();
    assert_eq!(enc.fast_path(), Ok(()));
    let mut texts = odd_texts();
    texts.push(big_document());
    for as_text in [false, true] {
        let enc = Encoder::from_json(&json)
            .unwrap()
            .with_special_tokens_as_text(as_text);
        for t in &texts {
            let prefix: String = t.chars().take(40).collect();
            assert_eq!(
                enc.encode(t).unwrap(),
                hf_ids(&json, t, as_text),
                "as_text={as_text} {prefix:?}"
            );
        }
    }
    // The literal EOD string is id 0 only in HF's default mode.
    let eod = "a<|endoftext|>b";
    assert!(enc.encode(eod).unwrap().contains(&0));
    let safe = Encoder::from_json(&json)
        .unwrap()
        .with_special_tokens_as_text(true);
    assert!(!safe.encode(eod).unwrap().contains(&0));
}

#[test]
fn batch_keeps_order_and_matches_single_calls_on_any_pool() {
    let json = fixture_json();
    let enc = Encoder::from_json(&json).unwrap();
    let texts: Vec<String> = (0..300)
        .map(|i| format!("{} {i}", odd_texts()[i % 12]))
        .collect();
    let single: Vec<Vec<u32>> = texts.iter().map(|t| enc.encode(t).unwrap()).collect();
    for n in [1, 2, 4] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap();
        assert_eq!(pool.install(|| enc.encode_batch(&texts).unwrap()), single);
    }
}

#[test]
fn other_tokenizers_fall_back_to_hf() {
    let json = fixture_json().replace("\"type\": \"NFC\"", "\"type\": \"NFKC\"");
    let enc = Encoder::from_json(&json).unwrap();
    assert!(enc.fast_path().is_err());
    let t = "ｆｕｌｌ width ２０２４";
    assert_eq!(enc.encode(t).unwrap(), hf_ids(&json, t, false));
}
