//! Reads one bulletin file: splits the YAML front matter from the Markdown body, checks every
//! field of CONTENT.md, renders the body, and resolves every indicator value (front matter
//! and inline `ind:` links alike) against the registries. Reports every problem of the file.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use serde_yaml::{Mapping, Value};

use super::markdown::{self, InlineFigure};
use super::yaml::{self, get, scalar_text, string_list, type_name, Lines, Span};
use crate::diagnostics::{did_you_mean, unknown_word_help, Diagnostic};
use crate::model::figure::parse_amount;
use crate::model::photo::{Photo, PhotoFile};
use crate::model::{
    units, Basis, BodyStore, Bulletin, IndicatorId, IndicatorValue, Indicators, Kind, Localities,
    LocalityId, Period, Qualifier, Source, TermId, Terms, Topic,
};
use crate::urls::{path, Urls};

/// What a bulletin is checked against.
pub struct Registries<'a> {
    pub localities: &'a Localities,
    pub terms: &'a Terms,
    pub indicators: &'a Indicators,
}

/// How articles are read.
pub struct ReadOptions<'a> {
    pub timezone: FixedOffset,
    pub allow_html: bool,
    pub urls: &'a Urls,
    /// Where the body's HTML is kept.
    pub bodies: &'a BodyStore,
}

/// A bulletin read from its file, with its values (their `bulletin` handle not yet set).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ParsedArticle {
    pub bulletin: Bulletin,
    pub values: Vec<IndicatorValue>,
}

pub const KEYS: &[&str] = &[
    "title",
    "date",
    "locality",
    "term",
    "slug",
    "summary",
    "source",
    "authors",
    "topics",
    "draft",
    "defaults",
    "indicators",
];
const VALUE_KEYS: &[&str] = &[
    "id",
    "value",
    "locality",
    "unit",
    "period",
    "kind",
    "qualifier",
    "term",
    "basis",
    "quote",
    "note",
];
const DEFAULT_KEYS: &[&str] = &["period", "kind", "qualifier", "term", "basis"];
const QUERY_KEYS: &[&str] = &["period", "kind", "qualifier", "basis", "term", "locality"];
const SOURCE_KEYS: &[&str] = &["name", "url"];

/// Split the front matter from the body: `(yaml, body, body's first line)`.
pub fn split_front_matter<'t>(
    text: &'t str,
    file: &Path,
) -> Result<(&'t str, &'t str, usize), Diagnostic> {
    let first = text.lines().next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(Diagnostic::at(file, 1, "the bulletin has no front matter")
            .help("start the file with a line `---`, then `title:`, `date:` and `locality:`, then a closing `---`"));
    }
    let start = first.len() + 1;
    let mut pos = start.min(text.len());
    let mut line = 2;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let l = text[pos..end].trim_end();
        if l == "---" || l == "..." {
            let body_start = (end + 1).min(text.len());
            return Ok((&text[start..pos], &text[body_start..], line + 1));
        }
        pos = end + 1;
        line += 1;
    }
    Err(
        Diagnostic::at(file, 1, "the front matter is not closed").help(
            "add a line `---` after the last front-matter field, before the text of the bulletin",
        ),
    )
}

/// Parse a front-matter date: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]` (also with `T`), or RFC 3339.
pub fn parse_date(s: &str, tz: FixedOffset) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d);
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return tz.from_local_datetime(&d.and_hms_opt(0, 0, 0)?).single();
    }
    for fmt in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, fmt) {
            return tz.from_local_datetime(&d).single();
        }
    }
    None
}

/// Everything a value can take from the article's `defaults`.
#[derive(Default, Clone)]
struct Defaults {
    period: Option<Period>,
    kind: Option<Kind>,
    qualifier: Option<Qualifier>,
    term: Option<TermId>,
    /// Applies to targets only.
    basis: Option<Basis>,
}

/// A value as written, before it is checked against the registries.
struct ValueSpec {
    id: String,
    amount: (f64, Option<f64>),
    qualifier_from_text: Option<Qualifier>,
    unit: Option<String>,
    locality: Option<String>,
    period: Option<Period>,
    kind: Option<Kind>,
    qualifier: Option<Qualifier>,
    term: Option<TermId>,
    basis: Option<Basis>,
    quote: Option<String>,
    note: Option<String>,
    /// Where it is written: an inline link's line, or an item under `indicators:`.
    place: Place,
    inline: bool,
}

