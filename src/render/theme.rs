//! Themes: Tera templates, static files and UI strings. The default theme is embedded in the
//! binary, so a site without a `themes/` folder builds; `themes/<name>/` of the site replaces
//! or adds templates, static files and strings, and the site's own `templates/` overrides
//! single templates last.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

use crate::diagnostics::Diagnostic;

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A theme's files, resolved: templates by name, static files by path, strings by key.
#[derive(Debug, Default, Clone)]
pub struct Theme {
    pub templates: BTreeMap<String, String>,
    pub statics: BTreeMap<String, Vec<u8>>,
    pub strings: BTreeMap<String, String>,
    /// Where each template came from, for error messages.
    pub template_files: BTreeMap<String, PathBuf>,
}

impl Theme {
    /// The default theme, then `themes/<name>/` and `templates/` of the site over it.
    pub fn load(root: &Path, name: &str, language: &str) -> Result<Theme, Vec<Diagnostic>> {
        let mut theme = Theme::default();
        let mut errors = Vec::new();
        theme.add_embedded(&DEFAULT_THEME, language, &mut errors);
        let dir = root.join("themes").join(name);
        if dir.is_dir() {
            theme.add_dir(root, &dir, language, &mut errors);
        } else if name != "default" {
            errors.push(
                Diagnostic::new("site.toml", format!("the theme `{name}` does not exist")).help(
                    format!(
                    "create themes/{name}/ or remove the `theme` setting to use the default theme"
                ),
                ),
            );
        }
        let own = root.join("templates");
        if own.is_dir() {
            theme.add_templates_dir(root, &own, &mut errors);
        }
        if errors.is_empty() {
            Ok(theme)
        } else {
            Err(errors)
        }
    }

    fn add_embedded(&mut self, dir: &Dir, language: &str, errors: &mut Vec<Diagnostic>) {
        for f in all_files(dir) {
            let p = f.path().to_string_lossy().replace('\\', "/");
            if let Some(name) = p.strip_prefix("templates/") {
                let text = String::from_utf8_lossy(f.contents()).into_owned();
                self.template_files
                    .insert(name.to_string(), PathBuf::from("(default theme)").join(&p));
                self.templates.insert(name.to_string(), text);
            } else if let Some(name) = p.strip_prefix("static/") {
                self.statics.insert(name.to_string(), f.contents().to_vec());
            } else if p == format!("i18n/{language}.toml") {
                let text = String::from_utf8_lossy(f.contents());
                self.add_strings(&text, Path::new(&p), errors);
            }
        }
    }

    fn add_dir(&mut self, root: &Path, dir: &Path, language: &str, errors: &mut Vec<Diagnostic>) {
        let t = dir.join("templates");
        if t.is_dir() {
            self.add_templates_dir(root, &t, errors);
        }
        let s = dir.join("static");
        for e in walkdir::WalkDir::new(&s)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
        {
            if e.file_type().is_file() {
                let rel = e.path().strip_prefix(&s).unwrap_or(e.path());
                match std::fs::read(e.path()) {
                    Ok(bytes) => {
                        self.statics
                            .insert(rel.to_string_lossy().replace('\\', "/"), bytes);
                    }
                    Err(err) => errors.push(Diagnostic::new(
                        crate::diagnostics::rel_path(root, e.path()),
                        format!("cannot read: {err}"),
                    )),
                }
            }
        }
        let i18n = dir.join("i18n").join(format!("{language}.toml"));
        if i18n.is_file() {
            let shown = crate::diagnostics::rel_path(root, &i18n);
            match crate::load::source::read_text(&i18n, &shown) {
                Ok(text) => self.add_strings(&text, &shown, errors),
                Err(e) => errors.push(e),
            }
        }
    }

    fn add_templates_dir(&mut self, root: &Path, dir: &Path, errors: &mut Vec<Diagnostic>) {
        for e in walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
        {
            if !e.file_type().is_file() {
                continue;
            }
            let name = e
                .path()
                .strip_prefix(dir)
                .unwrap_or(e.path())
                .to_string_lossy()
                .replace('\\', "/");
            let shown = crate::diagnostics::rel_path(root, e.path());
            match crate::load::source::read_text(e.path(), &shown) {
                Ok(text) => {
                    self.templates.insert(name.clone(), text);
                    self.template_files.insert(name, shown);
                }
                Err(err) => errors.push(err),
            }
        }
    }

