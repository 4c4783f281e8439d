use super::*;
use crate::sources::{Body, SourceDoc};
use serde_json::json;

fn docs(bytes: &[u8], opts: &EafOptions) -> Vec<SourceDoc> {
    eaf_items(bytes, opts)
        .into_iter()
        .map(|i| match i {
            SourceItem::Doc(d) => d,
            other => panic!("{other:?}"),
        })
        .collect()
}

fn text(d: &SourceDoc) -> &str {
    match &d.body {
        Body::Text(t) => t,
        Body::Html(_) => panic!("html"),
    }
}

/// Two speakers' transcription tiers (one slot without a value), a Spanish translation tier of
/// REF_ANNOTATIONs (one referring through another), and a notes tier.
const EAF: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="Equipo Runasimi" DATE="2021-05-03T10:00:00-05:00" FORMAT="3.0" VERSION="3.0">
  <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">
    <MEDIA_DESCRIPTOR MEDIA_URL="file:///grabaciones/minga.wav" MIME_TYPE="audio/x-wav"/>
  </HEADER>
  <TIME_ORDER>
    <TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="1000"/>
    <TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="2500"/>
    <TIME_SLOT TIME_SLOT_ID="ts3" TIME_VALUE="2600"/>
    <TIME_SLOT TIME_SLOT_ID="ts4"/>
    <TIME_SLOT TIME_SLOT_ID="ts5" TIME_VALUE="9000"/>
    <TIME_SLOT TIME_SLOT_ID="ts6" TIME_VALUE="9800"/>
  </TIME_ORDER>
  <TIER TIER_ID="tx@Rosa" LINGUISTIC_TYPE_REF="transcription" PARTICIPANT="Rosa Quispe" ANNOTATOR="JM" LANG_REF="que">
    <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2">
      <ANNOTATION_VALUE>Allin p'unchaw, wawqi.</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
    <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a3" TIME_SLOT_REF1="ts5" TIME_SLOT_REF2="ts6">
      <ANNOTATION_VALUE>Minkaman ri&amp;sunchik.</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
  </TIER>
  <TIER TIER_ID="tx@Juan" LINGUISTIC_TYPE_REF="transcription" PARTICIPANT="Juan Mamani" LANG_REF="que">
    <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a2" TIME_SLOT_REF1="ts3" TIME_SLOT_REF2="ts4">
      <ANNOTATION_VALUE>Arí,   allinmi.</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
  </TIER>
  <TIER TIER_ID="ft@Rosa" LINGUISTIC_TYPE_REF="traduccion" PARENT_REF="tx@Rosa" LANG_REF="spa">
    <ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a5" ANNOTATION_REF="a3">
      <ANNOTATION_VALUE>Vamos a la minga.</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>
    <ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a4" ANNOTATION_REF="a1">
      <ANNOTATION_VALUE>Buenos días, hermano.</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>
  </TIER>
  <TIER TIER_ID="notas" LINGUISTIC_TYPE_REF="comentario" PARENT_REF="ft@Rosa">
    <ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a6" ANNOTATION_REF="a5">
      <ANNOTATION_VALUE>risas</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>
  </TIER>
  <LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="transcription" TIME_ALIGNABLE="true"/>
  <LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="traduccion" TIME_ALIGNABLE="false" CONSTRAINTS="Symbolic_Association" CONTROLLED_VOCABULARY="cv-trad"/>
  <LANGUAGE LANG_ID="que" LANG_DEF="http://cdb.iso.org/lg/CDB-00138572-001" LANG_LABEL="Quechua"/>
  <LANGUAGE LANG_ID="spa" LANG_LABEL="Spanish (spa)"/>
</ANNOTATION_DOCUMENT>
"#;

#[test]
fn default_tiers_merge_speakers_in_time_order() {
    let d = docs(EAF.as_bytes(), &EafOptions::default());
    assert_eq!(d.len(), 1);
    // Speaker change -> paragraph; unvalued ts4 takes ts3's time; 9 s pause -> paragraph.
    assert_eq!(
        text(&d[0]),
        "Allin p'unchaw, wawqi.\n\nArí, allinmi.\n\nMinkaman ri&sunchik."
    );
    assert_eq!(d[0].record_id.as_deref(), Some("tx@Rosa+tx@Juan"));
    assert_eq!(d[0].meta["language"], "que");
    assert_eq!(
        d[0].meta["participants"],
        json!(["Rosa Quispe", "Juan Mamani"])
    );
    assert_eq!(d[0].meta["author"], "Equipo Runasimi");
    assert_eq!(d[0].date.as_deref(), Some("2021-05-03T10:00:00-05:00"));
    let tiers = d[0].meta["tiers"].as_array().unwrap();
    assert_eq!(tiers.len(), 4);
    assert_eq!(tiers[0]["annotator"], "JM");
    assert_eq!(tiers[2]["cv"], "cv-trad");
    assert_eq!(tiers[2]["in_text"], false);
}

