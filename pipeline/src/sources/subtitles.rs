//! Subtitles: SubRip (`.srt`) and WebVTT (`.vtt`), each file one document.
//!
//! Cue numbers, timings, VTT settings, `NOTE`/`STYLE`/`REGION` blocks, markup (`<i>`, `<c.x>`,
//! `<font>`, inline `<00:01.000>` timestamps) and ASS override blocks (`{\an8}`) are dropped.
//! A cue's lines are joined with spaces (their breaks are screen layout, not prose); cues follow
//! each other in one paragraph until a pause of at least [`PAUSE_GAP_MS`] or a change of speaker
//! starts a new one. Speaker labels (`<v Name>`, upper-case `NAME:` prefixes) leave the text and
//! go to `meta.speakers` / `meta.speaker_turns`; whole-line sound descriptions (`[música]`,
//! `(risas)`) are dropped and counted. Rolling captions that repeat the previous cue's last line
//! (auto-captioned video) keep one copy. Decoding is the plain reader's ([`super::doc_decode`]).

use std::path::Path;

use serde_json::{json, Map, Value};

use super::doc_decode::{choose_encoding, decode_all, scan_bytes};
use super::error::SourceError;
use super::subtitle_text::{clean_line, Line};
use super::{skip, Body, SkipReason, SourceDoc, SourceItem};

/// A silence this long (2 s) between two cues starts a new paragraph: long enough that a
/// speaker's breath between sentences does not split them, short enough that a new topic or
/// turn after a pause does.
pub const PAUSE_GAP_MS: u64 = 2000;

/// Which subtitle syntax a file uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubKind {
    Srt,
    Vtt,
}

impl SubKind {
    pub fn content_type(self) -> &'static str {
        match self {
            SubKind::Srt => "srt",
            SubKind::Vtt => "vtt",
        }
    }
}

/// One timed cue with its cleaned lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Cue {
    pub start_ms: u64,
    pub end_ms: u64,
    pub lines: Vec<Line>,
}

/// What parsing found besides the cues.
#[derive(Debug, Default, PartialEq)]
pub struct Parsed {
    pub cues: Vec<Cue>,
    /// Blocks with text but no timing line that parses.
    pub bad_blocks: u64,
    /// Whole-line sound descriptions dropped.
    pub descriptions: u64,
    /// VTT header fields (`Language: es`, `Kind: captions`).
    pub header: Vec<(String, String)>,
}

/// Reads one subtitle file as one document. An empty file gives no items; a file over
/// `max_bytes`, binary data or a file without cue text gives one skip. I/O failures are errors.
pub fn read_subtitles(
    path: &Path,
    kind: SubKind,
    max_bytes: u64,
) -> Result<Vec<SourceItem>, SourceError> {
    Ok(match super::read_whole_file(path, max_bytes)? {
        super::WholeFile::Bytes(bytes) => vec![subtitle_document(&bytes, kind)],
        super::WholeFile::Done(items) => items,
    })
}

/// The document (or skip) of a whole subtitle file's bytes.
pub fn subtitle_document(bytes: &[u8], kind: SubKind) -> SourceItem {
    let stats = scan_bytes(bytes);
    if stats.is_garbage() && encoding_rs::Encoding::for_bom(bytes).is_none() {
        let detail = "mostly control characters: binary data, not subtitles".to_string();
        return skip(0, SkipReason::Undecodable, detail);
    }
    let choice = choose_encoding(bytes, None, &stats);
    let (text, replaced) = decode_all(bytes, &choice);
    let mut meta = Map::new();
    if choice.how != "utf-8" && choice.how != "bom" {
        let name = choice.encoding.name().to_ascii_lowercase();
        meta.insert("encoding".into(), Value::String(name));
        meta.insert("encoding_from".into(), Value::String(choice.how.into()));
    }
    let parsed = parse(&text, kind);
    let (body, turns) = join_cues(&parsed.cues);
    if body.is_empty() {
        let detail = format!(
            "no cue text ({} cues, {} blocks without a timing line)",
            parsed.cues.len(),
            parsed.bad_blocks
        );
        return skip(0, SkipReason::NoText, detail);
    }
    let mut put = |k: &str, v: Value| {
        meta.insert(k.into(), v);
    };
    put("cues", parsed.cues.len().into());
    let end = parsed.cues.iter().map(|c| c.end_ms).max().unwrap_or(0);
    put("duration_ms", end.into());
    put("pause_gap_ms", PAUSE_GAP_MS.into());
    for (k, n) in [
        ("bad_blocks", parsed.bad_blocks),
        ("descriptions_dropped", parsed.descriptions),
        ("replaced_chars", replaced),
    ] {
        if n > 0 {
            put(k, n.into());
        }
    }
    let mut speakers: Vec<&str> = Vec::new();
    for (_, _, s) in &turns {
        if !speakers.contains(&s.as_str()) {
            speakers.push(s);
        }
    }
    if !speakers.is_empty() {
        put("speakers", json!(speakers));
        let turns: Vec<Value> = turns
            .iter()
            .map(|(para, ms, s)| json!({"paragraph": para, "start_ms": ms, "speaker": s}))
            .collect();
        put("speaker_turns", Value::Array(turns));
    }
    for (k, v) in &parsed.header {
        match k.to_ascii_lowercase().as_str() {
            "language" => put("language", Value::String(v.clone())),
            "kind" => put("vtt_kind", Value::String(v.clone())),
            _ => {}
        }
    }
    SourceItem::Doc(SourceDoc {
        offset: 0,
        length: bytes.len() as u64,
        url: None,
        record_id: None,
        date: None,
        payload_digest: None,
        content_type: kind.content_type(),
        title: None,
        body: Body::Text(body),
        meta,
        licence: None,
        country: None,
    })
}