/// Where a mapping of the front matter is written; the line of one of its keys is found
/// from it only when an error needs it.
#[derive(Debug, Clone, Copy)]
enum Place {
    /// A known file line: an inline annotation's link, for every key.
    Line(usize),
    /// The front matter's own keys.
    Top,
    /// The `n`-th item of the list under a top-level key (`indicators`, `locality`).
    Item(&'static str, usize),
}

/// A key of a mapping where it is written, for an error message.
#[derive(Debug, Clone, Copy)]
struct At(Place, &'static str);

struct Reader<'a, 't> {
    file: PathBuf,
    reg: &'a Registries<'a>,
    /// The front matter's text, where an error finds its line.
    front: Lines<'t>,
    errors: Vec<Diagnostic>,
}

impl Reader<'_, '_> {
    fn err(&mut self, line: usize, msg: impl Into<String>) -> &mut Diagnostic {
        self.errors.push(Diagnostic::at(&self.file, line, msg));
        self.errors.last_mut().expect("just pushed")
    }

    /// An error at a key of the front matter.
    fn err_at(&mut self, at: At, msg: impl Into<String>) -> &mut Diagnostic {
        let line = self.line(at);
        self.err(line, msg)
    }

    /// The file line of a key (of its mapping's first line when the key is not found).
    fn line(&self, At(place, key): At) -> usize {
        self.key_line(place, key)
    }

    fn key_line(&self, place: Place, key: &str) -> usize {
        let lines = &self.front;
        match place {
            Place::Line(line) => line,
            Place::Top => lines.key_line(lines.all(), key),
            Place::Item(list, n) if key.is_empty() => {
                lines.file_line(lines.item_under(list, n).start)
            }
            Place::Item(list, n) => lines.key_line(lines.item_under(list, n), key),
        }
    }

    /// Unknown keys of a mapping, each reported at the line `line_of` finds for it.
    fn check_keys(
        &mut self,
        map: &Mapping,
        known: &[&str],
        what: &str,
        line_of: &dyn Fn(&Self, &str) -> usize,
    ) {
        let mut found = Vec::new();
        yaml::check_keys(
            map,
            known,
            what,
            &|key| line_of(self, key),
            &self.file,
            &mut found,
        );
        self.errors.extend(found);
    }

    fn text_field(&mut self, map: &Mapping, At(place, key): At) -> Option<String> {
        let v = get(map, key)?;
        match v {
            Value::String(_) | Value::Number(_) | Value::Bool(_) => {
                scalar_text(v).map(|s| s.trim().to_string())
            }
            other => {
                self.err_at(
                    At(place, key),
                    format!("`{key}` must be text, found {}", type_name(other)),
                );
                None
            }
        }
    }

    fn term(&mut self, id: &str, at: At) -> Option<TermId> {
        let found = self.reg.terms.find(id);
        if found.is_none() {
            let known: Vec<&str> = self.reg.terms.all.iter().map(|t| t.id.as_str()).collect();
            let help = unknown_word_help(id, &known);
            self.err_at(
                at,
                format!("unknown term `{id}`: it is not in content/terms.yaml"),
            )
            .help = Some(help);
        }
        found
    }

    fn period(&mut self, v: &Value, at: At) -> Option<Period> {
        let s = scalar_text(v).unwrap_or_default();
        match Period::read(&s) {
            Ok(p) => Some(p),
            Err(e) => {
                self.err_at(at, format!("`period: {s}`: {}", e.message))
                    .help = Some(format!("{} (in quotes: period: \"2023-M9\")", e.help));
                None
            }
        }
    }

    fn basis(&mut self, s: &str, at: At) -> Option<Basis> {
        let b = Basis::parse(s);
        if b.is_none() {
            self.err_at(at, format!("unknown basis of a target `{s}`")).help = Some(format!(
                "{} (plan: kế hoạch, dự toán giao; resolution: nghị quyết; assigned: cấp trên giao; adjusted: kế hoạch điều chỉnh)",
                unknown_word_help(s, Basis::WORDS)
            ));
        }
        b
    }

    fn kind(&mut self, s: &str, at: At) -> Option<Kind> {
        let k = Kind::parse(s);
        if k.is_none() {
            self.err_at(at, format!("unknown kind of value `{s}`")).help = Some(format!(
                "{} (target: chỉ tiêu, phấn đấu; actual: đạt, thực hiện; estimate: ước thực hiện)",
                unknown_word_help(s, Kind::WORDS)
            ));
        }
        k
    }

    fn qualifier(&mut self, s: &str, at: At) -> Option<Qualifier> {
        let q = Qualifier::parse(s);
        if q.is_none() {
            self.err_at(at, format!("unknown qualifier `{s}`")).help = Some(format!(
                "{} (about: khoảng; over: trên, hơn; at_least: ít nhất, trở lên; under: dưới; at_most: tối đa)",
                unknown_word_help(s, Qualifier::WORDS)
            ));
        }
        q
    }

    fn locality(&mut self, id: &str, at: At) -> Option<LocalityId> {
        let found = self.reg.localities.find(id);
        if found.is_none() {
            let known: Vec<&str> = self
                .reg
                .localities
                .all
                .iter()
                .map(|l| l.id.as_str())
                .collect();
            let help = did_you_mean(id, &known)
                .map(|k| format!("did you mean `{k}`?"))
                .unwrap_or_else(|| {
                    "use an id from content/localities.yaml, or add the unit there".into()
                });
            self.err_at(
                at,
                format!("unknown locality `{id}`: it is not in content/localities.yaml"),
            )
            .help = Some(help);
        }
        found
    }

    /// Check a value and resolve it against the registries.
    fn resolve(
        &mut self,
        spec: ValueSpec,
        localities: &[LocalityId],
        article_term: Option<TermId>,
        d: &Defaults,
    ) -> Option<IndicatorValue> {
        // The line of the value, found only for an error.
        let at = At(spec.place, "value");
        let indicator = self.value_indicator(&spec);
        let locality = self.value_locality(&spec, localities);
        let period = spec.period.or(d.period);
        if period.is_none() {
            self.err_at(at, format!("the value of `{}` has no `period`", spec.id)).help =
                Some(if spec.inline { "add `period=2020` to the link, or `defaults: { period: 2020 }` to the front matter" } else { "add `period: 2020` to the value, or `defaults: { period: 2020 }` to the front matter" }.into());
        }
        let kind = spec.kind.or(d.kind);
        if kind.is_none() {
            self.err_at(at, format!("the value of `{}` has no `kind`", spec.id))
                .help = Some(
                if spec.inline {
                    "add `kind=target`, `kind=actual` or `kind=estimate` to the link"
                } else {
                    "add `kind: target`, `actual` or `estimate` to the value, or to `defaults`"
                }
                .into(),
            );
        }
        let qualifier = spec.qualifier.or(d.qualifier).or(spec.qualifier_from_text);
        if spec.amount.1.is_some() && spec.qualifier.is_some() {
            self.err_at(at, "a range cannot have a qualifier").help =
                Some("remove the qualifier, or write a single figure".into());
        }
        let indicator = indicator?;
        let ind = self.reg.indicators.get(indicator);
        let unit = match spec.unit.as_deref().map(units::normalize) {
            Some(u) => units::Unit::from(u),
            None => units::Unit::new(&ind.unit),
        };
        let converted = units::convert(spec.amount.0, &unit, &ind.unit);
        if converted.is_none() {
            self.err_at(
                At(spec.place, "unit"),
                format!(
                    "the unit `{unit}` cannot be converted to `{}`, the unit of the indicator `{}`",
                    ind.unit, ind.id
                ),
            )
            .help = Some(format!(
                "write the figure in `{}` or a unit of the same kind (money with money, % with %)",
                ind.unit
            ));
        }
        let basis = self.value_basis(&spec, kind, d);
        let (locality, period, kind, converted) = (locality?, period?, kind?, converted?);
        let term = self.value_term(&spec, d, article_term, period)?;
        Some(IndicatorValue {
            bulletin: crate::model::BulletinId(0),
            locality,
            indicator,
            term,
            period,
            kind,
            qualifier,
            basis,
            value: spec.amount.0,
            rare: crate::model::Rare {
                value_max: spec.amount.1,
                converted_max: spec
                    .amount
                    .1
                    .and_then(|m| units::convert(m, &unit, &ind.unit)),
                note: spec.note.map(String::into_boxed_str),
            }
            .boxed(),
            unit,
            converted,
            // Kept in the body store with the body, once the article has no error.
            quote: crate::model::Quote::NONE,
            inline: spec.inline,
        })
    }

    /// The indicator of a value, or an error naming the closest id.
    fn value_indicator(&mut self, spec: &ValueSpec) -> Option<IndicatorId> {
        let indicator: Option<IndicatorId> = self.reg.indicators.find(&spec.id);
        if indicator.is_none() {
            let known: Vec<&str> = self
                .reg
                .indicators
                .all
                .iter()
                .map(|i| i.id.as_str())
                .collect();
            let help = did_you_mean(&spec.id, &known)
                .map(|k| format!("did you mean `{k}`?"))
                .unwrap_or_else(|| {
                    "use an id from content/indicators.yaml, or add the indicator there".into()
                });
            self.err_at(
                At(spec.place, "id"),
                format!(
                    "unknown indicator `{}`: it is not in content/indicators.yaml",
                    spec.id
                ),
            )
            .help = Some(help);
        }
        indicator
    }

    /// The unit a value is about: the article's home, or one of its localities or a unit
    /// within one.
    fn value_locality(
        &mut self,
        spec: &ValueSpec,
        localities: &[LocalityId],
    ) -> Option<LocalityId> {
        let locality = match &spec.locality {
            None => localities.first().copied(),
            Some(id) => {
                let at = At(spec.place, "locality");
                let l = self.locality(id, at);
                if let Some(l) = l {
                    if !localities.is_empty()
                        && !localities
                            .iter()
                            .any(|&a| self.reg.localities.is_within(l, a))
                    {
                        self.err_at(at, format!("the value's locality `{id}` is neither a locality of this bulletin nor within one"))
                            .help = Some("add it to the bulletin's `locality` list, or correct the id".into());
                    }
                }
                l
            }
        };
        locality
    }

    /// A target's basis (`plan` when none is written); an error on an actual or estimate.
    fn value_basis(&mut self, spec: &ValueSpec, kind: Option<Kind>, d: &Defaults) -> Option<Basis> {
        if let (Some(b), Some(k)) = (spec.basis, kind) {
            if k != Kind::Target {
                self.err_at(
                    At(spec.place, "basis"),
                    format!(
                        "`basis={}` is written on {} value, but only a target has a basis",
                        b.as_str(),
                        if k == Kind::Actual {
                            "an actual"
                        } else {
                            "an estimate"
                        }
                    ),
                )
                .help = Some(format!(
                    "remove `basis` here; if the figure is a target of the {}, write kind=target",
                    b.as_str()
                ));
            }
        }
        (kind == Some(Kind::Target)).then(|| spec.basis.or(d.basis).unwrap_or(Basis::Plan))
    }

    /// The term a value belongs to (CONTENT.md's rule); an error when none holds it.
    fn value_term(
        &mut self,
        spec: &ValueSpec,
        d: &Defaults,
        article_term: Option<TermId>,
        period: Period,
    ) -> Option<Option<TermId>> {
        let term = self
            .reg
            .terms
            .for_value(spec.term.or(d.term), article_term, period);
        if term.is_none() {
            self.err_at(
                At(spec.place, "value"),
                format!(
                    "the value of `{}` for {period} falls in no term of content/terms.yaml, so no table would show it",
                    spec.id
                ),
            )
            .help = Some(format!(
                "add a term whose `years` hold {period} to content/terms.yaml, or give the value a `term`"
            ));
            return None;
        }
        Some(term)
    }

    /// The `n`-th value under `indicators:`.
    fn value_entry(&mut self, map: &Mapping, n: usize) -> Option<ValueSpec> {
        let place = Place::Item("indicators", n);
        self.check_keys(map, VALUE_KEYS, "indicator value", &|r, key| {
            r.key_line(place, key)
        });
        let id = self.text_field(map, At(place, "id"));
        if id.is_none() {
            self.err_at(At(place, ""), "this indicator value has no `id`")
                .help = Some("add `id:` with an id from content/indicators.yaml".into());
        }
        let at_value = At(place, "value");
        let amount = match get(map, "value") {
            None => {
                self.err_at(At(place, ""), "this indicator value has no `value`")
                    .help = Some("add `value: 507.8` or `value: \"507,8\"`".into());
                None
            }
            Some(Value::Number(n)) => n.as_f64().map(|v| (v, None)),
            Some(Value::String(s)) => match parse_amount(&crate::vi::nfc(s)) {
                Ok(a) => Some(a),
                Err(msg) => {
                    self.err_at(at_value, msg);
                    None
                }
            },
            Some(other) => {
                self.err_at(
                    at_value,
                    format!("`value` must be a number, found {}", type_name(other)),
                );
                None
            }
        };
        let period = get(map, "period").and_then(|v| self.period(v, At(place, "period")));
        let kind = self
            .text_field(map, At(place, "kind"))
            .and_then(|k| self.kind(&k, At(place, "kind")));
        let qualifier = self
            .text_field(map, At(place, "qualifier"))
            .and_then(|q| self.qualifier(&q, At(place, "qualifier")));
        let term = self
            .text_field(map, At(place, "term"))
            .and_then(|t| self.term(&t, At(place, "term")));
        let basis = self
            .text_field(map, At(place, "basis"))
            .and_then(|b| self.basis(&b, At(place, "basis")));
        Some(ValueSpec {
            id: id?,
            amount: amount?,
            qualifier_from_text: None,
            unit: self.text_field(map, At(place, "unit")),
            locality: self.text_field(map, At(place, "locality")),
            period,
            kind,
            qualifier,
            term,
            basis,
            quote: self
                .text_field(map, At(place, "quote"))
                .filter(|s| !s.is_empty()),
            note: self
                .text_field(map, At(place, "note"))
                .filter(|s| !s.is_empty()),
            place,
            inline: false,
        })
    }

    /// An inline `[text](ind:id?query)` annotation.
    fn inline_value(&mut self, fig: InlineFigure, line: usize) -> Option<ValueSpec> {
        let mut spec = ValueSpec {
            id: fig.indicator.clone(),
            amount: (0.0, None),
            qualifier_from_text: None,
            unit: None,
            locality: None,
            period: None,
            kind: None,
            qualifier: None,
            term: None,
            basis: None,
            quote: (!fig.quote.is_empty()).then_some(fig.quote.clone()),
            note: None,
            place: Place::Line(line),
            inline: true,
        };
        if fig.indicator.is_empty() {
            self.err(
                line,
                format!("the annotation `[{}](ind:)` names no indicator", fig.text),
            )
            .help = Some(
                "write it as [507,8 tỷ đồng](ind:thu-ngan-sach?period=2020&kind=target)".into(),
            );
            return None;
        }
        if let Err(msg) = super::registries::check_id(&fig.indicator) {
            self.err(line, format!("malformed annotation: {msg}"));
            return None;
        }
        let mut ok = self.read_query(&fig, &mut spec, line);
        match fig.figure {
            Ok(f) => {
                spec.amount = (f.value, f.value_max);
                spec.unit = f.unit;
                spec.qualifier_from_text = f.qualifier;
            }
            Err(msg) => {
                self.err(line, format!("malformed annotation: {msg}")).help =
                    Some("the link text holds the figure as printed: [507,8 tỷ đồng](ind:…), [trên 22%](ind:…), [10 - 11%](ind:…)".into());
                ok = false;
            }
        }
        ok.then_some(spec)
    }

    /// The parameters of an inline annotation's query (`period=2020&kind=target…`) into
    /// `spec`; false when one is malformed (each reported).
    fn read_query(&mut self, fig: &InlineFigure, spec: &mut ValueSpec, line: usize) -> bool {
        let mut ok = true;
        for pair in fig.query.split('&').filter(|p| !p.is_empty()) {
            let Some((k, v)) = pair.split_once('=') else {
                self.err(
                    line,
                    format!(
                        "malformed annotation: `{pair}` in `ind:{}?{}` is not `key=value`",
                        fig.indicator, fig.query
                    ),
                )
                .help = Some("write the query as period=2020&kind=target".into());
                ok = false;
                continue;
            };
            let v = v.replace('+', " ");
            match k {
                "period" => match Period::read(&v) {
                    Ok(p) => spec.period = Some(p),
                    Err(e) => {
                        self.err(
                            line,
                            format!("malformed annotation: `period={v}`: {}", e.message),
                        )
                        .help = Some(e.help);
                        ok = false;
                    }
                },
                "basis" => {
                    spec.basis = self.basis(&v, At(Place::Line(line), ""));
                    ok &= spec.basis.is_some();
                }
                "kind" => {
                    spec.kind = self.kind(&v, At(Place::Line(line), ""));
                    ok &= spec.kind.is_some();
                }
                "qualifier" => {
                    spec.qualifier = self.qualifier(&v, At(Place::Line(line), ""));
                    ok &= spec.qualifier.is_some();
                }
                "term" => {
                    spec.term = self.term(&v, At(Place::Line(line), ""));
                    ok &= spec.term.is_some();
                }
                "locality" => spec.locality = Some(v),
                other => {
                    self.err(
                        line,
                        format!(
                            "malformed annotation: unknown key `{other}` in `ind:{}?{}`",
                            fig.indicator, fig.query
                        ),
                    )
                    .help = Some(unknown_word_help(other, QUERY_KEYS));
                    ok = false;
                }
            }
        }
        ok
    }
}

/// A bulletin's Markdown and the line of the file it starts at.
struct Body<'t> {
    text: &'t str,
    first_line: usize,
}

impl Reader<'_, '_> {
    /// Render the body once, collecting its inline figures into `specs` on the way; an
    /// annotation the parser passed over is an error.
    fn body(
        &mut self,
        body: &Body,
        slug: &str,
        draft: bool,
        defaults: &Defaults,
        opts: &ReadOptions,
        specs: &mut Vec<ValueSpec>,
    ) -> markdown::RenderedBody {
        let page = path::bulletin(slug);
        let href = |id: &str| opts.urls.href(&page, &path::indicator(id));
        // A draft shows each figure's reading beside it, for its reviewer (IMPORT.md, Review).
        let reg = self.reg;
        let reading = |fig: &InlineFigure| draft_reading(fig, defaults, reg);
        let rendered = markdown::render_with_readings(
            body.text,
            opts.allow_html,
            &href,
            draft.then_some(&reading as markdown::Reading),
        );
        for fig in rendered.figures.iter().cloned() {
            let before = &body.text[..fig.offset.min(body.text.len())];
            let line = body.first_line + before.matches('\n').count();
            if let Some(s) = self.inline_value(fig, line) {
                specs.push(s);
            }
        }
        for lost in &rendered.lost {
            let e = lost_annotation(&self.file, body.text, body.first_line, lost);
            self.errors.push(e);
        }
        rendered
    }
}

/// How an inline figure of a draft reads, with the article's defaults filled in: the
/// indicator's short name, then kind, period, qualifier and a basis other than the plan, as
/// the content format writes them ("Thu ngân sách · target · 2024 · about"). A parameter that
/// is missing or unknown reads "?", so that the reviewer sees it before the build says so.
fn draft_reading(fig: &InlineFigure, d: &Defaults, reg: &Registries) -> String {
    let query: Vec<(&str, &str)> = fig
        .query
        .split('&')
        .filter_map(|p| p.split_once('='))
        .collect();
    let get = |k: &str| query.iter().find(|(key, _)| *key == k).map(|(_, v)| *v);
    let indicator = reg
        .indicators
        .find(&fig.indicator)
        .map(|i| reg.indicators.get(i).short_name().to_string())
        .unwrap_or_else(|| format!("{}?", fig.indicator));
    let kind = get("kind")
        .and_then(Kind::parse)
        .or(d.kind)
        .map_or("kind?", Kind::as_str);
    let period = get("period")
        .and_then(Period::parse)
        .or(d.period)
        .map_or_else(|| "period?".to_string(), |p| p.to_string());
    let mut parts = vec![indicator, kind.to_string(), period];
    let text_qualifier = fig.figure.as_ref().ok().and_then(|f| f.qualifier);
    if let Some(q) = get("qualifier")
        .and_then(Qualifier::parse)
        .or(d.qualifier)
        .or(text_qualifier)
    {
        parts.push(q.as_str().to_string());
    }
    if kind == "target" {
        if let Some(b) = get("basis").and_then(Basis::parse).or(d.basis) {
            if b != Basis::Plan {
                parts.push(b.as_str().to_string());
            }
        }
    }
    if let Some(l) = get("locality") {
        parts.push(l.to_string());
    }
    parts.join(" · ")
}

/// The error for an `ind:` annotation that the Markdown parser did not read as a link: it
/// would make no record, and the reader would see its raw text.
fn lost_annotation(
    file: &Path,
    body: &str,
    body_line: usize,
    lost: &markdown::LostAnnotation,
) -> Diagnostic {
    use markdown::LostIn;
    let before = &body[..lost.offset.min(body.len())];
    let line = body_line + before.matches('\n').count();
    let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    let (why, help) = match lost.place {
        LostIn::CodeSpan => (
            "is inside a code span (between backticks)",
            "remove the backticks around it",
        ),
        LostIn::CodeBlock => (
            "is inside a code block",
            "move it out of the fenced or indented block",
        ),
        LostIn::Html => (
            "is inside raw HTML or an HTML comment, where Markdown links are not read",
            "move it out of the HTML, or delete it if it was commented out on purpose",
        ),
        LostIn::Text => (
            "is not a well-formed Markdown link (a bracket missing, a space before `(` or in the address), or a reference definition no link uses",
            "write it as [507,8 tỷ đồng](ind:thu-ngan-sach?period=2020&kind=target), with no space in the address",
        ),
    };
    Diagnostic::at(
        file,
        line,
        format!(
            "the annotation `{}` {why}, so it makes no record and shows as raw text",
            lost.text
        ),
    )
    .column(Some(column))
    .help(help)
}

/// The front matter of one bulletin, parsed (its text, for error lines, is the reader's).
struct FrontMatter {
    map: Mapping,
}

/// A top-level key of the front matter.
fn top(key: &'static str) -> At {
    At(Place::Top, key)
}

/// One method per field or group of fields of the front matter; each reports its own
/// problems and returns what it could read.
impl Reader<'_, '_> {
    /// Unknown keys, and unquoted numbers that YAML read with a decimal point where
    /// Vietnamese style means thousands.
    fn check_front_matter(&mut self, fm: &FrontMatter) {
        self.check_keys(&fm.map, KEYS, "front-matter", &|r, key| {
            r.key_line(Place::Top, key)
        });
        // Only a value that YAML read as a decimal number can be one (`4.000` too); serde_yaml
        // keeps no text, so the lines are looked at only then.
        let fractional = |v: &Value| matches!(v, Value::Number(n) if n.is_f64());
        let suspect = match get(&fm.map, "indicators") {
            Some(Value::Sequence(items)) => {
                items.iter().any(|i| i.get("value").is_some_and(fractional))
            }
            _ => false,
        };
        let numbers = if suspect {
            self.front.three_decimal_numbers("value")
        } else {
            Vec::new()
        };
        for (line, num) in numbers {
            self.err(
                line,
                format!(
                    "`value: {num}` was read as {} by YAML, but in Vietnamese style it means {}",
                    num.parse::<f64>().unwrap_or(0.0),
                    num.replace('.', "")
                ),
            )
            .help = Some(format!(
                "write `{}` (a number) or `\"{num}\"` (Vietnamese style, in quotes)",
                num.replace('.', "").trim_start_matches('0')
            ));
        }
    }