#[test]
fn translation_tier_is_a_linked_document() {
    let opts = EafOptions {
        tiers: Some(vec!["TX@ROSA".into()]),
        translation_tiers: vec!["traduccion".into()],
        ..EafOptions::default()
    };
    let d = docs(EAF.as_bytes(), &opts);
    assert_eq!(d.len(), 2);
    assert_eq!(
        text(&d[0]),
        "Allin p'unchaw, wawqi.\n\nMinkaman ri&sunchik."
    );
    // REF_ANNOTATIONs take their parents' times: file order a5, a4 becomes time order a4, a5.
    assert_eq!(text(&d[1]), "Buenos días, hermano.\n\nVamos a la minga.");
    assert_eq!(d[1].meta["language"], "spa");
    assert_eq!(d[1].meta["translation_of"]["record_id"], "tx@Rosa");
    assert_eq!(d[0].meta["translations"][0]["record_id"], "ft@Rosa");
    let at = EAF.find("<TIER TIER_ID=\"ft@Rosa\"").unwrap() as u64;
    assert_eq!(d[1].offset, at);
    let tier_xml = &EAF[at as usize..(at + d[1].length) as usize];
    assert!(tier_xml.ends_with("</TIER>"), "{tier_xml}");
}

#[test]
fn hostile_and_wrong_files_are_skips() {
    let skip_of = |bytes: &[u8]| match &eaf_items(bytes, &EafOptions::default())[..] {
        [SourceItem::Skip(s)] => s.reason,
        other => panic!("{other:?}"),
    };
    assert_eq!(skip_of(b"<TEI><text/></TEI>"), SkipReason::NotEaf);
    assert_eq!(skip_of(b"<ANNOTATION_DOCUMENT><TIER>"), SkipReason::BadXml);
    assert_eq!(skip_of(b"<ANNOTATION_DOCUMENT></TIER>"), SkipReason::BadXml);
    let deep = format!("<ANNOTATION_DOCUMENT>{}", "<a>".repeat(100));
    assert_eq!(skip_of(deep.as_bytes()), SkipReason::XmlTooDeep);
    let bomb = "<!DOCTYPE d [<!ENTITY a \"aaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>\
        <ANNOTATION_DOCUMENT><TIER TIER_ID=\"t\"><ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID=\"x\">\
        <ANNOTATION_VALUE>&b;</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION></TIER></ANNOTATION_DOCUMENT>";
    // Declared entities are never expanded: the reference stays as written.
    let d = docs(bomb.as_bytes(), &EafOptions::default());
    assert_eq!(text(&d[0]), "&b;");
    // Circular references and a missing parent do not hang or drop the annotation.
    let cyc = "<ANNOTATION_DOCUMENT><TIER TIER_ID=\"t\"><ANNOTATION><REF_ANNOTATION ANNOTATION_ID=\"x\" ANNOTATION_REF=\"y\"><ANNOTATION_VALUE>uno</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>\
        <ANNOTATION><REF_ANNOTATION ANNOTATION_ID=\"y\" ANNOTATION_REF=\"x\"><ANNOTATION_VALUE>dos</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION></TIER></ANNOTATION_DOCUMENT>";
    assert_eq!(
        text(&docs(cyc.as_bytes(), &EafOptions::default())[0]),
        "uno\ndos"
    );
    let opts = EafOptions {
        tiers: Some(vec!["nada".into()]),
        ..EafOptions::default()
    };
    match &eaf_items(EAF.as_bytes(), &opts)[..] {
        [SourceItem::Skip(s)] => {
            assert_eq!(s.reason, SkipReason::NoText);
            assert!(s.detail.contains("tx@Rosa (transcription)"), "{}", s.detail);
        }
        other => panic!("{other:?}"),
    }
}

/// A real field-methods file (see tests/fixtures/eaf/README.md).
#[test]
fn real_dzala_file() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/eaf/dzala-buddhism.eaf");
    let opts = EafOptions {
        tiers: Some(vec!["Dzala Sentence".into()]),
        translation_tiers: vec!["English Free Translation".into()],
        ..EafOptions::default()
    };
    let items = read_eaf(&path, &opts).unwrap();
    let d: Vec<&SourceDoc> = items
        .iter()
        .map(|i| match i {
            SourceItem::Doc(d) => d,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(d.len(), 2);
    let dz = text(d[0]);
    assert!(dz.starts_with("guru rinpoche ... ǝm níke-raŋ"), "{dz}");
    assert!(!dz.contains("Guru Rinpoche was born"));
    let en = text(d[1]);
    assert!(
        en.starts_with("Guru Rinpoche was born down in India south near Manali"),
        "{en}"
    );
    assert!(en.contains("So later Guru Rinpoche was invited"));
    assert_eq!(d[0].date.as_deref(), Some("2009-04-20T10:14:27-08:00"));
    assert_eq!(d[0].meta["tiers"].as_array().unwrap().len(), 7);
    assert_eq!(d[1].meta["translation_of"]["record_id"], "Dzala Sentence");
    // Every non-empty sentence annotation is in the text, none twice.
    let xml = std::fs::read_to_string(&path).unwrap();
    let sentences = xml.split("TIER_ID=\"Dzala IU\"").next().unwrap();
    let want = sentences.matches("<ANNOTATION_VALUE>").count()
        - sentences
            .matches("<ANNOTATION_VALUE></ANNOTATION_VALUE>")
            .count();
    assert_eq!(dz.lines().filter(|l| !l.is_empty()).count(), want);
}
