//! Periods named in a bulletin's words: a year ("năm 2024"), a span ("giai đoạn 2016-2020"),
//! the first months of a year ("9 tháng năm 2023" → `2023-M9`) or a quarter ("quý III/2023"
//! → `2023-Q3`). Years compared with ("so với năm 2022") or of a term ("nhiệm kỳ 2015-2020")
//! are not periods of a figure.

use super::rules::{NOT_A_PERIOD_BEFORE, QUARTERS, SO_FAR, UNCLEAR_PERIOD_BEFORE};
use super::text::{phrase_at, phrase_before, Word};

/// The period of a figure, as written in `period=` of a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    Year(i32),
    Span(i32, i32),
    /// The first n months of a year, cumulative.
    Months(i32, u8),
    Quarter(i32, u8),
    /// Named, but not one a value can have ("6 tháng cuối năm", "tháng 10"): a doubt.
    Unclear,
}

impl Period {
    /// The last year the period touches.
    pub fn end_year(self) -> Option<i32> {
        match self {
            Period::Year(y) | Period::Months(y, _) | Period::Quarter(y, _) => Some(y),
            Period::Span(_, b) => Some(b),
            Period::Unclear => None,
        }
    }

    pub fn is_part_year(self) -> bool {
        matches!(self, Period::Months(..) | Period::Quarter(..))
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Period::Year(y) => write!(f, "{y}"),
            Period::Span(a, b) => write!(f, "{a}-{b}"),
            Period::Months(y, m) => write!(f, "{y}-M{m}"),
            Period::Quarter(y, q) => write!(f, "{y}-Q{q}"),
            Period::Unclear => write!(f, "?"),
        }
    }
}

/// A period named in the words `start..end`; `year: None` when the words give no year
/// ("6 tháng đầu năm"): the bulletin's year then.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub period: Period,
}

fn year_of(w: &Word) -> Option<i32> {
    if w.lower.len() == 4 && w.lower.bytes().all(|b| b.is_ascii_digit()) {
        let y: i32 = w.lower.parse().ok()?;
        (1990..=2100).contains(&y).then_some(y)
    } else {
        None
    }
}

/// Every period named in a paragraph's words; `default_year` for those without a year.
pub fn mentions(text: &str, words: &[Word], default_year: i32) -> Vec<Mention> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        match mention_at(text, words, i, default_year) {
            Some(m) => {
                i = m.end.max(i + 1);
                if of_a_term(words, m.start) {
                    // "nhiệm kỳ 2015-2020": which plan years is for the reader to say.
                    out.push(Mention {
                        period: Period::Unclear,
                        ..m
                    });
                } else if !excluded(words, m.start) {
                    out.push(m);
                }
            }
            None => i += 1,
        }
    }
    out
}

/// A year compared with, or a term: not a period.
fn excluded(words: &[Word], start: usize) -> bool {
    NOT_A_PERIOD_BEFORE
        .iter()
        .any(|p| phrase_before(words, start, p).is_some())
}

/// A term of office, a school or crop year ("nhiệm kỳ 2015-2020", "năm học 2022-2023").
fn of_a_term(words: &[Word], start: usize) -> bool {
    UNCLEAR_PERIOD_BEFORE
        .iter()
        .any(|p| phrase_before(words, start, p).is_some())
}

/// A year word glued to a date or number before it ("30/12/2019", "số 12/2021").
fn glued(text: &str, w: &Word) -> bool {
    text[..w.start].ends_with(['/', '.', '-']) && !text[..w.start].ends_with(" -")
}

