//! Vietnamese text helpers: Unicode normalisation, folding for matching and search,
//! URL slugs, Vietnamese-style number parsing and formatting (`1.234,5`), collation in
//! the order of the Vietnamese alphabet, dates (`dd/mm/yyyy`) and capitalisation.
//!
//! Vietnamese text may arrive precomposed (NFC) or with combining marks (NFD), and with the
//! old or new tone placement ("Thanh Hoá" / "Thanh Hóa"). Every helper here treats NFC and
//! NFD input alike; [`fold`], [`slugify`] and [`tokens`] also erase the tone-placement
//! difference, and [`collate`] only tells the two placements apart in its final,
//! raw-string tie-break.

use std::borrow::Cow;
use std::cmp::Ordering;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// NFC-normalise. Returns `Cow::Borrowed` when the input is already NFC.
pub fn nfc(s: &str) -> Cow<'_, str> {
    if all_nfc_starters(s) {
        return Cow::Borrowed(s);
    }
    match is_nfc_quick(s.chars()) {
        IsNormalized::Yes => Cow::Borrowed(s),
        IsNormalized::No => Cow::Owned(s.nfc().collect()),
        IsNormalized::Maybe => {
            let n: String = s.nfc().collect();
            if n == s {
                Cow::Borrowed(s)
            } else {
                Cow::Owned(n)
            }
        }
    }
}

/// Characters that are NFC wherever they stand: combining class 0 and NFC quick check
/// "yes" (ASCII, and the precomposed Latin letters and punctuation of Vietnamese text). Text
/// made only of them is NFC without the table look-ups of the full check.
fn nfc_starter(c: char) -> bool {
    matches!(c, '\0'..='\u{2FF}' | '\u{1E00}'..='\u{1EFF}' | '\u{2002}'..='\u{206F}')
}

/// `s.chars().all(nfc_starter)`, reading bytes: every input file goes through here (445 MB
/// for 100,000 bulletins), and decoding each character cost more than the check. ASCII
/// passes byte by byte (Vietnamese words are too short for wider reads to pay), the two-byte
/// sequences of U+0080..U+02FF (lead bytes C2..CB) and the three-byte ones of U+1E00..U+1EFF
/// (E1 B8..BB) on their first bytes; anything else is decoded and checked.
fn all_nfc_starters(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            0x00..=0x7F => i += 1,
            0xC2..=0xCB => i += 2,
            0xE1 if matches!(b.get(i + 1), Some(0xB8..=0xBB)) => i += 3,
            _ => match s[i..].chars().next() {
                Some(c) if nfc_starter(c) => i += c.len_utf8(),
                _ => return false,
            },
        }
    }
    true
}

/// NFD, then lowercase, then NFD again (lowercasing can yield decomposable characters).
fn lower_nfd(s: &str) -> impl Iterator<Item = char> + '_ {
    s.nfd().flat_map(char::to_lowercase).nfd()
}

/// Fold for matching: NFC/NFD alike, lowercase, strip all combining marks (tones and vowel
/// marks), `đ`/`Đ` -> `d`. Other characters (spaces, punctuation, digits) are kept as they are.
///
/// `"Đồng Tháp"` -> `"dong thap"`; `"Thanh Hoá"` and `"Thanh Hóa"` -> `"thanh hoa"`.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in lower_nfd(s) {
        if is_combining_mark(c) {
            continue;
        }
        out.push(if c == 'đ' { 'd' } else { c });
    }
    out
}

/// Slug: [`fold`], then every run of characters that are not `[a-z0-9]` becomes one `-`,
/// trimmed of `-`. The output always matches `^[a-z0-9-]*$`, never starts or ends with `-`
/// and never holds `--`.
///
/// `"Thu ngân sách"` -> `"thu-ngan-sach"`, `"Đông Sơn"` -> `"dong-son"`.
pub fn slugify(s: &str) -> String {
    let folded = fold(s);
    let mut out = String::with_capacity(folded.len());
    let mut pending_dash = false;
    for c in folded.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c);
        } else {
            pending_dash = true;
        }
    }
    out
}

