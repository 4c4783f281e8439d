//! A light DOM in one arena, built from the token stream without recursion.
//!
//! Nodes live in a `Vec` in document order, so a parent always precedes its children and every
//! later pass can walk the tree with plain loops. The builder applies the implied-end rules of
//! HTML that matter for text (`<p>` closed by a block, `<li>`, `<dt>/<dd>`, table rows and cells,
//! head content) and ignores end tags that close nothing. Open elements are capped at
//! `max_depth`: deeper start tags are counted but not nested, so memory and work stay linear in
//! the input however deep the markup goes. Invisible subtrees (scripts, styles, `<head>`,
//! `hidden`, `display:none` ...) are skipped while building: their text is never stored.

use super::entities;
use super::hints::{self, Hint};
use super::tags::{Tag, TAG_COUNT};
use super::tokenizer::{attrs, Token, Tokenizer};

pub const NONE: u32 = u32::MAX;

/// Node flags.
pub const TEXT: u8 = 1;
/// Text inside `<pre>`: whitespace is kept.
pub const PRE: u8 = 2;
/// `aria-hidden="true"`: usually icons and duplicated labels.
pub const ARIA_HIDDEN: u8 = 4;
/// `<a>` with an `href`: only those are links (`<a name>` anchors are often left unclosed).
pub const HREF: u8 = 8;

#[derive(Clone, Copy, Debug)]
pub struct Node {
    pub tag: Tag,
    pub flags: u8,
    pub hint: Hint,
    pub parent: u32,
    pub first_child: u32,
    pub last_child: u32,
    pub next_sibling: u32,
    /// Byte range in [`Dom::text`] (text nodes only).
    pub start: u32,
    pub end: u32,
}

impl Node {
    pub fn is_text(&self) -> bool {
        self.flags & TEXT != 0
    }
}

#[derive(Default)]
pub struct Dom {
    pub nodes: Vec<Node>,
    /// Text of all text nodes, references decoded, whitespace runs collapsed outside `<pre>`.
    pub text: String,
    pub title: Option<String>,
    pub og_title: Option<String>,
    /// Raw `application/ld+json` blocks (at most a few, for the article-body hint).
    pub ld_json: Vec<String>,
}

impl Dom {
    pub fn text_of(&self, n: &Node) -> &str {
        self.text
            .get(n.start as usize..n.end as usize)
            .unwrap_or("")
    }

    /// Children of `id`, in order.
    pub fn children(&self, id: u32) -> impl Iterator<Item = u32> + '_ {
        let mut c = self.nodes.get(id as usize).map_or(NONE, |n| n.first_child);
        std::iter::from_fn(move || {
            let cur = c;
            let node = self.nodes.get(cur as usize)?;
            c = node.next_sibling;
            Some(cur)
        })
    }
}

/// Limits on what the builder keeps from one page.
const MAX_LD_JSON: usize = 4;
const MAX_LD_JSON_BYTES: usize = 1 << 20;
/// How far implied closes look up the open elements.
const IMPLIED_SCAN: usize = 64;

struct Builder {
    dom: Dom,
    /// Open elements: (node id or NONE when not stored, tag).
    stack: Vec<(u32, Tag)>,
    open: [u32; TAG_COUNT],
    /// Start tags past `max_depth` that were not nested.
    overflow: u32,
    /// Open elements without a node: a hidden root and everything inside it.
    hidden_depth: u32,
    max_depth: usize,
    in_ld_json: bool,
    scratch: String,
}

pub fn build(html: &str, max_depth: usize) -> Dom {
    let mut b = Builder {
        dom: Dom::default(),
        stack: Vec::with_capacity(64),
        open: [0; TAG_COUNT],
        overflow: 0,
        hidden_depth: 0,
        max_depth: max_depth.max(4),
        in_ld_json: false,
        scratch: String::new(),
    };
    b.dom.nodes.reserve(html.len() / 40);
    b.dom.text.reserve(html.len() / 4);
    b.push_node(Tag::Root, NONE);
    b.stack.push((0, Tag::Root));
    for tok in Tokenizer::new(html) {
        match tok {
            Token::Start {
                tag,
                attrs,
                self_closing,
            } => b.start(tag, attrs, self_closing),
            Token::End(tag) => b.end(tag),
            Token::Text(t) => b.text(t, true),
            Token::Raw(t) => b.raw(t),
        }
    }
    b.dom
}

