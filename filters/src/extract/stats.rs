//! Per-node text statistics, computed with two linear passes over the arena (parents precede
//! children, so a forward pass pushes context down and a backward pass sums counts up).

use super::dom::{Dom, HREF, NONE};
use super::tags::Tag;

#[derive(Clone, Copy, Default, Debug)]
pub struct Stat {
    /// Visible characters in the subtree.
    pub text: u32,
    /// Of those, characters inside links.
    pub link: u32,
    /// Characters of inline text whose nearest block ancestor is this node.
    pub own_text: u32,
    pub own_link: u32,
    /// Commas and sentence ends in `own_text` (signs of prose, not of menus).
    pub own_punct: u32,
    /// Block elements in the subtree, this node excluded.
    pub blocks: u32,
    /// Readability-style content score gathered from the paragraphs below.
    pub score: f32,
    /// Undecayed sum of the scores of paragraphs below that are outside any boilerplate
    /// (hinted, `<nav>`, `<aside>`, `<footer>` ...): how much clean prose a subtree holds.
    pub mass: f32,
}

impl Stat {
    pub fn link_density(&self) -> f32 {
        if self.text == 0 {
            0.0
        } else {
            self.link as f32 / self.text as f32
        }
    }

    pub fn own_link_density(&self) -> f32 {
        if self.own_text == 0 {
            0.0
        } else {
            self.own_link as f32 / self.own_text as f32
        }
    }
}

/// Minimum inline text for a block to count as a paragraph.
pub const PARA_MIN_CHARS: u32 = 25;

/// An `<a href>` holding more text than this is an unclosed link swallowing the page, not a link.
const LINK_MAX_CHARS: u32 = 1000;

pub fn compute(dom: &Dom) -> Vec<Stat> {
    let n = dom.nodes.len();
    let mut st = vec![Stat::default(); n];
    // Forward: nearest block ancestor (or self); text lengths and punctuation.
    let mut block_of = vec![0u32; n];
    for (i, node) in dom.nodes.iter().enumerate() {
        let p = node.parent;
        let pb = if p == NONE { 0 } else { block_of[p as usize] };
        let is_block = !node.is_text() && (node.tag.is_block() || i == 0);
        block_of[i] = if is_block { i as u32 } else { pb };
        if node.is_text() {
            let t = dom.text_of(node);
            let len = char_len(t);
            let punct = t
                .bytes()
                .filter(|b| matches!(b, b',' | b'.' | b'!' | b'?' | b';'))
                .count() as u32
                + t.matches(['，', '。', '、', '،']).count() as u32;
            st[i].text = len;
            let b = &mut st[pb as usize];
            b.own_text += len;
            b.own_punct += punct;
        }
    }
    // Backward: subtree text and blocks.
    for i in (1..n).rev() {
        let node = &dom.nodes[i];
        if node.parent == NONE {
            continue;
        }
        let (text, blocks) = (st[i].text, st[i].blocks);
        let sp = &mut st[node.parent as usize];
        sp.text += text;
        sp.blocks += blocks + u32::from(!node.is_text() && node.tag.is_block());
    }
    // Forward: link text, now that the size of each `<a>` is known.
    let mut in_link = vec![false; n];
    for (i, node) in dom.nodes.iter().enumerate() {
        let pl = node.parent != NONE && in_link[node.parent as usize];
        let link = node.tag == Tag::A && node.flags & HREF != 0 && st[i].text <= LINK_MAX_CHARS;
        in_link[i] = pl || (!node.is_text() && link);
        if node.is_text() && in_link[i] {
            st[i].link = st[i].text;
            st[block_of[i] as usize].own_link += st[i].text;
        }
    }
    // Backward: subtree link text.
    for i in (1..n).rev() {
        let p = dom.nodes[i].parent;
        if p != NONE {
            st[p as usize].link += st[i].link;
        }
    }
    propagate_paragraph_scores(dom, &mut st);
    st
}

/// Whether an element marks its subtree as page furniture rather than content.
pub fn is_furniture(tag: Tag, hint: super::hints::Hint) -> bool {
    hint.is_boilerplate()
        || matches!(
            tag,
            Tag::Nav | Tag::Aside | Tag::Footer | Tag::Figcaption | Tag::Noscript
        )
}

/// Each paragraph-like block gives its parent a score, and weaker shares to four more ancestors.
fn propagate_paragraph_scores(dom: &Dom, st: &mut [Stat]) {
    let mut furniture = vec![false; dom.nodes.len()];
    for i in 0..dom.nodes.len() {
        let node = &dom.nodes[i];
        let inherited = node.parent != NONE && furniture[node.parent as usize];
        furniture[i] = inherited || (!node.is_text() && is_furniture(node.tag, node.hint));
        if node.is_text() || !node.tag.is_block() || node.tag.is_heading() {
            continue;
        }
        let s = st[i];
        if s.own_text < PARA_MIN_CHARS {
            continue;
        }
        let base = 1.0 + s.own_punct.min(30) as f32 * 0.5 + (s.own_text as f32 / 100.0).min(3.0);
        let score = base * (1.0 - s.own_link_density());
        if score <= 0.0 {
            continue;
        }
        if !furniture[i] {
            let mut anc = i as u32;
            while anc != NONE {
                st[anc as usize].mass += score;
                anc = dom.nodes[anc as usize].parent;
            }
        }
        let mut anc = node.parent;
        for level in 0..5 {
            if anc == NONE {
                break;
            }
            let div = match level {
                0 => 1.0,
                1 => 2.0,
                l => l as f32 * 3.0,
            };
            st[anc as usize].score += score / div;
            anc = dom.nodes[anc as usize].parent;
        }
    }
}

/// Characters (not bytes) in `s`.
pub fn char_len(s: &str) -> u32 {
    s.bytes().filter(|b| (*b as i8) >= -0x40).count() as u32
}

#[cfg(test)]
mod tests {
    use super::super::dom::build;
    use super::*;

    #[test]
    fn sums_and_link_density() {
        let d = build(
            "<div><p>Había una vez, en Cusco, un gato.</p><ul><li><a href='/'>Inicio</a></li></ul></div>",
            512,
        );
        let st = compute(&d);
        let div = d.nodes.iter().position(|n| n.tag == Tag::Div).unwrap_or(0);
        let p = d.nodes.iter().position(|n| n.tag == Tag::P).unwrap_or(0);
        let ul = d.nodes.iter().position(|n| n.tag == Tag::Ul).unwrap_or(0);
        assert_eq!(st[div].text, 33 + 6);
        assert_eq!(st[div].link, 6);
        assert_eq!(st[p].own_text, 33);
        assert_eq!(st[p].own_punct, 3);
        assert!((st[ul].link_density() - 1.0).abs() < 1e-6);
        assert!(st[div].score > 0.0 && st[p].score == 0.0);
        assert_eq!(st[div].blocks, 3);
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert_eq!(char_len("ñandú"), 5);
        assert_eq!(char_len("日本"), 2);
    }
}
