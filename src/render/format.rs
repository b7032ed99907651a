//! How figures read on the page: numbers in the UI language's style (1.234,5 in Vietnamese,
//! 1,234.5 in English), qualifiers as words ("trên 22%"), ranges as "10–11", dates dd/mm/yyyy,
//! and whether an actual meets its target.

use std::collections::BTreeMap;

use crate::model::settings::Language;
use crate::model::{
    units, Basis, Direction, Indicator, IndicatorValue, Kind, Part, Period, Qualifier,
};
use crate::vi;

/// Formatting for one UI language; strings come from the theme's i18n file.
pub struct Fmt<'a> {
    pub language: Language,
    pub strings: &'a BTreeMap<String, String>,
}

impl Fmt<'_> {
    /// A UI string; the key itself when the theme lacks it.
    pub fn t<'s>(&'s self, key: &'s str) -> &'s str {
        self.strings.get(key).map(String::as_str).unwrap_or(key)
    }

    pub fn number(&self, x: f64) -> String {
        match self.language {
            Language::Vi => vi::format_number(x),
            Language::En => english(vi::format_number(x)),
        }
    }

    pub fn number_max(&self, x: f64, decimals: usize) -> String {
        match self.language {
            Language::Vi => vi::format_number_max(x, decimals),
            Language::En => english(vi::format_number_max(x, decimals)),
        }
    }

    /// "22%", "507,8 tỷ đồng".
    pub fn with_unit(&self, mut number: String, unit: &str) -> String {
        if !unit.is_empty() {
            if !unit.starts_with('%') {
                number.push(' ');
            }
            number.push_str(unit);
        }
        number
    }

    /// "10–11" or "10": a value, or a range.
    fn low_high(&self, low: f64, high: Option<f64>) -> String {
        let mut n = self.number(low);
        if let Some(high) = high {
            n.push('–');
            n.push_str(&self.number(high));
        }
        n
    }

    /// "trên 22%", "10–11%", "khoảng 1.000 tỷ đồng", as written (unit as written).
    pub fn figure(&self, v: &IndicatorValue) -> String {
        let text = self.with_unit(self.low_high(v.value, v.value_max()), &v.unit);
        match v.qualifier {
            Some(q) => {
                let q = self.qualifier(q);
                let mut s = String::with_capacity(q.len() + 1 + text.len());
                s.push_str(q);
                s.push(' ');
                s.push_str(&text);
                s
            }
            None => text,
        }
    }

    /// The value in the indicator's unit, for a note when the unit differs.
    pub fn converted(&self, v: &IndicatorValue, unit: &str) -> Option<String> {
        (*v.unit != *unit)
            .then(|| self.with_unit(self.low_high(v.converted, v.converted_max()), unit))
    }

    pub fn qualifier(&self, q: Qualifier) -> &str {
        self.t(match q {
            Qualifier::About => "q_about",
            Qualifier::Over => "q_over",
            Qualifier::AtLeast => "q_at_least",
            Qualifier::Under => "q_under",
            Qualifier::AtMost => "q_at_most",
        })
    }

    pub fn kind(&self, k: Kind) -> &str {
        self.t(match k {
            Kind::Target => "kind_target",
            Kind::Actual => "kind_actual",
            Kind::Estimate => "kind_estimate",
        })
    }

    pub fn kind_short(&self, k: Kind) -> &str {
        self.t(match k {
            Kind::Target => "kind_target_short",
            Kind::Actual => "kind_actual_short",
            Kind::Estimate => "kind_estimate_short",
        })
    }

    pub fn date(&self, d: chrono::NaiveDate) -> String {
        vi::format_date(d)
    }

    /// The short label of a target's basis ("KH", "NQ"); a plan's is the target's own.
    pub fn basis_short(&self, b: Basis) -> &str {
        self.t(match b {
            Basis::Plan => "kind_target_short",
            Basis::Resolution => "basis_resolution_short",
            Basis::Assigned => "basis_assigned_short",
            Basis::Adjusted => "basis_adjusted_short",
        })
    }

    /// The basis in words ("Nghị quyết").
    pub fn basis(&self, b: Basis) -> &str {
        self.t(match b {
            Basis::Plan => "basis_plan",
            Basis::Resolution => "basis_resolution",
            Basis::Assigned => "basis_assigned",
            Basis::Adjusted => "basis_adjusted",
        })
    }

    /// A part of a year in words: "9 tháng", "Quý III" ("9 months", "Q3"); empty for a
    /// whole period.
    pub fn part(&self, p: Part) -> String {
        match p {
            Part::Whole => String::new(),
            Part::Months(n) => self.t("part_months").replace("{n}", &n.to_string()),
            Part::Quarter(q) => {
                let roman = ["I", "II", "III", "IV"][(q.clamp(1, 4) - 1) as usize];
                self.t("part_quarter")
                    .replace("{roman}", roman)
                    .replace("{n}", &q.to_string())
            }
        }
    }

    /// A period for a reader: "2020", "2016-2020", "9 tháng 2023", "Quý III 2023".
    pub fn period(&self, p: Period) -> String {
        if p.is_part_year() {
            format!("{} {}", self.part(p.part), p.start)
        } else {
            p.to_string()
        }
    }

    /// "105%", "cao hơn mục tiêu 0,18 điểm %", "thấp hơn mục tiêu 128 hộ", "bằng mục tiêu".
    pub fn comparison(&self, c: Comparison, unit: &str) -> String {
        match c {
            Comparison::Share(s) => self.share(s),
            Comparison::Difference { within: true, .. } => self.t("cmp_within").to_string(),
            Comparison::Difference { diff: 0.0, .. } => self.t("cmp_equal").to_string(),
            Comparison::Difference { diff, points, .. } => {
                let amount = if points {
                    let mut n = self.number_max(diff.abs(), 2);
                    n.push(' ');
                    n.push_str(self.t("points"));
                    n
                } else {
                    self.with_unit(self.number_max(diff.abs(), 2), unit)
                };
                self.t(if diff > 0.0 { "cmp_above" } else { "cmp_below" })
                    .replace("{d}", &amount)
            }
        }
    }

    /// "101,3%".
    pub fn share(&self, share: f64) -> String {
        let mut s = self.number_max(share * 100.0, 1);
        s.push('%');
        s
    }
}

