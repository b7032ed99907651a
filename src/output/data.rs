//! The downloadable data of OUTPUT.md: every indicator value as `du-lieu/chi-tieu.csv`
//! (RFC 4180, via the csv crate), the same records as `du-lieu/chi-tieu.json`, and a
//! Frictionless Tabular Data Package describing the CSV in `du-lieu/datapackage.json`.
//!
//! Both files are written row by row ([`write_rows`]), each row's length noted ([`Rows`]), so
//! that a rebuild can copy the rows of unchanged bulletins from the files the last build
//! wrote and make only the others.

use std::io::{self, Read, Write};

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
    pub article_date: String,
    pub url: String,
    pub quote: Option<String>,
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

/// How the records write a bulletin's address. Made for each record, as its date: kept for
/// every bulletin through the writing of the data files they took about 150 bytes a
/// bulletin (150 MB at a million), where making them again costs a few nanoseconds each.
pub struct Articles {
    urls: Urls,
}

impl Articles {
    pub fn new(urls: &Urls) -> Articles {
        Articles { urls: urls.clone() }
    }

    /// The address of the bulletin at `slug`: relative to the site, as its links are, or
    /// absolute.
    fn url(&self, slug: &str) -> String {
        let page = path::bulletin(slug);
        if self.urls.relative {
            page
        } else {
            self.urls.absolute(&page)
        }
    }
}

/// The record of value `i` (in the archive's value order); its quote is read back from the
/// body store.
pub fn record<'a>(
    archive: &'a Archive,
    articles: &'a Articles,
    i: usize,
) -> io::Result<Record<'a>> {
    let v = &archive.values[i];
    let loc = archive.localities.get(v.locality);
    let ind = archive.indicators.get(v.indicator);
    let b = v.bulletin.0 as usize;
    Ok(Record {
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
        value_max: v.value_max(),
        unit: &v.unit,
        value_in_indicator_unit: v.converted,
        indicator_unit: &ind.unit,
        article: &archive.bulletins[b].slug,
        article_date: crate::vi::iso_date(archive.bulletins[b].date.date_naive()),
        url: articles.url(&archive.bulletins[b].slug),
        quote: archive.quote(v)?,
    })
}

/// The two data files of records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// RFC 4180, CRLF line ends, a header row even when there are no records.
    Csv,
    /// A JSON array, one compact record per line (readable, and a third of the size of
    /// pretty-printed JSON on a large archive).
    Json,
}

/// Where each row is in the data files the last build wrote: the length in bytes of each
/// record's row, in the archive's value order (a CSV row with its line end; a JSON record
/// without the `,\n` before it). With it an incremental build copies the rows of the
/// bulletins that did not change from those files, rather than make every row again (at
/// 100,000 bulletins the two files are half a gigabyte).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Rows {
    pub csv: Vec<u32>,
    pub json: Vec<u32>,
}

impl Rows {
    /// The rows of the file of `format`.
    pub fn of(&self, format: Format) -> &[u32] {
        match format {
            Format::Csv => &self.csv,
            Format::Json => &self.json,
        }
    }
}

/// The length of a file of `format` whose rows have these lengths.
pub fn file_len(format: Format, rows: &[u32]) -> u64 {
    let body: u64 = rows.iter().map(|&l| u64::from(l)).sum();
    match format {
        Format::Csv => csv_header().len() as u64 + body,
        // `[`, a line end before each record, a comma after each but the last, `\n]\n`.
        Format::Json => 1 + body + 2 * rows.len() as u64 - u64::from(!rows.is_empty()) + 3,
    }
}

/// What a row of a data file is made from.
// Made and used one at a time: boxing the record would allocate once a row.
#[allow(clippy::large_enum_variant)]
pub enum Row<'a> {
    /// A record made now.
    Fresh(Record<'a>),
    /// Row `n` of the earlier file, copied.
    Kept(usize),
}

