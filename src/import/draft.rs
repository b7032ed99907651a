//! The draft bulletin: front matter (title, date, locality, source, authors, `draft: true`,
//! `defaults` when one period and kind dominate) and the paragraphs as they were, each
//! recognised figure wrapped where it stands in an `ind:` link with every parameter
//! explicit. Also writing it: never over another file, through a temporary file renamed
//! into place; `--force` replaces only a draft made from the same source.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::recognise::Proposal;

/// The front matter of a draft.
#[derive(Debug, Clone)]
pub struct Meta {
    pub title: String,
    /// As written in front matter.
    pub date: String,
    pub locality: String,
    pub source_name: Option<String>,
    pub url: Option<String>,
    pub authors: Vec<String>,
    /// The input's file name, kept as a comment so that `--force` knows the source.
    pub origin: String,
}

/// The comment line that records which input a draft was made from.
const ORIGIN: &str = "# bantin import: made from ";

pub use crate::load::yaml::quoted;

/// Text as Markdown that renders as the same text: punctuation Markdown would read is
/// escaped, and so is a line start that would open a heading, list or quote.
pub fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '~' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
}

fn escape_line_start(para: &str) -> String {
    let mut out = String::with_capacity(para.len() + 16);
    let digits = para.bytes().take_while(u8::is_ascii_digit).count();
    let lead = para.as_bytes().first().copied();
    if matches!(lead, Some(b'#' | b'-' | b'+' | b'=')) {
        out.push('\\');
    } else if digits > 0 && matches!(para.as_bytes().get(digits), Some(b'.' | b')')) {
        escape(&para[..digits], &mut out);
        out.push('\\');
        escape(&para[digits..], &mut out);
        return out;
    }
    escape(para, &mut out);
    out
}

/// A paragraph with its figures wrapped.
pub fn paragraph(text: &str, proposals: &[Proposal]) -> String {
    let mut out = String::with_capacity(text.len() + proposals.len() * 64);
    let mut at = 0;
    for p in proposals {
        if p.start < at || p.end > text.len() || p.start > p.end {
            continue;
        }
        let before = &text[at..p.start];
        if at == 0 {
            out.push_str(&escape_line_start(before));
        } else {
            escape(before, &mut out);
        }
        out.push('[');
        escape(&text[p.start..p.end], &mut out);
        out.push_str("](");
        out.push_str(&link(p));
        out.push(')');
        at = p.end;
    }
    if at == 0 {
        out.push_str(&escape_line_start(text));
    } else {
        escape(&text[at..], &mut out);
    }
    out
}

/// `ind:thu-ngan-sach?period=2024&kind=target&qualifier=about&basis=resolution`
pub fn link(p: &Proposal) -> String {
    let mut s = format!(
        "ind:{}?period={}&kind={}",
        p.indicator,
        p.period,
        p.kind.as_str()
    );
    if let Some(q) = p.qualifier {
        s.push_str("&qualifier=");
        s.push_str(q.as_str());
    }
    if let Some(b) = p.basis {
        s.push_str("&basis=");
        s.push_str(b.as_str());
    }
    s
}

