//! How figures read on the page: numbers in the UI language's style (1.234,5 in Vietnamese,
//! 1,234.5 in English), qualifiers as words ("trên 22%"), ranges as "10–11", dates dd/mm/yyyy,
//! and whether an actual meets its target.

use std::collections::BTreeMap;

use crate::load::settings::Language;
use crate::model::{Direction, IndicatorValue, Kind, Qualifier};
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
        let text = self.with_unit(self.low_high(v.value, v.value_max), &v.unit);
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
        (v.unit != unit).then(|| self.with_unit(self.low_high(v.converted, v.converted_max), unit))
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

/// The actual as a share of the target, and whether it meets the target by the indicator's
/// direction (None when the direction is `none` or the target is zero).
pub fn achievement(
    target: &IndicatorValue,
    actual: &IndicatorValue,
    direction: Direction,
) -> (Option<f64>, Option<bool>) {
    let t_low = target.converted;
    let t_high = target.converted_max.unwrap_or(t_low);
    let a = actual.converted;
    let share = (t_low != 0.0).then(|| a / t_low);
    let met = match direction {
        Direction::None => None,
        Direction::Up => Some(match target.qualifier {
            Some(Qualifier::Over) => a > t_low,
            _ => a >= t_low,
        }),
        Direction::Down => Some(match target.qualifier {
            Some(Qualifier::Under) => a < t_high,
            _ => a <= t_high,
        }),
    };
    (share, met)
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
            value_max: None,
            unit: "%".into(),
            converted: v,
            converted_max: None,
            quote: None,
            note: None,
            inline: false,
        }
    }

    #[test]
    fn met_follows_direction_and_qualifier() {
        let t = value(Kind::Target, 22.0, Some(Qualifier::Over));
        assert_eq!(
            achievement(&t, &value(Kind::Actual, 22.0, None), Direction::Up).1,
            Some(false)
        );
        assert_eq!(
            achievement(&t, &value(Kind::Actual, 22.5, None), Direction::Up).1,
            Some(true)
        );
        let t = value(Kind::Target, 1.12, None);
        let (share, met) = achievement(&t, &value(Kind::Actual, 1.3, None), Direction::Down);
        assert_eq!(met, Some(false));
        assert!((share.unwrap() - 1.3 / 1.12).abs() < 1e-12);
        assert_eq!(
            achievement(&t, &value(Kind::Actual, 1.0, None), Direction::None).1,
            None
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
        v.value_max = Some(11.0);
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
