//! TEI P5 XML reader: one `<TEI>` element -> one document (a `<teiCorpus>` gives one per `<TEI>`).
//!
//! The file is streamed through quick-xml, never built into a tree: memory is the open-element
//! stack (capped by [`TeiOptions::max_depth`]) plus the document's own text. The header becomes
//! metadata ([`header`]); the `<text>` becomes plain text with `\n\n` between blocks
//! (`<p>`, `<head>`, `<lg>`, `<sp>`, block-level `<said>`...) and `\n` between verse lines.
//! Front and back matter, notes, forme work and editorial alternatives (`<sic>` in a `<choice>`)
//! stay out of the text. DTD entities are never expanded beyond plain literals within a budget
//! ([`super::xml_entities`]), so an entity bomb is rejected, not inflated.

pub mod header;
pub(crate) mod text;

use crate::sources::{skip, SkipReason};
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use serde_json::Value;

use super::doc_decode::{choose_encoding, xml_declared_encoding, Choice, DecodingReader, Utf8Scan};
use super::error::SourceError;
use super::xml_entities::{EntityTable, Unresolved};
use super::SourceItem;
use header::{HeaderCollector, TeiHeader};
use text::{TextSink, LINE, PARA, SPACE};

/// Settings of the TEI reader.
#[derive(Debug, Clone, PartialEq)]
pub struct TeiOptions {
    /// Larger files are skipped as `ingest.record_too_large` without being parsed (default 256 MiB).
    pub max_bytes: u64,
    /// Deeper element nesting is skipped as `ingest.xml_too_deep` (default 10,000).
    pub max_depth: usize,
    /// Bytes that declared entities may add to one file (default 1 MiB).
    pub max_entity_expansion: usize,
    /// Keep `<front>` (title pages, prefaces, dedications) in the text (default false).
    pub keep_front: bool,
    /// Keep `<back>` (appendices, trailers) in the text (default false).
    pub keep_back: bool,
    /// Keep `<note>` text (default false: notes interrupt the prose they annotate).
    pub keep_notes: bool,
}

impl Default for TeiOptions {
    fn default() -> Self {
        TeiOptions {
            max_bytes: 256 << 20,
            max_depth: 10_000,
            max_entity_expansion: 1 << 20,
            keep_front: false,
            keep_back: false,
            keep_notes: false,
        }
    }
}

/// Reads one TEI file. Bad content gives [`SourceItem::Skip`]s (`ingest.bad_xml`,
/// `ingest.xml_entities`, `ingest.xml_too_deep`, `ingest.undecodable`, `ingest.record_too_large`,
/// `ingest.not_tei`, `ingest.no_text`); only I/O failures are errors. An empty file gives no items.
pub fn read_tei(path: &Path, opts: &TeiOptions) -> Result<Vec<SourceItem>, SourceError> {
    let io = |e| SourceError::io(path, e);
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size == 0 {
        return Ok(Vec::new());
    }
    if size > opts.max_bytes {
        let detail = format!("{size} bytes, over the {} byte limit", opts.max_bytes);
        return Ok(vec![skip(0, SkipReason::RecordTooLarge, detail)]);
    }
    let mut file = File::open(path).map_err(io)?;
    let mut head = Vec::with_capacity(1024);
    let mut scan = Utf8Scan::default();
    let mut chunk = vec![0; 64 * 1024];
    loop {
        let n = file.read(&mut chunk).map_err(io)?;
        if n == 0 {
            break;
        }
        if head.len() < 1024 {
            let take = n.min(1024 - head.len());
            head.extend_from_slice(&chunk[..take]);
        }
        scan.feed(&chunk[..n]);
    }
    let stats = scan.finish();
    if stats.is_garbage() {
        let detail = format!(
            "{:.1}% of bytes are control characters: binary data, not text",
            stats.garbage_ratio() * 100.0
        );
        return Ok(vec![skip(0, SkipReason::Undecodable, detail)]);
    }
    let choice = choose_encoding(&head, xml_declared_encoding(&head).as_deref(), &stats);
    file.seek(SeekFrom::Start(choice.bom_len as u64))
        .map_err(io)?;
    let decoded = DecodingReader::new(file, choice.encoding);
    let mut reader = Reader::from_reader(BufReader::with_capacity(64 * 1024, decoded));
    let config = reader.config_mut();
    config.allow_dangling_amp = true;
    config.check_end_names = true;
    let parser = Parser::new(opts, size, choice);
    parser.run(&mut reader).map_err(io)
}

