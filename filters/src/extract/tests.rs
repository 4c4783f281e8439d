//! Whole-page tests on small inline pages.

use super::*;

/// A news page in Spanish with the usual furniture around a three-paragraph article.
const NEWS_ES: &str = r##"<!DOCTYPE html>
<html lang="es"><head><meta charset="utf-8"><title>Lluvias en Asunción | Diario</title>
<meta property="og:title" content="Lluvias dejan calles anegadas en Asunción">
<script>window.dataLayer = [];</script><style>.x{color:red}</style></head>
<body>
<div id="cookie-banner">Usamos cookies para mejorar su experiencia. <button>Aceptar</button></div>
<header class="site-header"><a href="/">Diario</a>
  <nav class="menu-principal"><ul><li><a href="/pais">País</a></li><li><a href="/mundo">Mundo</a></li>
  <li><a href="/deportes">Deportes</a></li></ul></nav></header>
<main>
<article class="nota">
  <h1>Lluvias dejan calles anegadas en Asunción</h1>
  <div class="compartir"><a href="#">Compartir en Facebook</a> <a href="#">Tuitear</a></div>
  <p>Las intensas lluvias de este martes, según la Dirección de Meteorología, dejaron calles
  anegadas en varios barrios de Asunción, Luque y San Lorenzo.</p>
  <p>Los bomberos voluntarios atendieron más de cuarenta llamadas, sobre todo por árboles caídos,
  cables sueltos y viviendas inundadas en zonas bajas.</p>
  <p>Para el miércoles se esperan lluvias débiles, con temperaturas de entre 18 y 24 grados, y
  el servicio pidió evitar cruzar raudales.</p>
  <div class="noticias-relacionadas"><h3>Noticias relacionadas</h3><ul>
    <li><a href="/a">Tormenta en Encarnación deja sin luz a miles</a></li>
    <li><a href="/b">Cómo preparar tu casa para la temporada de lluvias</a></li></ul></div>
  <section id="comentarios" class="comments"><h3>Comentarios</h3>
    <p>Excelente nota, gracias por informar tan rápido, saludos desde Luque y San Lorenzo.</p></section>
</article>
</main>
<aside class="sidebar"><h3>Lo más leído</h3><p>Un texto de la barra lateral que no es parte de la nota, con comas, puntos y bastante largo.</p></aside>
<footer><p>© 2024 Diario. Todos los derechos reservados. Contacto, publicidad y aviso legal.</p></footer>
</body></html>"##;

#[test]
fn keeps_the_article_and_drops_the_furniture() {
    let e = extract(NEWS_ES);
    assert_eq!(
        e.title.as_deref(),
        Some("Lluvias dejan calles anegadas en Asunción")
    );
    for kept in [
        "dejaron calles anegadas en varios barrios de Asunción",
        "Los bomberos voluntarios atendieron",
        "evitar cruzar raudales.",
    ] {
        assert!(e.text.contains(kept), "missing {kept:?} in {:?}", e.text);
    }
    for dropped in [
        "Usamos cookies",
        "Deportes",
        "Compartir en Facebook",
        "Tormenta en Encarnación",
        "Excelente nota",
        "barra lateral",
        "derechos reservados",
        "dataLayer",
        "color:red",
    ] {
        assert!(
            !e.text.contains(dropped),
            "leaked {dropped:?} in {:?}",
            e.text
        );
    }
    // Paragraphs are separated by a blank line and collapsed inside.
    assert!(e.text.contains(
        "San Lorenzo.\n\nLos bomberos voluntarios atendieron más de cuarenta llamadas, sobre"
    ));
}

#[test]
fn keeps_lists_and_tables_as_rows() {
    let page = r#"<body><div class="post-content">
      <p>Ingredientes para el chipá, una receta tradicional del Paraguay, con queso y almidón:</p>
      <ul><li>500 g de almidón de mandioca</li><li>250 g de queso Paraguay</li><li>3 huevos</li></ul>
      <p>Valores por porción, según la tabla nutricional que acompaña esta receta, aproximados:</p>
      <table><tr><th>Nutriente</th><th>Cantidad</th></tr>
        <tr><td>Energía</td><td>310 kcal</td></tr><tr><td>Proteína</td><td>9 g</td></tr></table>
      <blockquote>El chipá se come caliente, recién salido del tatakuá.</blockquote>
      <pre>hornear:  200 °C
  tiempo:  20 min</pre>
    </div></body>"#;
    let t = extract(page).text;
    assert!(
        t.contains("500 g de almidón de mandioca\n250 g de queso Paraguay\n3 huevos"),
        "{t:?}"
    );
    assert!(
        t.contains("Nutriente | Cantidad\nEnergía | 310 kcal\nProteína | 9 g"),
        "{t:?}"
    );
    assert!(t.contains("recién salido del tatakuá."), "{t:?}");
    assert!(t.contains("hornear:  200 °C\n  tiempo:  20 min"), "{t:?}");
    let no_tables = ExtractOptions {
        include_tables: false,
        ..ExtractOptions::default()
    };
    let t = extract_with(page, &no_tables).text;
    assert!(!t.contains("310 kcal") && t.contains("3 huevos"), "{t:?}");
}

