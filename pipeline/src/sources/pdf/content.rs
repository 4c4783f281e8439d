//! Runs a page's content stream far enough to know where every glyph lands: the text state
//! (`Tf`, `Tm`, `Td`, `TJ` ...), the graphics matrix (`cm`, `q`/`Q`) and form XObjects (`Do`).
//! Nothing is drawn; the result is a list of placed characters for the layout.

use std::collections::BTreeMap;
use std::rc::Rc;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

use super::fonts::{deref, number, Font, Glyph};

/// Form XObjects nested deeper than this are not entered (a cycle would never end).
const MAX_FORM_DEPTH: usize = 8;

/// One character placed on the page, in page space (points, y up).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    pub x: f32,
    pub y: f32,
    /// Advance along the baseline.
    pub w: f32,
    /// Font size as drawn (vertical scale of the text matrix).
    pub size: f32,
    /// Byte range of the character's text in [`PageChars::text`].
    pub start: u32,
    pub end: u32,
}

/// Every character of one page, in content-stream order.
#[derive(Debug, Default)]
pub struct PageChars {
    pub chars: Vec<Placed>,
    pub text: String,
}

impl PageChars {
    pub fn str_of(&self, c: &Placed) -> &str {
        self.text
            .get(c.start as usize..c.end as usize)
            .unwrap_or("")
    }
}

/// What the walk may spend on one page (content bytes and operators) and on the document.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Bytes any one stream may inflate to.
    pub max_stream_bytes: usize,
    /// Operators on one page, forms included.
    pub max_ops: usize,
    /// Characters on one page.
    pub max_chars: usize,
}

/// Why a page's walk stopped early.
#[derive(Debug, PartialEq)]
pub enum WalkError {
    /// A stream or the page went past the budget.
    TooLarge(String),
}

