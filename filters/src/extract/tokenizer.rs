//! Tolerant HTML tokenizer: one forward pass over the bytes, no allocation per token.
//!
//! It never fails: a `<` that starts no tag is text, a tag cut off by the end of input is dropped
//! (as browsers do), comments, doctypes and processing instructions are skipped, CDATA sections
//! are text, and the content of raw-text elements (`<script>`, `<style>`, `<textarea>`, `<title>`,
//! `<noscript>` ...) is returned as one piece up to its end tag.

use super::tags::Tag;
use memchr::{memchr, memmem};

#[derive(Debug, PartialEq)]
pub enum Token<'a> {
    /// A start tag; `attrs` is the raw attribute source, read with [`attrs`].
    Start {
        tag: Tag,
        attrs: &'a str,
        self_closing: bool,
    },
    End(Tag),
    /// Text with character references still encoded.
    Text(&'a str),
    /// Text to take literally (raw-text element content, CDATA).
    Raw(&'a str),
}

pub struct Tokenizer<'a> {
    src: &'a str,
    pos: usize,
    /// Set after a raw-text start tag: its content comes next, then its end tag.
    raw: Option<Tag>,
    pending_end: Option<Tag>,
}

impl<'a> Tokenizer<'a> {
    pub fn new(src: &'a str) -> Self {
        Tokenizer {
            src,
            pos: 0,
            raw: None,
            pending_end: None,
        }
    }

    fn bytes(&self) -> &'a [u8] {
        self.src.as_bytes()
    }

    /// Content of a raw-text element up to its end tag (or the end of input).
    fn raw_content(&mut self, tag: Tag) -> Token<'a> {
        let b = self.bytes();
        let start = self.pos;
        let name = raw_end_name(tag);
        let mut i = start;
        let end = loop {
            if tag == Tag::Plaintext {
                break b.len();
            }
            let Some(p) = memmem::find(&b[i..], b"</") else {
                break b.len();
            };
            let at = i + p;
            let after = at + 2 + name.len();
            if b.len() >= after
                && b[at + 2..after].eq_ignore_ascii_case(name)
                && b.get(after).is_none_or(|c| is_tag_end(*c))
            {
                break at;
            }
            i = at + 2;
        };
        // Skip the end tag itself.
        self.pos = match memchr(b'>', &b[end..]) {
            Some(p) => end + p + 1,
            None => b.len(),
        };
        self.pending_end = Some(tag);
        let text = &self.src[start..end];
        if matches!(tag, Tag::Title | Tag::Textarea) {
            Token::Text(text)
        } else {
            Token::Raw(text)
        }
    }

    /// Parses markup at `self.pos` (a `<`). Returns `None` for skipped markup (comments ...).
    fn markup(&mut self) -> Option<Token<'a>> {
        let b = self.bytes();
        let i = self.pos;
        let next = b.get(i + 1).copied().unwrap_or(0);
        if next == b'!' {
            if b[i..].starts_with(b"<!--") {
                let body = &b[i + 4..];
                self.pos = if body.starts_with(b">") {
                    i + 5
                } else if body.starts_with(b"->") {
                    i + 6
                } else {
                    memmem::find(body, b"-->").map_or(b.len(), |p| i + 4 + p + 3)
                };
                return None;
            }
            if b.len() >= i + 9 && b[i + 2..i + 9].eq_ignore_ascii_case(b"[CDATA[") {
                let s = i + 9;
                let (end, next) = match memmem::find(&b[s..], b"]]>") {
                    Some(p) => (s + p, s + p + 3),
                    None => (b.len(), b.len()),
                };
                self.pos = next;
                return Some(Token::Raw(&self.src[s..end]));
            }
            self.skip_to_gt(i + 2);
            return None;
        }
        if next == b'?' {
            self.skip_to_gt(i + 2);
            return None;
        }
        if next == b'/' {
            let n = b.get(i + 2).copied().unwrap_or(0);
            if !n.is_ascii_alphabetic() {
                self.skip_to_gt(i + 2);
                return None;
            }
            let name_end = scan_name(b, i + 2);
            let tag = Tag::from_name(&b[i + 2..name_end]);
            // Attributes on end tags are parsed (quotes respected) and ignored.
            let Some((_, gt)) = scan_attrs(b, name_end) else {
                self.pos = b.len();
                return None;
            };
            self.pos = gt + 1;
            return Some(Token::End(tag));
        }
        let name_end = scan_name(b, i + 1);
        let tag = Tag::from_name(&b[i + 1..name_end]);
        let Some((attrs_end, gt)) = scan_attrs(b, name_end) else {
            // A tag cut off by the end of input is dropped.
            self.pos = b.len();
            return None;
        };
        let self_closing = gt > name_end && b[gt - 1] == b'/';
        self.pos = gt + 1;
        if tag.is_raw_text() && !self_closing {
            self.raw = Some(tag);
        }
        Some(Token::Start {
            tag,
            attrs: &self.src[name_end..attrs_end],
            self_closing,
        })
    }

    fn skip_to_gt(&mut self, from: usize) {
        let b = self.bytes();
        self.pos = match memchr(b'>', &b[from.min(b.len())..]) {
            Some(p) => from + p + 1,
            None => b.len(),
        };
    }
}

