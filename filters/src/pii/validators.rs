//! Check-digit algorithms of the identifiers minga detects, one function per country's rule.
//!
//! Digits are passed as values `0..=9` (not ASCII), except for the Mexican CURP and RFC whose
//! alphabets mix letters and digits and are passed as characters. Each `*_check` function computes
//! the expected check digit(s) from the body; `None` means the body can never be valid (e.g. a
//! CUIT whose remainder would need the digit "10").

/// Luhn (ISO/IEC 7812) over all digits, the last one being the check digit: payment cards.
pub fn luhn_valid(digits: &[u8]) -> bool {
    if digits.len() < 2 {
        return false;
    }
    let mut sum = 0u32;
    for (i, &d) in digits.iter().rev().enumerate() {
        let d = u32::from(d);
        sum += if i % 2 == 1 {
            let x = d * 2;
            if x > 9 {
                x - 9
            } else {
                x
            }
        } else {
            d
        };
    }
    sum.is_multiple_of(10)
}

/// Chile RUT/RUN: weights 2,3,4,5,6,7 (repeating) from the rightmost body digit;
/// `11 - sum mod 11`, where 11 gives `0` and 10 gives `K`. Returns an ASCII byte.
pub fn rut_check(body: &[u8]) -> u8 {
    let mut sum = 0u32;
    for (i, &d) in body.iter().rev().enumerate() {
        sum += u32::from(d) * (2 + (i as u32 % 6));
    }
    match 11 - sum % 11 {
        11 => b'0',
        10 => b'K',
        v => b'0' + v as u8,
    }
}

/// Brazil CPF: two mod-11 digits over the 9-digit base with weights 10..2, then 11..2
/// (remainder < 2 gives 0, else `11 - remainder`).
pub fn cpf_check(base: &[u8]) -> [u8; 2] {
    let d1 = mod11_br(base, 10);
    let mut ext = [0u8; 10];
    let n = base.len().min(9);
    ext[..n].copy_from_slice(&base[..n]);
    ext[9] = d1;
    [d1, mod11_br(&ext, 11)]
}

fn mod11_br(digits: &[u8], first_weight: u32) -> u8 {
    let mut sum = 0u32;
    for (i, &d) in digits.iter().enumerate() {
        sum += u32::from(d) * first_weight.saturating_sub(i as u32);
    }
    let r = sum % 11;
    if r < 2 {
        0
    } else {
        (11 - r) as u8
    }
}

/// Brazil CNPJ: two mod-11 digits over the 12-character base with weights 5..2,9..2 and then
/// 6..2,9..2. Values are `char - '0'`, which also covers the alphanumeric CNPJ (from 2026).
pub fn cnpj_check(base: &[u8]) -> [u8; 2] {
    const W1: [u32; 12] = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
    const W2: [u32; 13] = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
    let rule = |sum: u32| -> u8 {
        let r = sum % 11;
        if r < 2 {
            0
        } else {
            (11 - r) as u8
        }
    };
    let s1: u32 = base.iter().zip(W1).map(|(&d, w)| u32::from(d) * w).sum();
    let d1 = rule(s1);
    let s2: u32 = base
        .iter()
        .chain(std::iter::once(&d1))
        .zip(W2)
        .map(|(&d, w)| u32::from(d) * w)
        .sum();
    [d1, rule(s2)]
}

/// Weights of the Argentine CUIT/CUIL and the Peruvian RUC over their first 10 digits.
const W_AR_PE: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

fn weighted(base: &[u8], weights: &[u32]) -> u32 {
    base.iter()
        .zip(weights)
        .map(|(&d, &w)| u32::from(d) * w)
        .sum()
}

/// Argentina CUIT/CUIL: `11 - sum mod 11` over weights 5432765432; 11 gives 0 and 10 is never
/// issued (AFIP changes the prefix instead), so it yields `None`.
pub fn cuit_check(base: &[u8]) -> Option<u8> {
    match 11 - weighted(base, &W_AR_PE) % 11 {
        11 => Some(0),
        10 => None,
        v => Some(v as u8),
    }
}

/// Prefixes (type of person) of CUIT/CUIL numbers in use.
pub fn cuit_prefix_ok(d0: u8, d1: u8) -> bool {
    matches!(
        (d0, d1),
        (2, 0) | (2, 3) | (2, 4) | (2, 7) | (3, 0) | (3, 3) | (3, 4)
    )
}

/// Peru RUC: same weights as the CUIT; `11 - sum mod 11`, where 10 gives 0 and 11 gives 1.
pub fn ruc_check(base: &[u8]) -> u8 {
    match 11 - weighted(base, &W_AR_PE) % 11 {
        10 => 0,
        11 => 1,
        v => v as u8,
    }
}

/// Prefixes of RUC numbers: 10 natural persons, 15/16/17 special regimes, 20 companies.
pub fn ruc_prefix_ok(d0: u8, d1: u8) -> bool {
    matches!((d0, d1), (1, 0) | (1, 5) | (1, 6) | (1, 7) | (2, 0))
}