    fn add_strings(&mut self, text: &str, file: &Path, errors: &mut Vec<Diagnostic>) {
        match text.parse::<toml::Table>() {
            Ok(table) => {
                for (k, v) in table {
                    match v {
                        toml::Value::String(s) => {
                            self.strings.insert(k, s);
                        }
                        other => errors.push(Diagnostic::new(
                            file,
                            format!("the string `{k}` must be text, found {}", other.type_str()),
                        )),
                    }
                }
            }
            Err(e) => {
                let (line, col) = e
                    .span()
                    .map(|s| crate::load::settings::line_col(text, s.start))
                    .unwrap_or((0, 0));
                errors.push(
                    Diagnostic::new(file, format!("not valid TOML: {}", e.message()))
                        .line(Some(line))
                        .column(Some(col)),
                );
            }
        }
    }
}

/// The default theme's UI strings in one language, without loading templates from disk.
pub fn default_strings(language: crate::load::settings::Language) -> BTreeMap<String, String> {
    let mut theme = Theme::default();
    theme.add_embedded(&DEFAULT_THEME, language.code(), &mut Vec::new());
    theme.strings
}

fn all_files<'a>(dir: &'a Dir<'a>) -> Vec<&'a include_dir::File<'a>> {
    let mut out: Vec<&include_dir::File> = dir.files().collect();
    for d in dir.dirs() {
        out.extend(all_files(d));
    }
    out
}
/// A template's source with each plain `{{ t(k="key") }}` replaced by the string itself
/// (HTML-escaped where Tera escapes, `escape`): the same output, without a function call,
/// an argument map and an escape on every page. Left as they are: calls with other spacing
/// or filters, keys without a string (t() prints the key), strings holding a newline (line
/// numbers of errors would shift) or template syntax, and every call of a template that has
/// a `{% raw %}` block.
pub fn inline_translations(
    source: &str,
    strings: &BTreeMap<String, String>,
    escape: Option<fn(&str) -> String>,
) -> String {
    if source.contains("{% raw") {
        return source.to_string();
    }
    const OPEN: &str = "{{ t(k=\"";
    const CLOSE: &str = "\") }}";
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(at) = rest.find(OPEN) {
        let after = &rest[at + OPEN.len()..];
        let key_len = after
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        let text = strings
            .get(&after[..key_len])
            .filter(|t| !t.contains('\n') && !["{{", "{%", "{#"].iter().any(|s| t.contains(s)));
        match text {
            Some(text) if after[key_len..].starts_with(CLOSE) => {
                out.push_str(&rest[..at]);
                match escape {
                    Some(f) => out.push_str(&f(text)),
                    None => out.push_str(text),
                }
                rest = &after[key_len + CLOSE.len()..];
            }
            _ => {
                out.push_str(&rest[..at + OPEN.len()]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_translation_calls_become_text() {
        let strings: BTreeMap<String, String> = [
            ("search", "Tìm kiếm"),
            ("quote", "A & \"B\""),
            ("two_lines", "a\nb"),
            ("code", "{{ x }}"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let esc = Some(crate::render::escape_html as fn(&str) -> String);
        let src = r#"<a>{{ t(k="search") }}</a>{{ t(k="quote") }}|{{ t(k="missing") }}|{{ t(k="two_lines") }}|{{ t(k="code") }}|{{ t(k="search") | upper }}|{{t(k="search")}}"#;
        assert_eq!(
            inline_translations(src, &strings, esc),
            r#"<a>Tìm kiếm</a>A &amp; &quot;B&quot;|{{ t(k="missing") }}|{{ t(k="two_lines") }}|{{ t(k="code") }}|{{ t(k="search") | upper }}|{{t(k="search")}}"#
        );
        assert_eq!(
            inline_translations(r#"{{ t(k="quote") }}"#, &strings, None),
            r#"A & "B""#
        );
        let raw = r#"{% raw %}{{ t(k="search") }}{% endraw %}{{ t(k="search") }}"#;
        assert_eq!(inline_translations(raw, &strings, esc), raw);
    }
}
