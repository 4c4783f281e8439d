use super::*;

fn tiny() -> Model {
    let spec = FeatureSpec {
        min_order: 1,
        max_order: 3,
        bucket_bits: 8,
        cross_words: true,
        fold_marks: false,
        skip_unseen: true,
    };
    let rows: Vec<u8> = (0..256 * 3).map(|i| (i * 7 % 251) as u8).collect();
    let seen = (0..1u64 << (SEEN_BITS - 6))
        .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .collect();
    Model::from_rows(
        vec!["grn".into(), "que".into(), "spa".into()],
        spec,
        &rows,
        0.05,
        1.5,
        seen,
    )
}

#[test]
fn bytes_round_trip() {
    let m = tiny();
    let back = Model::from_bytes(&m.to_bytes()).unwrap();
    assert_eq!(back, m);
    assert_eq!(back.to_bytes(), m.to_bytes());
}

#[test]
fn corrupt_bytes_are_refused_with_a_reason() {
    let bytes = tiny().to_bytes();
    assert!(matches!(
        Model::from_bytes(&bytes[..20]),
        Err(LangIdError::Truncated { .. })
    ));
    assert!(matches!(
        Model::from_bytes(b"short"),
        Err(LangIdError::Truncated { .. })
    ));
    let mut edited = bytes.clone();
    edited[100] ^= 1;
    assert!(matches!(
        Model::from_bytes(&edited),
        Err(LangIdError::Checksum)
    ));
    let mut magic = bytes;
    magic[0] = b'X';
    assert!(matches!(
        Model::from_bytes(&magic),
        Err(LangIdError::BadMagic)
    ));
}

#[test]
fn posterior_is_a_distribution_favouring_low_sums() {
    let m = tiny();
    let p = m.posterior(&[10, 30, 200, 0, 0, 0, 0, 0]);
    assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5);
    assert!(p[0] > p[1] && p[1] > p[2]);
}
