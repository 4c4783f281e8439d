use super::*;

/// Renders the tree as `tag(children)` with text in quotes, for structural assertions.
fn shape(d: &Dom) -> String {
    let mut out = String::new();
    let mut stack: Vec<(u32, bool)> = vec![(0, false)];
    while let Some((id, closing)) = stack.pop() {
        if closing {
            out.push(')');
            continue;
        }
        let n = &d.nodes[id as usize];
        if n.is_text() {
            out.push_str(&format!("{:?}", d.text_of(n)));
            continue;
        }
        out.push_str(&format!("{:?}(", n.tag).to_lowercase());
        stack.push((id, true));
        let kids: Vec<u32> = d.children(id).collect();
        for k in kids.into_iter().rev() {
            stack.push((k, false));
        }
    }
    out
}

#[test]
fn implied_paragraph_and_list_ends() {
    let d = build("<p>uno<p>dos<div>tres</div><ul><li>a<li>b</ul>", 512);
    assert_eq!(
        shape(&d),
        "root(p(\"uno\")p(\"dos\")div(\"tres\")ul(li(\"a\")li(\"b\")))"
    );
}

#[test]
fn table_cells_and_rows() {
    let d = build("<table><tr><td>1<td>2<tr><td>3</table>", 512);
    assert_eq!(
        shape(&d),
        "root(table(tr(td(\"1\")td(\"2\"))tr(td(\"3\"))))"
    );
}

#[test]
fn hidden_and_invisible_subtrees() {
    let d = build(
        "<head><title>Título &amp; más</title><style>p{}</style></head>\
         <body><script>var x;</script><div hidden>no</div><p style='display: none'>no</p>\
         <p>sí</p></body>",
        512,
    );
    assert_eq!(d.title.as_deref(), Some("Título & más"));
    assert_eq!(shape(&d), "root(body(p(\"sí\")))");
}

#[test]
fn stray_end_tags_are_ignored() {
    let d = build("<div><span>a</div>b</span></p></table>c", 512);
    assert_eq!(shape(&d), "root(div(span(\"a\"))\"bc\")");
}

#[test]
fn whitespace_collapses_but_not_in_pre() {
    let d = build("<p>  a \n\t b  </p><pre>x\n  y</pre>", 512);
    assert_eq!(shape(&d), "root(p(\" a b \")pre(\"x\\n  y\"))");
}

#[test]
fn depth_is_capped() {
    let html = "<div>".repeat(100_000) + "hondo" + &"</div>".repeat(100_000) + "fin";
    let d = build(&html, 64);
    assert!(d.nodes.len() < 100);
    let texts: Vec<&str> = d
        .nodes
        .iter()
        .filter(|n| n.is_text())
        .map(|n| d.text_of(n))
        .collect();
    assert_eq!(texts, vec!["hondo", "fin"]);
}
