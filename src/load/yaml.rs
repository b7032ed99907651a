//! YAML reading shared by the registries and front matter: parse with serde_yaml, convert
//! values by hand so that every problem of a file is collected (not just the first), and, for
//! an error only, find the line of a key or list item in the source text so that it can point
//! at it (serde_yaml gives positions for syntax errors, none for values).

use std::cell::OnceCell;
use std::path::Path;

use serde_yaml::{Mapping, Value};

use crate::diagnostics::{unknown_word_help, Diagnostic};

/// Parse YAML text. `first_line` is the file line of the text's first line (front matter
/// starts on line 2), so locations in errors are file lines.
pub fn parse(text: &str, file: &Path, first_line: usize) -> Result<Value, Diagnostic> {
    serde_yaml::from_str::<Value>(text).map_err(|e| {
        let loc = e.location();
        let msg = e.to_string();
        // serde_yaml appends " at line L column C"; we report the location separately.
        let msg = match msg.find(" at line ") {
            Some(i) => msg[..i].to_string(),
            None => msg,
        };
        Diagnostic::new(file, format!("the YAML is malformed: {msg}"))
            .line(loc.as_ref().map(|l| l.line() + first_line - 1))
            .column(loc.as_ref().map(|l| l.column()))
            .help("check the indentation, and quote text that contains `: ` or starts with a special character")
    })
}

/// Line lookup over a block of YAML text, for error messages only: serde_yaml gives values
/// no positions, so the line of a key or list item is found in the text when an error needs
/// it. Nothing is computed until then; a file without errors costs nothing here.
pub struct Lines<'a> {
    text: &'a str,
    first_line: usize,
    lines: OnceCell<Vec<&'a str>>,
    top_items: OnceCell<Vec<Span>>,
}

/// A span of lines (0-based indices into [`Lines`]), end exclusive.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str, first_line: usize) -> Self {
        Lines {
            text,
            first_line,
            lines: OnceCell::new(),
            top_items: OnceCell::new(),
        }
    }

    fn lines(&self) -> &[&'a str] {
        self.lines.get_or_init(|| self.text.lines().collect())
    }

    pub fn all(&self) -> Span {
        Span {
            start: 0,
            end: self.lines().len(),
        }
    }

    /// The file line (1-based) of an index.
    pub fn file_line(&self, idx: usize) -> usize {
        idx + self.first_line
    }

    /// The `n`-th item of the top-level block sequence (a registry's entry), else the whole
    /// text.
    pub fn top_item(&self, n: usize) -> Span {
        let items = self.top_items.get_or_init(|| self.items(self.all(), None));
        items.get(n).copied().unwrap_or_else(|| self.all())
    }

    /// The `n`-th item of the block sequence under the top-level `key:`, else the key's line.
    pub fn item_under(&self, key: &str, n: usize) -> Span {
        match self.items(self.all(), Some(key)).get(n) {
            Some(span) => *span,
            None => {
                let at = self.key(self.all(), key).unwrap_or(0);
                Span {
                    start: at,
                    end: at + 1,
                }
            }
        }
    }

    /// The first line in `span` where `key:` is written as a key.
    pub fn key(&self, span: Span, key: &str) -> Option<usize> {
        let lines = self.lines();
        (span.start..span.end.min(lines.len())).find(|&i| has_key(lines[i], key))
    }

    /// The file line of `key` in `span`, else of the span's first line.
    pub fn key_line(&self, span: Span, key: &str) -> usize {
        if span.end <= span.start + 1 {
            // One line (a flow mapping `- {id: a, value: 1}`): no need to look.
            return self.file_line(span.start);
        }
        self.file_line(self.key(span, key).unwrap_or(span.start))
    }

    /// The items of the block sequence in `span` (the registries' top level), or of the
    /// sequence under `key:` when a key is given. Flow sequences (`[a, b]`) give no items.
    pub fn items(&self, span: Span, key: Option<&str>) -> Vec<Span> {
        let lines = self.lines();
        let (from, end) = match key {
            None => (span.start, span.end),
            Some(k) => match self.key(span, k) {
                Some(i) => {
                    let indent = indent_of(lines[i]);
                    let end = (i + 1..span.end)
                        .find(|&j| {
                            let l = lines[j];
                            let t = l.trim_start();
                            !t.is_empty()
                                && !t.starts_with('#')
                                && (indent_of(l) < indent
                                    || (indent_of(l) == indent && !t.starts_with('-')))
                        })
                        .unwrap_or(span.end);
                    (i + 1, end)
                }
                None => return Vec::new(),
            },
        };
        let dash = |l: &str| {
            let t = l.trim_start();
            t == "-" || t.starts_with("- ")
        };
        let Some(item_indent) = (from..end)
            .find(|&i| dash(lines[i]))
            .map(|i| indent_of(lines[i]))
        else {
            return Vec::new();
        };
        let starts: Vec<usize> = (from..end)
            .filter(|&i| dash(lines[i]) && indent_of(lines[i]) == item_indent)
            .collect();
        starts
            .iter()
            .enumerate()
            .map(|(n, &s)| Span {
                start: s,
                end: starts.get(n + 1).copied().unwrap_or(end),
            })
            .collect()
    }

    /// Lines of unquoted numbers with exactly three decimals after `key:` (`value: 4.500`):
    /// YAML reads them as 4.5, but a Vietnamese writer meant four thousand five hundred.
    pub fn three_decimal_numbers(&self, key: &str) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for (i, line) in self.lines().iter().enumerate() {
            let mut rest = *line;
            while let Some(p) = find_key(rest, key) {
                let after = rest[p + key.len() + 1..].trim_start();
                let num: String = after
                    .chars()
                    .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-' || *c == '+')
                    .collect();
                let tail = &after[num.len()..];
                let ends_well =
                    tail.is_empty() || tail.starts_with([' ', ',', '}', '#', '\t', ']']);
                if ends_well {
                    if let Some((int, frac)) = num.trim_start_matches(['-', '+']).split_once('.') {
                        if !int.is_empty()
                            && int.len() <= 3
                            && frac.len() == 3
                            && int.bytes().all(|b| b.is_ascii_digit())
                            && frac.bytes().all(|b| b.is_ascii_digit())
                        {
                            out.push((self.file_line(i), num.clone()));
                        }
                    }
                }
                rest = &rest[p + key.len() + 1..];
            }
        }
        out
    }
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Whether `line` writes `key:` as a mapping key (block or flow style).
fn has_key(line: &str, key: &str) -> bool {
    find_key(line, key).is_some()
}