/// Colombia NIT: prime weights 3,7,13,17,19,23,29,37,41,43,47,53,59,67,71 from the rightmost
/// body digit; remainder `r = sum mod 11` gives `r` when `r < 2`, else `11 - r`.
pub fn nit_check(body: &[u8]) -> u8 {
    const W: [u32; 15] = [3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71];
    let sum: u32 = body
        .iter()
        .rev()
        .zip(W)
        .map(|(&d, w)| u32::from(d) * w)
        .sum();
    let r = sum % 11;
    if r < 2 {
        r as u8
    } else {
        (11 - r) as u8
    }
}

/// Value of a character in the CURP alphabet `0-9 A-N Ñ O-Z` (0..=36).
fn curp_value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'A'..=b'N' => Some(u32::from(c - b'A') + 10),
        b'O'..=b'Z' => Some(u32::from(c - b'O') + 25),
        _ => None,
    }
}

/// Mexico CURP: over the first 17 characters, `sum(value * (18 - i))`; check digit
/// `(10 - sum mod 10) mod 10`. Input is upper-case ASCII (Ñ never appears in a CURP).
pub fn curp_check(first17: &[u8]) -> Option<u8> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (i, &c) in first17.iter().enumerate() {
        sum += curp_value(c)? * (18 - i as u32);
    }
    Some(((10 - sum % 10) % 10) as u8)
}

/// Value of a character in the RFC alphabet `0-9 A-N & O-Z space Ñ` (0..=38).
fn rfc_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        'A'..='N' => Some(c as u32 - 'A' as u32 + 10),
        '&' => Some(24),
        'O'..='Z' => Some(c as u32 - 'O' as u32 + 25),
        ' ' => Some(37),
        'Ñ' => Some(38),
        _ => None,
    }
}

/// Mexico RFC: the body (11 characters for companies, 12 for persons) is left-padded with
/// spaces to 12; `sum(value * (13 - i))`, check `(11 - sum mod 11) mod 11` with 10 written `A`.
pub fn rfc_check(body: &[char]) -> Option<char> {
    if body.len() != 11 && body.len() != 12 {
        return None;
    }
    let pad = 12 - body.len();
    let mut sum = 0u32;
    for i in 0..12 {
        let c = if i < pad { ' ' } else { body[i - pad] };
        sum += rfc_value(c)? * (13 - i as u32);
    }
    match (11 - sum % 11) % 11 {
        10 => Some('A'),
        v => char::from_digit(v, 10),
    }
}

/// True when every digit is the same ("111.111.111-11"): such numbers pass several of the
/// checks above but are placeholders, never issued.
pub fn all_same(digits: &[u8]) -> bool {
    digits.windows(2).all(|w| w[0] == w[1])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Vec<u8> {
        s.bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| b - b'0')
            .collect()
    }

    #[test]
    fn published_examples_validate() {
        assert_eq!(rut_check(&d("76086428")), b'5');
        assert_eq!(rut_check(&d("12531909")), b'2');
        assert_ne!(rut_check(&d("12531909")), b'3');
        assert_eq!(cpf_check(&d("390533447")), [0, 5]);
        assert_eq!(cnpj_check(&d("167272300001")), [9, 7]);
        assert_eq!(cuit_check(&d("2005536168")), Some(2));
        assert_eq!(ruc_check(&d("2051233379")), 7);
        assert_eq!(nit_check(&d("213123432")), 1);
        assert_eq!(curp_check(b"BOXW310820HNERXN0"), Some(9));
        let rfc: Vec<char> = "GODE561231GR".chars().collect();
        assert_eq!(rfc_check(&rfc), Some('8'));
        let rfc: Vec<char> = "MAB9307148T".chars().collect();
        assert_eq!(rfc_check(&rfc), Some('4'));
        assert!(luhn_valid(&d("4111111111111111")));
        assert!(!luhn_valid(&d("4111111111111112")));
    }

    #[test]
    fn alphanumeric_cnpj_uses_ascii_offsets() {
        // 12ABC34501DE35: letters count as `char - '0'` (A = 17).
        let base: Vec<u8> = "12ABC34501DE".bytes().map(|b| b - b'0').collect();
        assert_eq!(cnpj_check(&base), [3, 5]);
    }

    #[test]
    fn rut_k_and_zero() {
        // Find bodies whose check is K and 0 by brute force and confirm the mapping holds.
        let k = (1_000_000u32..1_000_100).find(|n| rut_check(&d(&n.to_string())) == b'K');
        let z = (1_000_000u32..1_000_100).find(|n| rut_check(&d(&n.to_string())) == b'0');
        assert!(k.is_some() && z.is_some());
    }

    #[test]
    fn cuit_remainder_ten_is_never_valid() {
        let none = (0..1000u32).filter(|n| cuit_check(&d(&format!("20{:08}", n * 7919))).is_none());
        assert!(none.count() > 0);
    }

    #[test]
    fn all_same_detects_repeats() {
        assert!(all_same(&d("11111111111")));
        assert!(!all_same(&d("11111111112")));
    }
}
