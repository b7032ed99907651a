//! The locality a bulletin is about: `--locality`, the scraper's `locality`, the address's
//! host among the `website`s of localities.yaml, or the units the text names with their
//! kind ("UBND huyện Thăng Bình", "T.P Sông Công", "thành phố Yên Bái"; "TX" alone names
//! nothing). Several units not on one line of the hierarchy are a doubt: an error asking
//! for `--locality`.
//!
//! localities.yaml is read here leniently (id, name, kind, parent, aliases, website), so
//! that import works whichever keys the site's loader knows; `bantin check` validates it.

use std::path::Path;

use serde_yaml::Value;

/// One unit of localities.yaml, as import needs it.
#[derive(Debug, Clone)]
pub struct Unit {
    pub id: String,
    pub parent: Option<String>,
    /// The name and aliases, folded ("dong son").
    pub names: Vec<String>,
    /// Folded phrases that name it in a text: "huyen dong son", "tp song cong", aliases.
    phrases: Vec<String>,
    /// Host names of its portal, lower case, without "www.".
    websites: Vec<String>,
}

/// The units of a site.
#[derive(Debug, Clone, Default)]
pub struct Units {
    pub all: Vec<Unit>,
}

/// How a bulletin's locality was found.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum How {
    Option,
    Input,
    Website(String),
    Text(String),
}

impl std::fmt::Display for How {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            How::Option => write!(f, "--locality"),
            How::Input => write!(f, "input"),
            How::Website(h) => write!(f, "address {h}"),
            How::Text(t) => write!(f, "text \"{t}\""),
        }
    }
}

/// The ways a kind is written before a name.
fn kind_words(kind: &str) -> &'static [&'static str] {
    match kind {
        "thành phố" | "thành phố trực thuộc trung ương" => {
            &["thanh pho", "tp", "tp.", "t.p", "t.p.", "tp ."]
        }
        "thị xã" => &["thi xa", "tx", "tx.", "t.x"],
        "huyện" => &["huyen"],
        "quận" => &["quan"],
        "tỉnh" => &["tinh"],
        "phường" => &["phuong"],
        "xã" => &["xa"],
        "thị trấn" => &["thi tran", "tt"],
        "đặc khu" => &["dac khu"],
        _ => &[],
    }
}

fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?.split('@').next_back()?;
    let host = host.split(':').next()?.to_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    (!host.is_empty()).then_some(host)
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Sequence(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

impl Units {
    /// Read content/localities.yaml of the site at `root`.
    pub fn load(root: &Path) -> Result<Units, String> {
        let rel = crate::load::registries::LOCALITIES;
        let text = std::fs::read_to_string(root.join(rel))
            .map_err(|e| format!("{rel}: cannot read the localities registry: {e}"))?;
        Units::parse(&text).map_err(|e| format!("{rel}: {e}"))
    }

    pub fn parse(text: &str) -> Result<Units, String> {
        let v: Value = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
        let list = v.as_sequence().ok_or("the registry is not a list")?;
        let mut all = Vec::new();
        for item in list {
            let get = |k: &str| item.get(k).and_then(Value::as_str).map(str::to_string);
            let (Some(id), Some(name), Some(kind)) = (get("id"), get("name"), get("kind")) else {
                continue;
            };
            let folded_name = crate::vi::fold(&name);
            let mut phrases: Vec<String> = kind_words(&kind)
                .iter()
                .map(|k| format!("{k} {folded_name}"))
                .collect();
            phrases.extend(
                strings(item.get("aliases"))
                    .iter()
                    .map(|a| crate::vi::fold(a)),
            );
            let websites = strings(item.get("website"))
                .iter()
                .filter_map(|w| host_of(w))
                .collect();
            let mut names = vec![folded_name.clone()];
            names.extend(
                strings(item.get("aliases"))
                    .iter()
                    .map(|a| crate::vi::fold(a)),
            );
            all.push(Unit {
                id,
                names,
                parent: get("parent"),
                phrases,
                websites,
            });
        }
        Ok(Units { all })
    }

    pub fn get(&self, id: &str) -> Option<&Unit> {
        self.all.iter().find(|u| u.id == id)
    }

    /// The folded names of a unit and of the units above it: the names a bulletin about it
    /// may use without speaking of another unit.
    pub fn home_names(&self, id: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = self.get(id);
        let mut steps = 0;
        while let Some(u) = cur {
            out.extend(u.names.iter().cloned());
            steps += 1;
            if steps > 64 {
                break;
            }
            cur = u.parent.as_deref().and_then(|p| self.get(p));
        }
        out
    }

    /// Whether `a` is `b` or one of its ancestors.
    fn is_ancestor(&self, a: &str, b: &str) -> bool {
        let mut cur = Some(b.to_string());
        let mut steps = 0;
        while let Some(c) = cur {
            if c == a {
                return true;
            }
            steps += 1;
            if steps > 64 {
                return false;
            }
            cur = self.get(&c).and_then(|u| u.parent.clone());
        }
        false
    }

    /// The deepest of units on one line of the hierarchy; `None` when they branch.
    fn deepest<'a>(&self, ids: &[&'a str]) -> Option<&'a str> {
        let mut best = *ids.first()?;
        for id in &ids[1..] {
            if self.is_ancestor(best, id) {
                best = id;
            } else if !self.is_ancestor(id, best) {
                return None;
            }
        }
        Some(best)
    }

    /// The unit whose portal serves `url`.
    pub fn by_website(&self, url: &str) -> Result<Option<(String, How)>, String> {
        let Some(host) = host_of(url) else {
            return Ok(None);
        };
        let ids: Vec<&str> = self
            .all
            .iter()
            .filter(|u| {
                u.websites
                    .iter()
                    .any(|w| host == *w || host.ends_with(&format!(".{w}")))
            })
            .map(|u| u.id.as_str())
            .collect();
        if ids.is_empty() {
            return Ok(None);
        }
        match self.deepest(&ids) {
            Some(id) => Ok(Some((id.to_string(), How::Website(host)))),
            None => Err(format!(
                "the address's host {host} is the website of several units ({})",
                ids.join(", ")
            )),
        }
    }

    /// The unit the title, else the first paragraphs, else the whole text names.
    pub fn by_text(&self, title: &str, paragraphs: &[String]) -> Result<(String, How), String> {
        let lead = paragraphs
            .iter()
            .take(2)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n");
        let all = paragraphs.join("\n");
        for text in [title, lead.as_str(), all.as_str()] {
            let found = self.named_in(text);
            if found.is_empty() {
                continue;
            }
            let ids: Vec<&str> = found.iter().map(|(id, _)| id.as_str()).collect();
            return match self.deepest(&ids) {
                Some(id) => {
                    let phrase = found.iter().find(|(i, _)| i == id).map(|(_, p)| p.clone());
                    Ok((id.to_string(), How::Text(phrase.unwrap_or_default())))
                }
                None => Err(format!(
                    "the text names several units ({}); give the bulletin's with --locality",
                    ids.join(", ")
                )),
            };
        }
        Err("no unit of localities.yaml is named with its kind in the text (\"huyện …\", \"thành phố …\"), and the address is no unit's website; give it with --locality ID".into())
    }

    /// Units named in `text`, each once, with the phrase (folded) that names it.
    fn named_in(&self, text: &str) -> Vec<(String, String)> {
        let folded = crate::vi::fold(text);
        let mut out: Vec<(String, String)> = Vec::new();
        for u in &self.all {
            if let Some(p) = u.phrases.iter().find(|p| contains_words(&folded, p)) {
                if !out.iter().any(|(id, _)| *id == u.id) {
                    out.push((u.id.clone(), p.clone()));
                }
            }
        }
        out
    }
}

