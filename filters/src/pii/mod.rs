//! Personal data (PII) detection and redaction, with Latin-American national identifiers.
//!
//! [`scan`] finds e-mail addresses, phone numbers, IP addresses, payment cards and national
//! identifiers (Chile RUT, Brazil CPF/CNPJ, Mexico CURP/RFC, Argentina CUIT/CUIL and DNI,
//! Peru RUC, Colombia NIT) and returns byte ranges into the original text. [`apply`] tags or
//! redacts them. Detection is precision-first: identifiers need their check digits, a shape that
//! only they have, or a keyword just before them ("DNI", "tel."), so that years, prices, dates,
//! ISBNs and law numbers in running text are left alone. See `docs/pii.md`.
//!
//! Roles: `scanner` (prefilters and overlap resolution), `numeric` (digit-group shapes of the
//! numeric identifiers and cards), `mexico` (CURP/RFC), `phones`, `network` (e-mail, IPv4/6),
//! `context` (keywords), `validators` (check digits), `redact` (placeholders).

mod context;
mod mexico;
mod network;
mod numeric;
mod phones;
mod redact;
mod scanner;
pub mod validators;

use serde::{Deserialize, Serialize};

pub use redact::{apply, redact};
pub use scanner::scan;

/// Type of a detected identifier. The order of [`PiiKind::ALL`] is the order of the fields of
/// [`PiiCounts`] and of the `pii` struct column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PiiKind {
    Email,
    Phone,
    Ipv4,
    Ipv6,
    Card,
    Rut,
    Cpf,
    Cnpj,
    Curp,
    Rfc,
    Cuit,
    Dni,
    Ruc,
    Nit,
}

impl PiiKind {
    pub const ALL: &'static [PiiKind] = &[
        PiiKind::Email,
        PiiKind::Phone,
        PiiKind::Ipv4,
        PiiKind::Ipv6,
        PiiKind::Card,
        PiiKind::Rut,
        PiiKind::Cpf,
        PiiKind::Cnpj,
        PiiKind::Curp,
        PiiKind::Rfc,
        PiiKind::Cuit,
        PiiKind::Dni,
        PiiKind::Ruc,
        PiiKind::Nit,
    ];

    /// Field name in the `pii` struct column and in manifests.
    pub fn name(&self) -> &'static str {
        match self {
            PiiKind::Email => "email",
            PiiKind::Phone => "phone",
            PiiKind::Ipv4 => "ipv4",
            PiiKind::Ipv6 => "ipv6",
            PiiKind::Card => "card",
            PiiKind::Rut => "rut",
            PiiKind::Cpf => "cpf",
            PiiKind::Cnpj => "cnpj",
            PiiKind::Curp => "curp",
            PiiKind::Rfc => "rfc",
            PiiKind::Cuit => "cuit",
            PiiKind::Dni => "dni",
            PiiKind::Ruc => "ruc",
            PiiKind::Nit => "nit",
        }
    }

    /// Text that replaces a match in redact mode.
    pub fn placeholder(&self) -> &'static str {
        match self {
            PiiKind::Email => "<EMAIL>",
            PiiKind::Phone => "<PHONE>",
            PiiKind::Ipv4 => "<IPV4>",
            PiiKind::Ipv6 => "<IPV6>",
            PiiKind::Card => "<CARD>",
            PiiKind::Rut => "<RUT>",
            PiiKind::Cpf => "<CPF>",
            PiiKind::Cnpj => "<CNPJ>",
            PiiKind::Curp => "<CURP>",
            PiiKind::Rfc => "<RFC>",
            PiiKind::Cuit => "<CUIT>",
            PiiKind::Dni => "<DNI>",
            PiiKind::Ruc => "<RUC>",
            PiiKind::Nit => "<NIT>",
        }
    }

    /// Inverse of [`PiiKind::name`].
    pub fn from_name(name: &str) -> Option<PiiKind> {
        PiiKind::ALL.iter().copied().find(|k| k.name() == name)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// One detected identifier: `start..end` are byte offsets into the original text, on char
/// boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PiiMatch {
    pub start: usize,
    pub end: usize,
    pub kind: PiiKind,
}

/// What the filter stage does with personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PiiMode {
    /// Keep the text; report matches and counts.
    Tag,
    /// Replace every match with its kind's placeholder.
    #[default]
    Redact,
    /// Do not scan.
    Off,
}

impl std::str::FromStr for PiiMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "tag" => Ok(PiiMode::Tag),
            "redact" => Ok(PiiMode::Redact),
            "off" => Ok(PiiMode::Off),
            other => Err(format!(
                "unknown PII mode {other:?} (expected tag, redact or off)"
            )),
        }
    }
}