/// Vietnamese digits punctuation to English: swap `.` and `,`.
fn english(s: String) -> String {
    s.chars()
        .map(|c| match c {
            '.' => ',',
            ',' => '.',
            c => c,
        })
        .collect()
}

/// How a result compares with a target (OUTPUT.md, "What a cell says").
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Comparison {
    /// A level with direction `up`: the result as a share of the target (1.05 = 105%).
    Share(f64),
    /// A rate (`%`, `%/năm`) or a `down` indicator: the result minus the target, in the
    /// indicator's unit (in percentage points for rates); zero when a range holds the result.
    Difference {
        diff: f64,
        /// The target is a range and the result lies within it.
        within: bool,
        /// The unit is a rate: the difference is in percentage points.
        points: bool,
    },
}

/// Whether an indicator is measured as a rate (its unit is `%` or `%/năm`).
pub fn is_rate(ind: &Indicator) -> bool {
    matches!(
        units::dimension(&ind.unit),
        units::Dimension::Share | units::Dimension::Growth
    )
}

/// The comparison of `result` with `target`, by the indicator's kind and direction: none for
/// direction `none`, nor a share of a zero target.
pub fn compare(
    target: &IndicatorValue,
    result: &IndicatorValue,
    ind: &Indicator,
) -> Option<Comparison> {
    let (low, high, a) = (
        target.converted,
        target.converted_max().unwrap_or(target.converted),
        result.converted,
    );
    let rate = is_rate(ind);
    match ind.direction {
        Direction::None => None,
        Direction::Up if !rate => (low != 0.0).then(|| Comparison::Share(a / low)),
        Direction::Up | Direction::Down => {
            let diff = if a < low {
                a - low
            } else if a > high {
                a - high
            } else {
                0.0
            };
            Some(Comparison::Difference {
                diff,
                within: diff == 0.0 && high > low,
                points: rate,
            })
        }
    }
}

/// The result as a share of the target, for the progress of a part of the year: levels only,
/// and never with direction `none`.
pub fn progress(target: &IndicatorValue, part: &IndicatorValue, ind: &Indicator) -> Option<f64> {
    (ind.direction != Direction::None && !is_rate(ind) && target.converted != 0.0)
        .then(|| part.converted / target.converted)
}

