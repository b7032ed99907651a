//! The downloadable data of OUTPUT.md: every indicator value as `du-lieu/chi-tieu.csv`
//! (RFC 4180, via the csv crate), the same records as `du-lieu/chi-tieu.json`, and a
//! Frictionless Tabular Data Package describing the CSV in `du-lieu/datapackage.json`.

use std::io::{self, Write};

use serde::{Serialize, Serializer};

use crate::model::Archive;
use crate::urls::{path, Urls};

/// One row of the data files; the field order is the column order.
#[derive(Debug, Serialize)]
pub struct Record<'a> {
    pub locality: &'a str,
    pub locality_name: &'a str,
    pub term: Option<&'a str>,
    pub indicator: &'a str,
    pub indicator_name: &'a str,
    pub period: String,
    pub kind: &'static str,
    pub qualifier: Option<&'static str>,
    pub basis: Option<&'static str>,
    #[serde(serialize_with = "number")]
    pub value: f64,
    #[serde(serialize_with = "opt_number")]
    pub value_max: Option<f64>,
    pub unit: &'a str,
    #[serde(serialize_with = "number")]
    pub value_in_indicator_unit: f64,
    pub indicator_unit: &'a str,
    pub article: &'a str,
    pub article_date: &'a str,
    pub url: &'a str,
    pub quote: Option<&'a str>,
}

/// Whole numbers as integers (4500, not 4500.0); others as the shortest decimal.
fn number<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        s.serialize_i64(*v as i64)
    } else {
        s.serialize_f64(*v)
    }
}

fn opt_number<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => number(v, s),
        None => s.serialize_none(),
    }
}

/// What the records of one bulletin's values share: its address and its date, written out
/// once per bulletin rather than once per value.
pub struct Articles {
    urls: Vec<String>,
    dates: Vec<String>,
}

impl Articles {
    pub fn new(archive: &Archive, urls: &Urls) -> Articles {
        let page = |slug: &str| {
            let page = path::bulletin(slug);
            if urls.relative {
                page
            } else {
                urls.absolute(&page)
            }
        };
        Articles {
            urls: archive.bulletins.iter().map(|b| page(&b.slug)).collect(),
            dates: archive
                .bulletins
                .iter()
                .map(|b| crate::vi::iso_date(b.date.date_naive()))
                .collect(),
        }
    }
}

/// The records of every value, in the archive's value order, made one at a time.
pub fn records<'a>(
    archive: &'a Archive,
    articles: &'a Articles,
) -> impl Iterator<Item = Record<'a>> + 'a {
    archive.values.iter().map(move |v| {
        let loc = archive.localities.get(v.locality);
        let ind = archive.indicators.get(v.indicator);
        let i = v.bulletin.0 as usize;
        Record {
            locality: &loc.id,
            locality_name: &loc.display_name,
            term: v.term.map(|t| archive.terms.get(t).id.as_str()),
            indicator: &ind.id,
            indicator_name: &ind.name,
            period: v.period.to_string(),
            kind: v.kind.as_str(),
            qualifier: v.qualifier.map(|q| q.as_str()),
            basis: v.basis.map(|b| b.as_str()),
            value: v.value,
            value_max: v.value_max,
            unit: &v.unit,
            value_in_indicator_unit: v.converted,
            indicator_unit: &ind.unit,
            article: &archive.bulletins[i].slug,
            article_date: &articles.dates[i],
            url: &articles.urls[i],
            quote: v.quote.as_deref(),
        }
    })
}

/// The records as CSV (RFC 4180, CRLF line ends, a header row even when there are none).
pub fn write_csv<'a>(
    records: impl Iterator<Item = Record<'a>>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    let mut any = false;
    for r in records {
        w.serialize(&r)?;
        any = true;
    }
    if !any {
        w.write_record(FIELDS.iter().map(|f| f.0))?;
    }
    w.flush()
}