impl Builder {
    fn top(&self) -> (u32, Tag) {
        self.stack.last().copied().unwrap_or((0, Tag::Root))
    }

    /// Nearest stored open element (text and children attach there).
    fn current(&self) -> u32 {
        self.stack
            .iter()
            .rev()
            .find(|(id, _)| *id != NONE)
            .map_or(0, |(id, _)| *id)
    }

    fn push_node(&mut self, tag: Tag, parent: u32) -> u32 {
        let id = self.dom.nodes.len() as u32;
        self.dom.nodes.push(Node {
            tag,
            flags: 0,
            hint: Hint::default(),
            parent,
            first_child: NONE,
            last_child: NONE,
            next_sibling: NONE,
            start: 0,
            end: 0,
        });
        if let Some(p) = self.dom.nodes.get(parent as usize).copied() {
            if p.last_child == NONE {
                self.dom.nodes[parent as usize].first_child = id;
            } else {
                self.dom.nodes[p.last_child as usize].next_sibling = id;
            }
            self.dom.nodes[parent as usize].last_child = id;
        }
        id
    }

    fn pop(&mut self) {
        if self.stack.len() <= 1 {
            return;
        }
        if let Some((id, tag)) = self.stack.pop() {
            self.open[tag as usize] = self.open[tag as usize].saturating_sub(1);
            if id == NONE {
                self.hidden_depth = self.hidden_depth.saturating_sub(1);
            }
            if tag == Tag::Script {
                self.in_ld_json = false;
            }
        }
    }

    /// Pops through the nearest open element matching `target`, looking at most `limit`
    /// elements up and giving up at an element matching `stop`.
    fn close_nearest(&mut self, target: fn(Tag) -> bool, stop: fn(Tag) -> bool, limit: usize) {
        let n = self.stack.len();
        for depth in 0..limit.min(n.saturating_sub(1)) {
            let tag = self.stack[n - 1 - depth].1;
            if target(tag) {
                for _ in 0..=depth {
                    self.pop();
                }
                return;
            }
            if stop(tag) {
                return;
            }
        }
    }

