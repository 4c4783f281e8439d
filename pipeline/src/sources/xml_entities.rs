//! Entity references in XML documents, resolved without ever letting a DTD grow the text.
//!
//! An internal DTD subset can declare `<!ENTITY a "&b;&b;&b;">` chains that expand exponentially
//! (the "billion laughs" bomb), or one big literal referenced a million times. minga never follows
//! such chains: it expands only entities whose value is plain text, within a byte budget, and
//! reports a DTD that declares nested entities so the reader can reject the file as
//! `ingest.xml_entities`. External entities (`SYSTEM`/`PUBLIC`) are never fetched.

use std::collections::BTreeMap;

use quick_xml::escape::resolve_xml_entity;

/// What a DOCTYPE declares, as far as text is concerned.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct EntityTable {
    /// General entities with a plain-text value (character references already resolved).
    literal: BTreeMap<String, String>,
    /// Names of general entities whose value refers to other entities.
    pub nested: Vec<String>,
    /// Declared external entities (never loaded).
    pub external: usize,
}

/// Why an entity reference added nothing to the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unresolved {
    /// Neither predefined nor declared with a plain value.
    Unknown,
    /// The expansion budget is spent.
    OverBudget,
}

impl EntityTable {
    /// Reads the `<!ENTITY ...>` declarations of a DOCTYPE's content.
    pub fn from_doctype(doctype: &str) -> EntityTable {
        let mut table = EntityTable::default();
        let mut rest = doctype;
        while let Some(at) = rest.find("<!ENTITY") {
            rest = &rest[at + "<!ENTITY".len()..];
            let (decl, after) = split_declaration(rest);
            table.add_declaration(decl);
            rest = after;
        }
        table
    }

    /// True when a declaration refers to other entities (the shape of an expansion bomb).
    pub fn has_nested(&self) -> bool {
        !self.nested.is_empty()
    }

    fn add_declaration(&mut self, decl: &str) {
        let decl = decl.trim_start();
        if decl.starts_with('%') {
            return; // parameter entities only shape the DTD, never the text
        }
        let name_end = decl.find(|c: char| c.is_whitespace()).unwrap_or(decl.len());
        let (name, value) = decl.split_at(name_end);
        let value = value.trim();
        let Some(quote) = value.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            self.external += 1;
            return;
        };
        let body = value[1..].split(quote).next().unwrap_or("");
        match literal_value(body) {
            Some(text) => {
                self.literal.insert(name.to_string(), text);
            }
            None => self.nested.push(name.to_string()),
        }
    }

    /// Resolves `&name;` (the reference without `&` and `;`): character references, the five
    /// predefined entities, then declared plain-text entities while `budget` (bytes) lasts.
    pub fn resolve(&self, name: &str, budget: &mut usize) -> Result<String, Unresolved> {
        if let Some(c) = char_reference(name) {
            return Ok(c.to_string());
        }
        if let Some(s) = resolve_xml_entity(name) {
            return Ok(s.to_string());
        }
        let value = self.literal.get(name).ok_or(Unresolved::Unknown)?;
        if value.len() > *budget {
            return Err(Unresolved::OverBudget);
        }
        *budget -= value.len();
        Ok(value.clone())
    }
}

/// Splits a declaration body at its closing `>` (quoted `>` do not count).
fn split_declaration(s: &str) -> (&str, &str) {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '>') => return (&s[..i], &s[i + 1..]),
            _ => {}
        }
    }
    (s, "")
}

/// The text of an entity value, or `None` when it refers to other (general or parameter)
/// entities. Character references are resolved; markup inside a value is kept as text.
fn literal_value(body: &str) -> Option<String> {
    if body.contains('%') {
        return None;
    }
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        let end = tail.find(';')?;
        out.push(char_reference(&tail[..end])?);
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// `#233` or `#xE9` -> the character, when it is one XML allows in text.
fn char_reference(name: &str) -> Option<char> {
    numeric_reference(name).filter(|c| *c != '\0')
}

/// `#233` or `#xE9` -> the character it names (any code point); `None` for other names.
pub fn numeric_reference(name: &str) -> Option<char> {
    let digits = name.strip_prefix('#')?;
    let code = match digits.strip_prefix(['x', 'X']) {
        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
        None => digits.parse::<u32>().ok()?,
    };
    char::from_u32(code)
}

/// The value of the attribute whose local name is `key`, unescaped when it can be and as written
/// otherwise; empty when absent.
pub fn attribute(e: &quick_xml::events::BytesStart, key: &str) -> String {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key.as_bytes())
        .map(|a| match a.unescape_value() {
            Ok(v) => v.into_owned(),
            Err(_) => String::from_utf8_lossy(&a.value).into_owned(),
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOMB: &str = r#"TEI [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
]"#;

    #[test]
    fn nested_declarations_are_flagged_not_expanded() {
        let table = EntityTable::from_doctype(BOMB);
        assert!(table.has_nested());
        assert_eq!(table.nested, vec!["lol1".to_string(), "lol2".to_string()]);
        let mut budget = 1000;
        assert_eq!(table.resolve("lol", &mut budget).as_deref(), Ok("lol"));
        assert_eq!(table.resolve("lol2", &mut budget), Err(Unresolved::Unknown));
    }

    #[test]
    fn plain_entities_expand_within_budget() {
        let dtd = r#"TEI [ <!ENTITY pueblo "ayllu &#x2014; comunidad"> <!ENTITY % p "x">
            <!ENTITY logo SYSTEM "logo.png"> <!ENTITY gt2 'a > b'> ]"#;
        let table = EntityTable::from_doctype(dtd);
        assert!(!table.has_nested());
        assert_eq!(table.external, 1);
        let mut budget = 40;
        assert_eq!(
            table.resolve("pueblo", &mut budget).as_deref(),
            Ok("ayllu — comunidad")
        );
        assert_eq!(table.resolve("gt2", &mut budget).as_deref(), Ok("a > b"));
        assert_eq!(
            table.resolve("pueblo", &mut budget),
            Err(Unresolved::OverBudget)
        );
        assert_eq!(table.resolve("#241", &mut budget).as_deref(), Ok("ñ"));
        assert_eq!(table.resolve("amp", &mut budget).as_deref(), Ok("&"));
        assert_eq!(table.resolve("logo", &mut budget), Err(Unresolved::Unknown));
    }
}