/// Splits decoded subtitle text into cues (sorted by start time, stably).
pub fn parse(text: &str, kind: SubKind) -> Parsed {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut parsed = Parsed::default();
    let mut blocks = text.split("\n\n").map(str::trim).filter(|b| !b.is_empty());
    if kind == SubKind::Vtt {
        let first = text.trim_start();
        if first.starts_with("WEBVTT") {
            let header = blocks.next().unwrap_or("");
            parsed.header = header
                .lines()
                .skip(1)
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .collect();
        }
    }
    for block in blocks {
        if kind == SubKind::Vtt
            && ["NOTE", "STYLE", "REGION"].iter().any(|k| {
                block.starts_with(k) && !block.lines().next().unwrap_or("").contains("-->")
            })
        {
            continue;
        }
        let mut lines = block.lines();
        let timing = lines
            .by_ref()
            .take(2)
            .find(|l| l.contains("-->"))
            .and_then(parse_timing);
        let Some((start_ms, end_ms)) = timing else {
            parsed.bad_blocks += 1;
            continue;
        };
        let mut cue = Cue {
            start_ms,
            end_ms,
            lines: Vec::new(),
        };
        for raw in lines {
            match clean_line(raw) {
                Some(line) if line.description => parsed.descriptions += 1,
                Some(line) => cue.lines.push(line),
                None => {}
            }
        }
        parsed.cues.push(cue);
    }
    parsed.cues.sort_by_key(|c| c.start_ms);
    parsed
}

/// `00:00:01,000 --> 00:00:04,000` (SRT) or `00:01.000 --> 00:04.000 align:start` (VTT).
fn parse_timing(line: &str) -> Option<(u64, u64)> {
    let (a, b) = line.split_once("-->")?;
    let start = timestamp(a.trim())?;
    let end = timestamp(b.split_whitespace().next()?)?;
    Some((start, end.max(start)))
}

/// `hh:mm:ss,mmm`, `hh:mm:ss.mmm` or `mm:ss.mmm` in milliseconds.
pub fn timestamp(t: &str) -> Option<u64> {
    let (clock, frac) = t.split_once([',', '.']).unwrap_or((t, "0"));
    let frac = frac.get(..frac.len().min(3))?;
    if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let ms: u64 = frac.parse::<u64>().ok()? * 10u64.pow(3 - frac.len() as u32);
    let parts: Vec<&str> = clock.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let mut secs = 0u64;
    for p in parts {
        if p.is_empty() || p.len() > 6 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        secs = secs * 60 + p.parse::<u64>().ok()?;
    }
    Some(secs * 1000 + ms)
}

/// A speaker turn: the paragraph it starts in, its start time and the speaker.
type Turn = (usize, u64, String);

/// Joins cues into paragraphs at pauses and speaker changes; returns the text and the turns.
fn join_cues(cues: &[Cue]) -> (String, Vec<Turn>) {
    let mut paras: Vec<String> = Vec::new();
    let mut turns: Vec<Turn> = Vec::new();
    let mut speaker: Option<String> = None;
    let mut last_end: Option<u64> = None;
    let mut last_line: Option<&str> = None;
    for cue in cues {
        let pause = last_end.is_some_and(|e| cue.start_ms >= e + PAUSE_GAP_MS);
        let mut break_next = pause;
        for line in &cue.lines {
            if last_line == Some(line.text.as_str()) {
                continue;
            }
            last_line = Some(line.text.as_str());
            if let Some(s) = &line.speaker {
                if speaker.as_ref() != Some(s) {
                    break_next = true;
                    speaker = Some(s.clone());
                    // The turn starts the paragraph about to be opened.
                    turns.push((paras.len(), cue.start_ms, s.clone()));
                }
            } else if line.dash {
                break_next = true;
            }
            if line.text.is_empty() {
                continue;
            }
            match paras.last_mut() {
                Some(p) if !break_next => {
                    p.push(' ');
                    p.push_str(&line.text);
                }
                _ => paras.push(line.text.clone()),
            }
            break_next = false;
        }
        last_end = Some(last_end.map_or(cue.end_ms, |e| e.max(cue.end_ms)));
    }
    (paras.join("\n\n"), turns)
}

#[cfg(test)]
#[path = "subtitles_tests.rs"]
mod tests;