/// What an open element means for the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    Other,
    Corpus,
    Tei,
    Header,
    TextRoot,
    /// Content left out of the text (notes, front matter ...).
    Skip,
    /// Starts and ends a paragraph, holds other blocks (`<div>`, `<lg>`, block `<said>`).
    Block,
    /// A paragraph of inline content (`<p>`, `<head>`, `<ab>`).
    Para,
    /// One line of a group (`<l>`, `<item>`, `<row>`).
    Line,
    /// A table cell: separated from its neighbours by a space.
    Cell,
    Choice,
}

/// The document being read.
#[derive(Debug, Default)]
struct DocState {
    start: u64,
    header: TeiHeader,
    lang: Option<String>,
    sink: TextSink,
    text_depth: usize,
    para_depth: usize,
    skipping: bool,
    unresolved: u64,
    over_budget: u64,
}

impl DocState {
    fn collecting(&self) -> bool {
        self.text_depth > 0 && !self.skipping
    }
}

struct Parser<'o> {
    opts: &'o TeiOptions,
    file_len: u64,
    choice: Choice,
    stack: Vec<Frame>,
    entities: EntityTable,
    budget: usize,
    corpus_header: Option<TeiHeader>,
    in_corpus: bool,
    header: Option<HeaderCollector>,
    doc: Option<DocState>,
    saw_tei: bool,
    items: Vec<SourceItem>,
}

/// How the event loop ends early.
enum Stop {
    Skip(u64, SkipReason, String),
}

impl<'o> Parser<'o> {
    fn new(opts: &'o TeiOptions, file_len: u64, choice: Choice) -> Self {
        Parser {
            opts,
            file_len,
            choice,
            stack: Vec::new(),
            entities: EntityTable::default(),
            budget: opts.max_entity_expansion,
            corpus_header: None,
            in_corpus: false,
            header: None,
            doc: None,
            saw_tei: false,
            items: Vec::new(),
        }
    }

