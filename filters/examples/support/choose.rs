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

/// One option: its name, the values swept, and how a value is read and set.
pub struct Knob<O> {
    pub name: &'static str,
    pub values: &'static [f64],
    pub get: fn(&O) -> f64,
    pub set: fn(&mut O, f64),
}

/// Sweeps each knob around `current` (the others at their defaults), printing a row per value
/// (`score` gives the row and the value's figures) and choosing with [`pick`]; returns the
/// chosen setting.
pub fn sweep<O: Clone>(
    knobs: &[Knob<O>],
    current: &O,
    tolerance: f64,
    mut score: impl FnMut(&O) -> (String, f64, f64),
) -> O {
    let mut chosen = current.clone();
    for knob in knobs {
        let mut sweep = Vec::new();
        for &v in knob.values {
            let mut o = current.clone();
            (knob.set)(&mut o, v);
            let (row, primary, secondary) = score(&o);
            let mark = if v == (knob.get)(current) {
                " (default)"
            } else {
                ""
            };
            println!("{} | {v}{mark} | {row}", knob.name);
            sweep.push(Scored {
                value: v,
                primary,
                secondary,
            });
        }
        let v = pick(&sweep, (knob.get)(current), tolerance);
        println!("{}: chosen {v}", knob.name);
        (knob.set)(&mut chosen, v);
    }
    chosen
}

/// The options of `o` that differ from `defaults`, `name=value`.
pub fn changes<O>(knobs: &[Knob<O>], o: &O, defaults: &O) -> String {
    let diff: Vec<String> = knobs
        .iter()
        .filter(|k| (k.get)(o) != (k.get)(defaults))
        .map(|k| format!("{}={}", k.name, (k.get)(o)))
        .collect();
    if diff.is_empty() {
        "the defaults".into()
    } else {
        diff.join(" ")
    }
}
