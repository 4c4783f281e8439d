//! HTML main-content extraction: the article text of a web page without its navigation, menus,
//! headers and footers, cookie banners, comments, share buttons and related-link lists.
//!
//! The page is tokenized by a tolerant hand-written tokenizer ([`tokenizer`]) into an arena
//! tree ([`dom`]) that is built and walked without recursion, so malformed or 100,000-deep
//! markup costs linear time and bounded stack. Text statistics per node ([`stats`]) feed a
//! paragraph-based container score with link density, semantic tags and multilingual
//! class/id hints ([`hints`], [`select`]); the chosen subtrees are pruned and rendered as
//! paragraphs ([`render`]).
//!
//! ```
//! let page = "<html><body><nav><a href='/'>Inicio</a></nav><article><h1>Lluvias</h1>\
//!     <p>Las lluvias de esta semana, según el servicio meteorológico, dejaron calles \
//!     anegadas en Asunción y Encarnación.</p></article></body></html>";
//! let out = minga_filters::extract::extract(page);
//! assert!(out.text.contains("dejaron calles anegadas"));
//! assert!(!out.text.contains("Inicio"));
//! ```

mod dom;
mod entities;
mod hints;
mod render;
mod select;
mod stats;
pub(crate) mod tags;
pub(crate) mod tokenizer;

/// The main content of a page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extracted {
    /// `og:title`, else the `<title>` text, else the first `<h1>`.
    pub title: Option<String>,
    /// Paragraphs separated by `"\n\n"`, list items and table rows by `"\n"`; whitespace
    /// collapsed inside paragraphs (except in `<pre>`).
    pub text: String,
}

/// Tuning knobs; [`Default`] gives the settings the evaluation figures were measured with.
#[derive(Clone, Debug, PartialEq)]
pub struct ExtractOptions {
    /// Open elements kept nested; deeper markup is flattened into the deepest kept element.
    pub max_depth: usize,
    /// Keep tables (as rows of ` | `-separated cells).
    pub include_tables: bool,
}

impl Default for ExtractOptions {
    fn default() -> Self {
        ExtractOptions {
            max_depth: 512,
            include_tables: true,
        }
    }
}

/// Extracts the main content of `html` with default options.
pub fn extract(html: &str) -> Extracted {
    extract_with(html, &ExtractOptions::default())
}

/// Extracts the main content of `html`. Never panics, whatever the input.
pub fn extract_with(html: &str, opts: &ExtractOptions) -> Extracted {
    let dom = dom::build(html, opts.max_depth);
    let st = stats::compute(&dom);
    let roots = select::select(&dom, &st);
    let mut sink = render::Sink::default();
    for r in roots {
        render::render(&dom, &st, r, opts, &mut sink);
    }
    let title = dom
        .og_title
        .clone()
        .or_else(|| dom.title.clone())
        .or_else(|| first_heading(&dom));
    Extracted {
        title,
        text: sink.finish(),
    }
}

fn first_heading(d: &dom::Dom) -> Option<String> {
    let h1 = d.nodes.iter().position(|n| n.tag == tags::Tag::H1)? as u32;
    let mut s = String::new();
    // Text nodes of the heading follow it in the arena until the first node outside it.
    for n in d.nodes.iter().skip(h1 as usize + 1) {
        let mut p = n.parent;
        let mut inside = false;
        for _ in 0..16 {
            if p == h1 {
                inside = true;
                break;
            }
            match d.nodes.get(p as usize) {
                Some(pn) => p = pn.parent,
                None => break,
            }
        }
        if !inside {
            break;
        }
        if n.is_text() {
            s.push_str(d.text_of(n));
        }
    }
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!s.is_empty()).then_some(s)
}

#[cfg(test)]
mod tests;

/// Describes the extraction of `html` for debugging heuristics: the best container candidates
/// with their scores and statistics, and the selected subtrees.
pub fn explain(html: &str) -> String {
    use std::fmt::Write;
    let opts = ExtractOptions::default();
    let dom = dom::build(html, opts.max_depth);
    let st = stats::compute(&dom);
    let mut cands: Vec<(f32, usize)> = (1..dom.nodes.len())
        .map(|i| (select::candidate_score(&dom, &st, i), i))
        .filter(|c| c.0 > 0.0)
        .collect();
    cands.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut out = String::new();
    let describe = |i: usize| {
        let n = &dom.nodes[i];
        let s = &st[i];
        format!(
            "#{i} {:?} hint={:?} score={:.1} text={} link={:.2} blocks={} parent=#{}",
            n.tag,
            n.hint,
            s.score,
            s.text,
            s.link_density(),
            s.blocks,
            n.parent
        )
    };
    for (sc, i) in cands.iter().take(8) {
        let _ = writeln!(out, "cand {sc:.1} {}", describe(*i));
    }
    for r in select::select(&dom, &st) {
        let _ = writeln!(out, "root {}", describe(r as usize));
        // Pruned subtrees with some text (their descendants are not listed).
        let mut stack = vec![r];
        while let Some(id) = stack.pop() {
            if id != r && render::prune(&dom, &st, id, st[r as usize].text, &opts) {
                if st[id as usize].text >= 20 {
                    let mut sink = render::Sink::default();
                    render::render(&dom, &st, id, &opts, &mut sink);
                    let t: String = sink.finish().chars().take(80).collect();
                    let _ = writeln!(out, "  pruned {} {t:?}", describe(id as usize));
                }
                continue;
            }
            stack.extend(dom.children(id));
        }
    }
    out
}
