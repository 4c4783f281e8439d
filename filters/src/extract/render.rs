//! Text output of the selected subtrees: boilerplate inside them is pruned, blocks become
//! paragraphs separated by a blank line, list items and table rows become lines (cells joined by
//! ` | `), `<br>` a line break, and `<pre>` keeps its whitespace.

use super::dom::{Dom, ARIA_HIDDEN, PRE};
use super::stats::Stat;
use super::tags::Tag;
use super::ExtractOptions;

const LINE: u8 = 1;
const PARA: u8 = 2;

/// Collects text with at most one pending break between pieces.
#[derive(Default)]
pub struct Sink {
    out: String,
    pending: u8,
    /// The last short heading-like block: (node, output length before it, after it).
    heading: Option<(u32, usize, usize)>,
}

impl Sink {
    fn brk(&mut self, kind: u8) {
        self.pending = self.pending.max(kind);
    }

    fn at_line_start(&self) -> bool {
        self.pending > 0 || self.out.is_empty() || self.out.ends_with('\n')
    }

    /// Separates table cells laid out on one line.
    fn cell_separator(&mut self) {
        if !self.at_line_start() {
            self.text(" | ", false);
        }
    }

    fn text(&mut self, t: &str, pre: bool) {
        let t = if pre {
            t
        } else if self.at_line_start() || self.out.ends_with(' ') {
            t.trim_start()
        } else {
            t
        };
        if t.is_empty() {
            return;
        }
        if self.pending > 0 && !self.out.is_empty() {
            let keep = self.out.trim_end_matches([' ', '\t']).len();
            self.out.truncate(keep);
            // An open heading that began inside the trimmed spaces begins where they were cut:
            // its recorded start must stay a char boundary of what is written next.
            if let Some((_, start, _)) = &mut self.heading {
                *start = (*start).min(keep);
            }
            self.out
                .push_str(if self.pending == PARA { "\n\n" } else { "\n" });
        }
        self.pending = 0;
        self.out.push_str(t);
    }

    /// A heading directly followed by a pruned list of links or a boilerplate box ("Mehr zum
    /// Thema", "Noticias relacionadas") titles that box: it goes with it.
    fn drop_orphan_heading(&mut self, dom: &Dom, st: &[Stat], pruned: u32) {
        let Some((h, start, end)) = self.heading else {
            return;
        };
        let (hn, pn) = (&dom.nodes[h as usize], &dom.nodes[pruned as usize]);
        let box_like = st[pruned as usize].text >= 30 && pn.tag.is_block();
        if hn.parent == pn.parent && end == self.out.len() && box_like {
            self.out.truncate(start);
            self.pending = PARA;
            self.heading = None;
        }
    }

    pub fn finish(mut self) -> String {
        let keep = self.out.trim_end().len();
        self.out.truncate(keep);
        self.out
    }
}

/// Whether a subtree inside the selection is boilerplate to leave out.
pub(crate) fn prune(
    dom: &Dom,
    st: &[Stat],
    id: u32,
    root_text: u32,
    opts: &ExtractOptions,
) -> bool {
    let node = &dom.nodes[id as usize];
    let s = &st[id as usize];
    // A block holding most of the selection is the content, whatever its name says.
    let dominant = s.text as f32 >= 0.6 * root_text as f32 && s.text >= 200;
    match node.tag {
        Tag::Nav => return true,
        Tag::Aside | Tag::Footer | Tag::Noscript | Tag::Figcaption if !dominant => return true,
        Tag::Table if !opts.include_tables => return true,
        _ => {}
    }
    if dominant || std::env::var_os("NOPRUNE").is_some() {
        return false;
    }
    if node.hint.is_boilerplate() || node.flags & ARIA_HIDDEN != 0 {
        return true;
    }
    // Links inside a paragraph are content; link-dense blocks are menus and link lists.
    node.tag.is_block() && s.text > 0 && s.link_density() > 0.4
}

