//! Tokenizer export on arbitrary text: a small BPE trained once, `Encoder::encode`, then the
//! Megatron writer; every id must be inside the vocabulary and the shard must finish.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use minga_tokenizer::{train, CorpusDoc, Encoder, MegatronWriter, TokError, TrainConfig};

fn encoder() -> &'static Encoder {
    static ENC: OnceLock<Encoder> = OnceLock::new();
    ENC.get_or_init(|| {
        let texts = [
            (
                "spa",
                "En la comunidad hicimos una minga para limpiar el canal de riego.",
            ),
            (
                "por",
                "Na nossa rua, os vizinhos fizeram um mutirão para limpar o córrego.",
            ),
            ("que", "Llaqtaypi mink'ata ruwarqayku yarqa ch'uyanapaq."),
            (
                "grn",
                "Ñande rekoha'ýpe jajapo peteĩ minga ñamopotĩ haĝua ysyry.",
            ),
        ];
        let mut corpus = |sink: &mut dyn FnMut(CorpusDoc<'_>)| -> Result<(), TokError> {
            for k in 0..30 {
                for (lang, t) in texts {
                    sink(CorpusDoc {
                    lang,
                    source: "fuzz",
                    text: &format!("{t} {k}"),
                });
                }
            }
            Ok(())
        };
        let cfg = TrainConfig {
            vocab_size: 400,
            ..TrainConfig::default()
        };
        let json = train(&mut corpus, &cfg).unwrap().tokenizer_json;
        Encoder::from_json(&json).unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    let enc = encoder();
    let text = String::from_utf8_lossy(data);
    let Ok(ids) = enc.encode(&text) else {
        return;
    };
    let vocab = enc.vocab_size();
    assert!(ids.iter().all(|&i| (i as usize) < vocab));
    let prefix = std::env::temp_dir().join(format!("minga-fuzz-{}", std::process::id()));
    let mut w = MegatronWriter::create(&prefix, vocab, 0).unwrap();
    w.add_document(&ids).unwrap();
    w.finish().unwrap();
});
