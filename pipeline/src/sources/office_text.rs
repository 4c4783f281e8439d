//! Markup to text for the zip-based formats (DOCX, ODT, EPUB XHTML): one streaming walk whose
//! element roles come from the format ([`Role`]), with notes collected apart from the text.
//!
//! Paragraphs are separated by a blank line, line breaks and table rows by a newline, table cells
//! by ` | `. Only the five XML entities and character references are decoded (plus a few HTML
//! ones EPUB XHTML uses without declaring them); no DTD entity is expanded.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::tei::text::{TextSink, LINE, PARA, SPACE};
use super::SkipReason;

/// Deepest element nesting accepted.
pub const MAX_DEPTH: usize = 256;

/// What an element means for the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A paragraph (in a table cell: a space).
    Para,
    /// A heading paragraph: its text is also listed in `headings`.
    Heading,
    /// A block that holds paragraphs (lists, sections): paragraph breaks around it.
    Block,
    Row,
    Cell,
    /// A line break inside a paragraph.
    Break,
    /// A tab or explicit space.
    Space,
    /// Content left out (deleted text, field codes, comments, scripts).
    Skip,
    /// A footnote (`true`) or endnote (`false`): its text goes to the notes.
    Note(bool),
    /// An element whose text is kept (DOCX `w:t`); only used when text is restricted.
    TextRun,
    Other,
}

/// Text, headings and notes of one part.
#[derive(Debug, Default)]
pub struct Extracted {
    pub text: String,
    pub headings: Vec<String>,
    pub footnotes: Vec<String>,
    pub endnotes: Vec<String>,
}

/// How a format names its elements.
pub trait Rules {
    /// The role of an element (by its local name and attributes).
    fn role(&self, local: &str, e: &BytesStart) -> Role;
    /// Text counts only inside [`Role::TextRun`] elements (DOCX), not anywhere in a paragraph.
    fn text_in_runs_only(&self) -> bool {
        false
    }
    /// Marks the open paragraph as a heading from a child element (DOCX `w:pStyle`).
    fn heading_hint(&self, _local: &str, _e: &BytesStart) -> bool {
        false
    }
}

type Fail = (SkipReason, String);

#[derive(Default)]
struct Walk {
    main: TextSink,
    note: Option<(bool, TextSink)>,
    stack: Vec<Role>,
    skip_depth: usize,
    run_depth: usize,
    cell_depth: usize,
    cells_in_row: Vec<usize>,
    heading: Option<TextSink>,
    heading_pending: bool,
    out: Extracted,
}

impl Walk {
    fn sink(&mut self) -> &mut TextSink {
        match self.note.as_mut() {
            Some((_, s)) => s,
            None => &mut self.main,
        }
    }

    fn brk(&mut self, level: u8) {
        let level = if self.cell_depth > 0 && level >= LINE && self.note.is_none() {
            SPACE
        } else {
            level
        };
        self.sink().brk(level);
        if let Some(h) = self.heading.as_mut() {
            h.brk(SPACE);
        }
    }

    fn text(&mut self, s: &str, runs_only: bool) {
        if self.skip_depth > 0 || (runs_only && self.run_depth == 0) {
            return;
        }
        self.sink().push(s);
        if let Some(h) = self.heading.as_mut() {
            h.push(s);
        }
    }

    fn open(&mut self, role: Role) {
        // Inside left-out content only the nesting of further left-out elements matters.
        if self.skip_depth > 0 && role != Role::Skip {
            return;
        }
        match role {
            Role::Skip => self.skip_depth += 1,
            Role::TextRun => self.run_depth += 1,
            Role::Para | Role::Block => self.brk(PARA),
            Role::Heading => {
                self.brk(PARA);
                self.heading = Some(TextSink::default());
            }
            Role::Row => {
                self.brk(LINE);
                self.cells_in_row.push(0);
            }
            Role::Cell => {
                let n = self.cells_in_row.last().copied().unwrap_or(0);
                if n > 0 {
                    self.sink().brk(SPACE);
                    self.sink().push("|");
                    self.sink().brk(SPACE);
                }
                if let Some(c) = self.cells_in_row.last_mut() {
                    *c += 1;
                }
                self.cell_depth += 1;
            }
            Role::Note(foot) if self.note.is_none() => {
                self.note = Some((foot, TextSink::default()))
            }
            Role::Break => self.brk(LINE),
            Role::Space => self.brk(SPACE),
            _ => {}
        }
    }

