//! Indicator values: one figure (target, actual or estimate) for one locality, indicator and
//! period, as written and converted to the indicator's unit. Periods are whole years, spans
//! of years, or parts of a year (the first n months, one quarter); targets carry their basis.

use std::cmp::Ordering;
use std::fmt;

use super::{BulletinId, IndicatorId, LocalityId, TermId};

/// Which part of a year a single-year period covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Part {
    /// The whole year (or, for a span, every year of it).
    Whole,
    /// The first n months, cumulative (1..=11): "9 tháng năm 2023" is `2023-M9`.
    Months(u8),
    /// One quarter (1..=4): "quý III/2023" is `2023-Q3`.
    Quarter(u8),
}

/// A plan year, a span of years (inclusive), or a part of one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Period {
    pub start: i32,
    pub end: i32,
    pub part: Part,
}

/// Why a period as written is refused, and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodError {
    pub message: String,
    pub help: String,
}

impl Period {
    pub fn year(y: i32) -> Self {
        Period {
            start: y,
            end: y,
            part: Part::Whole,
        }
    }

    pub fn span(start: i32, end: i32) -> Self {
        Period {
            start,
            end,
            part: Part::Whole,
        }
    }

    /// One whole year (not a span, not a part of a year).
    pub fn is_single_year(self) -> bool {
        self.start == self.end && self.part == Part::Whole
    }

    /// Several whole years.
    pub fn is_span(self) -> bool {
        self.start != self.end
    }

    /// A part of a year: progress, never the year's result.
    pub fn is_part_year(self) -> bool {
        self.part != Part::Whole
    }

    /// The whole period this one is part of: the year of `2023-M9` is `2023`; a year or a
    /// span is its own.
    pub fn whole(self) -> Period {
        Period {
            part: Part::Whole,
            ..self
        }
    }

    /// Months since year 0 of the period's last month, and its length in months: the keys of
    /// time order.
    fn last_month_and_length(self) -> (i64, i64) {
        let (last, len) = match self.part {
            Part::Whole => (12, 12 * (self.end - self.start + 1) as i64),
            Part::Months(n) => (n as i64, n as i64),
            Part::Quarter(q) => (3 * q as i64, 3),
        };
        (self.end as i64 * 12 + last, len)
    }

    /// "2020", "2016-2020", "2023-M9", "2023-Q3"; `None` for anything else.
    pub fn parse(s: &str) -> Option<Period> {
        Period::read(s).ok()
    }

    /// Like [`Period::parse`], with the reason and the fix when the text is not a period.
    pub fn read(s: &str) -> Result<Period, PeriodError> {
        let s = s.trim();
        let fail = |message: String, help: &str| PeriodError {
            message,
            help: help.to_string(),
        };
        let general = || {
            fail(
                format!("`{s}` is not a year, a span of years or a part of a year"),
                "write a year (2020), a span (2016-2020), the first n months of a year (2023-M9) or a quarter (2023-Q3)",
            )
        };
        if let Some(y) = year(s) {
            return Ok(Period::year(y));
        }
        // A part of a year: the suffix after the last '-' starts with M or Q.
        if let Some((head, tail)) = s.rsplit_once('-') {
            let tail = tail.trim();
            let letter = tail.chars().next().map(|c| c.to_ascii_uppercase());
            if matches!(letter, Some('M' | 'Q')) {
                let n: Option<u8> = tail[1..].parse().ok();
                let head = head.trim();
                let Some(y) = year(head) else {
                    return Err(if span(head).is_some() {
                        fail(
                            format!("`{s}` puts a part of a year on a span of years"),
                            &format!("a part-year period belongs to one year: write {}-{tail} for the part of the span's last year, or the span `{head}` alone", head.rsplit(['-', '–']).next().unwrap_or("2020").trim()),
                        )
                    } else {
                        general()
                    });
                };
                return match (letter, n) {
                    (Some('M'), Some(n @ 1..=11)) => Ok(Period {
                        part: Part::Months(n),
                        ..Period::year(y)
                    }),
                    (Some('M'), Some(12)) => Err(fail(
                        format!("`{s}`: twelve months are the whole year"),
                        &format!("write the year alone: {y}"),
                    )),
                    (Some('M'), _) => Err(fail(
                        format!("`{s}` is not a number of months from M1 to M11"),
                        &format!("write {y}-M6 for the first six months of {y}, {y}-M9 for nine"),
                    )),
                    (_, Some(q @ 1..=4)) => Ok(Period {
                        part: Part::Quarter(q),
                        ..Period::year(y)
                    }),
                    _ => Err(fail(
                        format!("`{s}` is not a quarter from Q1 to Q4"),
                        &format!("write {y}-Q1, {y}-Q2, {y}-Q3 or {y}-Q4"),
                    )),
                };
            }
        }
        match span(s) {
            Some((a, b)) if a <= b => Ok(Period::span(a, b)),
            Some((a, b)) => Err(fail(
                format!("the span `{s}` ends before it starts"),
                &format!("write {b}-{a}"),
            )),
            None => Err(general()),
        }
    }
}