/// Split text into folded search tokens: [`fold`], then split on anything not alphanumeric;
/// empty tokens are dropped. `"Thu ngân sách, 2020"` -> `["thu", "ngan", "sach", "2020"]`.
pub fn tokens(s: &str) -> Vec<String> {
    fold(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Parse a number in Vietnamese style: `.` groups thousands (groups after the first must be
/// exactly 3 digits, the first 1 to 3 digits without a leading zero, so `"4.5"` and `"0.500"`
/// are `None`), `,` is the decimal point. An optional leading `-` or `+`; surrounding
/// whitespace is trimmed. Spaces (including non-breaking and narrow ones) are not accepted
/// as thousands separators.
///
/// `"4.500"` -> 4500, `"507,8"` -> 507.8, `"1.234,5"` -> 1234.5, `"1.000.000"` -> 1e6;
/// `"4.5"`, `"1,2,3"`, `""`, `"abc"`, `"1..0"`, `",5"`, `"5,"` -> `None`.
pub fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    let (negative, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (int_part, frac_part) = match body.split_once(',') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());

    let mut plain = String::with_capacity(body.len() + 1);
    if negative {
        plain.push('-');
    }
    if int_part.contains('.') {
        let mut groups = int_part.split('.');
        let first = groups.next()?;
        if !all_digits(first) || first.len() > 3 || first.starts_with('0') {
            return None;
        }
        plain.push_str(first);
        for g in groups {
            if g.len() != 3 || !all_digits(g) {
                return None;
            }
            plain.push_str(g);
        }
    } else {
        if !all_digits(int_part) {
            return None;
        }
        plain.push_str(int_part);
    }
    if let Some(f) = frac_part {
        if !all_digits(f) {
            return None;
        }
        plain.push('.');
        plain.push_str(f);
    }
    plain.parse().ok()
}

/// Shown for NaN and infinities.
const NOT_A_NUMBER: &str = "–";

/// Turn a plain decimal rendering (`"-1234.50"`, digits, optional `.`) into Vietnamese style,
/// dropping trailing fractional zeros and the sign of a zero.
fn vietnamese_style(plain: &str) -> String {
    let (negative, digits) = match plain.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, plain),
    };
    let (int_part, frac_part) = match digits.split_once('.') {
        Some((i, f)) => (i, f.trim_end_matches('0')),
        None => (digits, ""),
    };
    let is_zero = int_part.bytes().all(|b| b == b'0') && frac_part.is_empty();
    let mut out = String::with_capacity(plain.len() + plain.len() / 3 + 2);
    if negative && !is_zero {
        out.push('-');
    }
    let len = int_part.len();
    for (i, c) in int_part.chars().enumerate() {
        if i > 0 && (len - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    if !frac_part.is_empty() {
        out.push(',');
        out.push_str(frac_part);
    }
    out
}

/// Format in Vietnamese style with the shortest decimals that round-trip (like Rust's `{}`
/// for `f64`), thousands grouped with `.`, decimal comma. Never uses exponent notation.
/// NaN and infinities give `"–"`; negative zero gives `"0"`.
///
/// 1234.5 -> `"1.234,5"`, 4500.0 -> `"4.500"`, 507.8 -> `"507,8"`, -1234.0 -> `"-1.234"`.
pub fn format_number(x: f64) -> String {
    if !x.is_finite() {
        return NOT_A_NUMBER.to_owned();
    }
    vietnamese_style(&shortest(x, &mut ryu::Buffer::new()))
}

/// Like [`format_number`], rounded to at most `decimals` decimals (the exact binary value is
/// rounded, as by `format!("{:.N}")`), trailing zeros removed.
///
/// `format_number_max(101.2345, 1)` -> `"101,2"`, `format_number_max(100.0, 1)` -> `"100"`.
pub fn format_number_max(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return NOT_A_NUMBER.to_owned();
    }
    let mut buf = ryu::Buffer::new();
    let short = shortest(x, &mut buf);
    // When the shortest digits have no more than `decimals` decimals, rounding the exact
    // value to `decimals` gives those digits (padded with zeros, which are dropped anyway):
    // the exact value is within half an ulp of them, and below 2^40 an ulp is far smaller
    // than the 0.0005 that rounding to three decimals could move.
    let fits = decimals <= 3
        && x.abs() < (1u64 << 40) as f64
        && short
            .split_once('.')
            .is_none_or(|(_, frac)| frac.trim_end_matches('0').len() <= decimals);
    if fits {
        vietnamese_style(&short)
    } else {
        vietnamese_style(&format!("{x:.decimals$}"))
    }
}

/// `x` (finite) with the digits `format!("{x}")` writes: the shortest that read back as `x`,
/// never an exponent. Made by ryu, several times faster than the standard formatting; an
/// integer may keep a trailing `.0`, which [`vietnamese_style`] drops.
///
/// ryu's digits are taken only when there are at most 15 of them: then no other number of
/// as many digits reads back as `x` (15 digits are finer than an f64), so both algorithms
/// must give these. With 16 or 17, two candidates can be equally near, and ryu breaks the
/// tie another way than the standard library; those, and exponents (which ryu writes below
/// 1e-5 and from 1e16, and `{}` never does), go through `format!`.
fn shortest(x: f64, buf: &mut ryu::Buffer) -> std::borrow::Cow<'_, str> {
    if let Some(s) = few_decimals(x) {
        return std::borrow::Cow::Owned(s);
    }
    let s = buf.format_finite(x);
    let significant = s
        .bytes()
        .filter(u8::is_ascii_digit)
        .skip_while(|&b| b == b'0')
        .count();
    if significant <= 15 && !s.contains('e') {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(format!("{x}"))
    }
}

/// The digits of `x` when it has at most three decimals and fewer than 15 digits in all, as
/// most figures of bulletins do (`507.8`, `22`, `1.12`): `x` times 1, 10, 100 or 1000 is
/// then a whole number `m`, and `m / 10^k` reads back as `x` (a division is correctly
/// rounded, as reading a decimal is). Two different decimals of at most 15 digits are
/// farther apart than two neighbouring f64, so this is the only one that reads back as `x`
/// and the digits of `format!("{x}")`.
fn few_decimals(x: f64) -> Option<String> {
    const LIMIT: f64 = 1e14;
    for (k, scale) in [1.0f64, 10.0, 100.0, 1000.0].into_iter().enumerate() {
        let m = x * scale;
        if m.abs() >= LIMIT {
            return None;
        }
        if m.fract() == 0.0 && m / scale == x {
            let whole = m.abs() as u64;
            let pow = 10u64.pow(k as u32);
            let mut out = String::with_capacity(24);
            if x.is_sign_negative() {
                out.push('-');
            }
            let mut digits = itoa::Buffer::new();
            out.push_str(digits.format(whole / pow));
            // The product can round, so that a larger `k` is found first (1.12 * 100 is
            // 112.00000000000001, 1.12 * 1000 is 1120): drop the zeros it leaves.
            let frac = digits.format(whole % pow + pow)[1..].trim_end_matches('0');
            if !frac.is_empty() {
                out.push('.');
                out.push_str(frac);
            }
            return Some(out);
        }
    }
    None
}

