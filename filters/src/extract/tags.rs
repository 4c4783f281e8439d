//! HTML tag names interned to small ids, with the few properties the tree builder and the
//! content scorer need (void, raw text, block, dropped, implied-end rules).

/// Interned tag id. Unknown and custom elements share [`Tag::Other`] and behave as inline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Tag {
    Root,
    Other,
    A,
    Abbr,
    Address,
    Applet,
    Area,
    Article,
    Aside,
    Audio,
    B,
    Base,
    Blockquote,
    Body,
    Br,
    Button,
    Canvas,
    Caption,
    Center,
    Code,
    Col,
    Dd,
    Details,
    Dialog,
    Dir,
    Div,
    Dl,
    Dt,
    Em,
    Embed,
    Fieldset,
    Figcaption,
    Figure,
    Footer,
    Form,
    Frameset,
    H1,
    H2,
    H3,
    H4,
    H5,
    H6,
    Head,
    Header,
    Hgroup,
    Hr,
    Html,
    I,
    Iframe,
    Img,
    Input,
    Label,
    Legend,
    Li,
    Link,
    Main,
    Map,
    Marquee,
    Math,
    Menu,
    Meta,
    Nav,
    Noembed,
    Noframes,
    Noscript,
    Object,
    Ol,
    Optgroup,
    Option,
    P,
    Param,
    Picture,
    Plaintext,
    Pre,
    Script,
    Search,
    Section,
    Select,
    Source,
    Span,
    Strong,
    Style,
    Summary,
    Svg,
    Table,
    Tbody,
    Td,
    Template,
    Textarea,
    Tfoot,
    Th,
    Thead,
    Time,
    Title,
    Tr,
    Track,
    U,
    Ul,
    Video,
    Wbr,
    Xmp,
}

/// Number of [`Tag`] variants (for per-tag counters).
pub const TAG_COUNT: usize = Tag::Xmp as usize + 1;

impl Tag {
    /// Interns a tag name given as bytes in any case.
    pub fn from_name(name: &[u8]) -> Tag {
        if name.len() > 10 {
            return Tag::Other;
        }
        let mut buf = [0u8; 10];
        for (d, s) in buf.iter_mut().zip(name) {
            *d = s.to_ascii_lowercase();
        }
        match &buf[..name.len()] {
            b"a" => Tag::A,
            b"abbr" => Tag::Abbr,
            b"address" => Tag::Address,
            b"applet" => Tag::Applet,
            b"area" => Tag::Area,
            b"article" => Tag::Article,
            b"aside" => Tag::Aside,
            b"audio" => Tag::Audio,
            b"b" => Tag::B,
            b"base" => Tag::Base,
            b"blockquote" => Tag::Blockquote,
            b"body" => Tag::Body,
            b"br" => Tag::Br,
            b"button" => Tag::Button,
            b"canvas" => Tag::Canvas,
            b"caption" => Tag::Caption,
            b"center" => Tag::Center,
            b"code" => Tag::Code,
            b"col" => Tag::Col,
            b"dd" => Tag::Dd,
            b"details" => Tag::Details,
            b"dialog" => Tag::Dialog,
            b"dir" => Tag::Dir,
            b"div" => Tag::Div,
            b"dl" => Tag::Dl,
            b"dt" => Tag::Dt,
            b"em" => Tag::Em,
            b"embed" => Tag::Embed,
            b"fieldset" => Tag::Fieldset,
            b"figcaption" => Tag::Figcaption,
            b"figure" => Tag::Figure,
            b"footer" => Tag::Footer,
            b"form" => Tag::Form,
            b"frameset" => Tag::Frameset,
            b"h1" => Tag::H1,
            b"h2" => Tag::H2,
            b"h3" => Tag::H3,
            b"h4" => Tag::H4,
            b"h5" => Tag::H5,
            b"h6" => Tag::H6,
            b"head" => Tag::Head,
            b"header" => Tag::Header,
            b"hgroup" => Tag::Hgroup,
            b"hr" => Tag::Hr,
            b"html" => Tag::Html,
            b"i" => Tag::I,
            b"iframe" => Tag::Iframe,
            b"img" | b"image" => Tag::Img,
            b"input" => Tag::Input,
            b"label" => Tag::Label,
            b"legend" => Tag::Legend,
            b"li" => Tag::Li,
            b"link" => Tag::Link,
            b"main" => Tag::Main,
            b"map" => Tag::Map,
            b"marquee" => Tag::Marquee,
            b"math" => Tag::Math,
            b"menu" => Tag::Menu,
            b"meta" => Tag::Meta,
            b"nav" => Tag::Nav,
            b"noembed" => Tag::Noembed,
            b"noframes" => Tag::Noframes,
            b"noscript" => Tag::Noscript,
            b"object" => Tag::Object,
            b"ol" => Tag::Ol,
            b"optgroup" => Tag::Optgroup,
            b"option" => Tag::Option,
            b"p" => Tag::P,
            b"param" => Tag::Param,
            b"picture" => Tag::Picture,
            b"plaintext" => Tag::Plaintext,
            b"pre" | b"listing" => Tag::Pre,
            b"script" => Tag::Script,
            b"search" => Tag::Search,
            b"section" => Tag::Section,
            b"select" => Tag::Select,
            b"source" => Tag::Source,
            b"span" => Tag::Span,
            b"strong" => Tag::Strong,
            b"style" => Tag::Style,
            b"summary" => Tag::Summary,
            b"svg" => Tag::Svg,
            b"table" => Tag::Table,
            b"tbody" => Tag::Tbody,
            b"td" => Tag::Td,
            b"template" => Tag::Template,
            b"textarea" => Tag::Textarea,
            b"tfoot" => Tag::Tfoot,
            b"th" => Tag::Th,
            b"thead" => Tag::Thead,
            b"time" => Tag::Time,
            b"title" => Tag::Title,
            b"tr" => Tag::Tr,
            b"track" => Tag::Track,
            b"u" => Tag::U,
            b"ul" => Tag::Ul,
            b"video" => Tag::Video,
            b"wbr" => Tag::Wbr,
            b"xmp" => Tag::Xmp,
            _ => Tag::Other,
        }
    }