/// Four digits.
fn year(t: &str) -> Option<i32> {
    let t = t.trim();
    (t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()))
        .then(|| t.parse().ok())
        .flatten()
}

/// "2016-2020" (also with an en dash).
fn span(s: &str) -> Option<(i32, i32)> {
    let (a, b) = s.split_once(['-', '–'])?;
    Some((year(a)?, year(b)?))
}

/// Time order: by the last month a period covers, and on a tie the shorter first; a quarter
/// before the same months counted from January (2023-Q1, 2023-M3, 2023-Q2, 2023-M6, 2023,
/// 2016-2020 after 2020 and before 2021).
impl Ord for Period {
    fn cmp(&self, other: &Self) -> Ordering {
        let rank = |p: &Period| match p.part {
            Part::Quarter(_) => 0,
            Part::Months(_) => 1,
            Part::Whole => 2,
        };
        self.last_month_and_length()
            .cmp(&other.last_month_and_length())
            .then_with(|| rank(self).cmp(&rank(other)))
            .then_with(|| self.start.cmp(&other.start))
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.part {
            Part::Months(n) => write!(f, "{}-M{n}", self.start),
            Part::Quarter(q) => write!(f, "{}-Q{q}", self.start),
            Part::Whole if self.start == self.end => write!(f, "{}", self.start),
            Part::Whole => write!(f, "{}-{}", self.start, self.end),
        }
    }
}

/// Where a target comes from (CONTENT.md, `basis`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The year's plan (kế hoạch, dự toán giao): the default.
    Plan,
    /// A resolution of the party congress or the council (nghị quyết).
    Resolution,
    /// Assigned by the level above (chỉ tiêu cấp trên giao, "KH tỉnh giao").
    Assigned,
    /// An adjusted plan (kế hoạch điều chỉnh), which replaces the plan.
    Adjusted,
}

impl Basis {
    pub const WORDS: &'static [&'static str] = &["plan", "resolution", "assigned", "adjusted"];

    pub fn parse(s: &str) -> Option<Basis> {
        match s.trim() {
            "plan" => Some(Basis::Plan),
            "resolution" => Some(Basis::Resolution),
            "assigned" => Some(Basis::Assigned),
            "adjusted" => Some(Basis::Adjusted),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Plan => "plan",
            Basis::Resolution => "resolution",
            Basis::Assigned => "assigned",
            Basis::Adjusted => "adjusted",
        }
    }

    /// A plan or an adjusted plan: the targets a verdict is given against.
    pub fn is_plan(self) -> bool {
        matches!(self, Basis::Plan | Basis::Adjusted)
    }
}

/// What a figure is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
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
///
/// About seven of them a bulletin, seven million at a million bulletins, so the layout
/// counts: what few figures have (a range's high end, a note) is boxed apart in
/// [`Rare`], 8 bytes where it was 48, and the unit is a 4-byte [`Unit`](super::units::Unit)
/// (80 bytes a value; 136 at first).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct IndicatorValue {
    /// The bulletin, by its place in the archive. Not kept in the build record: it is set
    /// when the archive is assembled, and a bulletin's record then reads the same wherever
    /// it stands (see `build::cache::pack_parsed_keeping`).
    #[serde(skip)]
    pub bulletin: BulletinId,
    pub locality: LocalityId,
    pub indicator: IndicatorId,
    pub term: Option<TermId>,
    pub period: Period,
    pub kind: Kind,
    pub qualifier: Option<Qualifier>,
    /// As written (the low end of a range).
    pub value: f64,
    /// As written, normalised (interned: four bytes).
    pub unit: super::units::Unit,
    /// `value` in the catalogue unit.
    pub converted: f64,
    /// Where a target comes from (`Plan` when the source names none); `None` for actuals
    /// and estimates.
    pub basis: Option<Basis>,
    /// The sentence the figure was found in (inline figures, or a front matter's `quote`),
    /// kept in the body store: read it with [`super::Archive::quote`].
    pub quote: Quote,
    /// The high end of a range and the note, when the figure has either (see
    /// [`IndicatorValue::value_max`], [`IndicatorValue::converted_max`],
    /// [`IndicatorValue::note`]).
    pub rare: Option<Box<Rare>>,
    /// Whether it was annotated inline in the body (else in front matter).
    pub inline: bool,
}

