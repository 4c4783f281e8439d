//! Hand-written matcher for [`SPLIT_PATTERN`](crate::SPLIT_PATTERN) over ASCII text: the common
//! case runs without the regex engine. It answers only when every byte it has to look at is ASCII;
//! at the first non-ASCII byte that could change the match (a letter, mark, digit or space outside
//! ASCII) it returns `None` and the caller uses the regex from the same position. Tests compare it
//! with the regex on random and real text.

const LETTER: u8 = 1;
const DIGIT: u8 = 2;
/// `\s` in ASCII: tab, line feed, vertical tab, form feed, carriage return, space.
const SPACE: u8 = 4;
const NEWLINE: u8 = 8;

const fn classes() -> [u8; 128] {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphabetic() {
            LETTER
        } else if c.is_ascii_digit() {
            DIGIT
        } else if c == b'\r' || c == b'\n' {
            SPACE | NEWLINE
        } else if matches!(c, b'\t' | 0x0B | 0x0C | b' ') {
            SPACE
        } else {
            0
        };
        b += 1;
    }
    t
}

static CLASS: [u8; 128] = classes();

/// Class of the byte at `i`: Some(class) for ASCII, None for non-ASCII, Some(END) past the end.
#[inline]
fn class(bytes: &[u8], i: usize) -> Option<u8> {
    match bytes.get(i) {
        Some(&b) if b < 128 => Some(CLASS[usize::from(b)]),
        Some(_) => None,
        None => Some(END),
    }
}

const END: u8 = 128;

/// End of the match that starts at `pos`, or None when non-ASCII text decides it.
pub(crate) fn match_ascii(bytes: &[u8], pos: usize) -> Option<usize> {
    let c = class(bytes, pos)?;
    if c & LETTER != 0 {
        return letters(bytes, pos);
    }
    if c & DIGIT != 0 {
        let mut end = pos + 1;
        while end < pos + 3 {
            match class(bytes, end)? {
                DIGIT => end += 1,
                _ => break,
            }
        }
        return Some(end);
    }
    let next = class(bytes, pos + 1)?;
    // A: one non-letter, non-digit, non-newline character, then letters.
    if c & NEWLINE == 0 && next == LETTER {
        return letters(bytes, pos + 1);
    }
    if c & SPACE == 0 || (bytes[pos] == b' ' && next == 0) {
        // C: an optional space, a run of other characters, then line breaks.
        let mut end = if bytes[pos] == b' ' { pos + 1 } else { pos };
        while class(bytes, end)? == 0 {
            end += 1;
        }
        while class(bytes, end)? & NEWLINE != 0 {
            end += 1;
        }
        return Some(end);
    }
    spaces(bytes, pos)
}

/// Letters, then any number of `'` + letters (`’` is not ASCII: the regex decides).
fn letters(bytes: &[u8], start: usize) -> Option<usize> {
    let mut end = start;
    loop {
        while class(bytes, end)? == LETTER {
            end += 1;
        }
        if bytes.get(end) == Some(&b'\'') && class(bytes, end + 1)? == LETTER {
            end += 1;
            continue;
        }
        return Some(end);
    }
}

/// D, E, F: a whitespace run up to its last line break; else the run less its last character when
/// a non-space follows (it then prefixes the next piece), else the whole run.
fn spaces(bytes: &[u8], pos: usize) -> Option<usize> {
    let mut end = pos;
    let mut last_newline = None;
    loop {
        let c = class(bytes, end)?;
        if c == END || c & SPACE == 0 {
            break;
        }
        if c & NEWLINE != 0 {
            last_newline = Some(end);
        }
        end += 1;
    }
    if let Some(nl) = last_newline {
        return Some(nl + 1);
    }
    if end == bytes.len() || end - pos == 1 {
        Some(end)
    } else {
        Some(end - 1)
    }
}