fn mention_at(text: &str, words: &[Word], i: usize, default_year: i32) -> Option<Mention> {
    let w = &words[i];
    // "từ đầu năm đến nay", "lũy kế": so far, but how far?
    if let Some(p) = SO_FAR.iter().find(|p| phrase_at(words, i, p)) {
        return Some(Mention {
            start: i,
            end: i + p.split(' ').count(),
            period: Period::Unclear,
        });
    }
    // "cả năm", "năm nay": the whole year of the bulletin.
    if let Some(p) = ["cả năm", "năm nay"]
        .iter()
        .find(|p| phrase_at(words, i, p))
    {
        if words.get(i + 2).and_then(year_of).is_none() {
            return Some(Mention {
                start: i,
                end: i + p.split(' ').count(),
                period: Period::Year(default_year),
            });
        }
    }
    // "tháng 10", "tháng 1/2024": one month, which no value has.
    if w.lower == "tháng" {
        if let Some(n) = words.get(i + 1).and_then(|x| x.lower.parse::<u8>().ok()) {
            if (1..=12).contains(&n) {
                return Some(Mention {
                    start: i,
                    end: i + 2,
                    period: Period::Unclear,
                });
            }
        }
    }
    // quý III/2023, quý 3 năm 2023
    if w.lower == "quý" {
        let q = QUARTERS
            .iter()
            .find(|(r, _)| words.get(i + 1).is_some_and(|x| x.lower == *r))?
            .1;
        let (year, end) = year_after(words, i + 2).unwrap_or((default_year, i + 2));
        return Some(Mention {
            start: i,
            end,
            period: Period::Quarter(year, q),
        });
    }
    // 9 tháng (đầu năm) (năm) 2023
    if let Ok(n) = w.lower.parse::<u8>() {
        if words.get(i + 1).is_some_and(|x| x.lower == "tháng") && !glued(text, w) {
            return Some(months(words, i, n, default_year));
        }
    }
    // giai đoạn 2016-2020, 2021 - 2025
    if let Some(a) = year_of(w).filter(|_| !glued(text, w)) {
        if let Some(b) = words.get(i + 1).and_then(year_of) {
            let between = &text[w.end..words[i + 1].start];
            if between.trim().len() <= 3 && between.trim().starts_with(['-', '–', '—']) && b > a
            {
                return Some(Mention {
                    start: i,
                    end: i + 2,
                    period: Period::Span(a, b),
                });
            }
        }
        let start = if i > 0 && words[i - 1].lower == "năm" {
            i - 1
        } else {
            i
        };
        return Some(Mention {
            start,
            end: i + 1,
            period: Period::Year(a),
        });
    }
    None
}

/// "/2023", "năm 2023", "2023" after a part of a year.
fn year_after(words: &[Word], i: usize) -> Option<(i32, usize)> {
    if let Some(y) = words.get(i).and_then(year_of) {
        return Some((y, i + 1));
    }
    if words.get(i).is_some_and(|w| w.lower == "năm") {
        if let Some(y) = words.get(i + 1).and_then(year_of) {
            return Some((y, i + 2));
        }
    }
    None
}

fn months(words: &[Word], i: usize, n: u8, default_year: i32) -> Mention {
    let mut k = i + 2;
    let mut unclear = false;
    if phrase_at(words, k, "đầu năm") {
        k += 2;
    } else if phrase_at(words, k, "cuối năm") {
        k += 2;
        unclear = true;
    }
    let (year, end) = year_after(words, k).unwrap_or((default_year, k));
    let period = match n {
        _ if unclear => Period::Unclear,
        1..=11 => Period::Months(year, n),
        12 => Period::Year(year),
        _ => Period::Unclear,
    };
    Mention {
        start: i,
        end,
        period,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::text::words;

    fn periods(t: &str) -> Vec<String> {
        mentions(t, &words(t), 2020)
            .iter()
            .map(|m| m.period.to_string())
            .collect()
    }

    #[test]
    fn years_spans_and_parts() {
        assert_eq!(periods("năm 2024 thu ngân sách"), ["2024"]);
        assert_eq!(
            periods("giai đoạn 2016-2020 và 2021 – 2025"),
            ["2016-2020", "2021-2025"]
        );
        assert_eq!(periods("9 tháng năm 2023"), ["2023-M9"]);
        assert_eq!(periods("6 tháng đầu năm"), ["2020-M6"]);
        assert_eq!(
            periods("quý III/2023, quý 2 năm 2022"),
            ["2023-Q3", "2022-Q2"]
        );
        assert_eq!(periods("6 tháng cuối năm 2020"), ["?"]);
        assert_eq!(periods("đến năm 2030"), ["2030"]);
        assert_eq!(periods("ước cả năm, năm nay"), ["2020", "2020"]);
        assert_eq!(periods("cả năm 2021"), ["2021"]);
        assert_eq!(periods("tháng 10 và tháng 1/2024"), ["?", "?"]);
        assert_eq!(periods("từ đầu năm đến nay"), ["?", "?"]);
        assert_eq!(periods("năm học 2022-2023"), ["?"]);
    }

    #[test]
    fn compared_years_dates_and_terms_are_not_periods() {
        assert!(periods("so với năm 2022").is_empty());
        assert!(periods("so với cùng kỳ năm 2022").is_empty());
        assert_eq!(periods("nhiệm kỳ 2015-2020"), ["?"]);
        assert!(periods("ngày 27/12/2019").is_empty());
        assert!(periods("theo giá so sánh năm 2010").is_empty());
    }
}