/// Where a figure's quote is kept: in the archive's [`super::BodyStore`], like the
/// summaries, with a fingerprint of its text (what tells a change of it, without reading
/// it back). Sixteen bytes, as the boxed string was, without that string's hundred bytes
/// or so of heap (100 MB at a million bulletins of the benchmark's, where one figure in
/// seven is inline; an archive of imported bulletins has most of its figures inline).
#[derive(Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Quote {
    /// The text's offset in the store (the high 40 bits) and its length (the low 24);
    /// 0 when there is none.
    at: u64,
    /// XXH3-64 of the text.
    print: u64,
}

impl Quote {
    pub const NONE: Quote = Quote { at: 0, print: 0 };
    const LEN_BITS: u32 = 24;

    /// The quote `text`, kept at `r`; `None` when it is too long (16 MB) or the store too
    /// large (1 TB) to say where.
    pub fn kept(r: super::BodyRef, text: &str) -> Option<Quote> {
        let len = u64::from(r.len());
        if len == 0 || len >= 1 << Self::LEN_BITS || r.offset() >= 1 << (64 - Self::LEN_BITS) {
            return None;
        }
        Some(Quote {
            at: r.offset() << Self::LEN_BITS | len,
            print: xxhash_rust::xxh3::xxh3_64(text.as_bytes()),
        })
    }

    /// Where its text is in the store; `None` when the figure has no quote.
    pub fn text(&self) -> Option<super::BodyRef> {
        let len = (self.at & ((1 << Self::LEN_BITS) - 1)) as u32;
        (len > 0).then(|| super::BodyRef::at(self.at >> Self::LEN_BITS, len))
    }
}

/// The fingerprint only: two prints of a bulletin's figures (see
/// [`crate::rebuild::affected`]) are equal when their quotes' texts are, wherever those
/// were kept.
impl fmt::Debug for Quote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.text() {
            Some(_) => write!(f, "Quote({:016x})", self.print),
            None => f.write_str("NoQuote"),
        }
    }
}

/// What few figures have: a range's high end and a note.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Rare {
    /// The high end of a range, as written.
    pub value_max: Option<f64>,
    /// `value_max` in the catalogue unit.
    pub converted_max: Option<f64>,
    #[serde(deserialize_with = "super::stored::boxed_opt")]
    pub note: Option<Box<str>>,
}

impl Rare {
    /// Boxed when there is anything to keep, else nothing.
    pub fn boxed(self) -> Option<Box<Rare>> {
        (self != Rare::default()).then(|| Box::new(self))
    }
}

impl IndicatorValue {
    /// The high end of a range, as written.
    pub fn value_max(&self) -> Option<f64> {
        self.rare.as_ref().and_then(|r| r.value_max)
    }

    /// The high end of a range in the catalogue unit.
    pub fn converted_max(&self) -> Option<f64> {
        self.rare.as_ref().and_then(|r| r.converted_max)
    }