    /// Elements that never have content or an end tag.
    pub fn is_void(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Area | Base
                | Br
                | Col
                | Embed
                | Hr
                | Img
                | Input
                | Link
                | Meta
                | Param
                | Source
                | Track
                | Wbr
        )
    }

    /// Elements whose content is not markup: the tokenizer scans straight to their end tag.
    pub fn is_raw_text(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Script | Style | Textarea | Title | Xmp | Iframe | Noembed | Noframes | Plaintext
        )
    }

    /// Elements whose whole subtree is never visible text of a page. (`<noscript>` is parsed
    /// as markup and judged later: some sites put the whole article there.)
    pub fn is_dropped(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Head | Script
                | Style
                | Template
                | Svg
                | Math
                | Iframe
                | Object
                | Applet
                | Embed
                | Canvas
                | Select
                | Button
                | Input
                | Textarea
                | Title
                | Audio
                | Video
                | Map
                | Noembed
                | Noframes
                | Frameset
                | Dialog
                | Option
                | Optgroup
                | Xmp
                | Plaintext
        )
    }

    /// Elements that start a new text block (a paragraph break before and after).
    pub fn is_block(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Root | Html
                | Body
                | Address
                | Article
                | Aside
                | Blockquote
                | Caption
                | Center
                | Dd
                | Details
                | Dir
                | Div
                | Dl
                | Dt
                | Fieldset
                | Figcaption
                | Figure
                | Footer
                | Form
                | H1
                | H2
                | H3
                | H4
                | H5
                | H6
                | Header
                | Hgroup
                | Hr
                | Legend
                | Li
                | Main
                | Menu
                | Nav
                | Ol
                | P
                | Pre
                | Search
                | Section
                | Summary
                | Table
                | Tbody
                | Td
                | Tfoot
                | Th
                | Thead
                | Tr
                | Ul
        )
    }

    /// Start tags that close an open `<p>` (HTML's "close a p element" rule).
    pub fn closes_p(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Address
                | Article
                | Aside
                | Blockquote
                | Center
                | Details
                | Dialog
                | Dir
                | Div
                | Dl
                | Fieldset
                | Figcaption
                | Figure
                | Footer
                | Form
                | H1
                | H2
                | H3
                | H4
                | H5
                | H6
                | Header
                | Hgroup
                | Hr
                | Main
                | Menu
                | Nav
                | Ol
                | P
                | Pre
                | Search
                | Section
                | Summary
                | Table
                | Ul
                | Dd
                | Dt
                | Li
                | Plaintext
                | Xmp
        )
    }

    /// Elements that bound the search for an open element when closing implicitly.
    pub fn is_scope_boundary(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Root | Html | Table | Td | Th | Caption | Template | Object | Applet | Marquee | Button
        )
    }

    pub fn is_heading(self) -> bool {
        use Tag::*;
        matches!(self, H1 | H2 | H3 | H4 | H5 | H6)
    }

    /// Inline formatting elements: their end tag is ignored when a block is open inside them.
    pub fn is_inline(self) -> bool {
        !self.is_block() && !self.is_scope_boundary()
    }

    /// Elements allowed inside `<head>`; anything else implicitly ends the head.
    pub fn belongs_in_head(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Title | Meta | Link | Style | Script | Base | Noscript | Template
        )
    }

    /// Table cells and rows: for text layout (cells on one line).
    pub fn is_cell(self) -> bool {
        matches!(self, Tag::Td | Tag::Th)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_case_insensitive() {
        assert_eq!(Tag::from_name(b"DiV"), Tag::Div);
        assert_eq!(Tag::from_name(b"BLOCKQUOTE"), Tag::Blockquote);
        assert_eq!(Tag::from_name(b"my-widget"), Tag::Other);
        assert_eq!(Tag::from_name(b"averyveryverylongname"), Tag::Other);
        assert_eq!(Tag::from_name(b""), Tag::Other);
    }

    #[test]
    fn properties() {
        assert!(Tag::Br.is_void() && !Tag::Div.is_void());
        assert!(Tag::Script.is_raw_text() && Tag::Script.is_dropped());
        assert!(Tag::P.is_block() && !Tag::Span.is_block());
        assert!(Tag::Div.closes_p() && !Tag::Span.closes_p());
        assert!(Tag::Span.is_inline() && !Tag::Td.is_inline());
    }
}
