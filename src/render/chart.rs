//! Charts drawn at build time as inline SVG (no JavaScript): targets and actuals of one
//! indicator for one locality over the years, targets dashed with hollow marks, actuals solid.

use std::fmt::Write;

use crate::model::{IndicatorValue, Kind};

use super::format::Fmt;

const W: f64 = 320.0;
const H: f64 = 160.0;
const PAD_L: f64 = 48.0;
const PAD_R: f64 = 12.0;
const PAD_T: f64 = 12.0;
const PAD_B: f64 = 28.0;
/// Space between the y axis and the first year (and after the last), so that marks never sit
/// on the axis line.
const INSET: f64 = 16.0;

/// An SVG of the single-year values (in the indicator unit), or None when there are fewer
/// than one point. `label` names the chart for screen readers.
pub fn svg(values: &[&IndicatorValue], label: &str, f: &Fmt) -> Option<String> {
    let pts: Vec<(i32, f64, Kind)> = values
        .iter()
        .filter(|v| v.period.is_single_year())
        .map(|v| (v.period.start, v.converted, v.kind))
        .collect();
    if pts.is_empty() {
        return None;
    }
    let (y0, y1) = pts
        .iter()
        .fold((i32::MAX, i32::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let vmax = pts.iter().fold(0f64, |m, p| m.max(p.1));
    let vmin = pts.iter().fold(0f64, |m, p| m.min(p.1));
    let vmax = if vmax == vmin { vmin + 1.0 } else { vmax };
    let span_years = (y1 - y0).max(1) as f64;
    let x = |y: i32| {
        if y0 == y1 {
            PAD_L + (W - PAD_L - PAD_R) / 2.0
        } else {
            PAD_L + INSET + (y - y0) as f64 / span_years * (W - PAD_L - PAD_R - 2.0 * INSET)
        }
    };
    let yv = |v: f64| PAD_T + (1.0 - (v - vmin) / (vmax - vmin)) * (H - PAD_T - PAD_B);
    let mut s = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">",
        esc(label)
    );
    // Axes and labels.
    write!(s,
        "<line class=\"axis\" x1=\"{PAD_L}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\"/><line class=\"axis\" x1=\"{PAD_L}\" y1=\"{PAD_T}\" x2=\"{PAD_L}\" y2=\"{b}\"/>",
        b = H - PAD_B,
        r = W - PAD_R
    ).expect("writing to a String cannot fail");
    for (v, anchor) in [(vmax, PAD_T + 4.0), (vmin, H - PAD_B)] {
        write!(
            s,
            "<text class=\"tick\" x=\"{}\" y=\"{anchor:.1}\" text-anchor=\"end\">{}</text>",
            PAD_L - 4.0,
            esc(&f.number_max(v, 2))
        )
        .expect("writing to a String cannot fail");
    }
    let mut years: Vec<i32> = pts.iter().map(|p| p.0).collect();
    years.sort();
    years.dedup();
    for y in &years {
        write!(
            s,
            "<text class=\"tick\" x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{y}</text>",
            x(*y),
            H - 8.0
        )
        .expect("writing to a String cannot fail");
    }
    for (kind, class) in [
        (Kind::Target, "target"),
        (Kind::Estimate, "estimate"),
        (Kind::Actual, "actual"),
    ] {
        // The latest value of each year for this kind.
        let mut series: Vec<(i32, f64)> = Vec::new();
        for p in pts.iter().filter(|p| p.2 == kind) {
            match series.iter_mut().find(|q| q.0 == p.0) {
                Some(q) => q.1 = p.1,
                None => series.push((p.0, p.1)),
            }
        }
        series.sort_by_key(|p| p.0);
        if series.is_empty() {
            continue;
        }
        if series.len() > 1 {
            s.push_str("<polyline class=\"");
            s.push_str(class);
            s.push_str("\" points=\"");
            for (i, (y, v)) in series.iter().enumerate() {
                let sep = if i == 0 { "" } else { " " };
                write!(s, "{sep}{:.1},{:.1}", x(*y), yv(*v))
                    .expect("writing to a String cannot fail");
            }
            s.push_str("\"/>");
        }
        for (y, v) in &series {
            write!(s,
                "<circle class=\"{class}\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\"><title>{} {y}: {}</title></circle>",
                x(*y),
                yv(*v),
                esc(f.kind(kind)),
                esc(&f.number(*v))
            ).expect("writing to a String cannot fail");
        }
    }
    s.push_str("</svg>");
    Some(s)
}

fn esc(s: &str) -> String {
    crate::load::markdown::escape_attr(s)
}