/// Ad labels and share prompts that stand alone as a block, in several languages.
const LABELS: &[&str] = &[
    "anzeige",
    "werbung",
    "reklama",
    "publicidad",
    "publicidade",
    "publicité",
    "advertisement",
    "sponsored",
    "patrocinado",
    "gesponsert",
    "share",
    "teilen",
    "compartir",
    "compartilhe",
    "partager",
    "diesen artikel teilen",
    "artikel teilen",
    "share this",
    "share this article",
    "compartir en",
    "comparte esta noticia",
    "compartilhe esta notícia",
];

/// Whether a short block is only an ad label or a share prompt.
fn is_label(dom: &Dom, st: &[Stat], id: u32) -> bool {
    let s = &st[id as usize];
    if s.text == 0 || s.text > 40 || s.blocks > 0 {
        return false;
    }
    let mut text = String::new();
    let mut stack = vec![id];
    while let Some(n) = stack.pop() {
        let node = &dom.nodes[n as usize];
        if node.is_text() {
            text.push_str(dom.text_of(node));
        }
        stack.extend(dom.children(n));
    }
    let t = text
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    LABELS.contains(&t.as_str())
}

/// Blocks that title what follows them: headings and short lines without sentence punctuation.
fn is_heading_like(st: &Stat, tag: Tag) -> bool {
    tag.is_heading() || (tag.is_block() && st.blocks == 0 && st.text <= 60 && st.own_punct == 0)
}

/// Cells with short inline text are laid out on one line; layout cells holding blocks are blocks.
fn is_inline_cell(st: &Stat) -> bool {
    st.blocks == 0 && st.text <= 300
}

fn break_kind(tag: Tag) -> u8 {
    match tag {
        Tag::Li | Tag::Tr | Tag::Dt | Tag::Dd | Tag::Br | Tag::Option => LINE,
        _ => PARA,
    }
}

/// Output (bytes) above which a heading is no longer the title of the text.
const TITLE_ZONE: usize = 200;

/// Appends the text of `root` to `sink`, walking without recursion.
pub fn render(dom: &Dom, st: &[Stat], root: u32, opts: &ExtractOptions, sink: &mut Sink) {
    let root_text = st[root as usize].text;
    // (node, leaving)
    let mut stack: Vec<(u32, bool)> = vec![(root, false)];
    while let Some((id, leaving)) = stack.pop() {
        let node = &dom.nodes[id as usize];
        if node.is_text() {
            sink.text(dom.text_of(node), node.flags & PRE != 0);
            continue;
        }
        let tag = node.tag;
        let cell = tag.is_cell() && is_inline_cell(&st[id as usize]);
        if leaving {
            if tag.is_block() && !cell {
                sink.brk(break_kind(tag));
            }
            if let Some((h, start, _)) = sink.heading {
                if h == id {
                    sink.heading = Some((h, start, sink.out.len()));
                }
            }
            continue;
        }
        // The title at the top of the text is often a link to the article itself.
        let title = matches!(tag, Tag::H1 | Tag::H2)
            && sink.out.len() < TITLE_ZONE
            && !node.hint.is_boilerplate();
        if id != root && !title && (prune(dom, st, id, root_text, opts) || is_label(dom, st, id)) {
            sink.drop_orphan_heading(dom, st, id);
            continue;
        }
        if tag.is_block() && is_heading_like(&st[id as usize], tag) {
            sink.heading = Some((id, sink.out.len(), usize::MAX));
        }
        match tag {
            Tag::Br => {
                sink.brk(LINE);
                continue;
            }
            Tag::Hr => {
                sink.brk(PARA);
                continue;
            }
            _ if cell => sink.cell_separator(),
            _ if tag.is_block() => sink.brk(break_kind(tag)),
            _ => {}
        }
        stack.push((id, true));
        let first = stack.len();
        stack.extend(dom.children(id).map(|c| (c, false)));
        stack[first..].reverse();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sink_breaks_and_spaces() {
        let mut s = Sink::default();
        s.text(" Hola ", false);
        s.text(" mundo", false);
        s.brk(LINE);
        s.brk(PARA);
        s.text("  Chau", false);
        s.brk(LINE);
        s.text("x\n  y", true);
        assert_eq!(s.finish(), "Hola mundo\n\nChau\nx\n  y");
    }
}
