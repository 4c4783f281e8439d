//! Choosing the main-content container: the element whose paragraphs score highest once link
//! density, semantic tags and class/id hints are weighed, plus those of its siblings that look
//! like more of the same article (lead, body split across wrappers, a closing paragraph).

use super::dom::{Dom, NONE};
use super::stats::Stat;
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
        bonus += 8.0 * f32::from(h.pos.min(4));
    }
    (s.score + bonus) * (1.0 - LINK_PENALTY * s.link_density())
}

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
    with_siblings(dom, st, best)
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
