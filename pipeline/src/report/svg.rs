//! Inline SVG charts written by hand: horizontal bars and a vertical histogram. No scripts, no
//! external fonts, so the card renders offline in any browser.

use std::fmt::Write;

use super::html::esc;

const BAR: &str = "#3b7a57";

/// Horizontal bar chart of `(label, value)` rows.
pub fn hbars(title: &str, rows: &[(String, f64)]) -> String {
    let max = rows.iter().map(|r| r.1).fold(0.0f64, f64::max).max(1e-9);
    let (lw, bw, rh) = (190.0, 420.0, 20.0);
    let h = 30.0 + rh * rows.len() as f64;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg width="{}" height="{h}" role="img" aria-label="{t}"><text x="0" y="16" class="ct">{t}</text>"#,
        lw + bw + 90.0,
        t = esc(title)
    );
    for (i, (label, v)) in rows.iter().enumerate() {
        let y = 26.0 + rh * i as f64;
        let w = (v / max * bw).max(if *v > 0.0 { 1.0 } else { 0.0 });
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end">{}</text><rect x="{lw}" y="{y}" width="{w:.1}" height="{}" fill="{BAR}"/><text x="{}" y="{}">{}</text>"#,
            lw - 6.0,
            y + 14.0,
            esc(label),
            rh - 4.0,
            lw + w + 4.0,
            y + 14.0,
            fmt_num(*v)
        );
    }
    s.push_str("</svg>");
    s
}

/// Vertical histogram of `(bin label, count)`.
pub fn histogram(title: &str, bins: &[(String, u64)]) -> String {
    let max = bins.iter().map(|b| b.1).max().unwrap_or(0).max(1) as f64;
    let (bw, ph) = (34.0, 160.0);
    let w = 40.0 + bw * bins.len() as f64;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg width="{w}" height="{}" role="img" aria-label="{t}"><text x="0" y="16" class="ct">{t}</text>"#,
        ph + 70.0,
        t = esc(title)
    );
    for (i, (label, c)) in bins.iter().enumerate() {
        let x = 30.0 + bw * i as f64;
        let h = *c as f64 / max * ph;
        let _ = write!(
            s,
            r#"<rect x="{x}" y="{:.1}" width="{}" height="{h:.1}" fill="{BAR}"><title>{}: {c}</title></rect><text x="{}" y="{}" class="sm" transform="rotate(45 {} {})">{}</text>"#,
            30.0 + ph - h,
            bw - 4.0,
            esc(label),
            x + 4.0,
            ph + 44.0,
            x + 4.0,
            ph + 44.0,
            esc(label)
        );
        if *c > 0 {
            let _ = write!(
                s,
                r#"<text x="{}" y="{:.1}" class="sm" text-anchor="middle">{}</text>"#,
                x + (bw - 4.0) / 2.0,
                26.0 + ph - h,
                fmt_num(*c as f64)
            );
        }
    }
    let _ = write!(
        s,
        r##"<line x1="28" y1="{y}" x2="{w}" y2="{y}" stroke="#555"/></svg>"##,
        y = 30.0 + ph
    );
    s
}

/// `1234567` -> `1.23M`, `0.4567` -> `0.457`.
pub fn fmt_num(v: f64) -> String {
    let a = v.abs();
    if a >= 1e9 {
        format!("{:.2}G", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.2}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.1}k", v / 1e3)
    } else if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_value_and_escape_labels() {
        let s = hbars("t", &[("a<b".into(), 10.0), ("c".into(), 5.0)]);
        assert!(s.contains("a&lt;b"));
        assert!(s.contains(r#"width="420.0""#));
        assert!(s.contains(r#"width="210.0""#));
        assert_eq!(fmt_num(1_234_567.0), "1.23M");
    }
}
