//! Seeded generators of valid identifiers of every PII kind, in their surface formats, with a
//! wrong-check-digit twin where the kind has a check digit, and the sentences they are embedded in.

use minga_filters::pii::validators as v;
use minga_filters::pii::PiiKind;
use minga_filters::rng::SplitMix64;

/// Seeded draws for the generated identifiers (SplitMix64: the same on every platform).
pub struct Rng(pub SplitMix64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0.next_u64() % n
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    fn digits(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.below(10) as u8).collect()
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
    fn letter(&mut self) -> char {
        (b'A' + self.below(26) as u8) as char
    }
}

fn s(d: &[u8]) -> String {
    d.iter().map(|x| (b'0' + x) as char).collect()
}

/// Groups a digit string with dots every three digits from the right.
fn thousands(d: &str) -> String {
    let mut out = String::new();
    for (i, c) in d.chars().enumerate() {
        if i > 0 && (d.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// A value in one of its surface formats, its wrong-check twin (None if the kind has no check
/// digit), and the sentence templates (`{}` = the value).
pub struct Case {
    pub value: String,
    pub wrong: Option<String>,
    pub templates: &'static [&'static str],
}

const ES_PT_NOISE: &[&str] = &[
    "",
    "Año 2019, ñandú y pingüino. ",
    "Órgão do Estado, ação nº 3. ",
    "Ñe'ẽ porã ỹ ",
    "El 27-05-2015 (DOF) ",
];

fn rut(r: &mut Rng) -> Case {
    let body = if r.below(4) == 0 {
        r.range(50_000_000, 99_999_999)
    } else {
        r.range(1_000_000, 29_999_999)
    };
    let bd: Vec<u8> = body.to_string().bytes().map(|c| c - b'0').collect();
    let dv = v::rut_check(&bd) as char;
    let wrong_dv = if dv == '0' { '1' } else { '0' };
    let dotted = r.below(2) == 0;
    let fmt = |dv: char| {
        if dotted {
            format!("{}-{dv}", thousands(&body.to_string()))
        } else {
            format!("{body}-{dv}")
        }
    };
    let value = fmt(if dv == 'K' && r.below(2) == 0 {
        'k'
    } else {
        dv
    });
    Case {
        value,
        wrong: Some(fmt(wrong_dv)),
        templates: &[
            "El RUT del cliente es {}.",
            "don Juan Pérez, cédula de identidad N° {}, domiciliado en Ñuñoa",
            "RUN {} (Chile)",
            "factura a nombre de {}, giro comercio",
        ],
    }
}

fn cpf(r: &mut Rng) -> Case {
    let base = r.digits(9);
    let c = v::cpf_check(&base);
    let full = |c: [u8; 2]| {
        let all = format!("{}{}{}", s(&base), c[0], c[1]);
        (
            all.clone(),
            format!("{}.{}.{}-{}", &all[..3], &all[3..6], &all[6..9], &all[9..]),
        )
    };
    let formatted = r.below(3) != 0;
    let pick = |p: (String, String)| if formatted { p.1 } else { p.0 };
    Case {
        value: pick(full(c)),
        wrong: Some(pick(full([c[0], (c[1] + 1) % 10]))),
        templates: &[
            "O CPF do titular é {}.",
            "inscrito no CPF sob o nº {}, residente em São Paulo",
            "João da Silva ({}) assinou o contrato",
            "CPF: {}",
        ],
    }
}

fn cnpj(r: &mut Rng) -> Case {
    let mut base = r.digits(8);
    base.extend([0, 0, 0, 1 + r.below(3) as u8]);
    let c = v::cnpj_check(&base);
    let fmt = |c: [u8; 2], formatted: bool| {
        let a = format!("{}{}{}", s(&base), c[0], c[1]);
        if formatted {
            format!(
                "{}.{}.{}/{}-{}",
                &a[..2],
                &a[2..5],
                &a[5..8],
                &a[8..12],
                &a[12..]
            )
        } else {
            a
        }
    };
    let formatted = r.below(3) != 0;
    Case {
        value: fmt(c, formatted),
        wrong: Some(fmt([(c[0] + 1) % 10, c[1]], formatted)),
        templates: &[
            "A empresa, inscrita no CNPJ sob o nº {}, com sede em Curitiba",
            "CNPJ {}.",
            "Razão social: Padaria Pão de Açúcar Ltda. ({})",
        ],
    }
}

const STATES: &[&str] = &[
    "AS", "BC", "DF", "JC", "NL", "OC", "PL", "VZ", "YN", "NE", "MC", "GT",
];

fn date6(r: &mut Rng) -> String {
    format!(
        "{:02}{:02}{:02}",
        r.below(100),
        r.range(1, 12),
        r.range(1, 28)
    )
}

fn curp(r: &mut Rng) -> Case {
    let consonants = b"BCDFGHJKLMNPQRSTVWXZ";
    let mut c = String::new();
    for _ in 0..4 {
        c.push(r.letter());
    }
    c.push_str(&date6(r));
    c.push(if r.below(2) == 0 { 'H' } else { 'M' });
    c.push_str(r.pick(STATES));
    for _ in 0..3 {
        c.push(consonants[r.below(consonants.len() as u64) as usize] as char);
    }
    c.push(if r.below(2) == 0 {
        (b'0' + r.below(10) as u8) as char
    } else {
        r.letter()
    });
    let dv = v::curp_check(c.as_bytes()).unwrap();
    Case {
        value: format!("{c}{dv}"),
        wrong: Some(format!("{c}{}", (dv + 1) % 10)),
        templates: &[
            "CURP: {}",
            "con Clave Única de Registro de Población {} y domicilio en Oaxaca",
            "el solicitante ({}) presentó su acta",
        ],
    }
}

fn rfc(r: &mut Rng) -> Case {
    let n_letters = if r.below(3) == 0 { 3 } else { 4 };
    let letters: String = (0..n_letters).map(|_| r.letter()).collect();
    let date = date6(r);
    let hc: String = (0..2)
        .map(|_| {
            if r.below(2) == 0 {
                (b'1' + r.below(9) as u8) as char
            } else {
                r.letter()
            }
        })
        .collect();
    let body: Vec<char> = format!("{letters}{date}{hc}").chars().collect();
    let dv = v::rfc_check(&body).unwrap();
    let wrong = if dv == '0' { '1' } else { '0' };
    let sep = *r.pick(&["", "", "-", " "]).as_bytes().first().unwrap_or(&0);
    let fmt = |dv: char| match sep {
        0 => format!("{letters}{date}{hc}{dv}"),
        c => format!("{letters}{0}{date}{0}{hc}{dv}", c as char),
    };
    Case {
        value: fmt(dv),
        wrong: Some(fmt(wrong)),
        templates: &[
            "emitida a {} por servicios",
            "Proveedor: Ferretería Núñez ({}), Guadalajara",
            "clave {} vigente",
        ],
    }
}

fn cuit(r: &mut Rng) -> Case {
    loop {
        let prefix = r
            .pick(&["20", "23", "24", "27", "30", "33", "34"])
            .to_string();
        let body = s(&r.digits(8));
        let base: Vec<u8> = format!("{prefix}{body}")
            .bytes()
            .map(|c| c - b'0')
            .collect();
        let Some(dv) = v::cuit_check(&base) else {
            continue;
        };
        let form = r.below(3);
        let fmt = |dv: u8| match form {
            0 => format!("{prefix}-{body}-{dv}"),
            1 => format!("{prefix}-{}-{dv}", thousands(&body)),
            _ => format!("{prefix}{body}{dv}"),
        };
        return Case {
            value: fmt(dv),
            wrong: Some(fmt((dv + 1) % 10)),
            templates: &[
                "CUIT {}",
                "C.U.I.T. N° {}, con domicilio en Rosario",
                "CUIL: {} (ANSES)",
            ],
        };
    }
}

fn dni(r: &mut Rng) -> Case {
    let n = r.range(1_000_000, 49_999_999).to_string();
    let value = if r.below(2) == 0 { thousands(&n) } else { n };
    Case {
        value,
        wrong: None,
        templates: &[
            "DNI {}",
            "D.N.I. N° {}, argentino",
            "documento nacional de identidad {} expedido en Córdoba",
            "con DNI: {} (Perú)",
        ],
    }
}

fn ruc(r: &mut Rng) -> Case {
    let prefix = r.pick(&["10", "20", "15", "16", "17"]).to_string();
    let base: Vec<u8> = format!("{prefix}{}", s(&r.digits(8)))
        .bytes()
        .map(|c| c - b'0')
        .collect();
    let dv = v::ruc_check(&base);
    Case {
        value: format!("{}{dv}", s(&base)),
        wrong: Some(format!("{}{}", s(&base), (dv + 1) % 10)),
        templates: &[
            "RUC {}",
            "R.U.C. N° {}, Lima",
            "con RUC: {} y domicilio fiscal en Arequipa",
        ],
    }
}

fn nit(r: &mut Rng) -> Case {
    let company = r.below(3) != 0;
    let body = if company {
        r.range(800_000_000, 999_999_999)
    } else {
        r.range(1_000_000, 1_299_999_999)
    }
    .to_string();
    let bd: Vec<u8> = body.bytes().map(|c| c - b'0').collect();
    let dv = v::nit_check(&bd);
    let dotted = r.below(2) == 0;
    let fmt = |dv: u8| {
        if dotted {
            format!("{}-{dv}", thousands(&body))
        } else {
            format!("{body}-{dv}")
        }
    };
    Case {
        value: fmt(dv),
        wrong: Some(fmt((dv + 1) % 10)),
        templates: &[
            "NIT {}",
            "Nit: {} Bogotá D.C.",
            "identificada con NIT. {}, Medellín",
        ],
    }
}

fn luhn_complete(mut d: Vec<u8>) -> Vec<u8> {
    d.push(0);
    for c in 0..10 {
        let n = d.len();
        d[n - 1] = c;
        if v::luhn_valid(&d) {
            break;
        }
    }
    d
}

fn card(r: &mut Rng) -> Case {
    let kind = r.below(3);
    let (prefix, len): (Vec<u8>, usize) = match kind {
        0 => (vec![4], 16),
        1 => (vec![5, 1 + r.below(5) as u8], 16),
        _ => (vec![3, if r.below(2) == 0 { 4 } else { 7 }], 15),
    };
    let mut d = prefix;
    let rest = len - 1 - d.len();
    d.extend(r.digits(rest));
    let good = luhn_complete(d);
    let mut bad = good.clone();
    let n = bad.len();
    bad[n - 1] = (bad[n - 1] + 1) % 10;
    let sep = r.pick(&[" ", "-", ""]);
    let fmt = |d: &[u8]| {
        let t = s(d);
        if sep.is_empty() {
            return t;
        }
        let cuts: &[usize] = if d.len() == 15 { &[4, 10] } else { &[4, 8, 12] };
        let mut out = String::new();
        for (i, c) in t.chars().enumerate() {
            if cuts.contains(&i) {
                out.push_str(sep);
            }
            out.push(c);
        }
        out
    };
    Case {
        value: fmt(&good),
        wrong: Some(fmt(&bad)),
        templates: &[
            "Pagó con la tarjeta {} el lunes.",
            "cartão de crédito {}, validade 12/27",
            "N° de tarjeta: {}",
        ],
    }
}

fn email(r: &mut Rng) -> Case {
    let user = format!(
        "{}{}{}",
        r.pick(&["maria", "joao", "j.perez", "ana_luz", "contacto", "kuntur"]),
        r.pick(&["", ".", "_", "-"]),
        r.below(1000)
    );
    let domain = r.pick(&[
        "uchile.cl",
        "gmail.com",
        "empresa.com.br",
        "unam.mx",
        "gob.pe",
        "correo.edu.co",
        "mec.gov.py",
    ]);
    Case {
        value: format!("{user}@{domain}"),
        wrong: None,
        templates: &["Escríbanos a {}.", "e-mail: {}", "contato ({}) até sexta"],
    }
}

fn phone(r: &mut Rng) -> Case {
    let g = |r: &mut Rng, n: usize| s(&r.digits(n));
    let value = match r.below(11) {
        0 => format!("+56 9 {} {}", g(r, 4), g(r, 4)),
        1 => format!("+56{}{}", 9, g(r, 8)),
        2 => format!("+55 11 9{}-{}", g(r, 4), g(r, 4)),
        3 => format!("({}) 9{}-{}", r.range(11, 99), g(r, 4), g(r, 4)),
        4 => format!("+52 55 {} {}", g(r, 4), g(r, 4)),
        5 => format!("+54 9 11 {}-{}", g(r, 4), g(r, 4)),
        6 => format!("+57 3{} {} {}", g(r, 2), g(r, 3), g(r, 4)),
        7 => format!("+51 9{} {} {}", g(r, 2), g(r, 3), g(r, 3)),
        8 => format!(
            "+{} {} {}",
            r.pick(&["591 7", "593 9", "598 9", "502 5", "506 8"]),
            g(r, 3),
            g(r, 4)
        ),
        9 => format!("(0{}) {}-{}", r.range(11, 99), r.range(2000, 9999), g(r, 4)),
        _ => format!("+58 412 {}", g(r, 7)),
    };
    Case {
        value,
        wrong: None,
        templates: &[
            "Llame al {} para más información.",
            "WhatsApp {} (atención 24 h)",
            "ligue para {} hoje",
            "contacto: {}",
        ],
    }
}

fn ipv4(r: &mut Rng) -> Case {
    let o: Vec<String> = (0..4).map(|_| r.below(256).to_string()).collect();
    Case {
        value: o.join("."),
        wrong: None,
        templates: &[
            "acceso desde la IP {} a las 10:30",
            "servidor {}.",
            "host {} bloqueado",
        ],
    }
}

fn ipv6(r: &mut Rng) -> Case {
    let groups: Vec<String> = (0..8).map(|_| format!("{:x}", r.below(65536))).collect();
    let value = if r.below(2) == 0 {
        groups.join(":")
    } else {
        format!("2001:db8:{}::{}", groups[2], groups[7])
    };
    Case {
        value,
        wrong: None,
        templates: &["origen {} (IPv6)", "endereço {}.", "ping a {} falló"],
    }
}

pub type Gen = fn(&mut Rng) -> Case;

pub const GENERATORS: &[(PiiKind, Gen)] = &[
    (PiiKind::Email, email),
    (PiiKind::Phone, phone),
    (PiiKind::Ipv4, ipv4),
    (PiiKind::Ipv6, ipv6),
    (PiiKind::Card, card),
    (PiiKind::Rut, rut),
    (PiiKind::Cpf, cpf),
    (PiiKind::Cnpj, cnpj),
    (PiiKind::Curp, curp),
    (PiiKind::Rfc, rfc),
    (PiiKind::Cuit, cuit),
    (PiiKind::Dni, dni),
    (PiiKind::Ruc, ruc),
    (PiiKind::Nit, nit),
];

/// Embeds `value` in a sentence; returns the text and the value's byte range.
pub fn embed(r: &mut Rng, templates: &[&str], value: &str) -> (String, usize, usize) {
    let t = r.pick(templates);
    let noise = r.pick(ES_PT_NOISE);
    let i = t.find("{}").unwrap_or(t.len());
    let text = format!("{noise}{}{value}{}", &t[..i], &t[(i + 2).min(t.len())..]);
    let start = noise.len() + i;
    (text, start, start + value.len())
}