    fn run(
        mut self,
        reader: &mut Reader<BufReader<DecodingReader<File>>>,
    ) -> std::io::Result<Vec<SourceItem>> {
        let bom = self.choice.bom_len as u64;
        let mut buf = Vec::new();
        let outcome = loop {
            buf.clear();
            let before = reader.buffer_position() + bom;
            let event = match reader.read_event_into(&mut buf) {
                Ok(event) => event,
                Err(quick_xml::Error::Io(e)) => {
                    return Err(std::io::Error::new(e.kind(), e.to_string()))
                }
                Err(e) => {
                    let at = reader.error_position() + bom;
                    break Err(Stop::Skip(at, SkipReason::BadXml, e.to_string()));
                }
            };
            let after = reader.buffer_position() + bom;
            let step = match event {
                Event::Start(e) => self.start(&e, before, false),
                Event::Empty(e) => self.start(&e, before, true),
                Event::End(_) => {
                    self.end(after);
                    Ok(())
                }
                Event::Text(t) => {
                    self.text(&String::from_utf8_lossy(&t));
                    Ok(())
                }
                Event::CData(t) => {
                    self.text(&String::from_utf8_lossy(&t));
                    Ok(())
                }
                Event::GeneralRef(r) => {
                    self.reference(&String::from_utf8_lossy(&r));
                    Ok(())
                }
                Event::DocType(t) => self.doctype(&String::from_utf8_lossy(&t), before),
                Event::Eof => break Ok(()),
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) => Ok(()),
            };
            if let Err(stop) = step {
                break Err(stop);
            }
        };
        let replaced = reader.get_ref().get_ref().replaced();
        Ok(self.finish(outcome, replaced))
    }

    fn finish(mut self, outcome: Result<(), Stop>, replaced: u64) -> Vec<SourceItem> {
        let outcome = outcome.and_then(|()| match self.stack.len() {
            0 => Ok(()),
            n => Err(Stop::Skip(
                self.file_len,
                SkipReason::BadXml,
                format!("file ends with {n} elements still open"),
            )),
        });
        if let Err(Stop::Skip(at, reason, detail)) = outcome {
            // A document cut short by the error is skipped as a whole; earlier ones are kept.
            self.items.push(skip(at, reason, detail));
        } else if !self.saw_tei {
            let detail = "no <TEI> or <teiCorpus> element".to_string();
            self.items.push(skip(0, SkipReason::NotTei, detail));
        }
        if replaced > 0 {
            for item in &mut self.items {
                if let SourceItem::Doc(doc) = item {
                    doc.meta
                        .insert("replaced_chars".into(), Value::from(replaced));
                }
            }
        }
        self.items
    }

    fn start(&mut self, e: &BytesStart, pos: u64, empty: bool) -> Result<(), Stop> {
        if self.stack.len() >= self.opts.max_depth {
            let detail = format!("elements nested deeper than {}", self.opts.max_depth);
            return Err(Stop::Skip(pos, SkipReason::XmlTooDeep, detail));
        }
        let local = e.local_name();
        let name = String::from_utf8_lossy(local.as_ref());
        let frame = self.classify(&name);
        if let Some(h) = self.header.as_mut() {
            h.start(&name, &|k| attribute(e, k));
            if empty {
                h.end();
            } else {
                self.stack.push(Frame::Other);
            }
            return Ok(());
        }
        if empty {
            if name == "lb" {
                self.brk(LINE);
            } else if matches!(frame, Frame::Block | Frame::Para) {
                self.brk(PARA);
            }
            return Ok(());
        }
        self.open(frame, pos, e);
        self.stack.push(frame);
        Ok(())
    }

    fn classify(&self, name: &str) -> Frame {
        let Some(doc) = self.doc.as_ref() else {
            return match name {
                "teiCorpus" => Frame::Corpus,
                "TEI" => Frame::Tei,
                "teiHeader" if self.in_corpus => Frame::Header,
                _ => Frame::Other,
            };
        };
        if self.header.is_some() || doc.skipping {
            return Frame::Other;
        }
        match name {
            "teiHeader" => return Frame::Header,
            "text" => return Frame::TextRoot,
            _ if doc.text_depth == 0 => return Frame::Other,
            _ => {}
        }
        let inline = doc.para_depth > 0;
        let o = self.opts;
        match name {
            "note" if !o.keep_notes => Frame::Skip,
            "note" => Frame::Cell,
            "front" if !o.keep_front => Frame::Skip,
            "back" if !o.keep_back => Frame::Skip,
            "fw" | "figDesc" | "del" | "rdg" | "interpGrp" | "spanGrp" | "metamark" => Frame::Skip,
            "sic" | "orig" | "abbr" if self.stack.last() == Some(&Frame::Choice) => Frame::Skip,
            "choice" => Frame::Choice,
            "p" | "head" | "ab" | "speaker" | "trailer" | "dateline" | "salute" | "signed"
            | "byline" | "docAuthor" | "docImprint" | "docDate" | "titlePart" | "stage"
            | "label" => Frame::Para,
            "l" | "item" | "row" | "castItem" => Frame::Line,
            "cell" => Frame::Cell,
            "lg" | "said" | "quote" | "q" | "cit" | "epigraph" if inline => Frame::Other,
            "lg" | "said" | "quote" | "q" | "cit" | "epigraph" | "div" | "div1" | "div2"
            | "div3" | "div4" | "div5" | "div6" | "div7" | "body" | "group" | "floatingText"
            | "sp" | "list" | "table" | "closer" | "opener" | "argument" | "castList"
            | "castGroup" | "figure" | "postscript" | "titlePage" | "docTitle" => Frame::Block,
            _ => Frame::Other,
        }
    }

    fn open(&mut self, frame: Frame, pos: u64, e: &BytesStart) {
        match frame {
            Frame::Corpus => self.in_corpus = true,
            Frame::Tei => {
                self.saw_tei = true;
                self.doc = Some(DocState {
                    start: pos,
                    lang: attribute(e, "lang"),
                    ..DocState::default()
                });
            }
            Frame::Header => self.header = Some(HeaderCollector::default()),
            Frame::TextRoot => {
                self.brk(PARA);
                if let Some(d) = self.doc.as_mut() {
                    d.text_depth += 1;
                }
            }
            Frame::Skip => {
                if let Some(d) = self.doc.as_mut() {
                    d.skipping = true;
                }
            }
            Frame::Block => self.brk(PARA),
            Frame::Para | Frame::Line => {
                self.brk(if frame == Frame::Para { PARA } else { LINE });
                if let Some(d) = self.doc.as_mut() {
                    d.para_depth += 1;
                }
            }
            Frame::Cell => self.brk(SPACE),
            Frame::Other | Frame::Choice => {}
        }
    }

    fn end(&mut self, pos: u64) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        if frame == Frame::Header {
            let header = self
                .header
                .take()
                .map(|h| h.into_header())
                .unwrap_or_default();
            match self.doc.as_mut() {
                Some(doc) => doc.header = header,
                None => self.corpus_header = Some(header),
            }
            return;
        }
        if let Some(h) = self.header.as_mut() {
            h.end();
            return;
        }
        match frame {
            Frame::Tei => self.close_doc(pos),
            Frame::Corpus => self.in_corpus = false,
            Frame::TextRoot => {
                self.brk(PARA);
                if let Some(d) = self.doc.as_mut() {
                    d.text_depth -= 1;
                }
            }
            Frame::Skip => {
                if let Some(d) = self.doc.as_mut() {
                    d.skipping = false;
                }
            }
            Frame::Block => self.brk(PARA),
            Frame::Para | Frame::Line => {
                self.brk(if frame == Frame::Para { PARA } else { LINE });
                if let Some(d) = self.doc.as_mut() {
                    d.para_depth -= 1;
                }
            }
            Frame::Cell => self.brk(SPACE),
            Frame::Other | Frame::Choice | Frame::Header => {}
        }
    }

    fn brk(&mut self, level: u8) {
        if let Some(d) = self.doc.as_mut().filter(|d| d.collecting()) {
            d.sink.brk(level);
        }
    }

    fn text(&mut self, s: &str) {
        if let Some(h) = self.header.as_mut() {
            h.text(s);
        } else if let Some(d) = self.doc.as_mut().filter(|d| d.collecting()) {
            d.sink.push(s);
        }
    }

    fn reference(&mut self, name: &str) {
        match self.entities.resolve(name, &mut self.budget) {
            Ok(value) => self.text(&value),
            Err(why) => {
                if let Some(d) = self.doc.as_mut() {
                    match why {
                        Unresolved::Unknown => d.unresolved += 1,
                        Unresolved::OverBudget => d.over_budget += 1,
                    }
                }
            }
        }
    }

    fn doctype(&mut self, content: &str, pos: u64) -> Result<(), Stop> {
        self.entities = EntityTable::from_doctype(content);
        if self.entities.has_nested() {
            let detail = format!(
                "DOCTYPE declares entities that expand other entities ({}); not expanded",
                self.entities.nested.join(", ")
            );
            return Err(Stop::Skip(pos, SkipReason::XmlEntities, detail));
        }
        Ok(())
    }
}

/// The value of the attribute whose local name is `key` (`lang` finds `xml:lang`).
fn attribute(e: &BytesStart, key: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key.as_bytes())
        .map(|a| match a.unescape_value() {
            Ok(v) => v.into_owned(),
            Err(_) => String::from_utf8_lossy(&a.value).into_owned(),
        })
}

mod doc;

#[cfg(test)]
mod tests;