/// The records as a JSON array, one compact record per line (readable, and a third of the
/// size of pretty-printed JSON on a large archive).
pub fn write_json<'a>(
    records: impl Iterator<Item = Record<'a>>,
    out: &mut dyn Write,
) -> io::Result<()> {
    // Records are serialised into a buffer of our own and handed over in large writes:
    // serde_json writes each key and comma on its own, and through `dyn Write` each of those
    // small writes was a call of its own.
    let mut buf = Vec::with_capacity(64 * 1024);
    buf.push(b'[');
    for (i, r) in records.enumerate() {
        buf.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
        serde_json::to_writer(&mut buf, &r)?;
        if buf.len() >= 60 * 1024 {
            out.write_all(&buf)?;
            buf.clear();
        }
    }
    buf.extend_from_slice(b"\n]\n");
    out.write_all(&buf)
}

/// Name, Table Schema type and description of each column.
pub const FIELDS: &[(&str, &str, &str)] = &[
    (
        "locality",
        "string",
        "Id of the administrative unit the figure is about",
    ),
    ("locality_name", "string", "Display name of the unit"),
    (
        "term",
        "string",
        "Id of the term of office the figure belongs to",
    ),
    ("indicator", "string", "Id of the indicator"),
    ("indicator_name", "string", "Name of the indicator"),
    (
        "period",
        "string",
        "Plan year (2020), span of years (2016-2020), first n months of a year (2023-M9) or one quarter (2023-Q3)",
    ),
    ("kind", "string", "target, actual or estimate"),
    (
        "qualifier",
        "string",
        "about, over, at_least, under or at_most; empty when exact",
    ),
    (
        "basis",
        "string",
        "For a target, where it comes from: plan (also when the source names none), resolution, assigned or adjusted; empty for actuals and estimates",
    ),
    (
        "value",
        "number",
        "The figure as written (the low end of a range)",
    ),
    (
        "value_max",
        "number",
        "The high end of a range; empty otherwise",
    ),
    ("unit", "string", "The unit as written"),
    (
        "value_in_indicator_unit",
        "number",
        "The figure converted to the indicator's unit",
    ),
    ("indicator_unit", "string", "The indicator's unit"),
    (
        "article",
        "string",
        "Slug of the bulletin that reports the figure",
    ),
    ("article_date", "date", "Publication date of the bulletin"),
    ("url", "string", "Address of the bulletin"),
    (
        "quote",
        "string",
        "The sentence of the source that states the figure",
    ),
];

/// A Frictionless Tabular Data Package for chi-tieu.csv.
pub fn datapackage(archive: &Archive) -> Vec<u8> {
    use serde_json::json;
    let fields: Vec<_> = FIELDS
        .iter()
        .map(|(name, ty, desc)| {
            let mut f = json!({ "name": name, "type": ty, "description": desc });
            match *name {
                "kind" => {
                    f["constraints"] =
                        json!({ "required": true, "enum": ["target", "actual", "estimate"] })
                }
                "qualifier" => {
                    f["constraints"] =
                        json!({ "enum": ["about", "over", "at_least", "under", "at_most"] })
                }
                "basis" => f["constraints"] = json!({ "enum": crate::model::Basis::WORDS }),
                "period" => {
                    f["constraints"] = json!({
                        "required": true,
                        "pattern": "[0-9]{4}(-[0-9]{4}|-M([1-9]|1[01])|-Q[1-4])?"
                    })
                }
                "locality" | "indicator" | "value" | "unit" | "article" | "article_date" => {
                    f["constraints"] = json!({ "required": true })
                }
                "url" => f["format"] = json!("uri"),
                _ => {}
            }
            f
        })
        .collect();
    let name: String = crate::vi::slugify(&archive.settings.title);
    let pkg = json!({
        "profile": "tabular-data-package",
        "name": if name.is_empty() { "bantin-archive".to_string() } else { name },
        "title": archive.settings.title,
        "description": archive.settings.description.clone().unwrap_or_else(|| "Indicator values reported in the bulletins of the archive".into()),
        "homepage": archive.settings.base_url,
        "resources": [{
            "name": "chi-tieu",
            "path": "chi-tieu.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": { "delimiter": ",", "header": true, "quoteChar": "\"", "lineTerminator": "\r\n" },
            "schema": { "fields": fields, "missingValues": [""] }
        }]
    });
    let mut out = serde_json::to_vec_pretty(&pkg).expect("package serialises");
    out.push(b'\n');
    out
}
