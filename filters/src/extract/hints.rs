//! Boilerplate and content hints from `class`, `id`, `role` and `itemprop` values.
//!
//! Site templates name their blocks in many languages; the stems below cover en/es/pt/de/fr and
//! the usual vendor widgets. A value is lower-cased once and matched two ways: long stems as
//! substrings (they survive camelCase and BEM joins such as `relatedArticles`, `post__share`),
//! short words only as whole words (so `ad` does not match `header`).

use aho_corasick::AhoCorasick;
use std::sync::OnceLock;

/// Counts of content-like and boilerplate-like names on one element.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Hint {
    pub pos: u8,
    pub neg: u8,
}

impl Hint {
    /// More boilerplate names than content names.
    pub fn is_boilerplate(self) -> bool {
        self.neg > self.pos
    }

    pub fn is_content(self) -> bool {
        self.pos > 0 && self.neg == 0
    }

    fn add(&mut self, positive: bool) {
        if positive {
            self.pos = self.pos.saturating_add(1);
        } else {
            self.neg = self.neg.saturating_add(1);
        }
    }
}

/// Stems matched anywhere in a class or id value.
const NEG_STEMS: &[&str] = &[
    // comments and discussion
    "comment",
    "kommentar",
    "comentar",
    "disqus",
    "reply",
    "respuesta",
    "leserbrief",
    // sharing and social
    "share",
    "sharing",
    "teilen",
    "compartir",
    "compartilh",
    "partilh",
    "partage",
    "social",
    "sociais",
    "follow-us",
    "followus",
    "whatsapp",
    "facebook",
    "twitter",
    // cookie and consent banners, subscriptions, log-in walls
    "cookie",
    "consent",
    "gdpr",
    "dsgvo",
    "banner",
    "newsletter",
    "subscri",
    "abonn",
    "suscri",
    "popup",
    "modal",
    "overlay",
    "login",
    "signin",
    "sign-in",
    "anmeld",
    "register",
    // navigation and layout chrome
    "footer",
    "masthead",
    "navbar",
    "navig",
    "menu",
    "breadcrumb",
    "brotkrume",
    "sidebar",
    "side-bar",
    "sidebox",
    "seitenleiste",
    "aside",
    "widget",
    "toolbar",
    "pagination",
    "pager",
    "dropdown",
    "flyout",
    "offcanvas",
    "off-canvas",
    "skiplink",
    "skip-link",
    "sr-only",
    "screen-reader",
    "visually-hidden",
    "visuallyhidden",
    "copyright",
    "impressum",
    // related and recommended links
    "related",
    "relacionad",
    "verwandt",
    "aehnlich",
    "similar",
    "recommend",
    "empfehl",
    "recomend",
    "more-from",
    "morefrom",
    "mehr-zum",
    "mehrzum",
    "popular",
    "trending",
    "mostread",
    "most-read",
    "meistgelesen",
    "masleid",
    "mas-leid",
    "outbrain",
    "taboola",
    "plista",
    "ligatus",
    "teaser",
    "read-more",
    "readmore",
    "weiterlesen",
    "leia-tambem",
    "lea-tambien",
    "lire-aussi",
    "see-also",
    "ver-tambien",
    "veja-tambem",
    // advertising
    "promo",
    "sponsor",
    "advert",
    "werbung",
    "anzeige",
    "publicidad",
    "publicidade",
    "publicit",
    "adsense",
    "adslot",
    "ad-slot",
    "ad-container",
    "adcontainer",
    "banner-ad",
    // tags, ratings, polls, author boxes, search forms
    "tagcloud",
    "tag-list",
    "taglist",
    "schlagw",
    "etiqueta",
    "keyword",
    "rating",
    "umfrage",
    "encuesta",
    "enquete",
    "author-box",
    "authorbox",
    "author-bio",
    "autor-box",
    "byline",
    "contact",
    "kontakt",
    "searchform",
    "search-form",
    "suchformular",
    "slider",
    "carousel",
    "slideshow",
    "gallery",
    "galerie",
    "galeria",
    "print",
    "drucken",
    // photo credits, author boxes and links to the next or previous article
    "credit",
    "bildnachweis",
    "bildquelle",
    "about-author",
    "author-info",
    "autor-info",
    "sobre-el-autor",
    "sobre-o-autor",
    "next-post",
    "prev-post",
    "previous-post",
    "nextprev",
    "imprimir",
    "imprimer",
];

/// Stems that name the main content.
const POS_STEMS: &[&str] = &[
    "article",
    "artikel",
    "articulo",
    "artigo",
    "content",
    "inhalt",
    "contenido",
    "conteudo",
    "contenu",
    "entry",
    "story",
    "storie",
    "text",
    "texto",
    "body",
    "cuerpo",
    "corpo",
    "noticia",
    "materia",
    "prose",
    "richtext",
    "rich-text",
    "blogpost",
    "blog-post",
    "post-",
    "-post",
];

/// Whole words (after splitting on non-alphanumerics) that are too short to match as stems.
fn word_hint(w: &str) -> Option<bool> {
    match w {
        "ad" | "ads" | "adv" | "advert" | "nav" | "tag" | "tags" | "meta" | "share" | "crumbs"
        | "rss" | "icons" | "btn" | "button" | "foot" | "logo" | "brand" | "toc" | "links"
        | "tools" | "author" | "autor" | "shop" | "cart" | "search" | "suche" | "buscar"
        | "busca" | "recherche" | "legal" => Some(false),
        "main" | "post" | "nota" | "blog" | "single" | "detail" | "haupt" | "principal"
        | "copy" => Some(true),
        _ => None,
    }
}

