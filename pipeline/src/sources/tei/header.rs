//! Metadata from a TEI `<teiHeader>`: title, author, date, country, licence, publisher, idno.
//!
//! The collector sees the header's events one by one (the reader streams) and keeps only the
//! path of open header elements and a few capped text buffers, so a hostile header costs at most
//! its nesting depth. Where TEI offers several places for one fact, the more specific wins:
//! `creation/date` over a first edition's date over the digital edition's date; the author's
//! country (as collections like CoNSSA/conha19 classify) over a `<country>` element over the place
//! of first publication.

use serde_json::{Map, Value};

/// Longest text kept for one header field.
const FIELD_CAP: usize = 4096;

/// Header facts, each kept with its priority (lower wins).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct TeiHeader {
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub authors: Vec<String>,
    pub publisher: Option<String>,
    date: Option<(u8, String)>,
    pub publication_date: Option<String>,
    pub availability: Option<String>,
    pub availability_status: Option<String>,
    licence_text: Option<String>,
    licence_urls: Vec<String>,
    pub idno: Option<String>,
    pub idno_type: Option<String>,
    country: Option<(u8, String)>,
    pub languages: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Field {
    Title,
    Subtitle,
    Author,
    AuthorName,
    Publisher,
    Availability,
    Licence,
    PubDate,
    Date(u8),
    Idno,
    Country(u8),
}

#[derive(Debug)]
struct Capture {
    field: Field,
    depth: usize,
    text: String,
    when: Option<String>,
}

#[derive(Debug)]
struct Open {
    name: String,
    edition_first: bool,
}

/// Streams the events of one `<teiHeader>` into a [`TeiHeader`].
#[derive(Debug, Default)]
pub struct HeaderCollector {
    path: Vec<Open>,
    captures: Vec<Capture>,
    suppress_at: Option<usize>,
    /// A `<name>` of the author being read; preferred over the author's whole text.
    author_name: Option<String>,
    header: TeiHeader,
}

impl HeaderCollector {
    /// An element opens; `attr` looks up one of its attributes by local name.
    pub fn start(&mut self, name: &str, attr: &dyn Fn(&str) -> Option<String>) {
        let depth = self.path.len();
        let parent = self.path.last().map(|o| o.name.clone()).unwrap_or_default();
        let edition_first = name == "bibl" && attr("type").as_deref() == Some("edition-first")
            || self.path.last().is_some_and(|o| o.edition_first);
        if self.suppress_at.is_none() {
            self.on_start(name, &parent, depth, attr);
        }
        self.path.push(Open {
            name: name.to_string(),
            edition_first,
        });
    }

    fn on_start(
        &mut self,
        name: &str,
        parent: &str,
        depth: usize,
        attr: &dyn Fn(&str) -> Option<String>,
    ) {
        let ty = attr("type");
        let in_author = self.captures.iter().any(|c| c.field == Field::Author);
        let in_availability = self.captures.iter().any(|c| c.field == Field::Availability);
        let within = |n: &str| self.path.iter().any(|o| o.name == n);
        let field = match name {
            "title" if parent == "titleStmt" => match ty.as_deref() {
                None | Some("main") => Some(Field::Title),
                Some("sub") => Some(Field::Subtitle),
                _ => return self.suppress(depth),
            },
            "author" if parent == "titleStmt" => Some(Field::Author),
            "idno" | "note" if in_author => return self.suppress(depth),
            "name" | "persName" if in_author => match ty.as_deref() {
                None | Some("full") | Some("reg") => Some(Field::AuthorName),
                _ => return self.suppress(depth),
            },
            "publisher" if parent == "publicationStmt" => Some(Field::Publisher),
            "availability" if parent == "publicationStmt" => {
                self.header.availability_status = attr("status");
                Some(Field::Availability)
            }
            "licence" if in_availability => {
                self.header.licence_urls.extend(attr("target"));
                Some(Field::Licence)
            }
            "ref" | "ptr" if in_availability => {
                self.header.licence_urls.extend(attr("target"));
                None
            }
            "date" if parent == "publicationStmt" => Some(Field::PubDate),
            "date" if parent == "creation" => Some(Field::Date(0)),
            "date" if within("sourceDesc") => {
                let first = self.path.last().is_some_and(|o| o.edition_first);
                Some(Field::Date(if first { 1 } else { 2 }))
            }
            "idno" if parent == "publicationStmt" && self.header.idno.is_none() => {
                self.header.idno_type = ty;
                Some(Field::Idno)
            }
            "country" => match attr("key").filter(|k| is_alpha2(k)) {
                Some(key) => {
                    self.offer_country(1, key.to_ascii_uppercase());
                    None
                }
                None => Some(Field::Country(1)),
            },
            "term" => ty
                .as_deref()
                .and_then(country_term_priority)
                .map(Field::Country),
            "language" if parent == "langUsage" => {
                self.header.languages.extend(attr("ident"));
                None
            }
            _ => None,
        };
        if let Some(field) = field {
            let when = attr("when");
            self.captures.push(Capture {
                field,
                depth,
                text: String::new(),
                when,
            });
        }
    }