impl<'a> Iterator for Tokenizer<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        if let Some(tag) = self.pending_end.take() {
            return Some(Token::End(tag));
        }
        if let Some(tag) = self.raw.take() {
            return Some(self.raw_content(tag));
        }
        let b = self.bytes();
        loop {
            if self.pos >= b.len() {
                return None;
            }
            if b[self.pos] == b'<' && starts_markup(b, self.pos) {
                if let Some(t) = self.markup() {
                    return Some(t);
                }
                continue;
            }
            // Text up to the next `<` that starts markup.
            let start = self.pos;
            let mut i = start + 1;
            let end = loop {
                match memchr(b'<', &b[i..]) {
                    Some(p) if starts_markup(b, i + p) => break i + p,
                    Some(p) => i += p + 1,
                    None => break b.len(),
                }
            };
            // `end` is at a `<` or the end of input: both are char boundaries.
            self.pos = end;
            return Some(Token::Text(&self.src[start..end]));
        }
    }
}

fn starts_markup(b: &[u8], i: usize) -> bool {
    match b.get(i + 1) {
        Some(c) => c.is_ascii_alphabetic() || matches!(c, b'/' | b'!' | b'?'),
        None => false,
    }
}

fn is_tag_end(c: u8) -> bool {
    c.is_ascii_whitespace() || c == b'/' || c == b'>'
}

fn scan_name(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && !is_tag_end(b[i]) {
        i += 1;
    }
    i
}

/// Scans attributes from `i` to the closing `>`, honouring quotes. Returns (end of the attribute
/// source, index of `>`), or `None` when the input ends inside the tag.
fn scan_attrs(b: &[u8], mut i: usize) -> Option<(usize, usize)> {
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        let c = *b.get(i)?;
        if c == b'>' {
            let end = if i > 0 && b[i - 1] == b'/' { i - 1 } else { i };
            return Some((end, i));
        }
        let name_start = i;
        while i < b.len() && !is_tag_end(b[i]) && b[i] != b'=' {
            i += 1;
        }
        if i == name_start {
            i += 1; // a stray `=`
        }
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if b.get(i) == Some(&b'=') {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            match b.get(i) {
                Some(&q @ (b'"' | b'\'')) => i += 1 + memchr(q, &b[i + 1..])? + 1,
                _ => {
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                }
            }
        }
    }
}

/// Name of the end tag that closes a raw-text element.
fn raw_end_name(tag: Tag) -> &'static [u8] {
    match tag {
        Tag::Script => b"script",
        Tag::Style => b"style",
        Tag::Textarea => b"textarea",
        Tag::Title => b"title",
        Tag::Xmp => b"xmp",
        Tag::Iframe => b"iframe",
        Tag::Noembed => b"noembed",
        Tag::Noframes => b"noframes",
        Tag::Noscript => b"noscript",
        _ => b"plaintext",
    }
}

/// Iterates `(name, raw value)` pairs of a start tag's attribute source. Names are as written;
/// compare them with `eq_ignore_ascii_case`.
pub fn attrs(src: &str) -> impl Iterator<Item = (&str, &str)> {
    let b = src.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() {
            return None;
        }
        let ns = i;
        while i < b.len() && !is_tag_end(b[i]) && b[i] != b'=' {
            i += 1;
        }
        if i == ns {
            i += 1;
            continue;
        }
        let name = &src[ns..i];
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if b.get(i) != Some(&b'=') {
            return Some((name, ""));
        }
        i += 1;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let value = match b.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                let vs = i + 1;
                let ve = memchr(q, &b[vs..]).map_or(b.len(), |p| vs + p);
                i = (ve + 1).min(b.len());
                &src[vs..ve]
            }
            _ => {
                let vs = i;
                while i < b.len() && !b[i].is_ascii_whitespace() {
                    i += 1;
                }
                &src[vs..i]
            }
        };
        return Some((name, value));
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Token<'_>> {
        Tokenizer::new(s).collect()
    }

    #[test]
    fn tags_text_and_comments() {
        let t = toks("<!DOCTYPE html><P class='a>b'>Hola<!-- x --> mundo</p >");
        assert_eq!(t.len(), 4);
        assert!(matches!(
            t[0],
            Token::Start {
                tag: Tag::P,
                attrs: " class='a>b'",
                ..
            }
        ));
        assert_eq!(t[1], Token::Text("Hola"));
        assert_eq!(t[2], Token::Text(" mundo"));
        assert_eq!(t[3], Token::End(Tag::P));
    }

    #[test]
    fn raw_text_and_cdata() {
        let t = toks("<script>if (a<b) x='</p>';</script><![CDATA[ñ<b>]]>z");
        assert_eq!(t[1], Token::Raw("if (a<b) x='</p>';"));
        assert_eq!(t[2], Token::End(Tag::Script));
        assert_eq!(t[3], Token::Raw("ñ<b>"));
        assert_eq!(t[4], Token::Text("z"));
    }

    #[test]
    fn stray_lt_and_truncation() {
        assert_eq!(toks("a < b <3"), vec![Token::Text("a < b <3")]);
        assert_eq!(toks("x<div class=\"unterminated"), vec![Token::Text("x")]);
        assert_eq!(toks("<!-- never closed"), vec![]);
        assert_eq!(toks("<title>T&amp;C"), toks("<title>T&amp;C</title>"));
        assert_eq!(
            toks("a</body></html"),
            vec![Token::Text("a"), Token::End(Tag::Body)]
        );
    }

    #[test]
    fn attribute_iteration() {
        let a: Vec<_> = attrs(r#" id=main class="a b" hidden data-x='1'"#).collect();
        assert_eq!(
            a,
            vec![
                ("id", "main"),
                ("class", "a b"),
                ("hidden", ""),
                ("data-x", "1")
            ]
        );
    }
}