/// Whether `phrase` stands in `text` as whole words.
fn contains_words(text: &str, phrase: &str) -> bool {
    let mut from = 0;
    while let Some(i) = text[from..].find(phrase) {
        let s = from + i;
        let e = s + phrase.len();
        let before_ok = !text[..s]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric);
        let after_ok = !text[e..].chars().next().is_some_and(char::is_alphanumeric);
        if before_ok && after_ok {
            return true;
        }
        from = s + phrase.chars().next().map_or(1, char::len_utf8);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGISTRY: &str = r#"
- id: thai-nguyen
  name: Thái Nguyên
  kind: tỉnh
  website: [thainguyen.gov.vn]
- id: song-cong
  name: Sông Công
  kind: thành phố
  parent: thai-nguyen
  website: https://www.songcong.thainguyen.gov.vn/
- id: thang-binh
  name: Thăng Bình
  kind: huyện
- id: tx-pho-yen
  name: Phổ Yên
  kind: thị xã
  parent: thai-nguyen
"#;

    #[test]
    fn by_text_most_specific_with_its_kind() {
        let u = Units::parse(REGISTRY).unwrap();
        let (id, _) = u.by_text("UBND huyện Thăng Bình họp", &[]).unwrap();
        assert_eq!(id, "thang-binh");
        let (id, _) = u
            .by_text("Tỉnh Thái Nguyên: T.P Sông Công đạt", &[])
            .unwrap();
        assert_eq!(id, "song-cong");
        assert!(u.by_text("TX tổ chức hội nghị", &[]).is_err());
        assert!(u.by_text("Sông Công và Thăng Bình", &[]).is_err());
        assert!(u
            .by_text("huyện Thăng Bình và thành phố Sông Công", &[])
            .is_err());
    }

    #[test]
    fn by_website_host() {
        let u = Units::parse(REGISTRY).unwrap();
        let (id, how) = u
            .by_website("https://songcong.thainguyen.gov.vn/tin/1")
            .unwrap()
            .unwrap();
        assert_eq!(id, "song-cong");
        assert_eq!(how, How::Website("songcong.thainguyen.gov.vn".into()));
        let (id, _) = u.by_website("http://thainguyen.gov.vn/a").unwrap().unwrap();
        assert_eq!(id, "thai-nguyen");
        assert!(u.by_website("https://example.org/").unwrap().is_none());
    }
}
