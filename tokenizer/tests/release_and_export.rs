//! The whole hand-off on a tiny corpus: train → eval → release bundle → export shard, read back
//! with a reader written here from DESIGN.md's layout.

use std::collections::BTreeMap;

use minga_tokenizer::{
    eval, train, write_release, Encoder, ExportStats, MemoryCorpus, Release, ShardExport,
    TrainConfig,
};

fn corpus() -> Vec<(&'static str, String)> {
    let mut docs = Vec::new();
    for i in 0..50 {
        docs.push((
            "spa",
            format!("La comunidad {i} trabaja junta en la minga del pueblo."),
        ));
        docs.push((
            "que",
            format!("Ayllunchikpi {i} mink'awan llamk'anchik, allin p'unchaw."),
        ));
        docs.push((
            "grn",
            format!("Ñande {i} ñamba'apo oñondive, ko’ã ára porã."),
        ));
    }
    docs
}

/// (dtype code, documents) from `prefix.idx` + `prefix.bin`.
fn read_shard(prefix: &std::path::Path) -> (u8, Vec<Vec<u32>>) {
    let idx = std::fs::read(prefix.with_extension("idx")).unwrap();
    let bin = std::fs::read(prefix.with_extension("bin")).unwrap();
    assert_eq!(&idx[..9], b"MMIDIDX\0\0");
    let n = u64::from_le_bytes(idx[18..26].try_into().unwrap()) as usize;
    let width = if idx[17] == 8 { 2 } else { 4 };
    let docs = (0..n)
        .map(|i| {
            let len = i32::from_le_bytes(idx[34 + 4 * i..38 + 4 * i].try_into().unwrap()) as usize;
            let p = 34 + 4 * n + 8 * i;
            let ptr = i64::from_le_bytes(idx[p..p + 8].try_into().unwrap()) as usize;
            (0..len)
                .map(|k| {
                    let o = ptr + k * width;
                    if width == 2 {
                        u32::from(u16::from_le_bytes([bin[o], bin[o + 1]]))
                    } else {
                        u32::from_le_bytes(bin[o..o + 4].try_into().unwrap())
                    }
                })
                .collect()
        })
        .collect();
    (idx[17], docs)
}

#[test]
fn train_release_export_round_trip() {
    let docs = corpus();
    let mut source = MemoryCorpus {
        source: "test",
        docs: &docs,
    };
    let cfg = TrainConfig {
        vocab_size: 500,
        ..TrainConfig::default()
    };
    let outcome = train(&mut source, &cfg).unwrap();
    assert!(outcome.mix.languages["que"].bytes_sampled > 0);

    let dev = BTreeMap::from([
        (
            "que".to_string(),
            vec!["Ayllunchikpi mink'awan llamk'anchik.".to_string()],
        ),
        (
            "spa".to_string(),
            vec!["La comunidad trabaja en la minga.".to_string()],
        ),
    ]);
    let table = eval("minga", &outcome.tokenizer_json, &dev).unwrap();
    assert!(
        table.row("que").unwrap().fertility < 3.0,
        "{}",
        table.to_markdown()
    );

    let dir = tempfile::tempdir().unwrap();
    let manifests = BTreeMap::from([("dedup/_manifest.json".to_string(), "00ff".to_string())]);
    let release = Release {
        outcome: &outcome,
        config: &cfg,
        eval: Some(&table),
        references: &[],
        data_manifests: &manifests,
    };
    write_release(&dir.path().join("tokenizer"), &release).unwrap();

    let json = std::fs::read_to_string(dir.path().join("tokenizer/tokenizer.json")).unwrap();
    let enc = Encoder::from_json(&json)
        .unwrap()
        .with_special_tokens_as_text(true);
    let prefix = dir.path().join("part-00000");
    let mut shard = ShardExport::create(&prefix, &enc).unwrap();
    let texts = ["Allin p'unchaw, ayllu.", "", "Ko’ã ára <|endoftext|> porã."];
    for t in texts {
        shard.push("und", "test", t).unwrap();
    }
    let mut stats = ExportStats::new(&json, &enc);
    stats.add(shard.finish().unwrap());
    let (dtype, back) = read_shard(&prefix);
    assert_eq!(dtype, 8);
    let expected: Vec<Vec<u32>> = texts
        .iter()
        .map(|t| {
            let mut ids = enc.encode(t).unwrap();
            ids.push(0);
            ids
        })
        .collect();
    assert_eq!(back, expected);
    assert_eq!(back[1], vec![0]);
    assert_eq!(back.iter().flatten().filter(|&&id| id == 0).count(), 3);
    assert_eq!(
        stats.tokens,
        expected.iter().map(|d| d.len() as u64).sum::<u64>()
    );
}
