//! Charts drawn at build time as inline SVG (no JavaScript): targets and actuals of one
//! indicator for one locality over the years, targets dashed with hollow marks, actuals solid.

use std::fmt::Write;

use crate::model::{IndicatorValue, Kind};
use crate::vi::push_tenths;

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
    // The frame and its labels. The constants are written by `plain_number` (as `{}` would
    // write them); `format!` of an f64 was a third of the time of a chart.
    let n = crate::vi::plain_number;
    let mut s = String::with_capacity(1024);
    s.push_str("<svg class=\"chart\" viewBox=\"0 0 ");
    s.push_str(&n(W));
    s.push(' ');
    s.push_str(&n(H));
    s.push_str("\" role=\"img\" aria-label=\"");
    s.push_str(&esc(label));
    s.push_str("\" xmlns=\"http://www.w3.org/2000/svg\">");
    let (left, top, bottom, right) = (n(PAD_L), n(PAD_T), n(H - PAD_B), n(W - PAD_R));
    write!(s,
        "<line class=\"axis\" x1=\"{left}\" y1=\"{bottom}\" x2=\"{right}\" y2=\"{bottom}\"/><line class=\"axis\" x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{bottom}\"/>",
    ).expect("writing to a String cannot fail");
    let tick_x = n(PAD_L - 4.0);
    for (v, anchor) in [(vmax, PAD_T + 4.0), (vmin, H - PAD_B)] {
        s.push_str("<text class=\"tick\" x=\"");
        s.push_str(&tick_x);
        s.push_str("\" y=\"");
        push_tenths(&mut s, anchor);
        s.push_str("\" text-anchor=\"end\">");
        s.push_str(&esc(&f.number_max(v, 2)));
        s.push_str("</text>");
    }
    let mut years: Vec<i32> = pts.iter().map(|p| p.0).collect();
    years.sort();
    years.dedup();
    let year_y = n(H - 8.0);
    for y in &years {
        s.push_str("<text class=\"tick\" x=\"");
        push_tenths(&mut s, x(*y));
        write!(s, "\" y=\"{year_y}\" text-anchor=\"middle\">{y}</text>")
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
                if i > 0 {
                    s.push(' ');
                }
                push_tenths(&mut s, x(*y));
                s.push(',');
                push_tenths(&mut s, yv(*v));
            }
            s.push_str("\"/>");
        }
        for (y, v) in &series {
            write!(s, "<circle class=\"{class}\" cx=\"").expect("writing to a String cannot fail");
            push_tenths(&mut s, x(*y));
            s.push_str("\" cy=\"");
            push_tenths(&mut s, yv(*v));
            write!(
                s,
                "\" r=\"4\"><title>{} {y}: {}</title></circle>",
                esc(f.kind(kind)),
                esc(&f.number(*v))
            )
            .expect("writing to a String cannot fail");
        }
    }
    s.push_str("</svg>");
    Some(s)
}

fn esc(s: &str) -> String {
    crate::load::markdown::escape_attr(s)
}