    fn title(&mut self, fm: &FrontMatter) -> Option<String> {
        let title = self
            .text_field(&fm.map, top("title"))
            .filter(|t| !t.is_empty());
        if title.is_none() {
            self.err(1, "the bulletin has no `title`").help =
                Some("add `title: \"…\"` to the front matter".into());
        }
        title
    }

    fn date(&mut self, fm: &FrontMatter, timezone: FixedOffset) -> Option<DateTime<FixedOffset>> {
        let date = match self.text_field(&fm.map, top("date")) {
            None => {
                self.err(1, "the bulletin has no `date`").help =
                    Some("add `date: 2020-02-19` (or `2020-02-19T10:55:00+07:00`)".into());
                None
            }
            Some(s) => {
                let d = parse_date(&s, timezone);
                if d.is_none() {
                    self.err(self.line(top("date")), format!("`date: {s}` is not a valid date")).help =
                        Some("write YYYY-MM-DD, YYYY-MM-DD HH:MM, or RFC 3339 such as 2020-02-19T10:55:00+07:00".into());
                }
                d
            }
        };
        date
    }

    /// The bulletin's localities, its home first.
    fn article_localities(&mut self, fm: &FrontMatter) -> Vec<LocalityId> {
        let localities: Vec<LocalityId> = match get(&fm.map, "locality") {
            None => {
                self.err(1, "the bulletin has no `locality`").help = Some(
                    "add `locality:` with an id from content/localities.yaml (or a list of ids)"
                        .into(),
                );
                Vec::new()
            }
            Some(v) => match string_list(v) {
                Some(ids) if !ids.is_empty() => {
                    // A block list names each id on its own line; `locality: a` or
                    // `[a, b]` on the key's.
                    let list = matches!(v, Value::Sequence(_));
                    ids.iter()
                        .enumerate()
                        .filter_map(|(i, id)| {
                            let at = if list {
                                At(Place::Item("locality", i), "")
                            } else {
                                top("locality")
                            };
                            self.locality(id.trim(), at)
                        })
                        .collect()
                }
                _ => {
                    self.err_at(top("locality"), "`locality` must be an id or a list of ids");
                    Vec::new()
                }
            },
        };
        localities
    }

