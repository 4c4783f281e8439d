//! Turning the bytes of a document file into UTF-8 text, whatever it was saved in.
//!
//! Collections are mostly UTF-8, but older ones were saved in windows-1252 or Latin-1 and some
//! files mix the two. The rule: a BOM or a declared charset wins; valid UTF-8 is UTF-8; bytes that
//! hold more invalid UTF-8 sequences than valid multi-byte ones are a single-byte legacy file
//! (decoded as windows-1252, a superset of Latin-1 for printable text); otherwise the file is
//! UTF-8 with a few broken bytes, decoded lossily and the replacements counted.

use std::io::{self, BufRead, Read};

use encoding_rs::{CoderResult, Decoder, Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

/// Counts gathered by [`Utf8Scan`] over a byte stream.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ByteStats {
    /// Bytes seen.
    pub bytes: u64,
    /// Maximal invalid UTF-8 sequences (each becomes one U+FFFD when decoded as UTF-8).
    pub invalid: u64,
    /// Valid multi-byte UTF-8 characters.
    pub multibyte: u64,
    /// NUL bytes and other C0 controls except tab, LF, FF and CR.
    pub controls: u64,
}

impl ByteStats {
    /// Share of bytes that are control characters text never holds.
    pub fn garbage_ratio(&self) -> f64 {
        if self.bytes == 0 {
            return 0.0;
        }
        self.controls as f64 / self.bytes as f64
    }

    /// True when the bytes are binary rather than text in any encoding: more than 2% are NULs
    /// or other C0 controls (random data has about 11%, UTF-16 without a BOM up to 50%, text in
    /// any single-byte or UTF-8 encoding next to none). Invalid UTF-8 alone is not garbage: it
    /// is how legacy encodings look.
    pub fn is_garbage(&self) -> bool {
        self.garbage_ratio() > 0.02
    }
}

/// Incremental UTF-8 validation that tolerates chunk boundaries inside a character.
#[derive(Debug, Default)]
pub struct Utf8Scan {
    stats: ByteStats,
    carry: Vec<u8>,
}

impl Utf8Scan {
    /// Feeds the next chunk of the stream.
    pub fn feed(&mut self, chunk: &[u8]) {
        self.stats.bytes += chunk.len() as u64;
        self.stats.controls += chunk
            .iter()
            .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r'))
            .count() as u64;
        if self.carry.is_empty() {
            let rest = self.scan(chunk);
            self.carry.extend_from_slice(rest);
        } else {
            let mut joined = std::mem::take(&mut self.carry);
            joined.extend_from_slice(chunk);
            let rest = self.scan(&joined).to_vec();
            self.carry = rest;
        }
    }

    /// Ends the stream (an incomplete trailing character counts as invalid) and returns counts.
    pub fn finish(mut self) -> ByteStats {
        if !self.carry.is_empty() {
            self.stats.invalid += 1;
        }
        self.stats
    }

    /// Validates `bytes`, returning an incomplete character at the end to carry over.
    fn scan<'a>(&mut self, mut bytes: &'a [u8]) -> &'a [u8] {
        loop {
            match std::str::from_utf8(bytes) {
                Ok(s) => {
                    self.count_multibyte(s);
                    return &[];
                }
                Err(e) => {
                    let (good, rest) = bytes.split_at(e.valid_up_to());
                    self.count_multibyte(std::str::from_utf8(good).unwrap_or_default());
                    match e.error_len() {
                        None => return rest,
                        Some(n) => {
                            self.stats.invalid += 1;
                            bytes = &rest[n..];
                        }
                    }
                }
            }
        }
    }

    fn count_multibyte(&mut self, s: &str) {
        // In valid UTF-8 every non-ASCII character starts with exactly one byte >= 0xC0.
        self.stats.multibyte += s.bytes().filter(|b| *b >= 0xC0).count() as u64;
    }
}

/// Validates a whole buffer at once.
pub fn scan_bytes(bytes: &[u8]) -> ByteStats {
    let mut scan = Utf8Scan::default();
    scan.feed(bytes);
    scan.finish()
}

/// The encoding chosen for a document and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    pub encoding: &'static Encoding,
    /// Length of a byte-order mark at the start of the file (skipped when decoding).
    pub bom_len: usize,
    /// `bom`, `declared`, `utf-8`, `utf-8-lossy` or `fallback`.
    pub how: &'static str,
}

