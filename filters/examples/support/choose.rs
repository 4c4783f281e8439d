//! The rule by which `langid_options` and `langid_span_options` choose an option's value on the
//! selection half (and nothing else): a sweep of one option around its default, the others at
//! their defaults, every value scored by a primary and a secondary figure.
#![allow(dead_code)]

/// One value of a sweep and its two figures on the selection half.
#[derive(Clone, Debug)]
pub struct Scored {
    pub value: f64,
    pub primary: f64,
    pub secondary: f64,
}

/// The chosen value: among the values whose primary figure is within `tolerance` of the best
/// primary, the one with the highest secondary figure; a tie there goes to the current default
/// when it is among the tied, otherwise to the value nearest the default.
pub fn pick(sweep: &[Scored], default: f64, tolerance: f64) -> f64 {
    let best = sweep
        .iter()
        .map(|s| s.primary)
        .fold(f64::NEG_INFINITY, f64::max);
    let near: Vec<&Scored> = sweep
        .iter()
        .filter(|s| s.primary >= best - tolerance)
        .collect();
    let top = near
        .iter()
        .map(|s| s.secondary)
        .fold(f64::NEG_INFINITY, f64::max);
    let tied = near.iter().filter(|s| s.secondary == top);
    tied.min_by(|a, b| {
        let da = (a.value - default).abs();
        let db = (b.value - default).abs();
        da.total_cmp(&db).then(a.value.total_cmp(&b.value))
    })
    .map_or(default, |s| s.value)
}

/// The value of flag `name` in `args` (`--name VALUE`).
pub fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

/// `x` rounded to 6 decimals: an option stored as `f32` read back as the `f64` of the sweep
/// (0.97f32 is 0.9700000286 as f64).
pub fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}
