//! The text side of the TEI reader: XML whitespace collapsed, element boundaries turned into
//! separators of three strengths (a space, a line break, a paragraph break), the strongest pending
//! one written before the next word.

/// Separator strengths, weakest first.
pub(crate) const SPACE: u8 = 1;
pub(crate) const LINE: u8 = 2;
pub(crate) const PARA: u8 = 3;

/// Accumulates text, collapsing XML whitespace and turning element boundaries into separators.
#[derive(Debug, Default)]
pub(crate) struct TextSink {
    pub(crate) out: String,
    pub(crate) pending: u8,
}

impl TextSink {
    pub(crate) fn brk(&mut self, level: u8) {
        self.pending = self.pending.max(level);
    }

    pub(crate) fn push(&mut self, s: &str) {
        // XML whitespace is ASCII, so byte positions next to it are char boundaries. Words
        // separated by single spaces are copied as one span.
        let bytes = s.as_bytes();
        let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
        let mut i = 0;
        while i < bytes.len() {
            if is_space(bytes[i]) {
                self.brk(SPACE);
                i += 1;
                continue;
            }
            let start = i;
            loop {
                while i < bytes.len() && !is_space(bytes[i]) {
                    i += 1;
                }
                match bytes.get(i..i + 2) {
                    Some([b' ', next]) if !is_space(*next) => i += 1,
                    _ => break,
                }
            }
            if !self.out.is_empty() {
                self.out.push_str(match self.pending {
                    0 => "",
                    SPACE => " ",
                    LINE => "\n",
                    _ => "\n\n",
                });
            }
            self.pending = 0;
            self.out.push_str(&s[start..i]);
        }
    }
}
