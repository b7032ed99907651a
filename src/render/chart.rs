//! Charts drawn at build time as inline SVG (no JavaScript): targets, estimates and actuals of
//! one indicator for one locality over the years. Rust computes the geometry (every position
//! as the text of an SVG coordinate) and `partials/chart.html` writes the `<svg>`: targets
//! dashed with hollow marks, actuals solid (the theme's style.css).

use serde::Serialize;

use crate::model::{IndicatorValue, Kind};
use crate::vi::{plain_number, push_tenths};

use super::format::Fmt;
use super::views::Link;

const W: f64 = 320.0;
const H: f64 = 160.0;
const PAD_L: f64 = 48.0;
const PAD_R: f64 = 12.0;
const PAD_T: f64 = 12.0;
const PAD_B: f64 = 28.0;
/// Space between the y axis and the first year (and after the last), so that marks never sit
/// on the axis line.
const INSET: f64 = 16.0;

/// What `partials/chart.html` receives as `chart`. Coordinates are text, written once here
/// with one decimal at most, so that the template only places them.
#[derive(Serialize)]
pub struct ChartView {
    /// The locality the chart is of, linking to its page (the figure's caption).
    pub locality: Link,
    /// Names the chart for screen readers: "Thu ngân sách (tỷ đồng) – Huyện Đông Sơn".
    pub label: String,
    /// The drawing's size: `viewBox="0 0 {width} {height}"`.
    pub width: String,
    pub height: String,
    /// The axes: the x axis runs from `left` to `right` at `bottom`, the y axis from `top`
    /// to `bottom` at `left`.
    pub left: String,
    pub right: String,
    pub top: String,
    pub bottom: String,
    /// The two value labels on the y axis (largest, then smallest), anchored at their end.
    pub ticks: Vec<Tick>,
    /// A label under the x axis for each year with a value, centred.
    pub years: Vec<Tick>,
    /// One series per kind of figure with values: target, estimate, actual.
    pub series: Vec<Series>,
}

#[derive(Serialize)]
pub struct Tick {
    pub x: String,
    pub y: String,
    pub text: String,
}

#[derive(Serialize)]
pub struct Series {
    /// "target", "estimate" or "actual": the class of its line and marks.
    pub kind: &'static str,
    /// The kind in words ("Mục tiêu"), for the marks' tooltips.
    pub label: String,
    /// The `points` of the line joining the marks, when there are two or more.
    pub points: Option<String>,
    pub marks: Vec<Mark>,
}

/// One value: a circle at (x, y) with a tooltip "{label} {year}: {value}".
#[derive(Serialize)]
pub struct Mark {
    pub x: String,
    pub y: String,
    pub year: i32,
    pub value: String,
}

fn tenths(x: f64) -> String {
    let mut s = String::with_capacity(8);
    push_tenths(&mut s, x);
    s
}

/// Where years and values sit in the drawing.
struct Scale {
    years: (i32, i32),
    values: (f64, f64),
}

impl Scale {
    fn x(&self, y: i32) -> f64 {
        let (y0, y1) = self.years;
        if y0 == y1 {
            PAD_L + (W - PAD_L - PAD_R) / 2.0
        } else {
            let span_years = (y1 - y0).max(1) as f64;
            PAD_L + INSET + (y - y0) as f64 / span_years * (W - PAD_L - PAD_R - 2.0 * INSET)
        }
    }

    fn y(&self, v: f64) -> f64 {
        let (vmin, vmax) = self.values;
        PAD_T + (1.0 - (v - vmin) / (vmax - vmin)) * (H - PAD_T - PAD_B)
    }
}

/// The chart of the single-year values (in the indicator unit), or None when there are none.
pub fn chart(
    values: &[&IndicatorValue],
    locality: Link,
    label: String,
    f: &Fmt,
) -> Option<ChartView> {
    let pts: Vec<(i32, f64, Kind)> = values
        .iter()
        .filter(|v| v.period.is_single_year())
        .map(|v| (v.period.start, v.converted, v.kind))
        .collect();
    if pts.is_empty() {
        return None;
    }
    let years = pts
        .iter()
        .fold((i32::MAX, i32::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let vmax = pts.iter().fold(0f64, |m, p| m.max(p.1));
    let vmin = pts.iter().fold(0f64, |m, p| m.min(p.1));
    let vmax = if vmax == vmin { vmin + 1.0 } else { vmax };
    let scale = Scale {
        years,
        values: (vmin, vmax),
    };
    let tick_x = plain_number(PAD_L - 4.0);
    let ticks = [(vmax, PAD_T + 4.0), (vmin, H - PAD_B)]
        .into_iter()
        .map(|(v, at)| Tick {
            x: tick_x.clone(),
            y: tenths(at),
            text: f.number_max(v, 2),
        })
        .collect();
    let mut years: Vec<i32> = pts.iter().map(|p| p.0).collect();
    years.sort();
    years.dedup();
    let year_y = plain_number(H - 8.0);
    let years = years
        .into_iter()
        .map(|y| Tick {
            x: tenths(scale.x(y)),
            y: year_y.clone(),
            text: y.to_string(),
        })
        .collect();
    let series = [
        (Kind::Target, "target"),
        (Kind::Estimate, "estimate"),
        (Kind::Actual, "actual"),
    ]
    .into_iter()
    .filter_map(|(kind, class)| series(&pts, kind, class, &scale, f))
    .collect();
    Some(ChartView {
        locality,
        label,
        width: plain_number(W),
        height: plain_number(H),
        left: plain_number(PAD_L),
        right: plain_number(W - PAD_R),
        top: plain_number(PAD_T),
        bottom: plain_number(H - PAD_B),
        ticks,
        years,
        series,
    })
}

/// The series of one kind: the latest value of each year, or None when the kind has none.
fn series(
    pts: &[(i32, f64, Kind)],
    kind: Kind,
    class: &'static str,
    scale: &Scale,
    f: &Fmt,
) -> Option<Series> {
    let mut points: Vec<(i32, f64)> = Vec::new();
    for p in pts.iter().filter(|p| p.2 == kind) {
        match points.iter_mut().find(|q| q.0 == p.0) {
            Some(q) => q.1 = p.1,
            None => points.push((p.0, p.1)),
        }
    }
    if points.is_empty() {
        return None;
    }
    points.sort_by_key(|p| p.0);
    let line = (points.len() > 1).then(|| {
        let mut s = String::with_capacity(points.len() * 12);
        for (i, (y, v)) in points.iter().enumerate() {
            if i > 0 {
                s.push(' ');
            }
            push_tenths(&mut s, scale.x(*y));
            s.push(',');
            push_tenths(&mut s, scale.y(*v));
        }
        s
    });
    Some(Series {
        kind: class,
        label: f.kind(kind).to_string(),
        points: line,
        marks: points
            .iter()
            .map(|&(y, v)| Mark {
                x: tenths(scale.x(y)),
                y: tenths(scale.y(v)),
                year: y,
                value: f.number(v),
            })
            .collect(),
    })
}