/// `x` written exactly as `format!("{x}")` would (`5078`, `507.8`, `0.000001`), by ryu.
pub fn plain_number(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    let mut buf = ryu::Buffer::new();
    let s = shortest(x, &mut buf);
    match s.strip_suffix(".0") {
        Some(int) => int.to_string(),
        None => s.into_owned(),
    }
}

/// Append `x` with one decimal, exactly as `write!(out, "{x:.1}")` would, with a fast path
/// for the common case (a chart coordinate): a non-negative value below a million whose
/// tenths are not within a hair of a tie.
pub fn push_tenths(out: &mut String, x: f64) {
    use std::fmt::Write;
    let scaled = x * 10.0;
    let rounded = scaled.round();
    // Below a million, `x * 10` is off the exact product by less than 1e-9; farther than
    // 1e-6 from a tie, it rounds the same way as the exact value.
    if x.is_sign_positive() && x < 1e6 && ((scaled - rounded).abs() - 0.5).abs() > 1e-6 {
        let tenths = rounded as u64;
        let mut digits = itoa::Buffer::new();
        out.push_str(digits.format(tenths / 10));
        out.push('.');
        out.push(char::from(b'0' + (tenths % 10) as u8));
    } else {
        write!(out, "{x:.1}").expect("writing to a String cannot fail");
    }
}

/// A sort key with the same ordering as [`collate`]; compare keys with `Ord`
/// (e.g. via `sort_by_cached_key`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CollationKey {
    /// One weight per character, lowercased and without tones; the vowel marks and the
    /// stroke of ă â đ ê ô ơ ư are part of the letter's weight.
    primary: Vec<u32>,
    /// Tones word by word: the tone codes of each word, then a 0 closing the word.
    secondary: Vec<u8>,
    /// Case of each weighted character (lower first).
    tertiary: Vec<bool>,
    /// The NFC text, so that the order is total.
    raw: String,
}

/// Weight of whitespace: the lowest of all.
const W_SPACE: u32 = 1;
/// Punctuation and symbols: `W_PUNCT + code point`, after whitespace.
const W_PUNCT: u32 = 2;
/// Digits and other numeric characters: `W_DIGIT + code point`.
const W_DIGIT: u32 = 0x0020_0000;
/// Latin letters a–z: `W_LATIN + 4 * index + modifier`.
const W_LATIN: u32 = 0x0040_0000;
/// Other letters: `W_OTHER + code point` (lowercased).
const W_OTHER: u32 = 0x0050_0000;

/// Vowel-modifier combining marks, in the alphabet's order: a < ă < â, o < ô < ơ.
fn modifier_of(mark: char) -> Option<u32> {
    match mark {
        '\u{0306}' => Some(1), // breve: ă
        '\u{0302}' => Some(2), // circumflex: â ê ô
        '\u{031B}' => Some(3), // horn: ơ ư
        _ => None,
    }
}

/// Tone marks in the secondary order: none, huyền, hỏi, ngã, sắc, nặng.
fn tone_of(mark: char) -> Option<u8> {
    match mark {
        '\u{0300}' => Some(1), // huyền (grave)
        '\u{0309}' => Some(2), // hỏi (hook above)
        '\u{0303}' => Some(3), // ngã (tilde)
        '\u{0301}' => Some(4), // sắc (acute)
        '\u{0323}' => Some(5), // nặng (dot below)
        _ => None,
    }
}

/// A sort key with the same ordering as [`collate`] (so callers can `sort_by_cached_key`).
pub fn collation_key(s: &str) -> CollationKey {
    let mut key = CollationKey {
        primary: Vec::with_capacity(s.len()),
        secondary: Vec::new(),
        tertiary: Vec::with_capacity(s.len()),
        raw: nfc(s).into_owned(),
    };
    // Whether the last weighted character was a letter that may still take a modifier.
    let mut modifiable = false;
    let mut in_word = false;
    for c in s.nfd() {
        let upper = c.is_uppercase();
        for l in c.to_lowercase().nfd() {
            if is_combining_mark(l) {
                if let Some(m) = modifier_of(l) {
                    if modifiable {
                        if let Some(last) = key.primary.last_mut() {
                            *last += m;
                        }
                        modifiable = false;
                    }
                } else if let Some(t) = tone_of(l) {
                    key.secondary.push(t);
                }
                // Other marks only matter in the raw tie-break.
                continue;
            }
            modifiable = false;
            let weight = if l.is_ascii_lowercase() {
                modifiable = true;
                W_LATIN + 4 * (l as u32 - 'a' as u32)
            } else if l == 'đ' {
                W_LATIN + 4 * ('d' as u32 - 'a' as u32) + 1
            } else if l.is_numeric() {
                W_DIGIT + l as u32
            } else if l.is_alphabetic() {
                W_OTHER + l as u32
            } else {
                if in_word {
                    key.secondary.push(0);
                    in_word = false;
                }
                key.primary.push(if l.is_whitespace() {
                    W_SPACE
                } else {
                    W_PUNCT + l as u32
                });
                key.tertiary.push(upper);
                continue;
            };
            in_word = true;
            key.primary.push(weight);
            key.tertiary.push(upper);
        }
    }
    if in_word {
        key.secondary.push(0);
    }
    key
}