    fn slug(&mut self, fm: &FrontMatter, default_slug: &str) -> String {
        let slug = match self.text_field(&fm.map, top("slug")) {
            Some(s) => {
                if let Err(msg) = super::registries::check_id(&s) {
                    self.err(self.line(top("slug")), format!("the slug {msg}"));
                }
                s
            }
            None => default_slug.to_string(),
        };
        if slug.is_empty() {
            self.err(1, "the &self.file name gives no slug").help =
                Some("add `slug: …` made of a-z, 0-9 and -".into());
        }
        slug
    }

    fn source(&mut self, fm: &FrontMatter) -> Option<Source> {
        let source = match get(&fm.map, "source") {
            None => None,
            Some(Value::Mapping(m)) => {
                // A flow mapping on one line: its keys are on the line of `source`.
                self.check_keys(m, SOURCE_KEYS, "source", &|r, _| r.line(top("source")));
                let name = get(m, "name").and_then(scalar_text);
                let url = get(m, "url").and_then(scalar_text);
                if let Some(u) = &url {
                    if !(u.starts_with("http://") || u.starts_with("https://")) {
                        self.err_at(
                            top("source"),
                            format!("the source address `{u}` must start with http:// or https://"),
                        );
                    }
                }
                Some(Source { name, url })
            }
            Some(Value::String(s)) => Some(Source {
                name: Some(s.clone()),
                url: None,
            }),
            Some(other) => {
                self.err(
                    self.line(top("source")),
                    format!(
                        "`source` must be `{{ name: …, url: … }}`, found {}",
                        type_name(other)
                    ),
                );
                None
            }
        };
        source
    }