type Matrix = [f32; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn mul(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

#[derive(Clone)]
struct TextState {
    font: Option<Rc<Font>>,
    size: f32,
    char_space: f32,
    word_space: f32,
    hscale: f32,
    leading: f32,
    rise: f32,
}

#[derive(Clone)]
struct GState {
    ctm: Matrix,
    text: TextState,
}

/// Fonts already read, by object id, shared by every page of a document.
pub type FontCache = BTreeMap<ObjectId, Rc<Font>>;

/// Walks one page.
pub struct Walker<'a> {
    doc: &'a Document,
    budget: Budget,
    fonts: &'a mut FontCache,
    ops: usize,
    out: PageChars,
    glyphs: Vec<Glyph>,
}

impl<'a> Walker<'a> {
    pub fn new(doc: &'a Document, budget: Budget, fonts: &'a mut FontCache) -> Self {
        Walker {
            doc,
            budget,
            fonts,
            ops: 0,
            out: PageChars::default(),
            glyphs: Vec::new(),
        }
    }

    /// The page's characters and the operators run; `Err` only when the page went over the
    /// budget.
    pub fn page(mut self, page: ObjectId) -> Result<(PageChars, usize), WalkError> {
        let content = self
            .doc
            .get_page_content_with_limit(page, self.budget.max_stream_bytes)
            .map_err(|e| WalkError::TooLarge(format!("page content: {e}")))?;
        let resources = page_resources(self.doc, page);
        let state = GState {
            ctm: IDENTITY,
            text: TextState {
                font: None,
                size: 0.0,
                char_space: 0.0,
                word_space: 0.0,
                hscale: 1.0,
                leading: 0.0,
                rise: 0.0,
            },
        };
        self.run(&content, &resources, state, 0)?;
        Ok((self.out, self.ops))
    }

    fn run(
        &mut self,
        bytes: &[u8],
        resources: &Dictionary,
        mut gs: GState,
        depth: usize,
    ) -> Result<(), WalkError> {
        // A content stream that does not parse yields what parsed before the error: lopdf
        // gives nothing then, so the page simply has no text rather than failing the file.
        let Ok(content) = Content::decode(bytes) else {
            return Ok(());
        };
        let mut stack: Vec<GState> = Vec::new();
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        for op in &content.operations {
            self.ops += 1;
            if self.ops > self.budget.max_ops {
                return Err(WalkError::TooLarge(format!(
                    "more than {} content operators on one page",
                    self.budget.max_ops
                )));
            }
            let nums: Vec<f32> = op.operands.iter().filter_map(number).collect();
            let ts = &mut gs.text;
            match op.operator.as_str() {
                "q" if stack.len() < 256 => stack.push(gs.clone()),
                "Q" => {
                    if let Some(g) = stack.pop() {
                        gs = g;
                    }
                }
                "cm" if nums.len() == 6 => {
                    let m = [nums[0], nums[1], nums[2], nums[3], nums[4], nums[5]];
                    gs.ctm = mul(&m, &gs.ctm);
                }
                "BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                "Tf" => {
                    if let (Some(Object::Name(name)), Some(size)) =
                        (op.operands.first(), op.operands.get(1).and_then(number))
                    {
                        ts.font = Some(self.font(resources, name));
                        ts.size = size;
                    }
                }
                "Tc" if !nums.is_empty() => ts.char_space = nums[0],
                "Tw" if !nums.is_empty() => ts.word_space = nums[0],
                "Tz" if !nums.is_empty() => ts.hscale = nums[0] / 100.0,
                "TL" if !nums.is_empty() => ts.leading = nums[0],
                "Ts" if !nums.is_empty() => ts.rise = nums[0],
                "Td" | "TD" if nums.len() == 2 => {
                    if op.operator == "TD" {
                        ts.leading = -nums[1];
                    }
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, nums[0], nums[1]], &tlm);
                    tm = tlm;
                }
                "Tm" if nums.len() == 6 => {
                    tlm = [nums[0], nums[1], nums[2], nums[3], nums[4], nums[5]];
                    tm = tlm;
                }
                "T*" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -ts.leading], &tlm);
                    tm = tlm;
                }
                "Tj" | "'" | "\"" | "TJ" => {
                    if op.operator != "Tj" && op.operator != "TJ" {
                        if op.operator == "\"" && nums.len() >= 2 {
                            ts.word_space = nums[0];
                            ts.char_space = nums[1];
                        }
                        tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -ts.leading], &tlm);
                        tm = tlm;
                    }
                    self.show(&op.operands, &gs, &mut tm)?;
                }
                "Do" => {
                    if let Some(Object::Name(name)) = op.operands.first() {
                        self.form(resources, name, &gs, depth)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// `Tj`, `'`, `"` (last operand is the string) and `TJ` (an array of strings and kerns).
    fn show(&mut self, operands: &[Object], gs: &GState, tm: &mut Matrix) -> Result<(), WalkError> {
        let ts = &gs.text;
        let Some(font) = ts.font.clone() else {
            return Ok(());
        };
        let items: &[Object] = match operands.last() {
            Some(Object::Array(a)) => a,
            Some(o) => std::slice::from_ref(o),
            None => return Ok(()),
        };
        for item in items {
            match item {
                Object::String(bytes, _) => {
                    self.glyphs.clear();
                    font.decode(bytes, &mut self.glyphs);
                    for i in 0..self.glyphs.len() {
                        let g = &self.glyphs[i];
                        let trm = mul(&[ts.size * ts.hscale, 0.0, 0.0, ts.size, 0.0, ts.rise], tm);
                        let trm = mul(&trm, &gs.ctm);
                        let mut adv = g.width * ts.size + ts.char_space;
                        if g.is_space_code {
                            adv += ts.word_space;
                        }
                        adv *= ts.hscale;
                        let x_scale = (tm[0] * gs.ctm[0] + tm[1] * gs.ctm[2]).abs();
                        let size = (trm[2] * trm[2] + trm[3] * trm[3]).sqrt();
                        if !g.text.is_empty() {
                            self.push(trm[4], trm[5], adv * x_scale.max(1e-3), size, i)?;
                        }
                        *tm = mul(&[1.0, 0.0, 0.0, 1.0, adv, 0.0], tm);
                    }
                }
                other => {
                    if let Some(n) = number(other) {
                        let adv = -n / 1000.0 * ts.size * ts.hscale;
                        *tm = mul(&[1.0, 0.0, 0.0, 1.0, adv, 0.0], tm);
                    }
                }
            }
        }
        Ok(())
    }

    fn push(&mut self, x: f32, y: f32, w: f32, size: f32, glyph: usize) -> Result<(), WalkError> {
        if self.out.chars.len() >= self.budget.max_chars {
            return Err(WalkError::TooLarge(format!(
                "more than {} characters on one page",
                self.budget.max_chars
            )));
        }
        if !(x.is_finite() && y.is_finite() && w.is_finite() && size.is_finite()) {
            return Ok(());
        }
        let start = self.out.text.len() as u32;
        self.out.text.push_str(&self.glyphs[glyph].text);
        self.out.chars.push(Placed {
            x,
            y,
            w,
            size,
            start,
            end: self.out.text.len() as u32,
        });
        Ok(())
    }

    fn form(
        &mut self,
        resources: &Dictionary,
        name: &[u8],
        gs: &GState,
        depth: usize,
    ) -> Result<(), WalkError> {
        if depth >= MAX_FORM_DEPTH {
            return Ok(());
        }
        let doc = self.doc;
        let Some(stream) = sub_dict(doc, resources, b"XObject")
            .and_then(|x| x.get(name).ok())
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_stream().ok())
        else {
            return Ok(());
        };
        if stream.dict.get(b"Subtype").and_then(|s| s.as_name()).ok() != Some(b"Form") {
            return Ok(());
        }
        let bytes = stream
            .decompressed_content_with_limit(self.budget.max_stream_bytes)
            .or_else(|_| {
                if stream.dict.get(b"Filter").is_err() {
                    Ok(stream.content.clone())
                } else {
                    Err(())
                }
            });
        let Ok(bytes) = bytes else {
            return Ok(());
        };
        let mut inner = gs.clone();
        if let Ok(m) = stream.dict.get(b"Matrix").and_then(|m| m.as_array()) {
            let m: Vec<f32> = m.iter().filter_map(number).collect();
            if m.len() == 6 {
                inner.ctm = mul(&[m[0], m[1], m[2], m[3], m[4], m[5]], &gs.ctm);
            }
        }
        let own = stream
            .dict
            .get(b"Resources")
            .ok()
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_dict().ok());
        let res = own.unwrap_or(resources).clone();
        self.run(&bytes, &res, inner, depth + 1)
    }

    fn font(&mut self, resources: &Dictionary, name: &[u8]) -> Rc<Font> {
        let doc = self.doc;
        let entry = sub_dict(doc, resources, b"Font").and_then(|f| f.get(name).ok());
        let limit = self.budget.max_stream_bytes;
        match entry {
            Some(Object::Reference(id)) => {
                if let Some(f) = self.fonts.get(id) {
                    return f.clone();
                }
                let font = match doc.get_dictionary(*id) {
                    Ok(d) => Font::load(doc, d, limit),
                    Err(_) => Font::missing(),
                };
                let font = Rc::new(font);
                self.fonts.insert(*id, font.clone());
                font
            }
            Some(Object::Dictionary(d)) => Rc::new(Font::load(doc, d, limit)),
            _ => Rc::new(Font::missing()),
        }
    }
}

