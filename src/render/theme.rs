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

    /// A hash of everything the theme holds (templates, static files, strings): equal
    /// fingerprints render equal pages.
    pub fn fingerprint(&self) -> u128 {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        for map in [&self.templates, &self.strings] {
            for (k, v) in map {
                h.update(&(k.len() as u64).to_le_bytes());
                h.update(k.as_bytes());
                h.update(&(v.len() as u64).to_le_bytes());
                h.update(v.as_bytes());
            }
            h.update(b"\0");
        }
        for (k, v) in &self.statics {
            h.update(&(k.len() as u64).to_le_bytes());
            h.update(k.as_bytes());
            h.update(&(v.len() as u64).to_le_bytes());
            h.update(v);
        }
        h.digest128()
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
pub fn default_strings(language: crate::model::settings::Language) -> BTreeMap<String, String> {
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
/// The templates' `t(k="key")`: the theme's string for `key`, or the key itself when the
/// theme has none (a missing string shows on the page instead of failing the build). The
/// strings are turned into Tera values once, so that a call clones a reference, not text;
/// Tera escapes the result like any other `{{ … }}`.
pub fn translate(
    strings: &BTreeMap<String, String>,
) -> impl Fn(tera::Kwargs, &tera::State) -> tera::TeraResult<tera::Value> + Send + Sync + 'static {
    let values: std::collections::HashMap<String, tera::Value> = strings
        .iter()
        .map(|(k, v)| (k.clone(), tera::Value::from(v.as_str())))
        .collect();
    move |kwargs: tera::Kwargs, _: &tera::State| {
        let key: &str = kwargs.must_get("k")?;
        Ok(values
            .get(key)
            .cloned()
            .unwrap_or_else(|| tera::Value::from(key)))
    }
}