    /// A list of names (`authors`, `topics`), trimmed, empty ones left out.
    fn list(&mut self, fm: &FrontMatter, key: &'static str) -> Vec<String> {
        match get(&fm.map, key) {
            None => Vec::new(),
            Some(v) => string_list(v)
                .map(|l| {
                    l.into_iter()
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_else(|| {
                    self.err(
                        self.line(top(key)),
                        format!("`{key}` must be a list like [a, b]"),
                    );
                    Vec::new()
                }),
        }
    }

    /// Topics with their slugs; names that slug alike are one topic.
    fn topics(&mut self, fm: &FrontMatter) -> Vec<Topic> {
        let mut topics: Vec<Topic> = Vec::new();
        for name in self.list(fm, "topics") {
            let slug = crate::vi::slugify(&name);
            if slug.is_empty() {
                self.err(
                    self.line(top("topics")),
                    format!("the topic `{name}` has no letters or digits"),
                );
            } else if !topics.iter().any(|t| *t.slug == *slug) {
                topics.push(Topic {
                    name: name.into(),
                    slug: slug.into(),
                });
            }
        }
        topics
    }

    fn draft(&mut self, fm: &FrontMatter) -> bool {
        let draft = match get(&fm.map, "draft") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                self.err(
                    self.line(top("draft")),
                    format!("`draft` must be true or false, found {}", type_name(other)),
                );
                false
            }
        };
        draft
    }