/// The period and kind of most figures, when at least two thirds (and two) share them.
fn defaults(proposals: &[&Proposal]) -> Option<(String, &'static str)> {
    let mut counts: HashMap<(&str, &'static str), usize> = HashMap::new();
    for p in proposals {
        *counts
            .entry((p.period.as_str(), p.kind.as_str()))
            .or_default() += 1;
    }
    let (&(period, kind), &n) = counts.iter().max_by_key(|(k, n)| (**n, *k))?;
    (n >= 2 && n * 3 >= proposals.len() * 2).then(|| (period.to_string(), kind))
}

fn yaml_period(p: &str) -> String {
    if p.bytes().all(|b| b.is_ascii_digit()) {
        p.to_string()
    } else {
        quoted(p)
    }
}

/// The whole draft file.
pub fn markdown(meta: &Meta, paragraphs: &[(String, Vec<Proposal>)]) -> String {
    let mut out = String::from("---\n");
    let origin: String = meta
        .origin
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    out.push_str(&format!(
        "{ORIGIN}{origin}; review every figure, then delete `draft: true`\n"
    ));
    out.push_str(&format!("title: {}\n", quoted(&meta.title)));
    out.push_str(&format!("date: {}\n", meta.date));
    out.push_str(&format!("locality: {}\n", meta.locality));
    let url = meta
        .url
        .as_deref()
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    let name = meta
        .source_name
        .clone()
        .or_else(|| url.and_then(|u| u.split("://").nth(1)?.split('/').next().map(str::to_string)));
    if let Some(name) = name {
        out.push_str(&format!("source: {{ name: {}", quoted(&name)));
        if let Some(u) = url {
            out.push_str(&format!(", url: {}", quoted(u)));
        }
        out.push_str(" }\n");
    }
    if !meta.authors.is_empty() {
        let a: Vec<String> = meta.authors.iter().map(|a| quoted(a)).collect();
        out.push_str(&format!("authors: [{}]\n", a.join(", ")));
    }
    out.push_str("draft: true\n");
    let all: Vec<&Proposal> = paragraphs.iter().flat_map(|(_, p)| p).collect();
    if let Some((period, kind)) = defaults(&all) {
        out.push_str(&format!(
            "defaults: {{ period: {}, kind: {kind} }}\n",
            yaml_period(&period)
        ));
    }
    out.push_str("---\n");
    for (text, props) in paragraphs {
        out.push('\n');
        out.push_str(&paragraph(text, props));
        out.push('\n');
    }
    out
}

/// Whether the file at `path` is a draft made from the same source (the same address or
/// the same input file name): the only file `--force` replaces.
pub fn same_source_draft(path: &Path, meta: &Meta) -> bool {
    let Ok(text) = std::fs::read_to_string(path) else {
        return false;
    };
    let Some(front) = text
        .strip_prefix("---\n")
        .and_then(|t| t.split("\n---").next())
    else {
        return false;
    };
    let is_draft = front.lines().any(|l| l.trim() == "draft: true");
    let same_origin = front
        .lines()
        .filter_map(|l| l.strip_prefix(ORIGIN))
        .any(|l| l.split("; review").next() == Some(meta.origin.as_str()));
    let same_url = meta
        .url
        .as_ref()
        .is_some_and(|u| front.contains(&format!("url: {}", quoted(u))));
    is_draft && (same_origin || same_url)
}

/// Write `text` to `path` through a temporary file in the same folder
/// ([`crate::load::source::write_atomic`]): never over an existing file unless `replace`.
pub fn write(path: &Path, text: &str, replace: bool) -> Result<PathBuf, String> {
    crate::load::source::write_atomic(path, text.as_bytes(), replace)
        .map(|()| path.to_path_buf())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::rules::{Basis, Kind, Qualifier};

    fn prop(start: usize, end: usize) -> Proposal {
        Proposal {
            start,
            end,
            text: String::new(),
            indicator: "thu-ngan-sach".into(),
            value: 1000.0,
            value_max: None,
            unit: "tỷ đồng".into(),
            value_in_indicator_unit: 1000.0,
            kind: Kind::Target,
            period: "2024".into(),
            qualifier: Some(Qualifier::About),
            basis: Some(Basis::Resolution),
            confidence: 1.0,
        }
    }

    #[test]
    fn figures_are_wrapped_where_they_stand() {
        let t = "Thu ngân sách khoảng 1.000 tỷ đồng;";
        let start = t.find("khoảng").unwrap();
        let end = t.find(';').unwrap();
        assert_eq!(
            paragraph(t, &[prop(start, end)]),
            "Thu ngân sách [khoảng 1.000 tỷ đồng](ind:thu-ngan-sach?period=2024&kind=target&qualifier=about&basis=resolution);"
        );
    }

    #[test]
    fn markdown_is_escaped() {
        assert_eq!(paragraph("1. a *b* [c]", &[]), "1\\. a \\*b\\* \\[c\\]");
        assert_eq!(paragraph("- TT&VH", &[]), "\\- TT\\&VH");
    }

    #[test]
    fn never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a/b.md");
        write(&p, "one", false).unwrap();
        assert!(write(&p, "two", false).is_err());
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "one");
        write(&p, "three", true).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "three");
    }
}
