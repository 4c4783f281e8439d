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
}

impl Sink {
    fn brk(&mut self, kind: u8) {
        self.pending = self.pending.max(kind);
    }

    fn at_line_start(&self) -> bool {
        self.pending > 0 || self.out.is_empty() || self.out.ends_with('\n')
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
            self.out
                .push_str(if self.pending == PARA { "\n\n" } else { "\n" });
        }
        self.pending = 0;
        self.out.push_str(t);
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
    node.tag.is_block() && s.text > 0 && s.link_density() > 0.5
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
            continue;
        }
        if id != root && prune(dom, st, id, root_text, opts) {
            continue;
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
            _ if cell => {
                if !sink.at_line_start() {
                    sink.text(" | ", false);
                }
            }
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
