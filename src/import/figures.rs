//! Numbers with a unit in a paragraph: "4.500 tỷ đồng", "trên 22%", "10 - 11%",
//! "55 triệu đồng/người/năm", "80% trở lên". Finds each number in Vietnamese style, the
//! range it may open, the unit after it (from a list of known units and the catalogue's) and
//! the qualifier words around it. Whether it is a figure of an indicator is decided elsewhere.

use super::rules::{Effect, Qualifier, RULES};
use super::text::{phrase_at, phrase_before, Paragraph};

/// A number with a known unit, where it stands in its paragraph.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Byte range of the text to wrap: qualifier words, number, unit, trailing qualifier.
    pub start: usize,
    pub end: usize,
    /// Byte offset of the number itself.
    pub num_start: usize,
    /// Index of the first word of the wrapped text, and one past its last word.
    pub first_word: usize,
    pub num_word: usize,
    pub end_word: usize,
    pub value: f64,
    pub value_max: Option<f64>,
    /// The unit as printed, normalised ("tỷ đồng", "%", "triệu đồng/người/năm").
    pub unit: String,
    pub qualifier: Option<Qualifier>,
}

/// Units recognised after a number besides the catalogue's own, longest first when matched.
const KNOWN_UNITS: &[&str] = &[
    "nghìn tỷ đồng",
    "ngàn tỷ đồng",
    "tỷ đồng",
    "tỉ đồng",
    "triệu đồng",
    "nghìn đồng",
    "ngàn đồng",
    "đồng",
    "tỷ usd",
    "triệu usd",
    "nghìn usd",
    "usd",
    "ha",
    "héc ta",
    "tấn",
    "tạ",
    "km",
    "m2",
    "m3",
    "người",
    "hộ",
    "lao động",
    "xã",
    "phường",
    "thôn",
    "bản",
    "tổ dân phố",
    "doanh nghiệp",
    "hợp tác xã",
    "đảng viên",
    "trường",
    "công trình",
    "dự án",
    "con",
    "lượt",
    "lượt khách",
    "học sinh",
    "giường bệnh",
    "bác sĩ",
    "căn nhà",
    "ngôi nhà",
    "nhà",
    "cơ sở",
    "sản phẩm",
    "tiêu chí",
];

/// What may follow a money unit to make it per person or per year ("/người/năm").
const PER: &[&str] = &["người", "năm", "hộ", "tháng", "ha"];

/// The units a paragraph's numbers are matched against: the built-in list and the
/// catalogue's, as lower-case word sequences with the unit as it is written in links.
#[derive(Debug, Clone, Default)]
pub struct Units {
    /// (lower-case words, unit as written), longest word count first.
    list: Vec<(String, usize)>,
}

impl Units {
    pub fn new<'a>(catalogue_units: impl IntoIterator<Item = &'a str>) -> Units {
        let mut list: Vec<(String, usize)> = KNOWN_UNITS
            .iter()
            .map(|u| u.to_string())
            .chain(catalogue_units.into_iter().map(|u| {
                crate::vi::nfc(&crate::model::units::normalize(u).to_lowercase()).into_owned()
            }))
            .filter(|u| !u.is_empty() && !u.starts_with('%'))
            .map(|u| {
                let n = u.split(' ').count();
                (u, n)
            })
            .collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        list.dedup();
        Units { list }
    }
}

/// Every number with a known unit in the paragraph.
pub fn find(p: &Paragraph, units: &Units) -> Vec<Candidate> {
    let mut out = Vec::new();
    let bytes = p.text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || !starts_number(p.text, i) {
            i += 1;
            continue;
        }
        let (num_end, value) = match take_number(p.text, i) {
            Some(n) => n,
            None => {
                i = skip_digits(bytes, i);
                continue;
            }
        };
        match candidate(p, units, i, num_end, value) {
            Some(c) => {
                i = c.end.max(i + 1);
                out.push(c);
            }
            None => i = skip_digits(bytes, i),
        }
    }
    out
}

/// Past the run of digits, points and commas at `i`.
fn skip_digits(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && (bytes[i].is_ascii_digit() || matches!(bytes[i], b'.' | b',')) {
        i += 1;
    }
    i
}