impl std::fmt::Display for PiiMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PiiMode::Tag => "tag",
            PiiMode::Redact => "redact",
            PiiMode::Off => "off",
        })
    }
}

/// Number of matches per kind, fields in [`PiiKind::ALL`] order (the `pii` column's struct).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PiiCounts {
    pub email: u32,
    pub phone: u32,
    pub ipv4: u32,
    pub ipv6: u32,
    pub card: u32,
    pub rut: u32,
    pub cpf: u32,
    pub cnpj: u32,
    pub curp: u32,
    pub rfc: u32,
    pub cuit: u32,
    pub dni: u32,
    pub ruc: u32,
    pub nit: u32,
}

impl PiiCounts {
    /// Counts of a list of matches.
    pub fn of(matches: &[PiiMatch]) -> PiiCounts {
        let mut c = PiiCounts::default();
        for m in matches {
            c.add(m.kind, 1);
        }
        c
    }

    fn slot(&mut self, kind: PiiKind) -> &mut u32 {
        match kind {
            PiiKind::Email => &mut self.email,
            PiiKind::Phone => &mut self.phone,
            PiiKind::Ipv4 => &mut self.ipv4,
            PiiKind::Ipv6 => &mut self.ipv6,
            PiiKind::Card => &mut self.card,
            PiiKind::Rut => &mut self.rut,
            PiiKind::Cpf => &mut self.cpf,
            PiiKind::Cnpj => &mut self.cnpj,
            PiiKind::Curp => &mut self.curp,
            PiiKind::Rfc => &mut self.rfc,
            PiiKind::Cuit => &mut self.cuit,
            PiiKind::Dni => &mut self.dni,
            PiiKind::Ruc => &mut self.ruc,
            PiiKind::Nit => &mut self.nit,
        }
    }

    /// Adds `n` to a kind's count (saturating).
    pub fn add(&mut self, kind: PiiKind, n: u32) {
        let s = self.slot(kind);
        *s = s.saturating_add(n);
    }

    pub fn get(&self, kind: PiiKind) -> u32 {
        self.to_array()[kind.index()]
    }

    /// Counts in [`PiiKind::ALL`] order.
    pub fn to_array(&self) -> [u32; 14] {
        [
            self.email, self.phone, self.ipv4, self.ipv6, self.card, self.rut, self.cpf, self.cnpj,
            self.curp, self.rfc, self.cuit, self.dni, self.ruc, self.nit,
        ]
    }

    /// `(kind, count)` pairs in [`PiiKind::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (PiiKind, u32)> {
        let a = self.to_array();
        PiiKind::ALL.iter().copied().zip(a)
    }

    pub fn total(&self) -> u64 {
        self.to_array().iter().map(|&c| u64::from(c)).sum()
    }

    /// Adds another document's counts (saturating), e.g. to total a shard.
    pub fn merge(&mut self, other: &PiiCounts) {
        for (k, n) in other.iter() {
            self.add(k, n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_placeholders_and_order_agree() {
        assert_eq!(PiiKind::ALL.len(), 14);
        for (i, k) in PiiKind::ALL.iter().enumerate() {
            assert_eq!(k.index(), i);
            assert_eq!(PiiKind::from_name(k.name()), Some(*k));
            assert_eq!(k.placeholder(), format!("<{}>", k.name().to_uppercase()));
        }
    }

    #[test]
    fn counts_follow_kind_order() {
        let mut c = PiiCounts::default();
        c.add(PiiKind::Rut, 2);
        c.add(PiiKind::Nit, 1);
        assert_eq!(c.get(PiiKind::Rut), 2);
        assert_eq!(c.to_array()[13], 1);
        assert_eq!(c.total(), 3);
        let mut d = c;
        d.merge(&c);
        assert_eq!(d.rut, 4);
        let json = serde_json::to_string(&c).unwrap();
        assert!(json.starts_with("{\"email\":0,\"phone\":0"), "{json}");
    }

    #[test]
    fn mode_serde_and_parse_are_lowercase() {
        assert_eq!(
            serde_json::to_string(&PiiMode::Redact).unwrap(),
            "\"redact\""
        );
        let m: PiiMode = serde_json::from_str("\"tag\"").unwrap();
        assert_eq!(m, PiiMode::Tag);
        assert_eq!("off".parse::<PiiMode>(), Ok(PiiMode::Off));
        assert!("mask".parse::<PiiMode>().is_err());
        assert_eq!(PiiMode::default().to_string(), "redact");
    }
}