/// ARIA roles: landmarks that are chrome, and the two that mark content.
fn role_hint(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "navigation" | "banner" | "contentinfo" | "complementary" | "search" | "menu"
        | "menubar" | "dialog" | "alert" | "alertdialog" | "toolbar" | "tablist" | "tooltip" => {
            Some(false)
        }
        "main" | "article" => Some(true),
        _ => None,
    }
}

fn matcher() -> Option<&'static (AhoCorasick, usize)> {
    static AC: OnceLock<Option<(AhoCorasick, usize)>> = OnceLock::new();
    AC.get_or_init(|| {
        let pats: Vec<&str> = NEG_STEMS.iter().chain(POS_STEMS).copied().collect();
        AhoCorasick::new(pats).ok().map(|ac| (ac, NEG_STEMS.len()))
    })
    .as_ref()
}

/// Class names of posts quoted from social networks by their embed snippets.
fn is_embedded_post(name: &str) -> bool {
    name.starts_with("twitter-tweet") || name == "instagram-media" || name == "tiktok-embed"
}

/// Class names that carry a CMS taxonomy slug or id (`tag-elecciones`, `category-politica`,
/// `post-4711`) in a long class list: the slug is free text, not a description of the block.
fn is_taxonomy(name: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "tag-",
        "tags-",
        "category-",
        "categories-",
        "cat-",
        "format-",
        "status-",
        "topic-",
        "post_tag-",
        "postid-",
        "post-",
        "type-",
    ];
    PREFIXES.iter().any(|p| {
        name.len() > p.len()
            && name.starts_with(p)
            && (*p != "post-" || name[p.len()..].bytes().all(|b| b.is_ascii_digit()))
    })
}

/// Adds the hints of one `class` or `id` value: each space-separated name counts once, as
/// boilerplate if it has any boilerplate stem (`article-comments` names comments), else as
/// content if it has a content stem. `buf` is scratch space.
pub fn add_name_hints(value: &str, hint: &mut Hint, buf: &mut String) {
    if value.is_empty() {
        return;
    }
    buf.clear();
    buf.extend(value.chars().map(|c| c.to_ascii_lowercase()));
    let Some((ac, n_neg)) = matcher() else {
        return;
    };
    let long_list = buf.split_ascii_whitespace().nth(3).is_some();
    for name in buf.split_ascii_whitespace() {
        // Taxonomy slugs, and URLs used as ids, say nothing about the block; embedded posts
        // (`twitter-tweet`, `instagram-media`) are quotations inside the text, not share widgets.
        if (long_list && is_taxonomy(name)) || name.contains('/') || is_embedded_post(name) {
            continue;
        }
        // A BEM modifier (`section--ads`) names a variant, not what the block is.
        let name = name.split("--").next().unwrap_or(name);
        let (mut pos, mut neg) = (false, false);
        for m in ac.find_overlapping_iter(name) {
            if m.pattern().as_usize() >= *n_neg {
                pos = true;
            } else {
                neg = true;
            }
        }
        for w in name.split(|c: char| !c.is_ascii_alphanumeric()) {
            match word_hint(w) {
                Some(true) => pos = true,
                Some(false) => neg = true,
                None => {}
            }
        }
        if neg {
            hint.add(false);
        } else if pos {
            hint.add(true);
        }
    }
}

/// Adds the hint of a `role` attribute.
pub fn add_role_hint(value: &str, hint: &mut Hint) {
    if let Some(p) = role_hint(value) {
        hint.add(p);
        hint.add(p);
    }
}

/// Adds the hint of an `itemprop` attribute (schema.org article body and text).
pub fn add_itemprop_hint(value: &str, hint: &mut Hint) {
    for v in value.split_ascii_whitespace() {
        if v.eq_ignore_ascii_case("articleBody") || v.eq_ignore_ascii_case("text") {
            hint.pos = hint.pos.saturating_add(3);
        } else if v.eq_ignore_ascii_case("comment") || v.eq_ignore_ascii_case("author") {
            hint.add(false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(v: &str) -> Hint {
        let mut hint = Hint::default();
        add_name_hints(v, &mut hint, &mut String::new());
        hint
    }

    #[test]
    fn boilerplate_names_in_several_languages() {
        for v in [
            "comentarios",
            "KommentarBox",
            "social-share",
            "compartilhar",
            "cookie-banner",
            "noticias-relacionadas",
            "meistgelesen",
            "ad",
            "top-nav",
            "article-comments",
        ] {
            assert!(h(v).is_boilerplate(), "{v}: {:?}", h(v));
        }
    }

    #[test]
    fn content_names() {
        for v in [
            "article-body",
            "entry-content",
            "conteudo-materia",
            "cuerpo_nota",
            "main",
        ] {
            assert!(h(v).is_content(), "{v}: {:?}", h(v));
        }
        assert_eq!(h("header-wrapper"), Hint::default());
        assert_eq!(h(""), Hint::default());
    }

    #[test]
    fn roles_and_itemprop() {
        let mut hint = Hint::default();
        add_role_hint(" Navigation", &mut hint);
        assert!(hint.is_boilerplate());
        let mut hint = Hint::default();
        add_itemprop_hint("articleBody", &mut hint);
        assert!(hint.is_content());
    }
}