/// A number starts at `i` when no letter, digit or joining mark (`/`, `:`, `-` after a
/// digit) is glued before it.
fn starts_number(text: &str, i: usize) -> bool {
    let Some(prev) = text[..i].chars().next_back() else {
        return true;
    };
    if prev.is_alphanumeric() || matches!(prev, '/' | ':' | '.' | ',' | '_') {
        return false;
    }
    if matches!(prev, '-' | '–') {
        let before = text[..i - prev.len_utf8()].chars().next_back();
        return !before.is_some_and(|c| c.is_alphanumeric());
    }
    true
}

/// The number at `i` in Vietnamese style, its end, or `None` when it is not one or is glued
/// to something that makes it a date, time, fraction or code ("18/11", "10:55", "8h30",
/// "QL1A").
fn take_number(text: &str, i: usize) -> Option<(usize, f64)> {
    let bytes = text.as_bytes();
    let mut end = skip_digits(bytes, i);
    while end > i && matches!(bytes[end - 1], b'.' | b',') {
        end -= 1;
    }
    let next = text[end..].chars().next();
    let after_next = text[end..].chars().nth(1);
    match next {
        Some('/' | ':') if after_next.is_some_and(|c| c.is_ascii_digit()) => return None,
        Some('-' | '–') if after_next.is_some_and(|c| c.is_ascii_digit()) => {
            // "10-11%" is a range; "7-1" and "2016-2020" are not amounts. Decided by the
            // unit after it, in `candidate`.
        }
        Some(c) if c.is_alphabetic() => return None,
        _ => {}
    }
    let value = crate::vi::parse_number(&text[i..end])?;
    Some((end, value))
}

/// The range end after a number: "- 11", "– 11", "đến 11", "tới 11".
fn range_end(text: &str, from: usize) -> Option<(usize, f64)> {
    let rest = &text[from..];
    let trimmed = rest.trim_start();
    let mut at = from + (rest.len() - trimmed.len());
    let after = ["-", "–", "—", "đến", "tới"]
        .iter()
        .find_map(|d| trimmed.strip_prefix(d))?;
    at += trimmed.len() - after.len();
    let t = after.trim_start();
    at += after.len() - t.len();
    if !t.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    take_number(text, at)
}

fn candidate(
    p: &Paragraph,
    units: &Units,
    num_start: usize,
    num_end: usize,
    value: f64,
) -> Option<Candidate> {
    let mut value_end = num_end;
    let mut value_max = None;
    let is_year = |x: f64| x.fract() == 0.0 && (1900.0..=2100.0).contains(&x);
    if let Some((end, max)) = range_end(p.text, num_end) {
        if max > value && !(is_year(value) && is_year(max)) {
            value_max = Some(max);
            value_end = end;
        } else {
            return None;
        }
    } else if p.text[num_end..].starts_with(['-', '–']) {
        return None;
    }
    let (unit, unit_end) = unit_after(p, units, value_end)?;
    let num_word = p.words.partition_point(|w| w.start < num_start);
    // The number must be a word of its own (not digits after a stray combining mark).
    if p.words.get(num_word).is_none_or(|w| w.start != num_start) {
        return None;
    }
    let mut end_word = p.words.partition_point(|w| w.end <= unit_end);
    let mut first_word = num_word;
    let mut start = num_start;
    let mut end = unit_end;
    let mut qualifier = None;
    for rule in RULES {
        if let Effect::Qualifier(q) = rule.effect {
            if let Some(s) = phrase_before(&p.words, num_word, rule.words) {
                // Only spaces between the words and the number: "trên. 5 tỷ" is not "trên 5".
                let gap = &p.text[p.words[num_word - 1].end..num_start];
                if s < first_word && gap.chars().all(char::is_whitespace) {
                    first_word = s;
                    start = p.words[s].start;
                    qualifier = Some(q);
                }
            }
        }
    }
    for rule in RULES {
        if let Effect::QualifierAfter(q) = rule.effect {
            if phrase_at(&p.words, end_word, rule.words) {
                let n = rule.words.split(' ').count();
                end_word += n;
                end = p.words[end_word - 1].end;
                qualifier = qualifier.or(Some(q));
            }
        }
    }
    Some(Candidate {
        start,
        end,
        num_start,
        first_word,
        num_word,
        end_word,
        value,
        value_max,
        unit,
        qualifier,
    })
}