/// The earlier file of a format that rows are copied from, read once from start to end: the
/// rows kept must come in the order they have there.
pub struct Earlier<'a> {
    pub file: &'a mut dyn io::BufRead,
    /// The length of each of its rows (see [`Rows`]).
    pub rows: &'a [u32],
}

/// The CSV header row.
fn csv_header() -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = w.write_record(FIELDS.iter().map(|f| f.0));
    w.into_inner().unwrap_or_default()
}

/// Where row `n` of a file of `format` starts, given where row `n - 1` started and its
/// length (for row 0: `None`, and the length of the file's start).
fn row_start(format: Format, before: Option<(u64, u32)>, head: u64) -> u64 {
    match (format, before) {
        (_, None) => head + u64::from(format == Format::Json),
        (Format::Csv, Some((start, len))) => start + u64::from(len),
        (Format::Json, Some((start, len))) => start + u64::from(len) + 2,
    }
}

/// Where the CSV writer puts a row, to be measured and moved on.
#[derive(Clone, Default)]
struct Tap(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl Write for Tap {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Write a data file of `rows` in `format` to `out`, copying the kept rows from `earlier`;
/// returns the length of each row written (see [`Rows`]). Fails when a kept row is not in
/// the earlier file or comes before one copied already.
pub fn write_rows<'a>(
    format: Format,
    rows: impl Iterator<Item = io::Result<Row<'a>>>,
    mut earlier: Option<Earlier>,
    out: &mut dyn Write,
) -> io::Result<Vec<u32>> {
    // Rows are made into a buffer of our own and handed over in large writes: serde_json
    // writes each key and comma on its own, and through `dyn Write` each of those small
    // writes was a call of its own.
    let mut buf = Vec::with_capacity(64 * 1024);
    let head = match format {
        Format::Csv => csv_header(),
        Format::Json => b"[".to_vec(),
    };
    buf.extend_from_slice(&head);
    let tap = Tap::default();
    let mut csv = csv::WriterBuilder::new()
        .has_headers(false)
        .terminator(csv::Terminator::CRLF)
        .from_writer(tap.clone());
    // In the earlier file: where its next row starts, and how far it has been read.
    let mut next_earlier = (0usize, row_start(format, None, head.len() as u64));
    let mut read = 0u64;
    // Sized once: grown by doubling, seven million rows would be copied into room for eight
    // million beside the pages' render.
    let mut lengths = Vec::with_capacity(rows.size_hint().0);
    for (i, row) in rows.enumerate() {
        if format == Format::Json {
            buf.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
        }
        let before = buf.len();
        match row? {
            Row::Fresh(r) => match format {
                Format::Csv => {
                    csv.serialize(&r)?;
                    csv.flush()?;
                    let mut row = tap.0.borrow_mut();
                    buf.extend_from_slice(&row);
                    row.clear();
                }
                Format::Json => serde_json::to_writer(&mut buf, &r)?,
            },
            Row::Kept(n) => {
                let Some(e) = earlier.as_mut() else {
                    return Err(io::Error::other("no earlier data file to copy a row from"));
                };
                if n < next_earlier.0 || n >= e.rows.len() {
                    return Err(io::Error::other("a kept row is out of order"));
                }
                while next_earlier.0 < n {
                    let (m, start) = next_earlier;
                    next_earlier = (m + 1, row_start(format, Some((start, e.rows[m])), 0));
                }
                let start = next_earlier.1;
                let len = e.rows[n];
                io::copy(&mut (&mut e.file).take(start - read), &mut io::sink())?;
                let at = buf.len();
                buf.resize(at + len as usize, 0);
                e.file.read_exact(&mut buf[at..])?;
                read = start + u64::from(len);
                next_earlier = (n + 1, row_start(format, Some((start, len)), 0));
            }
        }
        lengths.push((buf.len() - before) as u32);
        if buf.len() >= 60 * 1024 {
            out.write_all(&buf)?;
            buf.clear();
        }
    }
    if format == Format::Json {
        buf.extend_from_slice(b"\n]\n");
    }
    out.write_all(&buf)?;
    Ok(lengths)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn record(slug: &'static str, value: f64, quote: Option<&'static str>) -> Record<'static> {
        Record {
            locality: "dong-son",
            locality_name: "Huyện Đông Sơn",
            term: Some("2020-2025"),
            indicator: "thu-ngan-sach",
            indicator_name: "Thu ngân sách",
            period: "2021".into(),
            kind: "actual",
            qualifier: None,
            basis: None,
            value,
            value_max: None,
            unit: "tỷ đồng",
            value_in_indicator_unit: value,
            indicator_unit: "tỷ đồng",
            article: slug,
            article_date: "2021-06-30".into(),
            url: "bai-viet/x/".into(),
            quote: quote.map(String::from),
        }
    }

    fn fresh(format: Format, records: Vec<Record<'static>>) -> (Vec<u8>, Vec<u32>) {
        let mut out = Vec::new();
        let rows = write_rows(
            format,
            records.into_iter().map(|r| Ok(Row::Fresh(r))),
            None,
            &mut out,
        );
        let rows = rows.unwrap();
        // Sized once, from the rows' count: never grown past it.
        assert_eq!(rows.capacity(), rows.len());
        (out, rows)
    }

    #[test]
    fn rows_copied_from_the_earlier_file_are_the_rows_made_again() {
        // Quotes, commas and line ends inside a field: the CSV quotes them.
        let odd = Some("Đạt \"507,8 tỷ\",\r\nvượt kế hoạch");
        for format in [Format::Csv, Format::Json] {
            let (before, before_rows) = fresh(
                format,
                vec![
                    record("a", 1.0, None),
                    record("b", 2.5, odd),
                    record("c", 3.0, None),
                    record("d", 4.0, odd),
                ],
            );
            assert_eq!(file_len(format, &before_rows), before.len() as u64);
            let (want, want_rows) = fresh(
                format,
                vec![
                    record("x", 9.0, odd),
                    record("b", 2.5, odd),
                    record("d", 4.0, odd),
                    record("e", 5.0, None),
                ],
            );
            let rows = vec![
                Row::Fresh(record("x", 9.0, odd)),
                Row::Kept(1),
                Row::Kept(3),
                Row::Fresh(record("e", 5.0, None)),
            ];
            let mut file = &before[..];
            let earlier = Earlier {
                file: &mut file,
                rows: &before_rows,
            };
            let mut got = Vec::new();
            let got_rows =
                write_rows(format, rows.into_iter().map(Ok), Some(earlier), &mut got).unwrap();
            assert_eq!(
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(&want),
                "{format:?}"
            );
            assert_eq!(got_rows, want_rows);
            assert_eq!(file_len(format, &got_rows), got.len() as u64);

            // Rows are copied in one pass: one before a row copied already is an error.
            let mut file = &before[..];
            let earlier = Earlier {
                file: &mut file,
                rows: &before_rows,
            };
            let back = [Row::Kept(2), Row::Kept(1)].into_iter();
            assert!(write_rows(
                format,
                back.into_iter().map(Ok),
                Some(earlier),
                &mut Vec::new()
            )
            .is_err());
        }
    }

    #[test]
    fn an_empty_file_has_its_header_or_brackets() {
        let (csv, _) = fresh(Format::Csv, Vec::new());
        assert!(String::from_utf8(csv.clone())
            .unwrap()
            .starts_with("locality,locality_name,"));
        assert_eq!(file_len(Format::Csv, &[]), csv.len() as u64);
        let (json, _) = fresh(Format::Json, Vec::new());
        assert_eq!(json, b"[\n]\n");
        assert_eq!(file_len(Format::Json, &[]), 4);
    }
}