/// Whether `result` meets `target` by the indicator's direction and the target's qualifier
/// (None when the direction is `none`).
pub fn verdict(
    target: &IndicatorValue,
    result: &IndicatorValue,
    direction: Direction,
) -> Option<bool> {
    let t_low = target.converted;
    let t_high = target.converted_max().unwrap_or(t_low);
    let a = result.converted;
    match direction {
        Direction::None => None,
        Direction::Up => Some(match target.qualifier {
            Some(Qualifier::Over) => a > t_low,
            _ => a >= t_low,
        }),
        Direction::Down => Some(match target.qualifier {
            Some(Qualifier::Under) => a < t_high,
            _ => a <= t_high,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    fn value(kind: Kind, v: f64, q: Option<Qualifier>) -> IndicatorValue {
        IndicatorValue {
            bulletin: BulletinId(0),
            locality: LocalityId(0),
            indicator: IndicatorId(0),
            term: None,
            period: Period::year(2020),
            kind,
            qualifier: q,
            value: v,
            unit: "%".into(),
            converted: v,
            basis: (kind == Kind::Target).then_some(Basis::Plan),
            quote: crate::model::Quote::NONE,
            rare: None,
            inline: false,
        }
    }

    #[test]
    fn met_follows_direction_and_qualifier() {
        let t = value(Kind::Target, 22.0, Some(Qualifier::Over));
        assert_eq!(
            verdict(&t, &value(Kind::Actual, 22.0, None), Direction::Up),
            Some(false)
        );
        assert_eq!(
            verdict(&t, &value(Kind::Actual, 22.5, None), Direction::Up),
            Some(true)
        );
        let t = value(Kind::Target, 1.12, None);
        let met = verdict(&t, &value(Kind::Actual, 1.3, None), Direction::Down);
        assert_eq!(met, Some(false));
        assert_eq!(
            verdict(&t, &value(Kind::Actual, 1.0, None), Direction::None),
            None
        );
    }

    fn indicator(unit: &str, direction: Direction) -> Indicator {
        Indicator {
            id: "x".into(),
            name: "x".into(),
            short: None,
            unit: unit.into(),
            category: None,
            direction,
            aliases: Vec::new(),
        }
    }

    fn strings() -> BTreeMap<String, String> {
        crate::render::theme::default_strings(Language::Vi)
    }

    #[test]
    fn a_cell_compares_by_kind_of_indicator() {
        let strings = strings();
        let f = Fmt {
            language: Language::Vi,
            strings: &strings,
        };
        // A level, up: a share.
        let mut t = value(Kind::Target, 507.8, None);
        t.unit = "tỷ đồng".into();
        let mut a = value(Kind::Actual, 612.4, None);
        a.unit = "tỷ đồng".into();
        let money = indicator("tỷ đồng", Direction::Up);
        let c = compare(&t, &a, &money).unwrap();
        assert_eq!(f.comparison(c, "tỷ đồng"), "120,6%");
        // A rate, down: the difference in percentage points.
        let poor = indicator("%", Direction::Down);
        let c = compare(
            &value(Kind::Target, 1.12, None),
            &value(Kind::Actual, 1.3, None),
            &poor,
        )
        .unwrap();
        assert_eq!(f.comparison(c, "%"), "cao hơn mục tiêu 0,18 điểm %");
        // A rate, up, below its target.
        let growth = indicator("%", Direction::Up);
        let c = compare(
            &value(Kind::Target, 18.2, None),
            &value(Kind::Actual, 16.2, None),
            &growth,
        )
        .unwrap();
        assert_eq!(f.comparison(c, "%"), "thấp hơn mục tiêu 2 điểm %");
        // A level, down: the difference in its unit.
        let mut t = value(Kind::Target, 300.0, None);
        t.unit = "hộ".into();
        let mut a = value(Kind::Actual, 172.0, None);
        a.unit = "hộ".into();
        let c = compare(&t, &a, &indicator("hộ", Direction::Down)).unwrap();
        assert_eq!(f.comparison(c, "hộ"), "thấp hơn mục tiêu 128 hộ");
        // Within a range; and no comparison without a direction.
        let mut range = value(Kind::Target, 10.0, None);
        range.rare = crate::model::Rare {
            converted_max: Some(11.0),
            ..Default::default()
        }
        .boxed();
        let c = compare(&range, &value(Kind::Actual, 10.5, None), &growth).unwrap();
        assert_eq!(f.comparison(c, "%"), "trong khoảng mục tiêu");
        assert_eq!(compare(&t, &a, &indicator("hộ", Direction::None)), None);
        // Progress of a part of the year: levels only.
        assert!(progress(&t, &a, &money).is_some());
        assert_eq!(progress(&t, &a, &growth), None);
    }

    #[test]
    fn parts_of_years_in_words() {
        let strings = strings();
        let f = Fmt {
            language: Language::Vi,
            strings: &strings,
        };
        assert_eq!(f.period(Period::parse("2023-M9").unwrap()), "9 tháng 2023");
        assert_eq!(f.period(Period::parse("2023-Q3").unwrap()), "Quý III 2023");
        assert_eq!(f.period(Period::parse("2016-2020").unwrap()), "2016-2020");
        let en_strings = crate::render::theme::default_strings(Language::En);
        let en = Fmt {
            language: Language::En,
            strings: &en_strings,
        };
        assert_eq!(en.period(Period::parse("2023-Q3").unwrap()), "Q3 2023");
        assert_eq!(
            en.period(Period::parse("2023-M6").unwrap()),
            "6 months 2023"
        );
    }

    #[test]
    fn figures_read_as_printed() {
        let strings: BTreeMap<String, String> = [("q_over", "trên"), ("q_about", "khoảng")]
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let f = Fmt {
            language: Language::Vi,
            strings: &strings,
        };
        assert_eq!(
            f.figure(&value(Kind::Target, 22.0, Some(Qualifier::Over))),
            "trên 22%"
        );
        let mut v = value(Kind::Target, 10.0, None);
        v.rare = crate::model::Rare {
            value_max: Some(11.0),
            ..Default::default()
        }
        .boxed();
        assert_eq!(f.figure(&v), "10–11%");
        let mut v = value(Kind::Target, 1000.0, Some(Qualifier::About));
        v.unit = "tỷ đồng".into();
        assert_eq!(f.figure(&v), "khoảng 1.000 tỷ đồng");
        let en = Fmt {
            language: Language::En,
            strings: &strings,
        };
        assert_eq!(en.number(1234.5), "1,234.5");
        assert_eq!(f.share(1.0133), "101,3%");
    }
}