/// Vietnamese collation.
///
/// Primary level: letters of the Vietnamese alphabet
/// `a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y`, case-insensitive, with other
/// Latin letters in their natural place (f, j, w, z), other scripts after Latin, digits before
/// letters and spaces/punctuation before everything; a shorter prefix sorts first.
/// Secondary level (only when the letters are equal everywhere): tones word by word, in the
/// order none, huyền, hỏi, ngã, sắc, nặng. The tone's position inside a word does not matter,
/// so "Hoá" and "Hóa" agree here. Tertiary: case, lower first. Finally the NFC text, so the
/// order is total and deterministic. NFC and NFD input compare equal.
pub fn collate(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    collation_key(a).cmp(&collation_key(b))
}

/// Format a date as `dd/mm/yyyy`.
pub fn format_date(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    date_fields(d, [(d.day(), 2), (d.month(), 2), (d.year() as u32, 4)], '/')
        .unwrap_or_else(|| d.format("%d/%m/%Y").to_string())
}

/// `2020-02-09`, as in data files.
pub fn iso_date(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    date_fields(d, [(d.year() as u32, 4), (d.month(), 2), (d.day(), 2)], '-')
        .unwrap_or_else(|| d.format("%Y-%m-%d").to_string())
}

/// Date fields, each zero-padded to its width, joined by `sep`,
/// written directly: chrono's `format` parses its pattern anew on every call, and every
/// list, table, page and data record shows dates. `None` for years outside 0–9999, which
/// chrono writes its own way.
fn date_fields(d: chrono::NaiveDate, fields: [(u32, u32); 3], sep: char) -> Option<String> {
    use chrono::Datelike;
    if !(0..=9999).contains(&d.year()) {
        return None;
    }
    let mut out = String::with_capacity(10);
    for (n, width) in fields {
        if !out.is_empty() {
            out.push(sep);
        }
        let mut div = 10u32.pow(width - 1);
        while div > 0 {
            out.push(char::from(b'0' + (n / div % 10) as u8));
            div /= 10;
        }
    }
    Some(out)
}

/// Capitalise the first letter (Unicode-aware): `"thành phố"` -> `"Thành phố"`,
/// `"đặc khu"` -> `"Đặc khu"`. Leading spaces and punctuation are skipped (`"“hà nội”"` ->
/// `"“Hà nội”"`); if the first alphanumeric character is not a letter, nothing changes.
pub fn capitalize(s: &str) -> String {
    match s.char_indices().find(|(_, c)| c.is_alphanumeric()) {
        Some((i, c)) if c.is_lowercase() => {
            let mut out = String::with_capacity(s.len() + 2);
            out.push_str(&s[..i]);
            out.extend(c.to_uppercase());
            out.push_str(&s[i + c.len_utf8()..]);
            out
        }
        _ => s.to_owned(),
    }
}