    fn suppress(&mut self, depth: usize) {
        self.suppress_at = Some(depth);
    }

    /// Character data inside the header.
    pub fn text(&mut self, s: &str) {
        if self.suppress_at.is_some() {
            return;
        }
        for capture in &mut self.captures {
            if capture.text.len() < FIELD_CAP {
                capture.text.push_str(s);
            }
        }
    }

    /// The innermost open element closes.
    pub fn end(&mut self) {
        self.path.pop();
        let depth = self.path.len();
        if self.suppress_at == Some(depth) {
            self.suppress_at = None;
        }
        while self.captures.last().is_some_and(|c| c.depth >= depth) {
            if let Some(capture) = self.captures.pop() {
                self.finish(capture);
            }
        }
    }

    fn finish(&mut self, capture: Capture) {
        let text = collapse(&capture.text);
        let h = &mut self.header;
        let value = capture.when.clone().filter(|w| !w.is_empty());
        let value = value.or_else(|| (!text.is_empty()).then(|| text.clone()));
        let Some(value) = value else { return };
        match capture.field {
            Field::Title => set_once(&mut h.title, value),
            Field::Subtitle => set_once(&mut h.subtitle, value),
            Field::AuthorName => set_once(&mut self.author_name, text),
            Field::Author => {
                let name = self.author_name.take().unwrap_or(text);
                if !name.is_empty() {
                    h.authors.push(name);
                }
            }
            Field::Publisher => set_once(&mut h.publisher, text),
            Field::Availability => set_once(&mut h.availability, text),
            Field::Licence => set_once(&mut h.licence_text, text),
            Field::PubDate => {
                set_once(&mut h.publication_date, value.clone());
                offer(&mut h.date, 3, value);
            }
            Field::Date(p) => offer(&mut h.date, p, value),
            Field::Idno => set_once(&mut h.idno, text),
            Field::Country(p) => offer(&mut h.country, p, text),
        }
    }

    fn offer_country(&mut self, priority: u8, value: String) {
        offer(&mut self.header.country, priority, value);
    }

    /// Ends collection and returns what was found.
    pub fn into_header(mut self) -> TeiHeader {
        // Only a header cut short leaves captures open; keep what they gathered.
        while let Some(capture) = self.captures.pop() {
            self.finish(capture);
        }
        self.header
    }
}

impl TeiHeader {
    /// The best date found (creation, first edition, any source date, digital edition).
    pub fn date(&self) -> Option<&str> {
        self.date.as_ref().map(|(_, d)| d.as_str())
    }

    /// ISO 3166 alpha-2 code when the header's country is known to minga.
    pub fn country_code(&self) -> Option<String> {
        let (_, raw) = self.country.as_ref()?;
        if is_alpha2(raw) && raw.chars().all(|c| c.is_ascii_uppercase()) {
            return Some(raw.clone());
        }
        country_code(raw).map(str::to_string)
    }

    /// A licence id (`CC-BY-4.0`, `CC0-1.0`, `PDM-1.0`) or the licence as the header states it.
    pub fn licence(&self) -> Option<String> {
        let mapped = self.licence_urls.iter().find_map(|u| licence_from_url(u));
        mapped
            .or_else(|| self.licence_text.clone().filter(|t| t.len() <= 100))
            .or_else(|| self.licence_urls.first().cloned())
    }

