//! The end of one TEI document: its text and header become a [`SourceDoc`] (or a skip when the
//! entity budget was exceeded or no text is left), with the reader's findings in `meta`.

use serde_json::{Map, Value};

use super::{DocState, Parser};
use crate::sources::doc_decode::fix_c1_controls;
use crate::sources::{skip, Body, SkipReason, SourceDoc, SourceItem};

impl Parser<'_> {
    pub(super) fn close_doc(&mut self, end: u64) {
        let Some(mut doc) = self.doc.take() else {
            return;
        };
        let (offset, length) = if self.in_corpus {
            (doc.start, end.saturating_sub(doc.start))
        } else {
            (0, self.file_len)
        };
        if doc.over_budget > 0 {
            let detail = format!(
                "{} entity references over the {} byte expansion budget",
                doc.over_budget, self.opts.max_entity_expansion
            );
            self.items
                .push(skip(offset, SkipReason::XmlEntities, detail));
            return;
        }
        if let Some(corpus) = &self.corpus_header {
            doc.header.inherit(corpus);
        }
        let mut text = std::mem::take(&mut doc.sink.out);
        if text.is_empty() {
            let detail = "the <text> element holds no text".to_string();
            self.items.push(skip(offset, SkipReason::NoText, detail));
            return;
        }
        let c1_fixed = fix_c1_controls(&mut text);
        let meta = self.doc_meta(&doc, c1_fixed);
        self.items.push(SourceItem::Doc(SourceDoc {
            offset,
            length,
            url: None,
            record_id: doc.header.idno.clone(),
            date: None,
            payload_digest: None,
            content_type: "tei",
            title: doc.header.title.clone(),
            body: Body::Text(text),
            meta,
            licence: doc.header.licence(),
            country: doc.header.country_code(),
        }));
    }

    fn doc_meta(&self, doc: &DocState, c1_fixed: u64) -> Map<String, Value> {
        let mut meta = Map::new();
        doc.header.write_meta(&mut meta);
        if let Some(lang) = doc.lang.clone().filter(|_| !meta.contains_key("language")) {
            meta.insert("language".into(), Value::String(lang));
        }
        if self.choice.how != "utf-8" && self.choice.how != "bom" {
            let name = self.choice.encoding.name().to_ascii_lowercase();
            meta.insert("encoding".into(), Value::String(name));
            meta.insert(
                "encoding_from".into(),
                Value::String(self.choice.how.into()),
            );
        }
        let mut count = |key: &str, n: u64| {
            if n > 0 {
                meta.insert(key.into(), Value::from(n));
            }
        };
        count("xml_unresolved_entities", doc.unresolved);
        count("c1_controls_fixed", c1_fixed);
        meta
    }
}