/// `String::from_utf8`, with the check done by simdutf8 (SIMD, several times faster on
/// Vietnamese text, where most letters take two or three bytes); the standard check runs
/// only on bad input, to say where it goes wrong.
pub fn utf8_string(bytes: Vec<u8>) -> Result<String, std::string::FromUtf8Error> {
    if simdutf8::basic::from_utf8(&bytes).is_ok() {
        // SAFETY: simdutf8 has just checked that these very bytes are UTF-8.
        Ok(unsafe { String::from_utf8_unchecked(bytes) })
    } else {
        String::from_utf8(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, NaiveDate};
    use proptest::prelude::*;

    fn nfd(s: &str) -> String {
        s.nfd().collect()
    }

    #[test]
    fn nfc_fast_path_agrees_with_the_full_check() {
        use unicode_normalization::char::canonical_combining_class;
        for c in (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|&c| nfc_starter(c))
        {
            assert_eq!(canonical_combining_class(c), 0, "{c:?}");
            let one = c.to_string();
            assert_eq!(is_nfc_quick(one.chars()), IsNormalized::Yes, "{c:?}");
            // After a combining mark, it still starts a new cluster, in NFC as it stands.
            let after = format!("a\u{301}{c}");
            assert_eq!(after.nfc().collect::<String>(), format!("á{c}"), "{c:?}");
        }
    }

    // ---- nfc ----

    #[test]
    fn nfc_borrows_when_already_nfc() {
        assert!(matches!(nfc("Đồng Tháp"), Cow::Borrowed(_)));
        assert!(matches!(nfc("plain ascii"), Cow::Borrowed(_)));
        assert!(matches!(nfc(""), Cow::Borrowed(_)));
    }

    #[test]
    fn nfc_composes_nfd() {
        let d = "\u{0110}o\u{0302}\u{0300}ng Tha\u{0301}p";
        let n = nfc(d);
        assert!(matches!(n, Cow::Owned(_)));
        assert_eq!(n, "Đồng Tháp");
    }

    // ---- fold ----

    #[test]
    fn fold_examples() {
        assert_eq!(fold("Đồng Tháp"), "dong thap");
        assert_eq!(fold("Thanh Hoá"), "thanh hoa");
        assert_eq!(fold("Thanh Hóa"), "thanh hoa");
        assert_eq!(fold("hòa"), fold("hoà"));
        assert_eq!(fold("thúy"), fold("thuý"));
        assert_eq!(fold("Thu ngân sách, 2020!"), "thu ngan sach, 2020!");
        assert_eq!(fold("ĂÂÊÔƠƯĐ ăâêôơưđ"), "aaeooud aaeooud");
        assert_eq!(
            fold("Quỳnh Lưu - Nghệ An (NTM)"),
            "quynh luu - nghe an (ntm)"
        );
        assert_eq!(fold(""), "");
    }

    #[test]
    fn fold_nfd_equals_nfc() {
        let d = "\u{0110}o\u{0302}\u{0301}ng";
        assert_eq!(fold(d), "dong");
        assert_eq!(fold(d), fold("Đống"));
        for s in [
            "Đồng Tháp",
            "Nghệ An",
            "Thừa Thiên Huế",
            "Bà Rịa – Vũng Tàu",
            "Quảng Ngãi",
        ] {
            assert_eq!(fold(&nfd(s)), fold(s), "{s}");
        }
    }

    // ---- slugify ----

    #[test]
    fn slugify_examples() {
        assert_eq!(slugify("Thu ngân sách"), "thu-ngan-sach");
        assert_eq!(slugify("Đông Sơn"), "dong-son");
        assert_eq!(slugify("  Nông thôn mới (NTM)! "), "nong-thon-moi-ntm");
        assert_eq!(slugify("KH 173/Yên Bái"), "kh-173-yen-bai");
        assert_eq!(slugify("Thanh Hoá"), slugify("Thanh Hóa"));
        assert_eq!(slugify("---"), "");
        assert_eq!(slugify(""), "");
        assert_eq!(slugify("日本 abc"), "abc");
        assert_eq!(slugify("a--b__c"), "a-b-c");
    }

    #[test]
    fn slugify_nfd_equals_nfc() {
        assert_eq!(slugify("\u{0110}o\u{0302}\u{0301}ng Sơn"), "dong-son");
        assert_eq!(slugify(&nfd("Thừa Thiên Huế")), "thua-thien-hue");
    }

    // ---- tokens ----

    #[test]
    fn tokens_examples() {
        assert_eq!(
            tokens("Thu ngân sách, 2020"),
            ["thu", "ngan", "sach", "2020"]
        );
        assert_eq!(tokens("  --Đà Nẵng--  "), ["da", "nang"]);
        assert_eq!(tokens(&nfd("Đà Nẵng")), ["da", "nang"]);
        assert!(tokens("").is_empty());
        assert!(tokens(" ,.;- ").is_empty());
        assert_eq!(tokens("4.500 tỷ"), ["4", "500", "ty"]);
    }

    // ---- numbers ----

    #[test]
    fn parse_number_examples() {
        assert_eq!(parse_number("4.500"), Some(4500.0));
        assert_eq!(parse_number("507,8"), Some(507.8));
        assert_eq!(parse_number("1.234,5"), Some(1234.5));
        assert_eq!(parse_number("22"), Some(22.0));
        assert_eq!(parse_number("0,5"), Some(0.5));
        assert_eq!(parse_number("12.500"), Some(12500.0));
        assert_eq!(parse_number("1.000.000"), Some(1e6));
        assert_eq!(parse_number("12500"), Some(12500.0));
        assert_eq!(parse_number("  -1.234,56 "), Some(-1234.56));
        assert_eq!(parse_number("+7"), Some(7.0));
        assert_eq!(parse_number("0"), Some(0.0));
        assert_eq!(parse_number("97,36"), Some(97.36));
    }

    #[test]
    fn parse_number_rejects() {
        for s in [
            "4.5",
            "1,2,3",
            "",
            "abc",
            "1..0",
            ",5",
            "5,",
            "-",
            "+",
            " ",
            "1.2345",
            ".500",
            "500.",
            "1.000,",
            "--1",
            "+-1",
            "1 000",
            "1\u{a0}000",
            "1\u{202f}000",
            "0.500",
            "1,5.000",
            "1.000,5.5",
            "١٢",
            "1e3",
            "inf",
            "NaN",
            "- 1",
            "1,-5",
            "12.50",
        ] {
            assert_eq!(parse_number(s), None, "{s:?}");
        }
    }

    #[test]
    fn format_number_examples() {
        assert_eq!(format_number(1234.5), "1.234,5");
        assert_eq!(format_number(4500.0), "4.500");
        assert_eq!(format_number(507.8), "507,8");
        assert_eq!(format_number(0.5), "0,5");
        assert_eq!(format_number(-1234.0), "-1.234");
        assert_eq!(format_number(97.36), "97,36");
        assert_eq!(format_number(0.0), "0");
        assert_eq!(format_number(-0.0), "0");
        assert_eq!(format_number(999.0), "999");
        assert_eq!(format_number(1000.0), "1.000");
        assert_eq!(format_number(-0.25), "-0,25");
        assert_eq!(format_number(1e6), "1.000.000");
        assert_eq!(format_number(1e21), "1.000.000.000.000.000.000.000");
        assert_eq!(format_number(1e-7), "0,0000001");
        assert_eq!(format_number(0.1 + 0.2), "0,30000000000000004");
        assert_eq!(format_number(f64::NAN), "–");
        assert_eq!(format_number(f64::INFINITY), "–");
        assert_eq!(format_number(f64::NEG_INFINITY), "–");
    }

    #[test]
    fn format_number_max_examples() {
        assert_eq!(format_number_max(101.2345, 1), "101,2");
        assert_eq!(format_number_max(100.0, 1), "100");
        assert_eq!(format_number_max(0.1 + 0.2, 4), "0,3");
        assert_eq!(format_number_max(1234.5678, 2), "1.234,57");
        assert_eq!(format_number_max(1234.5678, 0), "1.235");
        assert_eq!(format_number_max(-0.04, 1), "0");
        assert_eq!(format_number_max(-0.06, 1), "-0,1");
        assert_eq!(format_number_max(99.96, 1), "100");
        assert_eq!(format_number_max(-1234.0, 3), "-1.234");
        assert_eq!(format_number_max(f64::NAN, 2), "–");
    }

    // ---- collation ----

    fn sorted(names: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        v.sort_by(|a, b| collate(a, b));
        v
    }

    #[test]
    fn collation_alphabet_order() {
        let names = [
            "Ân",
            "An",
            "Ăn",
            "Bình",
            "Đà Nẵng",
            "Da",
            "Yên Bái",
            "Ô Môn",
            "Ơn",
            "Úc",
        ];
        let expected = [
            "An",
            "Ăn",
            "Ân",
            "Bình",
            "Da",
            "Đà Nẵng",
            "Ô Môn",
            "Ơn",
            "Úc",
            "Yên Bái",
        ];
        assert_eq!(sorted(&names), expected);
        let mut by_key: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        by_key.sort_by_cached_key(|s| collation_key(s));
        assert_eq!(by_key, expected);
    }

    #[test]
    fn collation_letter_pairs() {
        for (a, b) in [
            ("a", "ă"),
            ("ă", "â"),
            ("â", "b"),
            ("d", "đ"),
            ("đ", "e"),
            ("dz", "đa"),
            ("e", "ê"),
            ("ê", "g"),
            ("o", "ô"),
            ("ô", "ơ"),
            ("ơ", "p"),
            ("u", "ư"),
            ("ư", "v"),
            ("x", "y"),
            ("e", "f"),
            ("f", "g"),
            ("i", "j"),
            ("j", "k"),
            ("v", "w"),
            ("w", "x"),
            ("y", "z"),
            ("z", "α"),
            ("9", "a"),
            ("1", "2"),
            (" ", "0"),
            ("-", "0"),
            (" ", "-"),
            ("An Giang", "Ang"),
            ("Ma", "Mai"),
            ("Ư", "v"),
            ("Đ", "e"),
            ("Ơ", "z"),
            ("Ặn", "Ấn"),
            ("Ậ", "b"),
            ("Ộ", "ợ"),
            ("ự", "v"),
            ("Ỳ", "ý"),
        ] {
            assert_eq!(collate(a, b), Ordering::Less, "{a:?} < {b:?}");
            assert_eq!(collate(b, a), Ordering::Greater, "{b:?} > {a:?}");
        }
    }

    /// Values like those of bulletins and charts, and stranger ones: random mantissas at
    /// many scales, short decimals, integers, halves and near-ties.
    fn sample_numbers() -> Vec<f64> {
        let mut out = vec![
            0.0,
            -0.0,
            0.05,
            0.15,
            0.25,
            0.35,
            1.45,
            2.675,
            99.95,
            99.96,
            1e15,
            1e16,
            1.5e16,
            1e-5,
            1e-6,
            1.5e-7,
            123456789.125,
            4500.0,
            507.8,
            22.0,
            1.12,
            0.1 + 0.2,
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..20_000 {
            let r = next();
            let scale = 10f64.powi((r % 24) as i32 - 8);
            let unit = (next() >> 11) as f64 / (1u64 << 53) as f64;
            out.push(unit * scale);
            out.push(-(unit * scale));
            // Short decimals as written in bulletins: 507.8, 1.12, 3202.15.
            let cents = (next() % 10_000_000) as f64;
            out.push(cents / 10.0);
            out.push(cents / 100.0);
            out.push(cents / 1000.0);
            // Halves of tenths, the ties of `{:.1}`.
            out.push((next() % 100_000) as f64 / 20.0);
            out.push(f64::from_bits(next() >> 2));
        }
        out
    }

    #[test]
    fn fast_number_formatting_matches_std() {
        for x in sample_numbers() {
            assert_eq!(plain_number(x), format!("{x}"), "{x:e}");
            assert_eq!(format_number(x), vietnamese_style(&format!("{x}")), "{x:e}");
            for d in 0..=3 {
                assert_eq!(
                    format_number_max(x, d),
                    vietnamese_style(&format!("{x:.d$}")),
                    "{x:e} to {d}"
                );
            }
            let mut s = String::new();
            push_tenths(&mut s, x);
            assert_eq!(s, format!("{x:.1}"), "{x:e}");
        }
    }

    #[test]
    fn nfc_starters_are_read_by_bytes_as_by_chars() {
        let edges = [
            '\u{0}', 'a', '\u{7F}', '\u{80}', 'Đ', 'ơ', '\u{2FF}', '\u{300}', '\u{301}',
            '\u{1DFF}', '\u{1E00}', 'ệ', '\u{1EFF}', '\u{1F00}', '\u{2001}', '\u{2002}', '–',
            '\u{206F}', '\u{2070}', '₫', '😀', 'い',
        ];
        for &a in &edges {
            for &b in &edges {
                // Every pair, at every offset from an 8-byte boundary.
                for pad in 0..9 {
                    let s = format!("{}{a}{b}xyz", "x".repeat(pad));
                    assert_eq!(all_nfc_starters(&s), s.chars().all(nfc_starter), "{s:?}");
                }
            }
        }
        let long =
            "Đại hội Đảng bộ huyện Đông Sơn lần thứ XXV, nhiệm kỳ 2020-2025 – 507,8 tỷ đồng. "
                .repeat(20);
        assert!(all_nfc_starters(&long));
        assert!(!all_nfc_starters(&format!("{long}e\u{301}")));
    }

    #[test]
    fn collation_tones() {
        let order = ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ"];
        for w in order.windows(2) {
            assert_eq!(collate(w[0], w[1]), Ordering::Less, "{} < {}", w[0], w[1]);
        }
        let mut shuffled = order.to_vec();
        shuffled.reverse();
        assert_eq!(sorted(&shuffled), order);
        // Letters first, tones only on a tie.
        assert_eq!(collate("Má", "Mai"), Ordering::Less);
        assert_eq!(collate("Mạ", "Mai"), Ordering::Less);
        assert_eq!(collate("Mạ", "Mà x"), Ordering::Less);
        assert_eq!(collate("Bà", "Ba"), Ordering::Greater);
        // Tones compared word by word, left to right.
        assert_eq!(collate("Hà Ma", "Há Ma"), Ordering::Less);
        assert_eq!(collate("Ha Mạ", "Hà Ma"), Ordering::Less);
    }

    #[test]
    fn collation_case() {
        assert_eq!(collate("an", "An"), Ordering::Less);
        assert_eq!(collate("An", "ăn"), Ordering::Less);
        assert_eq!(collate("Bình", "an"), Ordering::Greater);
        assert_eq!(collate("hà nội", "Hà Nội"), Ordering::Less);
        // Tone before case.
        assert_eq!(collate("Ma", "mà"), Ordering::Less);
    }

    #[test]
    fn collation_nfd_equals_nfc() {
        for s in [
            "Đống",
            "Đà Nẵng",
            "Ô Môn",
            "Ơn",
            "Ăn",
            "Nghệ An",
            "Mạ",
            "Thừa Thiên Huế",
        ] {
            assert_eq!(collate(&nfd(s), s), Ordering::Equal, "{s}");
            assert_eq!(collation_key(&nfd(s)), collation_key(s), "{s}");
        }
        assert_eq!(
            collate("\u{0110}o\u{0302}\u{0301}ng", "Đống"),
            Ordering::Equal
        );
        assert_eq!(
            collate("\u{0110}o\u{0302}\u{0301}ng", "Đồng"),
            Ordering::Greater
        );
    }

    #[test]
    fn collation_tone_placement_is_total() {
        // Old and new tone placement tie until the raw tie-break, so they sort together.
        let a = collation_key("Thanh Hoá");
        let b = collation_key("Thanh Hóa");
        assert_eq!(a.primary, b.primary);
        assert_eq!(a.secondary, b.secondary);
        assert_eq!(a.tertiary, b.tertiary);
        assert_ne!(collate("Thanh Hoá", "Thanh Hóa"), Ordering::Equal);
        assert_eq!(
            collate("Thanh Hoá", "Thanh Hóa"),
            collate("Thanh Hoá", "Thanh Hóa")
        );
        let v = sorted(&["Thanh Hóa", "Thanh Hoa Lam", "Thanh Hoá", "Thanh Hoa"]);
        assert_eq!(v[0], "Thanh Hoa");
        assert_eq!(v[3], "Thanh Hoa Lam");
    }

    // ---- dates, capitalisation ----

    #[test]
    fn format_date_examples() {
        let d = NaiveDate::from_ymd_opt(2020, 2, 9).unwrap();
        assert_eq!(format_date(d), "09/02/2020");
        let d = NaiveDate::from_ymd_opt(1999, 12, 31).unwrap();
        assert_eq!(format_date(d), "31/12/1999");
        // The same text as chrono's pattern, every day of several years, and far years too.
        let mut d = NaiveDate::from_ymd_opt(995, 1, 1).unwrap();
        while d.year() < 1005 {
            assert_eq!(format_date(d), d.format("%d/%m/%Y").to_string());
            assert_eq!(iso_date(d), d.format("%Y-%m-%d").to_string());
            d = d.succ_opt().unwrap();
        }
        for y in [0, 3, 4, 7, 2024, 9999, 10000, -5] {
            let d = NaiveDate::from_ymd_opt(y, 3, 4).unwrap();
            assert_eq!(format_date(d), d.format("%d/%m/%Y").to_string(), "{y}");
            assert_eq!(iso_date(d), d.format("%Y-%m-%d").to_string(), "{y}");
        }
    }

    #[test]
    fn capitalize_examples() {
        assert_eq!(capitalize("thành phố"), "Thành phố");
        assert_eq!(capitalize("đặc khu"), "Đặc khu");
        assert_eq!(capitalize("ủy ban"), "Ủy ban");
        assert_eq!(capitalize("Hà Nội"), "Hà Nội");
        assert_eq!(capitalize(""), "");
        assert_eq!(capitalize("“hà nội”"), "“Hà nội”");
        assert_eq!(capitalize("2020 năm"), "2020 năm");
        assert_eq!(nfc(&capitalize(&nfd("ấp"))), "Ấp");
    }

    // ---- properties ----

    /// Group an integer's digits with '.', independently of `format_number`.
    fn grouped(i: i64) -> String {
        let digits = i.unsigned_abs().to_string();
        let mut parts = Vec::new();
        let mut end = digits.len();
        while end > 3 {
            parts.push(&digits[end - 3..end]);
            end -= 3;
        }
        parts.push(&digits[..end]);
        parts.reverse();
        format!("{}{}", if i < 0 { "-" } else { "" }, parts.join("."))
    }

    const VI_TEXT: &str = "[a-zA-Z0-9 ,.!?()/_\\-àáạảãăắằẳẵặâấầẩẫậđèéẹẻẽêềếểễệìíịỉĩòóọỏõôốồổỗộơớờởỡợùúụủũưứừửữựỳýỵỷỹĐÀÁẠẢÃĂẮÂẤÊẾÔỐƠỚƯỨ\u{0300}\u{0301}\u{0302}\u{0303}\u{0306}\u{0309}\u{031B}\u{0323}]{0,30}";

    proptest! {
        #[test]
        fn number_round_trip(x in -1e15f64..1e15f64) {
            let x = (x * 10_000.0).round() / 10_000.0;
            prop_assume!(x.abs() < 1e15);
            let s = format_number(x);
            prop_assert_eq!(parse_number(&s), Some(x), "{}", s);
        }

        #[test]
        fn number_round_trip_any_finite(x in any::<f64>()) {
            prop_assume!(x.is_finite());
            let s = format_number(x);
            prop_assert!(!s.contains('e') && !s.contains('E'));
            prop_assert_eq!(parse_number(&s), Some(x), "{}", s);
        }

        #[test]
        fn integer_grouped_parse(i in any::<i64>()) {
            let g = grouped(i);
            prop_assert_eq!(parse_number(&g), Some(i as f64), "{}", g);
            prop_assert_eq!(parse_number(&format!(" {g} ")), Some(i as f64));
            prop_assert_eq!(parse_number(&i.to_string()), Some(i as f64));
        }

        #[test]
        fn integer_format_matches_grouping(i in -(1i64 << 53)..(1i64 << 53)) {
            prop_assert_eq!(format_number(i as f64), grouped(i));
        }

        #[test]
        fn format_number_max_parses_back(x in -1e12f64..1e12f64, d in 0usize..6) {
            let s = format_number_max(x, d);
            let y = parse_number(&s).unwrap();
            prop_assert!((y - x).abs() <= 0.5 * 10f64.powi(-(d as i32)) + 1e-3, "{} {}", x, s);
            if let Some((_, frac)) = s.split_once(',') {
                prop_assert!(frac.len() <= d && !frac.ends_with('0'));
            }
        }

        #[test]
        fn slug_shape_any(s in any::<String>()) {
            let slug = slugify(&s);
            prop_assert!(slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
            prop_assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"));
            prop_assert_eq!(slugify(&slug), slug.clone());
        }

        #[test]
        fn slug_shape_vietnamese(s in VI_TEXT) {
            let slug = slugify(&s);
            prop_assert!(slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
            prop_assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"));
            prop_assert_eq!(slugify(&slug), slug.clone());
            prop_assert_eq!(slugify(&nfd(&s)), slug.clone());
        }

        #[test]
        fn fold_nfd_nfc_any(s in any::<String>()) {
            let n: String = s.nfc().collect();
            prop_assert_eq!(fold(&nfd(&s)), fold(&n));
            prop_assert_eq!(fold(&s), fold(&n));
        }

        #[test]
        fn fold_nfd_nfc_vietnamese(s in VI_TEXT) {
            let n: String = s.nfc().collect();
            prop_assert_eq!(fold(&nfd(&s)), fold(&n));
            prop_assert_eq!(tokens(&nfd(&s)), tokens(&n));
            prop_assert!(fold(&s).chars().all(|c| !is_combining_mark(c) && c != 'đ'));
            prop_assert_eq!(fold(&fold(&s)), fold(&s));
        }

        #[test]
        fn collate_nfd_nfc(s in VI_TEXT, t in any::<String>()) {
            let n: String = s.nfc().collect();
            prop_assert_eq!(collate(&nfd(&s), &n), Ordering::Equal);
            let tn: String = t.nfc().collect();
            prop_assert_eq!(collation_key(&nfd(&t)), collation_key(&tn));
        }

        #[test]
        fn collate_is_total_order(a in VI_TEXT, b in VI_TEXT, c in VI_TEXT) {
            let (ka, kb, kc) = (collation_key(&a), collation_key(&b), collation_key(&c));
            prop_assert_eq!(collate(&a, &b), ka.cmp(&kb));
            prop_assert_eq!(collate(&a, &b), collate(&b, &a).reverse());
            // Equal only for canonically equivalent strings.
            let same = nfc(&a) == nfc(&b);
            prop_assert_eq!(collate(&a, &b) == Ordering::Equal, same);
            if ka <= kb && kb <= kc {
                prop_assert!(ka <= kc);
            }
        }

        #[test]
        fn capitalize_only_touches_first_letter(s in VI_TEXT) {
            let c = capitalize(&s);
            prop_assert_eq!(fold(&c), fold(&s));
        }
    }
}
