//! Figures as bulletins print them: "507,8 tỷ đồng", "trên 22%", "khoảng 1.000 tỷ đồng",
//! "10 - 11%", "80% trở lên". Turns the text into a number (or range), a unit and the
//! qualifier its words imply.

use super::Qualifier;
use crate::vi::parse_number;

/// A figure read from text.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub value: f64,
    pub value_max: Option<f64>,
    /// The unit as printed after the number, if any.
    pub unit: Option<String>,
    /// What words such as "trên" or "trở lên" say about the figure.
    pub qualifier: Option<Qualifier>,
}

const LEADING: &[(&str, Qualifier)] = &[
    ("trên dưới", Qualifier::About),
    ("không dưới", Qualifier::AtLeast),
    ("không quá", Qualifier::AtMost),
    ("không vượt quá", Qualifier::AtMost),
    ("ít nhất", Qualifier::AtLeast),
    ("tối thiểu", Qualifier::AtLeast),
    ("tối đa", Qualifier::AtMost),
    ("xấp xỉ", Qualifier::About),
    ("khoảng", Qualifier::About),
    ("gần", Qualifier::About),
    ("trên", Qualifier::Over),
    ("hơn", Qualifier::Over),
    ("dưới", Qualifier::Under),
];

const TRAILING: &[(&str, Qualifier)] = &[
    ("trở lên", Qualifier::AtLeast),
    ("trở xuống", Qualifier::AtMost),
];

/// A number or a range in Vietnamese style ("4.500", "507,8", "10-11", "10 - 11", "10–11").
pub fn parse_amount(text: &str) -> Result<(f64, Option<f64>), String> {
    let t = text.trim();
    let (value, rest) = take_number(t).ok_or_else(|| not_a_number(t))?;
    let rest = rest.trim_start();
    if rest.is_empty() {
        return Ok((value, None));
    }
    let (max, rest) = take_range_end(rest).ok_or_else(|| not_a_number(t))?;
    if !rest.trim().is_empty() {
        return Err(not_a_number(t));
    }
    check_range(value, max)?;
    Ok((value, Some(max)))
}

fn not_a_number(t: &str) -> String {
    format!("`{t}` is not a number in Vietnamese style (4.500 = four thousand five hundred, 507,8 = 507.8) or a range such as \"10 - 11\"")
}

fn check_range(low: f64, high: f64) -> Result<(), String> {
    if high < low {
        Err(format!(
            "the range's high end ({}) is below its low end ({})",
            crate::vi::format_number(high),
            crate::vi::format_number(low)
        ))
    } else {
        Ok(())
    }
}

/// Read a figure from the text of an inline annotation.
pub fn parse_figure(text: &str) -> Result<Figure, String> {
    let t = text.trim();
    // Words before the number: any, of which the known ones qualify it.
    let start = t
        .char_indices()
        .find(|&(i, c)| {
            c.is_ascii_digit()
                || ((c == '-' || c == '+')
                    && t[i + 1..].starts_with(|d: char| d.is_ascii_digit())
                    && (i == 0 || t[..i].ends_with(' ')))
        })
        .map(|(i, _)| i)
        .ok_or_else(|| format!("the text `{t}` holds no figure"))?;
    let words = t[..start].trim().to_lowercase();
    let mut qualifier = LEADING
        .iter()
        .find(|(w, _)| words == *w || words.ends_with(&format!(" {w}")))
        .map(|&(_, q)| q);
    let (value, rest) = take_number(&t[start..]).ok_or_else(|| {
        format!("the figure in `{t}` is not a number in Vietnamese style (4.500 = four thousand five hundred, 507,8 = 507.8)")
    })?;
    let mut rest = rest.trim_start();
    let mut value_max = None;
    if let Some((max, after)) = take_range_end(rest) {
        check_range(value, max)?;
        value_max = Some(max);
        rest = after.trim_start();
    }
    let mut unit = rest.trim().to_string();
    for (w, q) in TRAILING {
        if let Some(u) = unit.strip_suffix(w) {
            unit = u.trim().to_string();
            qualifier = qualifier.or(Some(*q));
        }
    }
    let unit = super::units::normalize(&unit);
    Ok(Figure {
        value,
        value_max,
        unit: (!unit.is_empty()).then_some(unit),
        qualifier,
    })
}