    fn defaults(&mut self, fm: &FrontMatter) -> Defaults {
        let mut defaults = Defaults::default();
        match get(&fm.map, "defaults") {
            None => {}
            Some(Value::Mapping(m)) => {
                let at = top("defaults");
                // A block mapping lists its keys below `defaults:`.
                self.check_keys(m, DEFAULT_KEYS, "defaults", &|r, key| {
                    let below = Span {
                        start: r.line(at) - 2,
                        end: r.front.all().end,
                    };
                    r.front.key_line(below, key)
                });
                defaults.period = get(m, "period").and_then(|v| self.period(v, at));
                defaults.kind = get(m, "kind")
                    .and_then(scalar_text)
                    .and_then(|k| self.kind(&k, at));
                defaults.qualifier = get(m, "qualifier")
                    .and_then(scalar_text)
                    .and_then(|q| self.qualifier(&q, at));
                defaults.term = get(m, "term")
                    .and_then(scalar_text)
                    .and_then(|t| self.term(&t, at));
                defaults.basis = get(m, "basis")
                    .and_then(scalar_text)
                    .and_then(|b| self.basis(&b, at));
            }
            Some(other) => {
                self.err(
                    self.line(top("defaults")),
                    format!(
                        "`defaults` must be a mapping like {{ period: 2020, kind: target }}, found {}",
                        type_name(other)
                    ),
                );
            }
        }
        defaults
    }