    fn close(&mut self, role: Role) {
        if self.skip_depth > 0 && role != Role::Skip {
            return;
        }
        match role {
            Role::Skip => self.skip_depth -= 1,
            Role::TextRun => self.run_depth -= 1,
            Role::Para | Role::Block => self.brk(PARA),
            Role::Heading => {
                self.heading_pending = false;
                if let Some(h) = self.heading.take().filter(|h| !h.out.is_empty()) {
                    self.out.headings.push(h.out);
                }
                self.brk(PARA);
            }
            Role::Row => {
                self.cells_in_row.pop();
                self.brk(LINE);
            }
            Role::Cell => self.cell_depth -= 1,
            Role::Note(_) => {
                let nested = self.stack.iter().any(|r| matches!(r, Role::Note(_)));
                if !nested {
                    if let Some((foot, sink)) = self.note.take().filter(|(_, s)| !s.out.is_empty())
                    {
                        let list = if foot {
                            &mut self.out.footnotes
                        } else {
                            &mut self.out.endnotes
                        };
                        list.push(sink.out);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Walks one XML part. A part that does not parse, or nests too deep, is an error (the caller
/// skips the document).
pub fn extract(xml: &[u8], rules: &dyn Rules) -> Result<Extracted, Fail> {
    let xml = xml.strip_prefix(b"\xef\xbb\xbf").unwrap_or(xml);
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().check_end_names = true;
    let runs_only = rules.text_in_runs_only();
    let mut w = Walk::default();
    loop {
        let event = reader.read_event().map_err(|e| {
            let at = reader.error_position();
            (SkipReason::BadXml, format!("at byte {at}: {e}"))
        })?;
        match event {
            Event::Start(e) | Event::Empty(e) if w.stack.len() >= MAX_DEPTH => {
                let _ = e;
                return Err((
                    SkipReason::XmlTooDeep,
                    format!("nested deeper than {MAX_DEPTH}"),
                ));
            }
            Event::Start(e) => {
                let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                let role = role_of(rules, &local, &e, &mut w);
                w.open(role);
                w.stack.push(role);
            }
            Event::Empty(e) => {
                let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                let role = role_of(rules, &local, &e, &mut w);
                if matches!(role, Role::Break | Role::Space | Role::Para | Role::Block) {
                    w.open(role);
                }
            }
            Event::End(_) => {
                let role = w.stack.pop().unwrap_or(Role::Other);
                w.close(role);
            }
            Event::Text(t) => w.text(&String::from_utf8_lossy(&t), runs_only),
            Event::CData(t) => w.text(&String::from_utf8_lossy(&t), runs_only),
            Event::GeneralRef(r) => {
                let name = String::from_utf8_lossy(&r).into_owned();
                let s = entity(&name).map_or_else(|| format!("&{name};"), String::from);
                w.text(&s, runs_only);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !w.stack.is_empty() {
        let detail = format!("part ends with {} elements still open", w.stack.len());
        return Err((SkipReason::BadXml, detail));
    }
    w.out.text = std::mem::take(&mut w.main.out);
    Ok(w.out)
}

fn role_of(rules: &dyn Rules, local: &str, e: &BytesStart, w: &mut Walk) -> Role {
    let role = rules.role(local, e);
    if rules.heading_hint(local, e) && w.heading.is_none() && !w.heading_pending {
        // The open paragraph becomes a heading: start collecting its text from here.
        w.heading_pending = true;
        w.heading = Some(TextSink::default());
        if let Some(r) = w.stack.iter_mut().rev().find(|r| **r == Role::Para) {
            *r = Role::Heading;
        }
    }
    role
}

/// XML's five entities, character references and the HTML ones common in EPUBs.
fn entity(name: &str) -> Option<char> {
    if name.starts_with('#') {
        return super::xml_entities::numeric_reference(name);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "shy" => '\u{ad}',
        "mdash" => '—',
        "ndash" => '–',
        "hellip" => '…',
        "laquo" => '«',
        "raquo" => '»',
        "ldquo" => '“',
        "rdquo" => '”',
        "lsquo" => '‘',
        "rsquo" => '’',
        "iexcl" => '¡',
        "iquest" => '¿',
        "copy" => '©',
        _ => return None,
    })
}
