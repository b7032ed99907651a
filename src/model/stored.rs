//! How the model's long strings (titles, summaries, quotes) are read back from the build
//! cache's record: as bytes checked to be UTF-8 with simdutf8, where serde's own strings are
//! checked by the standard library's scalar check. Vietnamese text is mostly not ASCII, so
//! that check took a tenth of the CPU of a rebuild after one edited bulletin at 100,000
//! bulletins (the record's chunks are checked against their hashes first, so this check
//! only ever finds a bug, never damage). Written as serde writes any string: the record's
//! layout is the same.

use serde::de::{Deserialize, Deserializer, Error, Visitor};

/// A string read as bytes (see the module doc); any deserializer that hands a string
/// instead (a text format) is served as well.
struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        struct Bytes;
        impl<'de> Visitor<'de> for Bytes {
            type Value = Text;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a UTF-8 string")
            }
            fn visit_bytes<E: Error>(self, v: &[u8]) -> Result<Text, E> {
                simdutf8::basic::from_utf8(v)
                    .map(|s| Text(s.to_owned()))
                    .map_err(|_| E::custom("a string that is not UTF-8"))
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_owned()))
            }
            fn visit_string<E: Error>(self, v: String) -> Result<Text, E> {
                Ok(Text(v))
            }
        }
        d.deserialize_bytes(Bytes)
    }
}

/// For `#[serde(deserialize_with = "…")]` on a `String`.
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Text::deserialize(d).map(|t| t.0)
}

/// For `#[serde(deserialize_with = "…")]` on an `Option<Box<str>>`.
pub fn boxed_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Box<str>>, D::Error> {
    Option::<Text>::deserialize(d).map(|t| t.map(|t| t.0.into_boxed_str()))
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Plain {
        title: String,
        quote: Option<Box<str>>,
        note: Option<Box<str>>,
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Stored {
        #[serde(deserialize_with = "super::string")]
        title: String,
        #[serde(deserialize_with = "super::boxed_opt")]
        quote: Option<Box<str>>,
        #[serde(deserialize_with = "super::boxed_opt")]
        note: Option<Box<str>>,
    }

    #[test]
    fn strings_read_as_checked_bytes_are_the_strings_written() {
        let plain = Plain {
            title: "Thu ngân sách đạt 507,8 tỷ đồng".into(),
            quote: Some("tỷ lệ hộ nghèo giảm xuống còn 1,12%".into()),
            note: None,
        };
        let bytes = postcard::to_allocvec(&plain).unwrap();
        let stored: Stored = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(stored.title, plain.title);
        assert_eq!(stored.quote, plain.quote);
        assert_eq!(stored.note, None);
        // The same bytes either way: the layout did not change.
        assert_eq!(postcard::to_allocvec(&stored).unwrap(), bytes);
        // Bytes that are not UTF-8 are an error, as they are to serde's strings.
        let mut bad = bytes.clone();
        let at = bad.iter().position(|&b| b >= 0x80).unwrap();
        bad[at] = 0xff;
        assert!(postcard::from_bytes::<Plain>(&bad).is_err());
        assert!(postcard::from_bytes::<Stored>(&bad).is_err());
        // A text format reads as well (serde_json hands a string's bytes, as postcard does).
        let json = serde_json::to_string(&plain).unwrap();
        let from_json: Stored = serde_json::from_str(&json).unwrap();
        assert_eq!(from_json.title, plain.title);
    }
}
