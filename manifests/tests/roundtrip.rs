use minga_manifests::*;

fn doc(i: usize) -> Document {
    Document {
        id: doc_id("web", "a.warc.gz", i as u64),
        source: "web".into(),
        source_file: "a.warc.gz".into(),
        source_offset: i as u64 * 100,
        source_length: 100,
        url: i
            .is_multiple_of(2)
            .then(|| format!("https://example.org/{i}")),
        content_type: "warc/html".into(),
        text: format!("Allinllachu kashanki, {i}. ñandu ỹ g̃"),
        meta: "{}".into(),
        lang: Some("que".into()),
        lang_score: Some(0.9),
        lang_spans: (0..i % 3)
            .map(|k| LangSpan {
                start: k as u32,
                end: k as u32 + 1,
                lang: "spa".into(),
                score: 0.5,
            })
            .collect(),
        quality: vec![i as f32, 0.5],
        pii: vec![i as u32],
        dup_cluster_size: Some(1),
        ..Document::default()
    }
}

fn cols() -> Columns {
    Columns {
        lang: true,
        quality: vec!["words".into(), "ratio".into()],
        pii: vec!["email".into()],
        dedup: true,
    }
}

#[test]
fn documents_round_trip_over_several_row_groups() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("part-00000.parquet");
    let mut w = ShardWriter::documents(&path, &cols()).unwrap();
    let n = ROW_GROUP_ROWS + 7;
    for i in 0..n {
        w.push(doc(i)).unwrap();
    }
    let entry = w.finish().unwrap();
    assert_eq!(entry.rows, n as u64);
    let mut r = ShardReader::open(&path).unwrap();
    assert_eq!(r.rows(), n as u64);
    let mut back = Vec::new();
    let mut groups = 0;
    while let Some((docs, c)) = r.next_batch().unwrap() {
        assert_eq!(c, cols());
        back.extend(docs);
        groups += 1;
    }
    assert_eq!(groups, 2);
    assert_eq!(back.len(), n);
    for (i, d) in back.iter().enumerate() {
        assert_eq!(d, &doc(i));
    }
}

#[test]
fn same_rows_give_the_same_bytes_and_no_temp_files_remain() {
    let dir = tempfile::tempdir().unwrap();
    let mut digests = Vec::new();
    for name in ["a.parquet", "b.parquet"] {
        let mut w = ShardWriter::documents(&dir.path().join(name), &Columns::default()).unwrap();
        for i in 0..50 {
            let mut d = doc(i);
            d.lang = None;
            d.lang_score = None;
            d.lang_spans.clear();
            d.quality.clear();
            d.pii.clear();
            d.dup_cluster_size = None;
            w.push(d).unwrap();
        }
        digests.push(w.finish().unwrap().blake3);
    }
    assert_eq!(digests[0], digests[1]);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn ledger_rows_round_trip_and_empty_shards_are_valid() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rejected.parquet");
    let mut w = ShardWriter::ledger(&path, &Columns::default(), "filter").unwrap();
    let mut why = Rejection::new("filter.word_count", Some(3.0), "3 words < 50");
    why.dup_of = Some("abc".into());
    let mut d = doc(1);
    d.lang = None;
    d.lang_score = None;
    d.lang_spans.clear();
    d.quality.clear();
    d.pii.clear();
    d.dup_cluster_size = None;
    w.push_rejected(d.clone(), why.clone()).unwrap();
    w.finish().unwrap();
    let mut r = ShardReader::open(&path).unwrap();
    let rows = r.next_ledger_batch().unwrap().unwrap();
    assert_eq!(
        rows,
        vec![Rejected {
            stage: "filter".into(),
            doc: d,
            why
        }]
    );

    let empty = dir.path().join("empty.parquet");
    let e = ShardWriter::documents(&empty, &cols())
        .unwrap()
        .finish()
        .unwrap();
    assert_eq!(e.rows, 0);
    let mut r = ShardReader::open(&empty).unwrap();
    assert!(r.next_batch().unwrap().is_none());
}

#[test]
fn a_corrupt_shard_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("part-00003.parquet");
    std::fs::write(&path, b"PAR1 this is not parquet PAR1").unwrap();
    let err = ShardReader::open(&path).err().expect("must fail");
    assert!(err.to_string().contains("part-00003.parquet"), "{err}");
}