    /// The values listed under `indicators`.
    fn front_matter_values(&mut self, fm: &FrontMatter) -> Vec<ValueSpec> {
        let mut specs = Vec::new();
        match get(&fm.map, "indicators") {
            None => {}
            Some(Value::Sequence(items)) => {
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::Mapping(m) => {
                            if let Some(s) = self.value_entry(m, i) {
                                specs.push(s);
                            }
                        }
                        other => {
                            self.err_at(At(Place::Item("indicators", i), ""), format!("each indicator value must be a mapping with `id`, `value`, …, found {}", type_name(other)));
                        }
                    }
                }
            }
            Some(other) => {
                self.err(
                    self.line(top("indicators")),
                    format!(
                        "`indicators` must be a list of values, found {}",
                        type_name(other)
                    ),
                );
            }
        }
        specs
    }
}

/// Read one bulletin. `file` is relative to the site root, `text` already decoded.
///
/// About 100 lines, on purpose: the fields of CONTENT.md in their order, each read by a
/// function of its own; what stays here is that order and the bulletin they make.
pub fn parse_article(
    file: &Path,
    text: &str,
    default_slug: &str,
    reg: &Registries,
    opts: &ReadOptions,
) -> Result<ParsedArticle, Vec<Diagnostic>> {
    let (yaml_text, body, body_line) = split_front_matter(text, file).map_err(|e| vec![e])?;
    let mut r = Reader {
        file: file.to_path_buf(),
        reg,
        front: Lines::new(yaml_text, 2),
        errors: Vec::new(),
    };
    let map = match yaml::parse(yaml_text, file, 2).map_err(|e| vec![e])? {
        Value::Mapping(m) => m,
        Value::Null => Mapping::new(),
        other => {
            return Err(vec![Diagnostic::at(
                file,
                2,
                format!(
                    "the front matter must be `key: value` lines, found {}",
                    type_name(&other)
                ),
            )]);
        }
    };
    let fm = FrontMatter { map };
    r.check_front_matter(&fm);
    let title = r.title(&fm);
    let date = r.date(&fm, opts.timezone);
    let localities = r.article_localities(&fm);
    let explicit_term = r
        .text_field(&fm.map, top("term"))
        .and_then(|t| r.term(&t, top("term")));
    let slug = r.slug(&fm, default_slug);
    let summary = r
        .text_field(&fm.map, top("summary"))
        .filter(|s| !s.is_empty());
    let source = r.source(&fm);
    let authors = r.list(&fm, "authors");
    let topics = r.topics(&fm);
    let draft = r.draft(&fm);
    let defaults = r.defaults(&fm);
    let article_term =
        explicit_term.or_else(|| date.and_then(|d| reg.terms.for_date(d.date_naive())));
    let mut specs = r.front_matter_values(&fm);

    let body_text = Body {
        text: body,
        first_line: body_line,
    };
    let rendered = r.body(&body_text, &slug, draft, &defaults, opts, &mut specs);
    // Room for every figure at once: a vector grown by doubling leaves the smaller one
    // freed among the bulletin's strings, where a million bulletins' worth stays as holes.
    let mut values: Vec<IndicatorValue> = Vec::with_capacity(specs.len());
    let mut quotes: Vec<Option<String>> = Vec::with_capacity(specs.len());
    values.extend(specs.into_iter().filter_map(|mut s| {
        let quote = s.quote.take();
        let v = r.resolve(s, &localities, article_term, &defaults)?;
        quotes.push(quote);
        Some(v)
    }));

    if !r.errors.is_empty() {
        return Err(r.errors);
    }
    let (Some(title), Some(date)) = (title, date) else {
        return Err(r.errors);
    };
    if localities.is_empty() {
        return Err(r.errors);
    }
    let summary = summary.or(rendered.first_paragraph).unwrap_or_default();
    let keep = |text: &str| keep_text(opts, file, text);
    let body = keep(&rendered.html)?;
    keep_quotes(opts, file, &mut values, quotes)?;
    let summary = crate::model::Summary {
        text: keep(&summary)?,
        print: crate::model::Summary::print_of(&summary),
    };
    let body_terms = keep(&crate::search::body_terms(&rendered.text))?;
    let (photos, photo_files) = photo_uses(&rendered.photos, &body_text);
    Ok(ParsedArticle {
        bulletin: Bulletin {
            file: file.to_path_buf(),
            slug,
            title,
            date,
            localities,
            term: article_term,
            summary,
            source: source.map(Box::new),
            topics,
            draft,
            body,
            body_terms,
            extras: crate::model::Extras {
                authors,
                assets: Vec::new(),
                bundle_dir: None,
                photos,
                photo_files,
            }
            .boxed(),
        },
        values,
    })
}