fn find_key(line: &str, key: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(p) = line[from..].find(key) {
        let at = from + p;
        let before_ok = line[..at]
            .chars()
            .next_back()
            .is_none_or(|c| c == ' ' || c == '{' || c == ',' || c == '-' || c == '\t');
        let after = &line[at + key.len()..];
        let after_ok =
            after.starts_with(':') && (after.len() == 1 || after[1..].starts_with([' ', '\t']));
        // Only in the key position: nothing but indentation, dashes and flow punctuation before.
        let prefix_ok = line[..at]
            .chars()
            .all(|c| c == ' ' || c == '-' || c == '{' || c == '\t')
            || line[..at].trim_end().ends_with([',', '{']);
        if before_ok && after_ok && prefix_ok {
            return Some(at);
        }
        from = at + key.len();
    }
    None
}

/// A short description of a YAML value's type, for messages.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

/// Text of a scalar: strings as they are (NFC), numbers and booleans as written.
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(crate::vi::nfc(s).into_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// One or more strings: `a` or `[a, b]`.
pub fn string_list(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::Sequence(items) => items.iter().map(scalar_text).collect(),
        Value::Null => Some(Vec::new()),
        other => scalar_text(other).map(|s| vec![s]),
    }
}

/// Checks the keys of a mapping against the known ones; reports each unknown key at its
/// line, which `line_of` finds (only for a key that is reported).
pub fn check_keys(
    map: &Mapping,
    known: &[&str],
    what: &str,
    line_of: &dyn Fn(&str) -> usize,
    file: &Path,
    out: &mut Vec<Diagnostic>,
) {
    for k in map.keys() {
        let name = scalar_text(k).unwrap_or_else(|| format!("{k:?}"));
        if !known.contains(&name.as_str()) {
            out.push(
                Diagnostic::at(file, line_of(&name), format!("unknown {what} key `{name}`"))
                    .help(unknown_word_help(&name, known)),
            );
        }
    }
}

/// A field of a mapping by name.
pub fn get<'v>(map: &'v Mapping, key: &str) -> Option<&'v Value> {
    map.get(key).filter(|v| !v.is_null())
}

/// A YAML double-quoted string (for files bantin writes: `bantin new`, `bantin import`):
/// quotes and backslashes escaped, a tab as `\t`, other control characters as spaces.
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "title: A\nindicators:\n  - id: a\n    value: 4.500\n  - {id: b, value: 1.250}\ntopics: [x]\n";

    #[test]
    fn finds_keys_and_items() {
        let l = Lines::new(TEXT, 2);
        assert_eq!(l.key_line(l.all(), "topics"), 7);
        let items = l.items(l.all(), Some("indicators"));
        assert_eq!(items.len(), 2);
        assert_eq!(l.file_line(items[0].start), 4);
        assert_eq!(l.key_line(items[0], "value"), 5);
        assert_eq!(l.key_line(items[1], "value"), 6);
    }

    #[test]
    fn flags_three_decimal_numbers() {
        let l = Lines::new(TEXT, 2);
        assert_eq!(
            l.three_decimal_numbers("value"),
            vec![(5, "4.500".to_string()), (6, "1.250".to_string())]
        );
        let ok = Lines::new("value: \"4.500\"\nvalue: 4.5\nvalue: 1234.567\n", 1);
        assert!(ok.three_decimal_numbers("value").is_empty());
    }

    #[test]
    fn top_level_items() {
        let l = Lines::new("- id: a\n  name: A\n\n- id: b\n  parent: a\n", 1);
        let items = l.items(l.all(), None);
        assert_eq!(items.len(), 2);
        assert_eq!(l.key_line(items[1], "parent"), 5);
        assert_eq!(l.key_line(l.top_item(1), "parent"), 5);
    }

    #[test]
    fn items_under_a_key_or_its_line() {
        let l = Lines::new(TEXT, 2);
        assert_eq!(l.key_line(l.item_under("indicators", 1), "value"), 6);
        // Beyond the list (a flow sequence gives no items): the key's own line.
        assert_eq!(l.file_line(l.item_under("topics", 0).start), 7);
    }

    #[test]
    fn syntax_errors_carry_file_lines() {
        let e = parse("title: A\n  bad: : x\n", Path::new("a.md"), 2).unwrap_err();
        assert!(e.line.unwrap() >= 2, "{e}");
    }
}
