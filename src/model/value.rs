//! Indicator values: one figure (target, actual or estimate) for one locality, indicator and
//! period, as written and converted to the indicator's unit.

use std::fmt;

use super::{BulletinId, IndicatorId, LocalityId, TermId};

/// A plan year or a span of years, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    pub start: i32,
    pub end: i32,
}

impl Period {
    pub fn year(y: i32) -> Self {
        Period { start: y, end: y }
    }

    pub fn is_single_year(self) -> bool {
        self.start == self.end
    }

    /// "2020" or "2016-2020".
    pub fn parse(s: &str) -> Option<Period> {
        let s = s.trim();
        let year = |t: &str| -> Option<i32> {
            let t = t.trim();
            (t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()))
                .then(|| t.parse().ok())
                .flatten()
        };
        if let Some(y) = year(s) {
            return Some(Period::year(y));
        }
        let (a, b) = s.split_once(['-', '–'])?;
        let (a, b) = (year(a)?, year(b)?);
        (a <= b).then_some(Period { start: a, end: b })
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_single_year() {
            write!(f, "{}", self.start)
        } else {
            write!(f, "{}-{}", self.start, self.end)
        }
    }
}

/// What a figure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Target,
    Actual,
    Estimate,
}

impl Kind {
    pub const WORDS: &'static [&'static str] = &["target", "actual", "estimate"];

    pub fn parse(s: &str) -> Option<Kind> {
        match s.trim() {
            "target" => Some(Kind::Target),
            "actual" => Some(Kind::Actual),
            "estimate" => Some(Kind::Estimate),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Target => "target",
            Kind::Actual => "actual",
            Kind::Estimate => "estimate",
        }
    }
}

/// A word before or after the figure that bounds it (trên 22%, khoảng 1.000 tỷ đồng).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Qualifier {
    About,
    Over,
    AtLeast,
    Under,
    AtMost,
}

impl Qualifier {
    pub const WORDS: &'static [&'static str] = &["about", "over", "at_least", "under", "at_most"];

    pub fn parse(s: &str) -> Option<Qualifier> {
        match s.trim() {
            "about" => Some(Qualifier::About),
            "over" => Some(Qualifier::Over),
            "at_least" => Some(Qualifier::AtLeast),
            "under" => Some(Qualifier::Under),
            "at_most" => Some(Qualifier::AtMost),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Qualifier::About => "about",
            Qualifier::Over => "over",
            Qualifier::AtLeast => "at_least",
            Qualifier::Under => "under",
            Qualifier::AtMost => "at_most",
        }
    }
}

/// One figure, fully resolved.
#[derive(Debug, Clone)]
pub struct IndicatorValue {
    pub bulletin: BulletinId,
    pub locality: LocalityId,
    pub indicator: IndicatorId,
    pub term: Option<TermId>,
    pub period: Period,
    pub kind: Kind,
    pub qualifier: Option<Qualifier>,
    /// As written (the low end of a range).
    pub value: f64,
    /// The high end of a range.
    pub value_max: Option<f64>,
    /// As written, normalised.
    pub unit: String,
    /// `value` in the catalogue unit.
    pub converted: f64,
    /// `value_max` in the catalogue unit.
    pub converted_max: Option<f64>,
    pub quote: Option<String>,
    pub note: Option<String>,
    /// Whether it was annotated inline in the body (else in front matter).
    pub inline: bool,
}