/// The unit right after a number (at byte `from`), as written in links, and its end.
fn unit_after(p: &Paragraph, units: &Units, from: usize) -> Option<(String, usize)> {
    let rest = &p.text[from..];
    let t = rest.trim_start_matches([' ', '\u{a0}']);
    let at = from + (rest.len() - t.len());
    if t.starts_with('%') {
        let end = at + 1;
        if let Some(tail) = p.text[end..].strip_prefix("/năm") {
            if !tail.starts_with(char::is_alphanumeric) {
                return Some(("%/năm".to_string(), end + "/năm".len()));
            }
        }
        return Some(("%".to_string(), end));
    }
    if at == from {
        return None;
    }
    let w = p.words.partition_point(|w| w.start < at);
    if p.words.get(w).is_none_or(|x| x.start != at) {
        return None;
    }
    let (words, n) = units.list.iter().find(|(u, _)| phrase_at(&p.words, w, u))?;
    let _ = words;
    let mut end = p.words[w + n - 1].end;
    let mut unit = crate::model::units::normalize(&p.text[at..end]);
    if unit.to_lowercase() == "usd" || unit.ends_with(" usd") || unit.ends_with(" Usd") {
        unit = format!("{}USD", &unit[..unit.len() - 3]);
    }
    if is_money(&unit) {
        end = per_suffix(p.text, end, &mut unit);
    }
    Some((unit, end))
}

fn is_money(unit: &str) -> bool {
    unit.ends_with("đồng") || unit.ends_with("USD")
}

/// "/người/năm", "/năm" after a money unit: appended to the unit.
fn per_suffix(text: &str, mut end: usize, unit: &mut String) -> usize {
    for _ in 0..2 {
        let Some(rest) = text[end..].strip_prefix('/') else {
            break;
        };
        let Some(word) = PER
            .iter()
            .find(|w| rest.starts_with(**w) && !rest[w.len()..].starts_with(char::is_alphanumeric))
        else {
            break;
        };
        unit.push('/');
        unit.push_str(word);
        end += 1 + word.len();
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    type Found = (f64, Option<f64>, String, Option<Qualifier>, String);

    fn found(t: &str) -> Vec<Found> {
        let p = Paragraph::new(t);
        find(&p, &Units::new(["thôn"]))
            .into_iter()
            .map(|c| {
                (
                    c.value,
                    c.value_max,
                    c.unit.clone(),
                    c.qualifier,
                    t[c.start..c.end].to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn numbers_units_and_thousands() {
        let f = found("giá trị sản xuất đạt 4.500 tỷ đồng; thu 507,8 tỷ đồng; 5 nghìn tỷ đồng.");
        assert_eq!(f.len(), 3);
        assert_eq!((f[0].0, f[0].2.as_str()), (4500.0, "tỷ đồng"));
        assert_eq!((f[1].0, f[1].2.as_str()), (507.8, "tỷ đồng"));
        assert_eq!(f[2].2, "nghìn tỷ đồng");
    }

    #[test]
    fn qualifiers_and_ranges() {
        let f = found("tăng trưởng trên 22%, khoảng 10 - 11%, 80% trở lên tổ chức");
        assert_eq!(f[0].3, Some(Qualifier::Over));
        assert_eq!(f[0].4, "trên 22%");
        assert_eq!((f[1].0, f[1].1), (10.0, Some(11.0)));
        assert_eq!(f[1].4, "khoảng 10 - 11%");
        assert_eq!(f[2].3, Some(Qualifier::AtLeast));
        assert_eq!(f[2].4, "80% trở lên");
    }

    #[test]
    fn per_person_and_growth_units() {
        let f = found("thu nhập 55 triệu đồng/người/năm, tăng 7%/năm");
        assert_eq!(f[0].2, "triệu đồng/người/năm");
        assert_eq!(f[1].2, "%/năm");
        assert_eq!(found("45 triệu USD")[0].2, "triệu USD");
    }

    #[test]
    fn dates_times_fractions_and_codes_are_not_numbers() {
        for t in [
            "Chiều 18/11 hội nghị",
            "lúc 10:55 sáng",
            "18/19 chỉ tiêu",
            "Sáng 7-1 tại huyện",
            "giai đoạn 2016-2020 xã",
            "QL1A 5 km",
            "năm 2020",
        ] {
            let f = found(t);
            assert!(f.iter().all(|x| x.0 == 5.0), "{t}: {f:?}");
        }
        assert!(found("4.5 tỷ đồng").is_empty());
        assert!(found("số 173").is_empty());
    }

    #[test]
    fn catalogue_units_count() {
        let f = found("phấn đấu 17 thôn đạt chuẩn");
        assert_eq!((f[0].0, f[0].2.as_str()), (17.0, "thôn"));
    }
}