/// Put `text` (a body, a summary, a quote, search terms) in the body store.
fn keep_text(
    opts: &ReadOptions,
    file: &Path,
    text: &str,
) -> Result<crate::model::BodyRef, Vec<Diagnostic>> {
    opts.bodies.put(text).map_err(|e| {
        vec![Diagnostic::new(
            file,
            format!("cannot keep the body in the temporary folder: {e}"),
        )
        .help("make room in the temporary folder (TMPDIR), or point TMPDIR elsewhere")]
    })
}

/// Put each figure's quote (`quotes`, beside `values`) in the body store, and say where.
fn keep_quotes(
    opts: &ReadOptions,
    file: &Path,
    values: &mut [IndicatorValue],
    quotes: Vec<Option<String>>,
) -> Result<(), Vec<Diagnostic>> {
    for (v, quote) in values.iter_mut().zip(quotes) {
        if let Some(q) = quote {
            v.quote =
                crate::model::Quote::kept(keep_text(opts, file, &q)?, &q).ok_or_else(|| {
                    vec![Diagnostic::new(
                    file,
                    "a figure's quote is over 16 MB, or the bodies kept beside the build over 1 TB",
                )
                .help("write a shorter `quote`")]
                })?;
        }
    }
    Ok(())
}

/// The photos a body shows, and the files it shows or links to, once each with the line of
/// its first mention; checked against the bundle's files by [`super::Base::parse`].
fn photo_uses(refs: &[markdown::PhotoRef], body: &Body) -> (Vec<Photo>, Vec<PhotoFile>) {
    let mut photos = Vec::new();
    let mut files: Vec<PhotoFile> = Vec::new();
    for r in refs {
        let line = body.first_line
            + body.text[..r.offset.min(body.text.len())]
                .matches('\n')
                .count();
        match files.iter_mut().find(|f| f.name == r.name) {
            Some(f) => {
                f.shown |= r.shown;
                f.linked |= !r.shown;
            }
            None => files.push(PhotoFile {
                name: r.name.clone(),
                asset: PathBuf::from(&r.name),
                line,
                shown: r.shown,
                linked: !r.shown,
                prepared: None,
            }),
        }
        if r.shown {
            photos.push(Photo {
                file: r.name.clone(),
                alt: r.alt.clone(),
                title: r.title.clone(),
                alone: r.alone,
                in_link: r.in_link,
            });
        }
    }
    (photos, files)
}