#[test]
fn decodes_entities_and_breaks() {
    // `&nbsp;` is whitespace and collapses like any other.
    let page = "<article><p>Pachamama&nbsp;&amp; Inti: &#8220;Allin p&#x00E1;chan&#8221; \
                &eacute;l dijo, con comas, y punto.<br>Segunda l&iacute;nea &lt;b&gt;</p></article>";
    let t = extract(page).text;
    assert_eq!(
        t,
        "Pachamama & Inti: \u{201c}Allin páchan\u{201d} él dijo, con comas, y punto.\nSegunda línea <b>"
    );
}

#[test]
fn copes_with_malformed_markup() {
    let page = "<html><body><div class=conteudo><p>Primeiro parágrafo do texto em português, \
        sem fechar a tag<p>Segundo parágrafo, também aberto, com <b>negrito <i>e itálico</b> \
        misturados</i> e um <a href=x>link sem fim<div>Bloco final do artigo, com vírgulas, \
        pontos e mais texto para contar.</span></table></body></html";
    let t = extract(page).text;
    assert!(
        t.contains("Primeiro parágrafo do texto em português, sem fechar a tag"),
        "{t:?}"
    );
    assert!(t.contains("negrito e itálico misturados"), "{t:?}");
    assert!(t.contains("Bloco final do artigo"), "{t:?}");
}

#[test]
fn cdata_template_and_noscript() {
    let page =
        "<article><p>Ñandutí es un encaje tradicional, tejido con paciencia, en Itauguá.</p>\
        <p><![CDATA[Texto en CDATA, con comas, que también es visible.]]></p>\
        <template><p>Plantilla invisible que no se muestra, con comas, nunca.</p></template>\
        <noscript>Active JavaScript</noscript></article>";
    let t = extract(page).text;
    assert!(t.contains("Ñandutí es un encaje"), "{t:?}");
    assert!(t.contains("Texto en CDATA, con comas"), "{t:?}");
    assert!(
        !t.contains("Plantilla") && !t.contains("JavaScript"),
        "{t:?}"
    );
}

#[test]
fn survives_markup_nested_100000_deep() {
    let depth = 100_000;
    let mut page = String::with_capacity(depth * 12);
    page.push_str("<body>");
    for _ in 0..depth {
        page.push_str("<div><span>");
    }
    page.push_str("Ñawpa pachapi, huk llaqtapi, runakuna tiyarqanku, kusisqa, llamkaspa.");
    for _ in 0..depth {
        page.push_str("</span></div>");
    }
    page.push_str("<p>Mba'éichapa, che ra'a, rejapo porã, ha ndaipóri mba'eve ivaíva.</p></body>");
    let t = extract(&page).text;
    assert!(t.contains("Ñawpa pachapi, huk llaqtapi"), "{t:?}");
    // Unclosed deep nesting as well.
    let open_only = "<div>".repeat(depth) + "Kuñataĩ ojeroky, ha oñembo'e, ha opuka.";
    assert!(extract(&open_only).text.contains("Kuñataĩ ojeroky"));
}

#[test]
fn empty_and_garbage_input_never_panic() {
    assert_eq!(extract("").text, "");
    assert_eq!(extract("   \n\t").text, "");
    assert_eq!(extract("<").text, "<");
    assert_eq!(extract("<html><body></body></html>").text, "");
    // Deterministic pseudo-random bytes, read lossily as a file of unknown encoding would be.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for round in 0..50 {
        let bytes: Vec<u8> = (0..4096 + round * 97)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // Bias towards markup characters so the tokenizer sees many tag shapes.
                match x % 7 {
                    0 => b'<',
                    1 => b'>',
                    2 => b'&',
                    _ => (x >> 8) as u8,
                }
            })
            .collect();
        let html = String::from_utf8_lossy(&bytes);
        let _ = extract(&html);
    }
    for frag in [
        "<!--",
        "<![CDATA[",
        "<script>",
        "<a href='",
        "&#x",
        "</",
        "</p",
        "</p a='",
        "<?",
        "<!",
    ] {
        let _ = extract(frag);
        let _ = extract(&frag.repeat(1000));
    }
}

#[test]
fn same_input_same_output() {
    assert_eq!(extract(NEWS_ES), extract(NEWS_ES));
}

