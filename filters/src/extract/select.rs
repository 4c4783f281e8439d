//! Choosing the main-content container: the element whose paragraphs score highest once link
//! density, semantic tags and class/id hints are weighed, plus those of its siblings that look
//! like more of the same article (lead, body split across wrappers, a closing paragraph).

use super::dom::{Dom, NONE};
use super::stats::{is_furniture, Stat};
use super::tags::Tag;

/// Score of `i` as the main-content container.
pub fn candidate_score(dom: &Dom, st: &[Stat], i: usize) -> f32 {
    let node = &dom.nodes[i];
    let s = &st[i];
    if node.is_text() || s.score <= 0.0 {
        return 0.0;
    }
    let mut bonus = match node.tag {
        Tag::Article | Tag::Main => 10.0,
        Tag::Div | Tag::Section => 5.0,
        Tag::Pre | Tag::Td | Tag::Blockquote => 3.0,
        Tag::Ol | Tag::Ul | Tag::Dl | Tag::Li | Tag::Form => -3.0,
        Tag::Th => -5.0,
        _ => 0.0,
    };
    let h = node.hint;
    if h.is_boilerplate() {
        bonus -= 25.0;
    } else if h.is_content() {
        // Scaled by the text held, so that a small hinted box cannot outrank the prose.
        bonus += 8.0 * f32::from(h.pos.min(4)) * (s.text as f32 / HINT_FULL_TEXT).min(1.0);
    }
    (s.score + bonus) * (1.0 - LINK_PENALTY * s.link_density())
}

/// Characters from which a content name on a container counts in full.
const HINT_FULL_TEXT: f32 = 150.0;

/// How much link density discounts a container (menus inside it are pruned later anyway).
const LINK_PENALTY: f32 = 1.0;

/// The selected subtrees, in document order.
pub fn select(dom: &Dom, st: &[Stat]) -> Vec<u32> {
    let mut best = NONE;
    let mut best_score = 0.0f32;
    for i in 1..dom.nodes.len() {
        let sc = candidate_score(dom, st, i);
        if sc > best_score {
            best_score = sc;
            best = i as u32;
        }
    }
    if best == NONE {
        return vec![0];
    }
    let best = climb(dom, st, best);
    let mut roots = with_siblings(dom, st, best);
    if let Some(h) = headline_before(dom, st, roots[0]) {
        roots.insert(0, h);
    }
    roots
}

/// End (exclusive) of the subtree of `r` in the arena: nodes are in document order, so a subtree
/// is the run of nodes after `r` whose parents lie inside it.
fn subtree_end(dom: &Dom, r: usize) -> usize {
    let mut i = r + 1;
    while i < dom.nodes.len() && dom.nodes[i].parent != NONE && dom.nodes[i].parent as usize >= r {
        i += 1;
    }
    i
}

/// Text a headline may be separated from the selection by (a byline, a date, a teaser line).
const HEADLINE_GAP_CHARS: u32 = 400;

/// The article's headline (`<h1>`, or `<h2>` on older templates) when it sits just before the
/// selection, outside it (a title block above the body container), and the selection holds no
/// `<h1>` of its own.
fn headline_before(dom: &Dom, st: &[Stat], first: u32) -> Option<u32> {
    let first = first as usize;
    let end = subtree_end(dom, first);
    if dom.nodes[first..end].iter().any(|n| n.tag == Tag::H1) {
        return None;
    }
    let mut gap = 0u32;
    for i in (1..first).rev() {
        let n = &dom.nodes[i];
        if matches!(n.tag, Tag::H1 | Tag::H2) {
            let t = st[i].text;
            let inside_furniture = ancestors(dom, i as u32).any(|a| {
                let a = &dom.nodes[a as usize];
                is_furniture(a.tag, a.hint)
            });
            let ok = (8..=400).contains(&t) && !inside_furniture && subtree_end(dom, i) <= first;
            return ok.then_some(i as u32);
        }
        // The headline's own text (and a lead set as a heading) is not a gap.
        let in_heading = ancestors(dom, i as u32)
            .take(4)
            .any(|a| matches!(dom.nodes[a as usize].tag, Tag::H1 | Tag::H2));
        if n.is_text() && !in_heading {
            gap += st[i].text;
            if gap > HEADLINE_GAP_CHARS {
                return None;
            }
        }
    }
    None
}

/// `id` and its ancestors.
fn ancestors(dom: &Dom, id: u32) -> impl Iterator<Item = u32> + '_ {
    std::iter::successors(Some(id), |&a| {
        let p = dom.nodes[a as usize].parent;
        (p != NONE).then_some(p)
    })
}

/// Moves up from a candidate while the parent holds clearly more clean prose (an article split
/// over sibling wrappers), or adds little text at all (a lone wrapper, so that headings and
/// leads next to the body are not lost).
fn climb(dom: &Dom, st: &[Stat], mut best: u32) -> u32 {
    loop {
        let p = dom.nodes[best as usize].parent;
        if p == NONE || p == 0 || matches!(dom.nodes[p as usize].tag, Tag::Body | Tag::Html) {
            return best;
        }
        let (ps, bs) = (&st[p as usize], &st[best as usize]);
        let wrapper = ps.text as f32 <= bs.text as f32 * 1.1;
        let more_prose = ps.mass >= bs.mass * MASS_GAIN && ps.mass - bs.mass >= 3.0;
        if (wrapper || more_prose) && ps.link_density() < 0.5 {
            best = p;
        } else {
            return best;
        }
    }
}

/// Share of the chosen block's clean prose that a sibling section must hold to be kept with it.
const SIBLING_MASS: f32 = 0.15;

/// Clean prose a parent must add (as a factor) for the selection to widen to it.
const MASS_GAIN: f32 = 1.3;

fn with_siblings(dom: &Dom, st: &[Stat], best: u32) -> Vec<u32> {
    let parent = dom.nodes[best as usize].parent;
    if parent == NONE {
        return vec![best];
    }
    let top = candidate_score(dom, st, best as usize);
    let threshold = (top * 0.2).max(10.0);
    let mut out = Vec::new();
    for s in dom.children(parent) {
        if s == best {
            out.push(s);
            continue;
        }
        let node = &dom.nodes[s as usize];
        if node.is_text() || node.hint.is_boilerplate() {
            continue;
        }
        if matches!(node.tag, Tag::Nav | Tag::Aside | Tag::Footer | Tag::Form) {
            continue;
        }
        let ss = &st[s as usize];
        let keep = if candidate_score(dom, st, s as usize) >= threshold {
            true
        } else if ss.mass >= SIBLING_MASS * st[best as usize].mass && ss.link_density() < 0.15 {
            // A further section of the same text: clean prose, few links.
            true
        } else if ss.blocks == 0 && ss.own_text > 0 {
            let ld = ss.own_link_density();
            (ss.own_text > 80 && ld < 0.25) || (ld == 0.0 && ss.own_punct > 0 && ss.own_text > 30)
        } else {
            false
        };
        if keep {
            out.push(s);
        }
    }
    out
}
