//! Dates of a bulletin: a page's date line ("15/09/2023 21:00", "24-03-2021 10:21",
//! "Thứ Hai, 15/9/2023", "19/02/2020 10:55:00 SA"), a day without its year in the first
//! sentence ("Chiều 18/11", "Sáng 7-1"), a date in the input's file name
//! ("…-2020-11-18.txt"). The year is never guessed: a day without a year takes it from the
//! file name, `--date`, or a full date the text gives for that day; else it is an error.

use chrono::{Datelike, FixedOffset, NaiveDate, NaiveTime};

/// A date found for a bulletin, with its time when the page gives one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FoundDate {
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
    /// The offset the page wrote, if any (else the site's time zone).
    pub offset: Option<FixedOffset>,
}

impl FoundDate {
    pub fn day(date: NaiveDate) -> FoundDate {
        FoundDate {
            date,
            time: None,
            offset: None,
        }
    }

    /// As written in front matter: `2020-01-07` or `2020-02-19T10:55:00+07:00`.
    pub fn front_matter(&self, tz: FixedOffset) -> String {
        match self.time {
            None => self.date.format("%Y-%m-%d").to_string(),
            Some(t) => format!(
                "{}T{}{}",
                self.date.format("%Y-%m-%d"),
                t.format("%H:%M:%S"),
                self.offset.unwrap_or(tz)
            ),
        }
    }
}

/// A number of 1 to 4 digits at byte `i` (not glued to another digit before it).
fn digits_at(s: &[u8], i: usize) -> Option<(u32, usize)> {
    if i > 0 && s[i - 1].is_ascii_digit() {
        return None;
    }
    let mut end = i;
    while end < s.len() && s[end].is_ascii_digit() && end - i < 5 {
        end += 1;
    }
    if end == i || end - i > 4 {
        return None;
    }
    let n = std::str::from_utf8(&s[i..end]).ok()?.parse().ok()?;
    Some((n, end))
}

/// A day and month at byte `i` ("18/11", "7-1", "07.01"), with the year if one follows
/// ("18/11/2020"), and where it ends.
pub fn day_month_at(s: &[u8], i: usize) -> Option<(u32, u32, Option<i32>, usize)> {
    let (d, e1) = digits_at(s, i)?;
    let sep = *s.get(e1)?;
    if !matches!(sep, b'/' | b'-' | b'.') || e1 - i > 2 {
        return None;
    }
    let (m, e2) = digits_at(s, e1 + 1)?;
    if e2 - e1 - 1 > 2 || !(1..=31).contains(&d) || !(1..=12).contains(&m) {
        return None;
    }
    if s.get(e2) == Some(&sep) {
        if let Some((y, e3)) = digits_at(s, e2 + 1) {
            if e3 - e2 - 1 == 4 && !s.get(e3).is_some_and(u8::is_ascii_digit) {
                return Some((d, m, Some(y as i32), e3));
            }
        }
        return None;
    }
    if s.get(e2).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    Some((d, m, None, e2))
}

/// Every full date (`d/m/yyyy`, `d-m-yyyy`, `yyyy-mm-dd`) in a text, with its end.
pub fn full_dates(text: &str) -> Vec<(NaiveDate, usize)> {
    let s = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        if !s[i].is_ascii_digit() || (i > 0 && s[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        if let Some((d, m, Some(y), end)) = day_month_at(s, i) {
            if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
                out.push((date, end));
            }
            i = end;
            continue;
        }
        if let Some(date) = iso_at(s, i) {
            out.push((date, i + 10));
            i += 10;
            continue;
        }
        i += 1;
    }
    out
}

/// `yyyy-mm-dd` at byte `i`.
fn iso_at(s: &[u8], i: usize) -> Option<NaiveDate> {
    let t = std::str::from_utf8(s.get(i..i + 10)?).ok()?;
    if s.get(i + 10).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()
}

/// A time "10:55", "10:55:00", "21h00", with "SA"/"CH"/"AM"/"PM" after it, from byte `from`.
fn time_in(text: &str, from: usize) -> Option<NaiveTime> {
    let s = text.as_bytes();
    for i in from..s.len() {
        let Some((h, e)) = digits_at(s, i) else {
            continue;
        };
        if e - i > 2 || !matches!(s.get(e), Some(b':' | b'h')) {
            continue;
        }
        let Some((mi, e2)) = digits_at(s, e + 1) else {
            continue;
        };
        if e2 - e - 1 != 2 {
            continue;
        }
        let mut end = e2;
        let mut sec = 0;
        if s.get(e2) == Some(&b':') {
            if let Some((x, e3)) = digits_at(s, e2 + 1) {
                sec = x;
                end = e3;
            }
        }
        let rest = text[end..].trim_start().to_lowercase();
        let pm = rest.starts_with("ch") || rest.starts_with("pm") || rest.starts_with("chiều");
        let am = rest.starts_with("sa") || rest.starts_with("am");
        let h = match (h, pm, am) {
            (1..=11, true, _) => h + 12,
            (12, _, true) => 0,
            _ => h,
        };
        return NaiveTime::from_hms_opt(h, mi, sec);
    }
    None
}

/// A page's date line: a short line holding a full date (and perhaps a time).
pub fn date_line(line: &str) -> Option<FoundDate> {
    let words = line.split_whitespace().count();
    if words == 0 || words > 12 {
        return None;
    }
    let (date, end) = *full_dates(line).first()?;
    Some(FoundDate {
        date,
        time: time_in(line, end),
        offset: None,
    })
}

