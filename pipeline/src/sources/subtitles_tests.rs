use super::*;

fn doc(bytes: &[u8], kind: SubKind) -> SourceDoc {
    match subtitle_document(bytes, kind) {
        SourceItem::Doc(d) => d,
        other => panic!("{other:?}"),
    }
}

fn text(d: &SourceDoc) -> &str {
    match &d.body {
        Body::Text(t) => t,
        Body::Html(_) => panic!("html"),
    }
}

const SRT: &str = "1\r\n00:00:01,000 --> 00:00:03,000\r\n<i>Cuando llegó la lluvia</i>\r\nal pueblo de arriba,\r\n\r\n\
2\r\n00:00:03,500 --> 00:00:05,000\r\n{\\an8}todos salieron a la minga.\r\n\r\n\
3\r\n00:00:09,000 --> 00:00:11,000\r\n[música]\r\n\r\n\
4\r\n00:00:12,000 --> 00:00:14,000\r\nROSA: Nadie se quedó en casa.\r\n\r\n\
5\r\n00:00:14,200 --> 00:00:15,000\r\nROSA: Ni los niños.\r\n\r\n\
6\r\n00:00:15,100 --> 00:00:16,000\r\nPEDRO: Ni los abuelos.\r\n";

#[test]
fn srt_cues_join_into_paragraphs_by_pause_and_speaker() {
    let d = doc(SRT.as_bytes(), SubKind::Srt);
    assert_eq!(
        text(&d),
        "Cuando llegó la lluvia al pueblo de arriba, todos salieron a la minga.\n\n\
         Nadie se quedó en casa. Ni los niños.\n\nNi los abuelos."
    );
    assert_eq!(d.content_type, "srt");
    assert_eq!(d.meta["cues"], 6);
    assert_eq!(d.meta["duration_ms"], 16000);
    assert_eq!(d.meta["descriptions_dropped"], 1);
    assert_eq!(d.meta["speakers"], json!(["ROSA", "PEDRO"]));
    let turns = d.meta["speaker_turns"].as_array().unwrap();
    assert_eq!(
        turns[0],
        json!({"paragraph": 1, "start_ms": 12000, "speaker": "ROSA"})
    );
    assert_eq!(turns[1]["paragraph"], 2);
    assert_eq!(d.length, SRT.len() as u64);
}

#[test]
fn latin1_srt_is_decoded() {
    let bytes = b"1\n00:00:01,000 --> 00:00:02,000\nA\xe7\xe3o e cora\xe7\xe3o na fun\xe7\xe3o da comunidade.\n";
    let d = doc(bytes, SubKind::Srt);
    assert_eq!(text(&d), "Ação e coração na função da comunidade.");
    assert_eq!(d.meta["encoding"], "windows-1252");
}

#[test]
fn vtt_header_voices_notes_and_rolling_captions() {
    let vtt = "WEBVTT - Relato oral\nKind: captions\nLanguage: qu\n\n\
NOTE grabado en Cusco\ncon permiso\n\n\
STYLE\n::cue { color: yellow }\n\n\
intro\n00:00.000 --> 00:02.000 align:start position:10%\n<v Mama Killa>Ñawpa pachapi\n\n\
00:02.100 --> 00:04.000\n<v Mama Killa>Ñawpa pachapi\nhuk runa kasqa\n\n\
00:04.100 --> 00:05.000\n<v.loud Tayta Inti>Arí, <c.x>chiqaqmi</c> &amp; allinmi\n";
    let d = doc(vtt.as_bytes(), SubKind::Vtt);
    assert_eq!(
        text(&d),
        "Ñawpa pachapi huk runa kasqa\n\nArí, chiqaqmi & allinmi"
    );
    assert_eq!(d.meta["language"], "qu");
    assert_eq!(d.meta["vtt_kind"], "captions");
    assert_eq!(d.meta["speakers"], json!(["Mama Killa", "Tayta Inti"]));
    assert_eq!(d.meta["cues"], 3);
}

#[test]
fn bad_and_empty_subtitles_are_skips() {
    let no_cues = subtitle_document(b"solo texto sin tiempos\n", SubKind::Srt);
    let SourceItem::Skip(s) = no_cues else {
        panic!()
    };
    assert_eq!(s.reason, SkipReason::NoText);
    assert!(
        s.detail.contains("1 blocks without a timing line"),
        "{}",
        s.detail
    );
    let only_music = subtitle_document(
        b"1\n00:00:01,000 --> 00:00:02,000\n[musica]\n",
        SubKind::Srt,
    );
    assert!(matches!(only_music, SourceItem::Skip(_)));
    let binary: Vec<u8> = (0..2000u32).map(|i| (i % 9) as u8).collect();
    let SourceItem::Skip(s) = subtitle_document(&binary, SubKind::Vtt) else {
        panic!()
    };
    assert_eq!(s.reason, SkipReason::Undecodable);
    // A broken timing line loses that cue only, and is counted.
    let d = doc(
        b"1\n00:00:xx --> 1\nperdido\n\n2\n00:00:03,000 --> 00:00:04,000\nqueda\n",
        SubKind::Srt,
    );
    assert_eq!(text(&d), "queda");
    assert_eq!(d.meta["bad_blocks"], 1);
}

#[test]
fn timestamps_parse_both_syntaxes() {
    assert_eq!(timestamp("01:02:03,456"), Some(3_723_456));
    assert_eq!(timestamp("02:03.5"), Some(123_500));
    assert_eq!(timestamp("00:00:01"), Some(1000));
    assert_eq!(timestamp("1:2:3:4.000"), None);
    assert_eq!(timestamp("aa:00.000"), None);
    assert_eq!(timestamp("00:00.-1"), None);
}

#[test]
fn read_subtitles_caps_the_file_size() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.srt");
    std::fs::write(&p, SRT).unwrap();
    let items = read_subtitles(&p, SubKind::Srt, 10).unwrap();
    assert!(matches!(&items[..], [SourceItem::Skip(s)] if s.reason == SkipReason::RecordTooLarge));
    assert_eq!(read_subtitles(&p, SubKind::Srt, 1 << 20).unwrap().len(), 1);
}