fn sub_dict<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    dict.get(key)
        .ok()
        .and_then(|o| deref(doc, o))
        .and_then(|o| o.as_dict().ok())
}

/// The page's resources, inherited ones merged under its own (lopdf lists both).
fn page_resources(doc: &Document, page: ObjectId) -> Dictionary {
    let mut merged = Dictionary::new();
    let Ok((own, inherited)) = doc.get_page_resources(page) else {
        return merged;
    };
    for id in inherited.iter().rev() {
        if let Ok(d) = doc.get_dictionary(*id) {
            merge(doc, &mut merged, d);
        }
    }
    if let Some(d) = own {
        merge(doc, &mut merged, d);
    }
    merged
}

/// Copies `from`'s Font and XObject entries into `into`, later ones winning.
fn merge(doc: &Document, into: &mut Dictionary, from: &Dictionary) {
    for key in [&b"Font"[..], b"XObject"] {
        let Some(src) = sub_dict(doc, from, key) else {
            continue;
        };
        let mut dst = into
            .get(key)
            .ok()
            .and_then(|o| o.as_dict().ok())
            .cloned()
            .unwrap_or_default();
        for (k, v) in src.iter() {
            dst.set(k.clone(), v.clone());
        }
        into.set(key.to_vec(), Object::Dictionary(dst));
    }
}