/// A date as a JSONL `date`, `article:published_time` or `<time datetime>` gives it.
pub fn parse_given(s: &str) -> Option<FoundDate> {
    let s = s.trim();
    if let Ok(d) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(FoundDate {
            date: d.date_naive(),
            time: Some(d.time()),
            offset: Some(*d.offset()),
        });
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(d) = chrono::NaiveDateTime::parse_from_str(s, fmt) {
            return Some(FoundDate {
                date: d.date(),
                time: Some(d.time()),
                offset: None,
            });
        }
    }
    date_line(s)
}

/// Words that open a day without its year in a bulletin's first sentence.
const DAY_WORDS: &[&str] = &["sáng", "chiều", "tối", "trưa", "đêm", "ngày", "hôm"];

/// "Chiều 18/11", "Sáng 7-1", "Sáng ngày 18/2/2020", "Ngày 7/1 vừa qua": the day (and year,
/// when given) a first sentence opens with.
pub fn day_in_lead(paragraph: &str) -> Option<(u32, u32, Option<i32>)> {
    let head: String = paragraph.trim_start().chars().take(80).collect();
    let lower = head.to_lowercase();
    let mut words = lower.split_whitespace();
    let first = words.next()?.trim_start_matches(['(', '"', '“']);
    if !DAY_WORDS.contains(&first) {
        return None;
    }
    let s = lower.as_bytes();
    let at = lower.find(|c: char| c.is_ascii_digit())?;
    // Only words of time between the opening word and the day ("Sáng ngày 18/2").
    let after_first = lower.find(first).map_or(0, |i| i + first.len());
    let between = lower.get(after_first..at)?;
    if between
        .split_whitespace()
        .any(|w| !["ngày", "nay", "qua", "mai"].contains(&w))
    {
        return None;
    }
    let (d, m, y, _) = day_month_at(s, at)?;
    Some((d, m, y))
}

/// The date in an input's file name ("ha-tinh-2020-11-18.txt").
pub fn in_file_name(name: &str) -> Option<NaiveDate> {
    full_dates(name).into_iter().map(|(d, _)| d).next()
}

/// Where a day without a year took its year from, or why none could be taken.
pub fn complete(
    day: (u32, u32),
    file_date: Option<NaiveDate>,
    given: Option<NaiveDate>,
    text_dates: &[NaiveDate],
) -> Option<NaiveDate> {
    let (d, m) = day;
    if let Some(t) = text_dates.iter().find(|t| t.day() == d && t.month() == m) {
        return Some(*t);
    }
    let base = file_date.or(given)?;
    // A day later in the year than the file's date belongs to the year before
    // (a bulletin of 2 January about 30 December).
    let mut y = base.year();
    let candidate = NaiveDate::from_ymd_opt(y, m, d)?;
    if candidate > base && (candidate - base).num_days() > 31 {
        y -= 1;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn date_lines() {
        let tz = FixedOffset::east_opt(7 * 3600).unwrap();
        let d = date_line("Ngày xuất bản: 19/02/2020 10:55:00 SA").unwrap();
        assert_eq!(d.front_matter(tz), "2020-02-19T10:55:00+07:00");
        let d = date_line("24-03-2021 10:21").unwrap();
        assert_eq!(d.front_matter(tz), "2021-03-24T10:21:00+07:00");
        let d = date_line("Thứ Hai, 15/9/2023").unwrap();
        assert_eq!(d.front_matter(tz), "2023-09-15");
        let d = date_line("15/09/2023 09:00 CH").unwrap();
        assert_eq!(d.front_matter(tz), "2023-09-15T21:00:00+07:00");
        assert!(date_line("Chiều 18/11, Bí thư chủ trì hội nghị").is_none());
    }

    #[test]
    fn days_in_the_first_sentence() {
        assert_eq!(
            day_in_lead("Chiều 18/11, Bí thư Thành ủy"),
            Some((18, 11, None))
        );
        assert_eq!(day_in_lead("Sáng 7-1, Huyện ủy"), Some((7, 1, None)));
        assert_eq!(
            day_in_lead(" Sáng ngày 18/2/2020, dưới sự chủ trì"),
            Some((18, 2, Some(2020)))
        );
        assert_eq!(day_in_lead("Năm 2020 có 3 xã đạt 18/19 tiêu chí"), None);
        assert_eq!(day_in_lead("“Sáng 7-1”, hội nghị"), Some((7, 1, None)));
        assert_eq!(day_in_lead("Sáng"), None);
        assert_eq!(day_in_lead("1 sáng"), None);
    }

    #[test]
    fn years_are_never_guessed() {
        assert_eq!(
            complete((18, 11), Some(ymd(2020, 11, 18)), None, &[]),
            Some(ymd(2020, 11, 18))
        );
        assert_eq!(
            complete((7, 1), None, Some(ymd(2020, 1, 8)), &[]),
            Some(ymd(2020, 1, 7))
        );
        assert_eq!(
            complete((30, 12), Some(ymd(2021, 1, 2)), None, &[]),
            Some(ymd(2020, 12, 30))
        );
        assert_eq!(
            complete((7, 1), None, None, &[ymd(2020, 1, 7)]),
            Some(ymd(2020, 1, 7))
        );
        assert_eq!(complete((7, 1), None, None, &[ymd(2019, 12, 27)]), None);
        assert_eq!(
            in_file_name("ha-tinh-2020-11-18.txt"),
            Some(ymd(2020, 11, 18))
        );
    }
}
