//! Writes small, valid PDFs by hand: a catalog, a page tree, one standard Type1 font
//! (Helvetica, WinAnsiEncoding, no embedded program), an `/Info` dictionary and one content
//! stream per page. Used by the unit tests, the e2e tests (included by path) and the fuzz
//! seeds, so that every test input is built in the repository rather than shipped.
//!
//! This file uses nothing outside `std`: the e2e test binary includes it with `#[path]`.

/// A PDF under construction.
#[derive(Debug, Default, Clone)]
pub struct PdfBuilder {
    /// Content streams, with the `/Filter` their bytes are already encoded with.
    pages: Vec<(Vec<u8>, Option<String>)>,
    info: Vec<(String, String)>,
    lang: Option<String>,
}

/// One line of text placed at `(x, y)` (points from the bottom left) in Helvetica of `size`.
#[derive(Debug, Clone, Copy)]
pub struct TextLine<'a> {
    pub x: f32,
    pub y: f32,
    pub size: f32,
    pub text: &'a str,
}

impl PdfBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// An `/Info` entry (`Title`, `Author`, `CreationDate` ...), written as a literal string.
    pub fn info(&mut self, key: &str, value: &str) -> &mut Self {
        self.info.push((key.to_string(), value.to_string()));
        self
    }

    /// The catalog's `/Lang`.
    pub fn lang(&mut self, lang: &str) -> &mut Self {
        self.lang = Some(lang.to_string());
        self
    }

    /// A page with a raw content stream.
    pub fn raw_page(&mut self, content: &[u8]) -> &mut Self {
        self.pages.push((content.to_vec(), None));
        self
    }

    /// A page whose content stream is already encoded with `filter` (`FlateDecode` ...).
    pub fn encoded_page(&mut self, encoded: &[u8], filter: &str) -> &mut Self {
        self.pages
            .push((encoded.to_vec(), Some(filter.to_string())));
        self
    }

    /// A page that shows each line with its own text matrix (`Tm ... Tj`), in the order given.
    pub fn text_page(&mut self, lines: &[TextLine]) -> &mut Self {
        let mut c = Vec::new();
        for l in lines {
            c.extend_from_slice(
                format!("BT /F1 {} Tf 1 0 0 1 {} {} Tm ", l.size, l.x, l.y).as_bytes(),
            );
            c.extend_from_slice(&literal(l.text));
            c.extend_from_slice(b" Tj ET\n");
        }
        self.raw_page(&c)
    }

    /// The file.
    pub fn to_bytes(&self) -> Vec<u8> {
        let n_pages = self.pages.len();
        // Objects: 1 catalog, 2 page tree, 3 font, 4 info, then page and content per page.
        let mut objects: Vec<Vec<u8>> = Vec::new();
        let mut catalog = b"<< /Type /Catalog /Pages 2 0 R".to_vec();
        if let Some(lang) = &self.lang {
            catalog.extend_from_slice(b" /Lang ");
            catalog.extend_from_slice(&literal(lang));
        }
        catalog.extend_from_slice(b" >>");
        objects.push(catalog);
        let kids: Vec<String> = (0..n_pages).map(|i| format!("{} 0 R", 5 + 2 * i)).collect();
        objects.push(
            format!(
                "<< /Type /Pages /Kids [{}] /Count {n_pages} >>",
                kids.join(" ")
            )
            .into_bytes(),
        );
        objects.push(
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
                .to_vec(),
        );
        let mut info = b"<<".to_vec();
        for (k, v) in &self.info {
            info.extend_from_slice(format!(" /{k} ").as_bytes());
            info.extend_from_slice(&literal(v));
        }
        info.extend_from_slice(b" >>");
        objects.push(info);
        for (i, (content, filter)) in self.pages.iter().enumerate() {
            objects.push(
                format!(
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
                     /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                    6 + 2 * i
                )
                .into_bytes(),
            );
            let filter = filter
                .as_ref()
                .map(|f| format!(" /Filter /{f}"))
                .unwrap_or_default();
            let mut stream =
                format!("<< /Length {}{filter} >>\nstream\n", content.len()).into_bytes();
            stream.extend_from_slice(content);
            stream.extend_from_slice(b"\nendstream");
            objects.push(stream);
        }
        let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
        );
        for off in offsets {
            out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R /Info 4 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }
}

/// A PDF literal string in WinAnsiEncoding (Latin-1 for the letters of es/pt); characters
/// outside it become `?`. Parentheses and backslashes are escaped.
pub fn literal(text: &str) -> Vec<u8> {
    let mut out = vec![b'('];
    for c in text.chars() {
        let b = match c {
            '–' => 0x96,
            '—' => 0x97,
            '“' => 0x93,
            '”' => 0x94,
            c if (c as u32) < 256 => c as u32 as u8,
            _ => b'?',
        };
        if matches!(b, b'(' | b')' | b'\\') {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b')');
    out
}
