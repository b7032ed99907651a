//! Units of measure and conversion within a dimension (money in VND or USD, shares, growth
//! rates); any other unit compares only with itself.

/// What a unit measures, and its power of ten within that dimension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dimension {
    /// Money in đồng: 10^exp đồng.
    Vnd(i32),
    /// Money in US dollars: 10^exp USD.
    Usd(i32),
    /// Money in đồng per person per year (income per head): 10^exp đồng.
    VndPerPerson(i32),
    /// Money in US dollars per person per year: 10^exp USD.
    UsdPerPerson(i32),
    Share,
    Growth,
    /// Counted things (người, hộ, ha, …): compared only when the unit string is identical.
    Other(String),
}

/// A normalised unit, interned: four bytes in each figure instead of a shared string's
/// sixteen (about seven million figures at a million bulletins, a few dozen distinct units).
///
/// The text lives in a process-wide table that only grows, by one entry for each distinct
/// spelling ever seen (a `bantin serve` session keeps its table across rebuilds). It reads
/// as a `&str` (`Deref`), prints and serialises as its text, and two units are equal when
/// their texts are.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Unit(u32);

/// Every unit's text by its number, and the number of each text.
#[derive(Default)]
struct UnitTable {
    texts: Vec<&'static str>,
    numbers: rustc_hash::FxHashMap<&'static str, u32>,
}

fn unit_table() -> &'static std::sync::RwLock<UnitTable> {
    static TABLE: std::sync::OnceLock<std::sync::RwLock<UnitTable>> = std::sync::OnceLock::new();
    TABLE.get_or_init(Default::default)
}

impl Unit {
    /// The unit of this text (already normalised: see [`normalize`]).
    pub fn new(text: &str) -> Unit {
        let table = unit_table();
        if let Some(&n) = table
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .numbers
            .get(text)
        {
            return Unit(n);
        }
        let mut table = table.write().unwrap_or_else(|e| e.into_inner());
        if let Some(&n) = table.numbers.get(text) {
            return Unit(n);
        }
        let text: &'static str = Box::leak(text.into());
        let n = u32::try_from(table.texts.len()).expect("fewer than 2^32 distinct units");
        table.texts.push(text);
        table.numbers.insert(text, n);
        Unit(n)
    }

    pub fn as_str(self) -> &'static str {
        unit_table().read().unwrap_or_else(|e| e.into_inner()).texts[self.0 as usize]
    }
}

impl std::ops::Deref for Unit {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Unit {
    fn from(text: &str) -> Unit {
        Unit::new(text)
    }
}

impl From<String> for Unit {
    fn from(text: String) -> Unit {
        Unit::new(&text)
    }
}

impl std::fmt::Display for Unit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for Unit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl serde::Serialize for Unit {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Unit {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Unit, D::Error> {
        /// Reads the text where it lies (no copy for each of a cache's figures).
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = Unit;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a unit's text")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Unit, E> {
                Ok(Unit::new(text))
            }
        }
        d.deserialize_str(Text)
    }
}