    /// Fills fields this header lacks from an enclosing corpus header.
    pub fn inherit(&mut self, corpus: &TeiHeader) {
        macro_rules! fill {
            ($($f:ident),*) => { $( if self.$f.is_none() { self.$f = corpus.$f.clone(); } )* };
        }
        fill!(
            title,
            subtitle,
            publisher,
            date,
            publication_date,
            availability
        );
        fill!(availability_status, licence_text, idno, idno_type, country);
        if self.authors.is_empty() {
            self.authors = corpus.authors.clone();
        }
        if self.licence_urls.is_empty() {
            self.licence_urls = corpus.licence_urls.clone();
        }
        if self.languages.is_empty() {
            self.languages = corpus.languages.clone();
        }
    }

    /// Writes every field found into `meta` (keys: title, subtitle, author, date, publication_date,
    /// publisher, licence, availability, availability_status, idno, idno_type, country,
    /// country_name, language).
    pub fn write_meta(&self, meta: &mut Map<String, Value>) {
        let mut put = |k: &str, v: Option<String>| {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                meta.insert(k.to_string(), Value::String(v));
            }
        };
        put("title", self.title.clone());
        put("subtitle", self.subtitle.clone());
        put("author", Some(self.authors.join("; ")));
        put("date", self.date().map(str::to_string));
        put("publication_date", self.publication_date.clone());
        put("publisher", self.publisher.clone());
        put("licence", self.licence());
        put("availability", self.availability.clone());
        put("availability_status", self.availability_status.clone());
        put("idno", self.idno.clone());
        put("idno_type", self.idno_type.clone());
        put("country", self.country_code());
        put(
            "country_name",
            self.country.as_ref().map(|(_, c)| c.clone()),
        );
        put("language", Some(self.languages.join(",")));
    }
}

fn set_once(slot: &mut Option<String>, value: String) {
    if slot.is_none() && !value.is_empty() {
        *slot = Some(value);
    }
}

fn offer(slot: &mut Option<(u8, String)>, priority: u8, value: String) {
    if value.is_empty() {
        return;
    }
    if slot.as_ref().is_none_or(|(p, _)| priority < *p) {
        *slot = Some((priority, value));
    }
}

/// Priority of a `<term type="...">` that names a country; birth and death places do not count.
fn country_term_priority(ty: &str) -> Option<u8> {
    match ty {
        "author.country" | "country" => Some(0),
        "text.publication.first.country" => Some(2),
        t if t.ends_with("country") && !t.contains("birth") && !t.contains("death") => Some(3),
        _ => None,
    }
}

fn is_alpha2(s: &str) -> bool {
    s.len() == 2 && s.chars().all(|c| c.is_ascii_alphabetic())
}

/// Collapses XML whitespace runs to one space and trims.
pub fn collapse(s: &str) -> String {
    s.split([' ', '\t', '\n', '\r'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// ISO 3166-1 alpha-2 code of a country named in Spanish, Portuguese or English.
pub fn country_code(name: &str) -> Option<&'static str> {
    let key: String = name
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ã' => 'a',
            'é' | 'ê' => 'e',
            'í' => 'i',
            'ó' | 'ô' | 'õ' => 'o',
            'ú' | 'ü' => 'u',
            'ç' => 'c',
            c => c,
        })
        .collect();
    let code = match key.as_str() {
        "argentina" => "AR",
        "bolivia" => "BO",
        "brasil" | "brazil" => "BR",
        "chile" => "CL",
        "colombia" => "CO",
        "costa rica" => "CR",
        "cuba" => "CU",
        "republica dominicana" | "dominican republic" | "santo domingo" => "DO",
        "ecuador" | "equador" => "EC",
        "el salvador" => "SV",
        "guatemala" => "GT",
        "honduras" => "HN",
        "mexico" | "mejico" => "MX",
        "nicaragua" => "NI",
        "panama" => "PA",
        "paraguay" | "paraguai" => "PY",
        "peru" => "PE",
        "puerto rico" | "porto rico" => "PR",
        "uruguay" | "uruguai" => "UY",
        "venezuela" => "VE",
        "haiti" => "HT",
        "belice" | "belize" => "BZ",
        "guyana" | "guiana" => "GY",
        "suriname" | "surinam" => "SR",
        "espana" | "spain" | "espanha" => "ES",
        "portugal" => "PT",
        "estados unidos" | "united states" | "usa" | "eeuu" | "eua" => "US",
        "francia" | "france" | "franca" => "FR",
        "italia" | "italy" => "IT",
        "angola" => "AO",
        "mozambique" | "mocambique" => "MZ",
        _ => return None,
    };
    Some(code)
}