/// Picks the encoding for a file from its BOM, a declared label (XML declaration, `<meta>`,
/// front matter) and the UTF-8 statistics of its bytes.
pub fn choose_encoding(head: &[u8], declared: Option<&str>, stats: &ByteStats) -> Choice {
    if let Some((encoding, bom_len)) = Encoding::for_bom(head) {
        return Choice {
            encoding,
            bom_len,
            how: "bom",
        };
    }
    let declared = declared.and_then(|label| Encoding::for_label(label.trim().as_bytes()));
    // A declared UTF-16 in a file without a BOM that scanned as ASCII-compatible is a mislabel
    // (the declaration itself was readable as ASCII), so it is ignored.
    let declared = declared.filter(|e| *e != UTF_16LE && *e != UTF_16BE);
    let (encoding, how) = match declared {
        Some(e) if e != UTF_8 => (e, "declared"),
        _ if stats.invalid == 0 => (UTF_8, "utf-8"),
        // More broken sequences than valid ones: a legacy file with a few UTF-8 pieces pasted in.
        _ if stats.invalid > stats.multibyte => (WINDOWS_1252, "fallback"),
        _ => (UTF_8, "utf-8-lossy"),
    };
    Choice {
        encoding,
        bom_len: 0,
        how,
    }
}

/// The `encoding="..."` of an XML declaration at the start of `head`, if any.
pub fn xml_declared_encoding(head: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(head);
    let decl = head.trim_start_matches('\u{feff}');
    let decl = decl.strip_prefix("<?xml")?;
    let decl = &decl[..decl.find("?>")?];
    let at = decl.find("encoding")?;
    let rest = decl[at + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?;
    let rest = rest.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    Some(rest[1..].split(quote).next()?.to_string())
}

/// Decodes a whole buffer; returns the text and the number of U+FFFD replacements made.
pub fn decode_all(bytes: &[u8], choice: &Choice) -> (String, u64) {
    let body = &bytes[choice.bom_len.min(bytes.len())..];
    let (text, had_errors) = choice.encoding.decode_without_bom_handling(body);
    let replaced = if had_errors {
        text.chars().filter(|&c| c == '\u{FFFD}').count() as u64
    } else {
        0
    };
    (text.into_owned(), replaced)
}

/// Replaces C1 control characters (U+0080..U+009F) by the windows-1252 characters they stand for.
///
/// They never belong in text; they appear when windows-1252 bytes were once decoded as Latin-1
/// (U+0085 for "…", U+0093/U+0094 for curly quotes). Returns how many were replaced.
pub fn fix_c1_controls(text: &mut String) -> u64 {
    // U+0080..U+009F are encoded as C2 80..C2 9F: find them as bytes and copy the spans between.
    let bytes = text.as_bytes();
    let mut fixed = 0;
    let mut out = String::new();
    let mut copied = 0;
    for at in memchr::memchr_iter(0xC2, bytes) {
        let Some(&second) = bytes.get(at + 1).filter(|b| (0x80..=0x9F).contains(*b)) else {
            continue;
        };
        let byte = [second];
        let (decoded, _, bad) = WINDOWS_1252.decode(&byte);
        let Some(c) = decoded.chars().next().filter(|c| !bad && !is_c1(*c)) else {
            continue; // 0x81, 0x8D, 0x8F, 0x90, 0x9D have no windows-1252 character
        };
        if out.is_empty() {
            out.reserve(text.len());
        }
        out.push_str(&text[copied..at]);
        out.push(c);
        copied = at + 2;
        fixed += 1;
    }
    if fixed > 0 {
        out.push_str(&text[copied..]);
        *text = out;
    }
    fixed
}

fn is_c1(c: char) -> bool {
    ('\u{80}'..='\u{9f}').contains(&c)
}

/// A [`BufRead`] that decodes another reader to UTF-8 as it goes, so a streaming parser can
/// read any legacy encoding while memory stays at one chunk.
pub struct DecodingReader<R> {
    inner: R,
    decoder: Decoder,
    input: Vec<u8>,
    output: String,
    pos: usize,
    done: bool,
    replaced: u64,
}

const CHUNK: usize = 64 * 1024;

impl<R: Read> DecodingReader<R> {
    /// Decodes `inner` with `encoding`; the caller has already skipped any BOM.
    pub fn new(inner: R, encoding: &'static Encoding) -> Self {
        DecodingReader {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            input: vec![0; CHUNK],
            output: String::new(),
            pos: 0,
            done: false,
            replaced: 0,
        }
    }

    /// U+FFFD replacements made so far.
    pub fn replaced(&self) -> u64 {
        self.replaced
    }

    fn refill(&mut self) -> io::Result<()> {
        self.output.clear();
        self.pos = 0;
        while self.output.is_empty() && !self.done {
            let n = loop {
                match self.inner.read(&mut self.input) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
            };
            let last = n == 0;
            let mut src = &self.input[..n];
            loop {
                let need = self
                    .decoder
                    .max_utf8_buffer_length(src.len())
                    .unwrap_or(CHUNK * 4);
                self.output.reserve(need);
                let before = self.output.len();
                let (result, read, had) =
                    self.decoder.decode_to_string(src, &mut self.output, last);
                if had {
                    self.replaced += self.output[before..].matches('\u{FFFD}').count() as u64;
                }
                src = &src[read..];
                if result == CoderResult::InputEmpty {
                    break;
                }
            }
            self.done = last;
        }
        Ok(())
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for DecodingReader<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos >= self.output.len() {
            self.refill()?;
        }
        Ok(&self.output.as_bytes()[self.pos..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.output.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_counts_across_chunk_boundaries() {
        let text = "Ñandé ñe'ẽ: ¿Qué tal?".as_bytes();
        let mut scan = Utf8Scan::default();
        for chunk in text.chunks(1) {
            scan.feed(chunk);
        }
        let stats = scan.finish();
        assert_eq!(stats.invalid, 0);
        assert_eq!(stats.multibyte, 6);
        assert_eq!(stats, scan_bytes(text));
    }

    #[test]
    fn latin1_file_falls_back_to_windows_1252() {
        let (bytes, _, _) = WINDOWS_1252.encode("Canción del niño… «ñandú»");
        let stats = scan_bytes(&bytes);
        assert!(stats.invalid > 0 && stats.multibyte == 0);
        let choice = choose_encoding(&bytes, None, &stats);
        assert_eq!(choice.how, "fallback");
        let (text, replaced) = decode_all(&bytes, &choice);
        assert_eq!(text, "Canción del niño… «ñandú»");
        assert_eq!(replaced, 0);
    }

    #[test]
    fn mostly_utf8_is_decoded_lossily() {
        let mut bytes = "Añaretã, ko'ãga ".as_bytes().to_vec();
        bytes.push(0xff);
        bytes.extend_from_slice("oñepyrũ".as_bytes());
        let stats = scan_bytes(&bytes);
        let choice = choose_encoding(&bytes, None, &stats);
        assert_eq!(choice.how, "utf-8-lossy");
        let (text, replaced) = decode_all(&bytes, &choice);
        assert_eq!(replaced, 1);
        assert!(text.contains("ko'ãga \u{FFFD}oñepyrũ"));
    }

    #[test]
    fn bom_and_declaration_win() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice("Allin p'unchaw".as_bytes());
        let choice = choose_encoding(&bytes, Some("iso-8859-1"), &scan_bytes(&bytes));
        assert_eq!((choice.how, choice.bom_len), ("bom", 3));
        assert_eq!(decode_all(&bytes, &choice).0, "Allin p'unchaw");
        let plain = b"caf\xe9";
        let choice = choose_encoding(plain, Some("latin1"), &scan_bytes(plain));
        assert_eq!(choice.how, "declared");
        assert_eq!(decode_all(plain, &choice).0, "café");
    }

    #[test]
    fn xml_declaration_names_the_encoding() {
        let head = b"<?xml version='1.0' encoding = \"ISO-8859-1\"?><TEI/>";
        assert_eq!(xml_declared_encoding(head).as_deref(), Some("ISO-8859-1"));
        assert_eq!(
            xml_declared_encoding(b"<?xml version=\"1.0\"?><TEI/>"),
            None
        );
        assert_eq!(xml_declared_encoding(b"<TEI encoding='x'/>"), None);
    }

    #[test]
    fn binary_is_garbage() {
        let bytes: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
        assert!(scan_bytes(&bytes).is_garbage());
        assert!(!scan_bytes("Rimaykullayki, tayta.\n".as_bytes()).is_garbage());
    }

    #[test]
    fn c1_controls_become_windows_1252() {
        let mut text = String::from("Dentro en mi alma\u{85} \u{93}sí\u{94}");
        assert_eq!(fix_c1_controls(&mut text), 3);
        assert_eq!(text, "Dentro en mi alma… “sí”");
        let mut clean = String::from("sem controles");
        assert_eq!(fix_c1_controls(&mut clean), 0);
    }

    #[test]
    fn decoding_reader_streams_legacy_text() {
        let long = "Mañana será otro día. ".repeat(10_000);
        let (bytes, _, _) = WINDOWS_1252.encode(&long);
        let mut reader = DecodingReader::new(&bytes[..], WINDOWS_1252);
        let mut out = String::new();
        reader.read_to_string(&mut out).unwrap();
        assert_eq!(out, long);
        assert_eq!(reader.replaced(), 0);
        let broken = b"ok \xff\xfe fin";
        let mut reader = DecodingReader::new(&broken[..], UTF_8);
        let mut out = String::new();
        reader.read_to_string(&mut out).unwrap();
        assert_eq!(reader.replaced(), 2);
        assert_eq!(out, "ok \u{FFFD}\u{FFFD} fin");
    }
}