/// Normalise a unit as written: trim, single spaces, the spelling "tỉ" read as "tỷ".
pub fn normalize(unit: &str) -> String {
    let unit = crate::vi::nfc(unit);
    unit.split_whitespace()
        .map(|w| if w == "tỉ" { "tỷ" } else { w })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The dimension of a (normalised) unit.
pub fn dimension(unit: &str) -> Dimension {
    let scale = |prefix: &str| -> Option<i32> {
        match prefix.trim() {
            "" => Some(0),
            "nghìn" | "ngàn" => Some(3),
            "triệu" => Some(6),
            "tỷ" => Some(9),
            "nghìn tỷ" | "ngàn tỷ" => Some(12),
            _ => None,
        }
    };
    if unit == "%" {
        return Dimension::Share;
    }
    if unit == "%/năm" {
        return Dimension::Growth;
    }
    // Money per person per year, written four ways (CONTENT.md, Units): "triệu đồng/người/năm",
    // "triệu đồng/người", "triệu đồng/năm", "triệu đồng người/năm".
    for per in ["/người/năm", " người/năm", "/người", "/năm"] {
        if let Some(money) = unit.strip_suffix(per) {
            match dimension(money.trim_end()) {
                Dimension::Vnd(e) => return Dimension::VndPerPerson(e),
                Dimension::Usd(e) => return Dimension::UsdPerPerson(e),
                _ => {}
            }
        }
    }
    if let Some(prefix) = unit.strip_suffix("đồng") {
        if let Some(e) = scale(prefix) {
            return Dimension::Vnd(e);
        }
    }
    if let Some(prefix) = unit.strip_suffix("USD") {
        if let Some(e) = scale(prefix) {
            return Dimension::Usd(e);
        }
    }
    Dimension::Other(unit.to_string())
}

/// Convert `value` in `from` to `to`; `None` when the units are of different dimensions.
/// Powers of ten are applied by exact multiplication or division so that 507,8 tỷ đồng in
/// triệu đồng is exactly 507800 and 5 nghìn tỷ đồng in tỷ đồng is 5000.
pub fn convert(value: f64, from: &str, to: &str) -> Option<f64> {
    let shift = |a: i32, b: i32| {
        let d = a - b;
        if d >= 0 {
            value * 10f64.powi(d)
        } else {
            value / 10f64.powi(-d)
        }
    };
    match (dimension(from), dimension(to)) {
        (Dimension::Vnd(a), Dimension::Vnd(b))
        | (Dimension::Usd(a), Dimension::Usd(b))
        | (Dimension::VndPerPerson(a), Dimension::VndPerPerson(b))
        | (Dimension::UsdPerPerson(a), Dimension::UsdPerPerson(b)) => Some(shift(a, b)),
        (Dimension::Share, Dimension::Share) | (Dimension::Growth, Dimension::Growth) => {
            Some(value)
        }
        (Dimension::Other(a), Dimension::Other(b)) if a == b => Some(value),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_unit_is_its_text_whatever_its_number() {
        let a = Unit::new("tỷ đồng");
        let b = Unit::from(String::from("tỷ đồng"));
        let c = Unit::new("hộ");
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(&*a, "tỷ đồng");
        assert_eq!(c.to_string(), "hộ");
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(json, "\"tỷ đồng\"");
        let back: Unit = serde_json::from_str("\"hộ\"").unwrap();
        assert_eq!(back, c);
        let bytes = postcard::to_allocvec(&a).unwrap();
        assert_eq!(postcard::from_bytes::<Unit>(&bytes).unwrap(), a);
    }

    use super::*;

    #[test]
    fn money_converts_by_powers_of_ten() {
        assert_eq!(convert(5.0, "nghìn tỷ đồng", "tỷ đồng"), Some(5000.0));
        assert_eq!(convert(507.8, "tỷ đồng", "triệu đồng"), Some(507800.0));
        assert_eq!(convert(507.8, "triệu đồng", "tỷ đồng"), Some(0.5078));
        assert_eq!(convert(45.0, "triệu USD", "nghìn USD"), Some(45000.0));
    }

    #[test]
    fn dimensions_do_not_mix() {
        assert_eq!(convert(1.0, "tỷ đồng", "triệu USD"), None);
        assert_eq!(convert(1.0, "%", "%/năm"), None);
        assert_eq!(convert(1.0, "hộ", "người"), None);
        assert_eq!(convert(3.0, "hộ", "hộ"), Some(3.0));
    }

    #[test]
    fn money_per_person_is_a_dimension_of_its_own() {
        for written in [
            "triệu đồng/người/năm",
            "triệu đồng/người",
            "triệu đồng/năm",
            "triệu đồng người/năm",
        ] {
            assert_eq!(dimension(written), Dimension::VndPerPerson(6), "{written}");
            assert_eq!(convert(55.0, written, "triệu đồng/người/năm"), Some(55.0));
        }
        assert_eq!(
            convert(55.0, "triệu đồng/người/năm", "nghìn đồng/người/năm"),
            Some(55000.0)
        );
        assert_eq!(dimension("USD/người/năm"), Dimension::UsdPerPerson(0));
        // Money per head is not money.
        assert_eq!(convert(55.0, "triệu đồng/người/năm", "triệu đồng"), None);
        assert_eq!(convert(55.0, "USD/người", "đồng/người"), None);
    }

    #[test]
    fn spelling_variants_normalise() {
        assert_eq!(normalize("  tỉ   đồng "), "tỷ đồng");
        assert_eq!(dimension(&normalize("tỉ đồng")), Dimension::Vnd(9));
    }
}