/// Maps Creative Commons licence and dedication URLs to their short ids.
pub fn licence_from_url(url: &str) -> Option<String> {
    let rest = url.split_once("creativecommons.org/")?.1;
    let parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        ["publicdomain", "zero", v, ..] => Some(format!("CC0-{v}")),
        ["publicdomain", "mark", v, ..] => Some(format!("PDM-{v}")),
        ["licenses", kind, v, ..] if kind.starts_with("by") => {
            Some(format!("CC-{}-{v}", kind.to_ascii_uppercase()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_map_to_iso_codes() {
        assert_eq!(country_code("México"), Some("MX"));
        assert_eq!(country_code(" Argentina "), Some("AR"));
        assert_eq!(country_code("Perú"), Some("PE"));
        assert_eq!(country_code("Brasil"), Some("BR"));
        assert_eq!(country_code("Atlantis"), None);
    }

    #[test]
    fn licence_urls_map_to_ids() {
        let pdm = "https://creativecommons.org/publicdomain/mark/1.0/deed.de";
        assert_eq!(licence_from_url(pdm).as_deref(), Some("PDM-1.0"));
        let by_sa = "http://creativecommons.org/licenses/by-sa/4.0/";
        assert_eq!(licence_from_url(by_sa).as_deref(), Some("CC-BY-SA-4.0"));
        let zero = "https://creativecommons.org/publicdomain/zero/1.0/";
        assert_eq!(licence_from_url(zero).as_deref(), Some("CC0-1.0"));
        assert_eq!(licence_from_url("https://example.org/terms"), None);
    }

    #[test]
    fn collector_prefers_full_author_name_and_specific_dates() {
        let mut c = HeaderCollector::default();
        let none = |_: &str| None;
        let ty = |v: &'static str| move |k: &str| (k == "type").then(|| v.to_string());
        c.start("fileDesc", &none);
        c.start("titleStmt", &none);
        c.start("title", &ty("main"));
        c.text("Ñawpa  willakuy");
        c.end();
        c.start("author", &none);
        c.start("name", &ty("full"));
        c.text("Quispe, Rosa");
        c.end();
        c.start("name", &ty("short"));
        c.text("QuispeR");
        c.end();
        c.start("idno", &none);
        c.text("12345");
        c.end();
        c.end(); // author
        c.end(); // titleStmt
        c.start("publicationStmt", &none);
        c.start("date", &none);
        c.text("2020");
        c.end();
        c.end();
        c.start("sourceDesc", &none);
        c.start("bibl", &ty("edition-first"));
        c.start("date", &|k: &str| (k == "when").then(|| "1888".to_string()));
        c.text("mil ochocientos");
        c.end();
        c.end();
        c.end();
        let h = c.into_header();
        assert_eq!(h.title.as_deref(), Some("Ñawpa willakuy"));
        assert_eq!(h.authors, vec!["Quispe, Rosa".to_string()]);
        assert_eq!(h.date(), Some("1888"));
        assert_eq!(h.publication_date.as_deref(), Some("2020"));
    }

    #[test]
    fn author_without_name_element_uses_its_text() {
        let mut c = HeaderCollector::default();
        let none = |_: &str| None;
        c.start("titleStmt", &none);
        c.start("author", &none);
        c.text(" Ana  Benítez ");
        c.end();
        c.start("author", &none);
        c.text("Joaquim Silva");
        c.end();
        c.end();
        assert_eq!(
            c.into_header().authors,
            vec!["Ana Benítez", "Joaquim Silva"]
        );
    }
}