    /// The archivist's note on the figure.
    pub fn note(&self) -> Option<&str> {
        self.rare.as_ref().and_then(|r| r.note.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_keeps_what_few_have_apart_and_stays_small() {
        assert!(Rare::default().boxed().is_none());
        let rare = Rare {
            value_max: Some(11.0),
            converted_max: Some(0.11),
            note: Some("ước tính".into()),
        };
        let v = IndicatorValue {
            bulletin: BulletinId(0),
            locality: LocalityId(0),
            indicator: IndicatorId(0),
            term: None,
            period: Period::year(2020),
            kind: Kind::Target,
            qualifier: None,
            value: 10.0,
            unit: "%".into(),
            converted: 0.1,
            basis: None,
            quote: Quote::NONE,
            rare: rare.boxed(),
            inline: false,
        };
        assert_eq!(v.value_max(), Some(11.0));
        assert_eq!(v.converted_max(), Some(0.11));
        assert_eq!(v.note(), Some("ước tính"));
        let bytes = postcard::to_allocvec(&v).unwrap();
        let back: IndicatorValue = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(
            (back.value_max(), back.note()),
            (Some(11.0), Some("ước tính"))
        );
        // Seven million of them at a million bulletins: 80 bytes each, not 136.
        assert!(std::mem::size_of::<IndicatorValue>() <= 80);
    }

    #[test]
    fn a_quote_is_where_its_text_was_kept_and_prints_by_its_text() {
        let store = super::super::BodyStore::in_memory();
        store.put("phần đầu của thân bài").unwrap();
        let text = "Thu ngân sách đạt 507,8 tỷ đồng.";
        let r = store.put(text).unwrap();
        let q = Quote::kept(r, text).unwrap();
        assert_eq!(q.text(), Some(r));
        assert_eq!(store.get(q.text().unwrap()).unwrap(), text);
        // Kept again elsewhere, the same text prints the same; another text does not.
        let again = Quote::kept(store.put(text).unwrap(), text).unwrap();
        assert_ne!(again.text(), q.text());
        assert_eq!(format!("{again:?}"), format!("{q:?}"));
        let other = Quote::kept(store.put("Khác.").unwrap(), "Khác.").unwrap();
        assert_ne!(format!("{other:?}"), format!("{q:?}"));
        assert_eq!(Quote::NONE.text(), None);
        assert_eq!(Quote::default().text(), None);
        let back: Quote = postcard::from_bytes(&postcard::to_allocvec(&q).unwrap()).unwrap();
        assert_eq!(back, q);
    }

    #[test]
    fn periods_read_and_print_as_written() {
        for s in [
            "2020",
            "2016-2020",
            "2023-M6",
            "2023-M9",
            "2023-Q1",
            "2023-Q4",
        ] {
            assert_eq!(Period::read(s).map(|p| p.to_string()), Ok(s.to_string()));
        }
        assert_eq!(Period::parse("2016–2020"), Some(Period::span(2016, 2020)));
        let m9 = Period::parse("2023-M9").unwrap();
        assert!(m9.is_part_year() && !m9.is_single_year() && !m9.is_span());
        assert_eq!(m9.whole(), Period::year(2023));
    }

    #[test]
    fn bad_periods_say_what_to_write() {
        let e = Period::read("2016-2020-M6").unwrap_err();
        assert!(e.message.contains("span"), "{e:?}");
        assert!(e.help.contains("2020-M6"), "{e:?}");
        let e = Period::read("2023-M12").unwrap_err();
        assert!(e.help.contains("2023"), "{e:?}");
        assert!(Period::read("2023-M0")
            .unwrap_err()
            .help
            .contains("2023-M6"));
        assert!(Period::read("2023-Q5")
            .unwrap_err()
            .help
            .contains("2023-Q4"));
        assert!(Period::read("2020-2016")
            .unwrap_err()
            .help
            .contains("2016-2020"));
        assert!(Period::read("năm 2020").is_err());
    }

    #[test]
    fn periods_sort_by_time_shorter_first() {
        let mut ps: Vec<Period> = [
            "2024",
            "2016-2020",
            "2023",
            "2023-M9",
            "2023-Q2",
            "2023-M6",
            "2023-M3",
            "2023-Q1",
            "2020",
            "2021-Q1",
        ]
        .iter()
        .map(|s| Period::parse(s).unwrap())
        .collect();
        ps.sort();
        let got: Vec<String> = ps.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            got,
            [
                "2020",
                "2016-2020",
                "2021-Q1",
                "2023-Q1",
                "2023-M3",
                "2023-Q2",
                "2023-M6",
                "2023-M9",
                "2023",
                "2024"
            ]
        );
    }

    #[test]
    fn basis_words() {
        for w in Basis::WORDS {
            assert_eq!(Basis::parse(w).map(Basis::as_str), Some(*w));
        }
        assert!(Basis::Adjusted.is_plan() && !Basis::Resolution.is_plan());
        assert_eq!(Basis::parse("nghị quyết"), None);
    }
}