/// The longest number at the start of `s`, and what follows it.
fn take_number(s: &str) -> Option<(f64, &str)> {
    let bytes = s.as_bytes();
    let mut end = 0;
    if matches!(bytes.first(), Some(b'-' | b'+')) {
        end = 1;
    }
    while end < bytes.len()
        && (bytes[end].is_ascii_digit() || bytes[end] == b'.' || bytes[end] == b',')
    {
        end += 1;
    }
    // A trailing '.' or ',' belongs to the sentence, not the number.
    let mut num_end = end;
    while num_end > 0 && matches!(bytes[num_end - 1], b'.' | b',') {
        num_end -= 1;
    }
    let value = parse_number(&s[..num_end])?;
    Some((value, &s[num_end..]))
}

/// "- 11…", "– 11…", "đến 11…": the high end of a range.
fn take_range_end(s: &str) -> Option<(f64, &str)> {
    let after = ["-", "–", "—", "đến", "tới"]
        .iter()
        .find_map(|d| s.strip_prefix(d))?;
    take_number(after.trim_start())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fig(t: &str) -> Figure {
        parse_figure(t).unwrap_or_else(|e| panic!("{t}: {e}"))
    }

    #[test]
    fn plain_figures() {
        let f = fig("507,8 tỷ đồng");
        assert_eq!(
            (f.value, f.value_max, f.unit.as_deref(), f.qualifier),
            (507.8, None, Some("tỷ đồng"), None)
        );
        assert_eq!(fig("4.500 tỷ đồng").value, 4500.0);
        assert_eq!(
            fig("5 nghìn tỷ đồng").unit.as_deref(),
            Some("nghìn tỷ đồng")
        );
        assert_eq!(fig("22%").unit.as_deref(), Some("%"));
        assert_eq!(fig("3.650 lao động").unit.as_deref(), Some("lao động"));
        assert_eq!(fig("1.950").unit, None);
    }

    #[test]
    fn qualifiers_from_words() {
        assert_eq!(fig("trên 22%").qualifier, Some(Qualifier::Over));
        let f = fig("khoảng 1.000 tỷ đồng");
        assert_eq!((f.value, f.qualifier), (1000.0, Some(Qualifier::About)));
        assert_eq!(fig("80% trở lên").qualifier, Some(Qualifier::AtLeast));
        assert_eq!(fig("80% trở lên").unit.as_deref(), Some("%"));
        assert_eq!(
            fig("ít nhất 105 đảng viên").qualifier,
            Some(Qualifier::AtLeast)
        );
        assert_eq!(fig("đạt 18,2%").qualifier, None);
    }

    #[test]
    fn ranges() {
        for t in ["10 - 11%", "10-11%", "10–11 %", "10 đến 11%"] {
            let f = fig(t);
            assert_eq!(
                (f.value, f.value_max, f.unit.as_deref()),
                (10.0, Some(11.0), Some("%")),
                "{t}"
            );
        }
        assert!(parse_figure("11 - 10%").is_err());
        assert_eq!(parse_amount("10 - 11"), Ok((10.0, Some(11.0))));
        assert_eq!(parse_amount("4.500"), Ok((4500.0, None)));
        assert!(parse_amount("4.5").is_err());
        assert!(parse_amount("10 tỷ").is_err());
    }

    #[test]
    fn no_figure_is_an_error() {
        assert!(parse_figure("tỷ đồng").is_err());
        assert!(parse_figure("4.5 tỷ").is_err());
    }
}