#[test]
fn drops_ad_labels_and_headings_of_link_boxes() {
    let page = r#"<article>
      <p>Die Regierung in Lima kündigte am Montag, nach langen Verhandlungen, neue Hilfen an.</p>
      <p>Anzeige</p>
      <p>Die Hilfen sollen, so das Ministerium, bis Ende des Jahres ausgezahlt werden.</p>
      <h2>Mehr zum Thema</h2>
      <ul><li><a href="/1">Proteste in Cusco gehen weiter</a></li>
          <li><a href="/2">Inflation in Peru sinkt leicht</a></li></ul>
    </article>"#;
    let t = extract(page).text;
    assert!(
        t.contains("neue Hilfen an.") && t.contains("ausgezahlt werden."),
        "{t:?}"
    );
    assert!(!t.contains("Anzeige"), "{t:?}");
    assert!(
        !t.contains("Mehr zum Thema") && !t.contains("Proteste"),
        "{t:?}"
    );
}

/// A guide whose text runs over sibling sections of unequal length (a modern template), each
/// with its own heading, next to a teaser box of links.
const GUIDE_PT: &str = r##"<html><body>
<div class="page"><div class="hero"><h1>Como plantar mandioca no quintal</h1></div>
<div class="wrap">
<section class="s1"><h2>Preparo do solo</h2>
  <p>A mandioca gosta de solo solto e bem drenado, por isso vale revolver a terra e misturar
  composto orgânico, sem exagerar no adubo, algumas semanas antes do plantio.</p>
  <p>Evite áreas onde a água da chuva fica parada, porque as raízes apodrecem com facilidade,
  e escolha um canto que receba sol pleno durante a maior parte do dia.</p>
  <p>Se o terreno for argiloso, faça leiras altas, com uns trinta centímetros, e deixe espaço
  entre elas para caminhar, capinar e colher sem pisar nas plantas.</p></section>
<section class="s2"><h2>Colheita</h2>
  <p>A colheita começa entre oito meses e um ano depois, quando as folhas de baixo amarelam.</p>
</section>
<div class="veja"><h3>Veja também</h3><ul><li><a href="/a">Horta em vasos: guia completo</a></li>
  <li><a href="/b">Dez hortaliças fáceis para iniciantes</a></li></ul></div>
</div></div></body></html>"##;

#[test]
fn keeps_every_section_of_the_text_and_its_headline() {
    let t = extract(GUIDE_PT).text;
    assert!(t.starts_with("Como plantar mandioca no quintal"), "{t}");
    assert!(t.contains("solo solto e bem drenado"), "{t}");
    assert!(t.contains("quando as folhas de baixo amarelam"), "{t}");
    assert!(!t.contains("Horta em vasos"), "{t}");
}

#[test]
fn an_unclosed_name_anchor_is_not_a_link() {
    // `<a name>` left open around the text: browsers show plain text, so it is prose, not links.
    let mut page = String::from("<body><div><a name=top><div class=texto>");
    for i in 0..6 {
        page.push_str(&format!(
            "<p>Párrafo {i} del relato, con comas, puntos y frases largas que cuentan la historia \
             de un pueblo andino y de sus fiestas.</p>"
        ));
    }
    page.push_str("</div></div></body>");
    let t = extract(&page).text;
    assert!(
        t.contains("Párrafo 0 del relato") && t.contains("Párrafo 5 del relato"),
        "{t}"
    );
}

#[test]
fn keeps_a_title_that_links_to_its_article() {
    let page = "<body><div class=post><h2><a href='/2012/ferias'>Ferias del libro en Lima</a></h2>\
        <p>La feria de este año, según los organizadores, reunió a más de cien editoriales \
        independientes, con presentaciones, talleres y lecturas para todas las edades.</p>\
        <p>Las ventas superaron las del año anterior, y la próxima edición ya tiene fecha, \
        lugar y un país invitado.</p></div></body>";
    let t = extract(page).text;
    assert!(t.starts_with("Ferias del libro en Lima"), "{t}");
}

#[test]
fn keeps_an_embedded_post_quoted_in_the_text() {
    let page = "<body><article><p>El servicio meteorológico confirmó el récord, con más de \
        dieciocho grados, en la base Esperanza, según su informe de este jueves.</p>\
        <blockquote class='twitter-tweet'><p>Nuevo récord de temperatura en la Antártida: \
        18,3 grados en la base Esperanza.</p>— SMN Argentina (@SMN_Argentina) \
        <a href='https://twitter.com/x/status/1'>6 de febrero de 2020</a></blockquote>\
        <p>Los científicos advierten que el deshielo, cada vez más rápido, cambiará la \
        península antes que el resto del continente.</p></article></body>";
    let t = extract(page).text;
    assert!(
        t.contains("Nuevo récord de temperatura en la Antártida"),
        "{t}"
    );
}