    fn implied_close(&mut self, tag: Tag) {
        use Tag::*;
        if self.top().1 == Head && !tag.belongs_in_head() {
            self.pop();
        }
        if tag.closes_p() && self.open[P as usize] > 0 {
            self.close_nearest(|t| t == P, Tag::is_scope_boundary, IMPLIED_SCAN);
        }
        let list_stop = |t: Tag| {
            t.is_scope_boundary() || (t.is_block() && !matches!(t, Div | P | Address | Section))
        };
        match tag {
            Li if self.open[Li as usize] > 0 => {
                self.close_nearest(|t| t == Li, list_stop, IMPLIED_SCAN)
            }
            Dd | Dt if self.open[Dd as usize] + self.open[Dt as usize] > 0 => {
                self.close_nearest(|t| matches!(t, Dd | Dt), list_stop, IMPLIED_SCAN)
            }
            Td | Th if self.open[Td as usize] + self.open[Th as usize] > 0 => self.close_nearest(
                |t| matches!(t, Td | Th),
                |t| matches!(t, Tr | Table | Template),
                IMPLIED_SCAN,
            ),
            Tr if self.open[Tr as usize] > 0 => self.close_nearest(
                |t| t == Tr,
                |t| matches!(t, Table | Tbody | Thead | Tfoot | Template),
                IMPLIED_SCAN,
            ),
            Tbody | Thead | Tfoot => self.close_nearest(
                |t| matches!(t, Tbody | Thead | Tfoot),
                |t| matches!(t, Table | Template),
                IMPLIED_SCAN,
            ),
            Option | Optgroup if self.open[Option as usize] > 0 => {
                self.close_nearest(|t| t == Option, |t| t != Option, 1)
            }
            A if self.open[A as usize] > 0 => {
                self.close_nearest(|t| t == A, Tag::is_scope_boundary, IMPLIED_SCAN)
            }
            _ if tag.is_heading() && self.top().1.is_heading() => self.pop(),
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag, raw_attrs: &str, self_closing: bool) {
        use Tag::*;
        if matches!(tag, Html | Body | Head) && self.open[tag as usize] > 0 {
            return;
        }
        if tag == Head && self.open[Body as usize] > 0 {
            return;
        }
        self.implied_close(tag);
        let (hint, flags, hidden) = self.read_attrs(tag, raw_attrs);
        if tag == Br || tag == Hr || tag == Wbr {
            if self.hidden_depth == 0 {
                let id = self.push_node(tag, self.current());
                self.dom.nodes[id as usize].flags = flags;
            }
            return;
        }
        if tag.is_void() {
            return;
        }
        // Self-closing syntax only counts for elements HTML does not know (SVG, custom tags).
        if self_closing && (tag == Other || tag == Svg || tag == Math) {
            return;
        }
        if self.stack.len() >= self.max_depth && !tag.is_raw_text() {
            self.overflow += 1;
            return;
        }
        if self.hidden_depth > 0 || hidden || tag.is_dropped() {
            self.hidden_depth += 1;
            if tag == Script {
                self.in_ld_json = raw_attrs.contains("ld+json");
            }
            self.stack.push((NONE, tag));
            self.open[tag as usize] += 1;
            return;
        }
        let id = self.push_node(tag, self.current());
        let n = &mut self.dom.nodes[id as usize];
        n.hint = hint;
        n.flags = flags;
        self.stack.push((id, tag));
        self.open[tag as usize] += 1;
    }

    /// Reads the attributes that matter: name hints, visibility, and `<meta>` titles.
    fn read_attrs(&mut self, tag: Tag, raw: &str) -> (Hint, u8, bool) {
        let mut hint = Hint::default();
        let mut flags = 0;
        let mut hidden = false;
        if raw.is_empty() {
            return (hint, flags, hidden);
        }
        let mut meta_og_title = false;
        let mut meta_content = "";
        for (name, value) in attrs(raw) {
            let name = name.as_bytes();
            if name.eq_ignore_ascii_case(b"class") || name.eq_ignore_ascii_case(b"id") {
                hints::add_name_hints(value, &mut hint, &mut self.scratch);
            } else if name.eq_ignore_ascii_case(b"role") {
                hints::add_role_hint(value, &mut hint);
            } else if name.eq_ignore_ascii_case(b"itemprop") {
                hints::add_itemprop_hint(value, &mut hint);
            } else if name.eq_ignore_ascii_case(b"hidden") {
                hidden = true;
            } else if name.eq_ignore_ascii_case(b"aria-hidden") {
                if value.eq_ignore_ascii_case("true") {
                    flags |= ARIA_HIDDEN;
                }
            } else if name.eq_ignore_ascii_case(b"style") {
                hidden |= style_hides(value);
            } else if tag == Tag::A && name.eq_ignore_ascii_case(b"href") {
                flags |= HREF;
            } else if tag == Tag::Meta {
                if name.eq_ignore_ascii_case(b"property") || name.eq_ignore_ascii_case(b"name") {
                    meta_og_title |= value.eq_ignore_ascii_case("og:title");
                } else if name.eq_ignore_ascii_case(b"content") {
                    meta_content = value;
                }
            }
        }
        if meta_og_title && self.dom.og_title.is_none() && !meta_content.is_empty() {
            let mut s = String::new();
            entities::decode_into(meta_content, &mut s);
            self.dom.og_title = Some(collapse_owned(&s));
        }
        (hint, flags, hidden)
    }

    fn end(&mut self, tag: Tag) {
        use Tag::*;
        match tag {
            Br => return self.start(Br, "", false),
            Html | Body | Root => return,
            _ => {}
        }
        if self.overflow > 0 && !tag.is_raw_text() {
            self.overflow -= 1;
            return;
        }
        if self.open[tag as usize] == 0 {
            return;
        }
        let table_part = matches!(tag, Tr | Td | Th | Tbody | Thead | Tfoot | Caption);
        let n = self.stack.len();
        for depth in 0..n.saturating_sub(1) {
            let t = self.stack[n - 1 - depth].1;
            if t == tag {
                for _ in 0..=depth {
                    self.pop();
                }
                return;
            }
            let stop = if tag == Table {
                matches!(t, Template | Html)
            } else if table_part {
                matches!(t, Table | Template)
            } else if tag.is_inline() {
                t.is_block() || t.is_scope_boundary()
            } else {
                t.is_scope_boundary()
            };
            if stop {
                return;
            }
        }
    }

    fn text(&mut self, t: &str, decode: bool) {
        let top = self.top().1;
        if self.hidden_depth > 0 {
            if top == Tag::Title && self.dom.title.is_none() {
                let mut s = String::new();
                entities::decode_into(t, &mut s);
                let s = collapse_owned(&s);
                if !s.is_empty() {
                    self.dom.title = Some(s);
                }
            }
            return;
        }
        if top == Tag::Head {
            if t.trim().is_empty() {
                return;
            }
            self.pop();
        }
        let parent = self.current();
        let pre = self.open[Tag::Pre as usize] > 0;
        let start = self.dom.text.len();
        if decode && t.contains('&') {
            self.scratch.clear();
            entities::decode_into(t, &mut self.scratch);
            append_text(&mut self.dom.text, &self.scratch, pre);
        } else {
            append_text(&mut self.dom.text, t, pre);
        }
        let end = self.dom.text.len();
        if end == start {
            return;
        }
        let last = self.dom.nodes[parent as usize].last_child;
        if last != NONE {
            let l = &mut self.dom.nodes[last as usize];
            if l.is_text() && l.end as usize == start {
                l.end = end as u32;
                return;
            }
        }
        let id = self.push_node(Tag::Other, parent);
        let n = &mut self.dom.nodes[id as usize];
        n.flags = TEXT | if pre { PRE } else { 0 };
        n.start = start as u32;
        n.end = end as u32;
    }

    fn raw(&mut self, t: &str) {
        let top = self.top().1;
        if top == Tag::Script {
            if self.in_ld_json
                && self.dom.ld_json.len() < MAX_LD_JSON
                && t.len() <= MAX_LD_JSON_BYTES
            {
                self.dom.ld_json.push(t.to_string());
            }
            return;
        }
        if top.is_raw_text() {
            // Other raw-text elements are invisible (style, noscript, iframe ...).
            return;
        }
        // CDATA sections: literal text.
        self.text(t, false);
    }
}

fn style_hides(style: &str) -> bool {
    let s: String = style
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    s.contains("display:none") || s.contains("visibility:hidden")
}

/// Appends `t` with each whitespace run collapsed to one space (kept as is inside `<pre>`).
pub fn append_text(out: &mut String, t: &str, pre: bool) {
    if pre {
        out.push_str(t);
        return;
    }
    let mut space = false;
    for (i, part) in t.split(char::is_whitespace).enumerate() {
        if i > 0 {
            space = true;
        }
        if part.is_empty() {
            continue;
        }
        if space && !out.ends_with(' ') {
            out.push(' ');
        }
        out.push_str(part);
        space = false;
    }
    if space && !out.ends_with(' ') {
        out.push(' ');
    }
}

fn collapse_owned(s: &str) -> String {
    let mut o = String::new();
    append_text(&mut o, s, false);
    o.trim().to_string()
}

#[cfg(test)]
#[path = "dom_tests.rs"]
mod tests;
