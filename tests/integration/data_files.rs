//! The data files of OUTPUT.md (`du-lieu/chi-tieu.json`, `chi-tieu.csv`, `datapackage.json`)
//! built from the fixture archive tests/fixtures/basic, checked record by record and field by
//! field.

use std::fs;

use crate::util::{read_data, Data, Site};
use serde_json::{json, Value};

/// The columns of chi-tieu.csv, in order (OUTPUT.md, "Data files").
const COLUMNS: &[&str] = &[
    "locality",
    "locality_name",
    "term",
    "indicator",
    "indicator_name",
    "period",
    "kind",
    "qualifier",
    "basis",
    "value",
    "value_max",
    "unit",
    "value_in_indicator_unit",
    "indicator_unit",
    "article",
    "article_date",
    "url",
    "quote",
];

const NUMBER_COLUMNS: &[&str] = &["value", "value_max", "value_in_indicator_unit"];

fn indicator_name(id: &str) -> &'static str {
    match id {
        "thu-ngan-sach" => "Thu ngân sách nhà nước trên địa bàn",
        "von-dau-tu" => "Tổng vốn đầu tư phát triển",
        "tang-truong" => "Tốc độ tăng trưởng giá trị sản xuất",
        "xuat-khau" => "Giá trị xuất khẩu",
        "lao-dong" => "Số lao động được giải quyết việc làm",
        other => panic!("no indicator {other}"),
    }
}

fn locality_name(id: &str) -> &'static str {
    match id {
        "thanh-hoa" => "Tỉnh Thanh Hóa",
        "dong-son" => "Huyện Đông Sơn",
        "dong-tien" => "Xã Đông Tiến",
        "yen-bai" => "Tỉnh Yên Bái",
        other => panic!("no locality {other}"),
    }
}

fn article_date(slug: &str) -> &'static str {
    match slug {
        "dong-son-fm" => "2020-01-07",
        "dong-son-inline" => "2020-02-10",
        "ban-nhap" => "2020-03-01",
        "xa-dong-tien" => "2020-04-02",
        "thanh-hoa-yen-bai" => "2020-08-20",
        "cuoi-nhiem-ky" => "2020-09-30",
        "dong-son-quy-4" => "2020-10-15",
        "dong-son-hdnd" => "2020-12-10",
        "truoc-nhiem-ky" => "2014-05-01",
        other => panic!("no article {other}"),
    }
}

/// One expected record; the names, date and address follow from the ids.
#[allow(clippy::too_many_arguments)]
fn rec(
    locality: &str,
    term: Option<&str>,
    indicator: &str,
    period: &str,
    kind: &str,
    qualifier: Option<&str>,
    (value, value_max, unit): (f64, Option<f64>, &str),
    (converted, indicator_unit): (f64, &str),
    article: &str,
    quote: Option<&str>,
) -> Value {
    json!({
        "locality": locality,
        "locality_name": locality_name(locality),
        "term": term,
        "indicator": indicator,
        "indicator_name": indicator_name(indicator),
        "period": period,
        "kind": kind,
        "qualifier": qualifier,
        "basis": if kind == "target" { json!("plan") } else { Value::Null },
        "value": value,
        "value_max": value_max,
        "unit": unit,
        "value_in_indicator_unit": converted,
        "indicator_unit": indicator_unit,
        "article": article,
        "article_date": article_date(article),
        "url": format!("https://example.org/luu-tru/bai-viet/{article}/"),
        "quote": quote,
    })
}

const T1520: Option<&str> = Some("2015-2020");
const T2025: Option<&str> = Some("2020-2025");
const HDND: Option<&str> = Some("hdnd-2016-2021");

const Q_LAO_DONG: &str =
    "Giải quyết việc làm cho 4.500 lao động, trong đó \"lao động nữ\" chiếm 40%.";
const Q_THU: &str = "Thu ngân sách đạt 507,8 tỷ đồng theo kế hoạch.";
const Q_VON: &str = "Vốn đầu tư phát triển 5 nghìn tỷ đồng.";
const Q_TANG: &str = "Tốc độ tăng trưởng 10 - 11%.";
const Q_XK: &str = "Xuất khẩu đạt 45 triệu USD trở lên.";

/// The draft's only record (content/2020/03/ban-nhap.md), built only with --drafts.
fn draft_record() -> Value {
    rec(
        "dong-son",
        T1520,
        "xuat-khau",
        "2020",
        "actual",
        None,
        (40.0, None, "nghìn USD"),
        (40.0, "nghìn USD"),
        "ban-nhap",
        None,
    )
}

/// Every record of the fixture, in the published order: locality, indicator, period,
/// kind (target, actual, estimate), then article date. With `drafts`, the draft's record.
#[rustfmt::skip]
fn expected(drafts: bool) -> Vec<Value> {
    let mut v = vec![
        // ---- dong-son. dong-son-fm (front matter, 2020-01-07, term 2015-2020 by date) and
        // dong-son-inline (the same figures annotated inline, with `defaults`).
        // "4.500" is a Vietnamese number string: 4500. Unit defaults to the catalogue's.
        rec("dong-son", T1520, "lao-dong", "2020", "target", None, (4500.0, None, "lao động"), (4500.0, "lao động"), "dong-son-fm", Some(Q_LAO_DONG)),
        rec("dong-son", T1520, "lao-dong", "2020", "target", None, (4500.0, None, "lao động"), (4500.0, "lao động"), "dong-son-inline", Some(Q_LAO_DONG)),
        // A range "10 - 11": value 10, value_max 11.
        rec("dong-son", T1520, "tang-truong", "2020", "target", None, (10.0, Some(11.0), "%"), (10.0, "%"), "dong-son-fm", Some(Q_TANG)),
        rec("dong-son", T1520, "tang-truong", "2020", "target", None, (10.0, Some(11.0), "%"), (10.0, "%"), "dong-son-inline", Some(Q_TANG)),
        // CRLF + BOM file dated 2020-09-30 17:00 (+07:00): the last day of 2015-2020.
        rec("dong-son", T1520, "tang-truong", "2020", "estimate", None, (6.2, None, "%"), (6.2, "%"), "cuoi-nhiem-ky", Some("Ước tăng trưởng năm 2020 đạt 6,2%.")),
        // Bundle <slug>/index.md with an explicit article term hdnd-2016-2021, whose years
        // (2016-2021) contain 2021: the article's term wins over 2020-2025 (first in file order).
        rec("dong-son", HDND, "tang-truong", "2021", "target", None, (9.0, None, "%"), (9.0, "%"), "dong-son-hdnd", Some("Kỳ họp thông qua chỉ tiêu tăng trưởng 9% cho năm 2021.")),
        // Dated 2020-10-15: in 2020-2025 and hdnd-2016-2021; the first in file order is
        // 2020-2025. No term's years contain 2031, so the value takes the article's term.
        rec("dong-son", T2025, "tang-truong", "2031", "target", None, (8.0, None, "%"), (8.0, "%"), "dong-son-quy-4", Some("Huyện hướng tới tốc độ tăng trưởng 8% vào năm 2031.")),
        rec("dong-son", T1520, "tang-truong", "2031", "estimate", None, (8.5, None, "%"), (8.5, "%"), "cuoi-nhiem-ky", None),
        // "1.234,5" with an explicit value term.
        rec("dong-son", HDND, "thu-ngan-sach", "2019", "actual", None, (1234.5, None, "tỷ đồng"), (1234.5, "tỷ đồng"), "dong-son-fm", None),
        // "507,8": decimal comma.
        rec("dong-son", T1520, "thu-ngan-sach", "2020", "target", None, (507.8, None, "tỷ đồng"), (507.8, "tỷ đồng"), "dong-son-fm", Some(Q_THU)),
        rec("dong-son", T1520, "thu-ngan-sach", "2020", "target", None, (507.8, None, "tỷ đồng"), (507.8, "tỷ đồng"), "dong-son-inline", Some(Q_THU)),
        // 5 nghìn tỷ đồng in a tỷ đồng indicator: 5000.
        rec("dong-son", T1520, "von-dau-tu", "2020", "target", None, (5.0, None, "nghìn tỷ đồng"), (5000.0, "tỷ đồng"), "dong-son-fm", Some(Q_VON)),
        rec("dong-son", T1520, "von-dau-tu", "2020", "target", None, (5.0, None, "nghìn tỷ đồng"), (5000.0, "tỷ đồng"), "dong-son-inline", Some(Q_VON)),
        // triệu USD in a nghìn USD indicator; "trở lên" / qualifier: at_least.
        rec("dong-son", T1520, "xuat-khau", "2020", "target", Some("at_least"), (45.0, None, "triệu USD"), (45000.0, "nghìn USD"), "dong-son-fm", Some(Q_XK)),
        rec("dong-son", T1520, "xuat-khau", "2020", "target", Some("at_least"), (45.0, None, "triệu USD"), (45000.0, "nghìn USD"), "dong-son-inline", Some(Q_XK)),
        // ---- dong-tien. A value-level locality that descends from the article's thanh-hoa.
        rec("dong-tien", T1520, "thu-ngan-sach", "2020", "actual", None, (300.0, None, "tỷ đồng"), (300.0, "tỷ đồng"), "thanh-hoa-yen-bai", None),
        // The NFD file (name, text, unit, quote with combining marks): NFC out, slug folded.
        rec("dong-tien", T1520, "xuat-khau", "2020", "actual", None, (1.2, None, "triệu USD"), (1200.0, "nghìn USD"), "xa-dong-tien", Some("Xuất khẩu của xã đạt 1,2 triệu USD.")),
        // Article term 2015-2020 does not contain 2021: the first term whose years do.
        rec("dong-tien", T2025, "xuat-khau", "2021", "target", None, (2.0, None, "triệu USD"), (2000.0, "nghìn USD"), "xa-dong-tien", Some("Năm 2021 phấn đấu xuất khẩu 2 triệu USD.")),
        // ---- thanh-hoa: the first of the article's `locality: [thanh-hoa, yen-bai]`.
        // No term's years contain 2026-2030: the article's term.
        rec("thanh-hoa", T1520, "lao-dong", "2026-2030", "target", None, (1950.0, None, "lao động"), (1950.0, "lao động"), "thanh-hoa-yen-bai", Some("Giai đoạn 2026-2030 giải quyết việc làm cho 1.950 lao động.")),
        // "trên 22%": qualifier over.
        rec("thanh-hoa", T2025, "tang-truong", "2024", "target", Some("over"), (22.0, None, "%"), (22.0, "%"), "thanh-hoa-yen-bai", Some("Tỉnh Thanh Hóa phấn đấu tốc độ tăng trưởng trên 22% vào năm 2024.")),
        // "khoảng 1.000 tỷ đồng": qualifier about.
        rec("thanh-hoa", T1520, "thu-ngan-sach", "2020", "estimate", Some("about"), (1000.0, None, "tỷ đồng"), (1000.0, "tỷ đồng"), "thanh-hoa-yen-bai", Some("Ước thu ngân sách năm 2020 đạt khoảng 1.000 tỷ đồng.")),
        // ---- yen-bai. Published before any term: no term at all.
        // The second locality of the article's list, as the value's `locality`.
        rec("yen-bai", T2025, "tang-truong", "2021", "target", None, (7.5, None, "%"), (7.5, "%"), "thanh-hoa-yen-bai", None),
    ];
    if drafts {
        // After the two targets for dong-son / xuat-khau / 2020: an actual sorts after them.
        let at = v
            .iter()
            .rposition(|r| r["locality"] == "dong-son" && r["indicator"] == "xuat-khau")
            .unwrap();
        v.insert(at + 1, draft_record());
    }
    v
}

/// Build the fixture into a fresh output folder.
fn build(drafts: bool) -> (Site, Data) {
    let site = Site::new("basic");
    let args: &[&str] = if drafts { &["--drafts"] } else { &[] };
    site.build(args).assert_ok();
    let data = read_data(&site.out);
    (site, data)
}

fn describe(r: &Value) -> String {
    format!(
        "{}/{}/{}/{} from {}",
        r["locality"], r["indicator"], r["period"], r["kind"], r["article"]
    )
}

/// Compare one field of a JSON record with its expected value: numbers as numbers.
fn assert_field(i: usize, field: &str, got: &Value, want: &Value, record: &Value) {
    if NUMBER_COLUMNS.contains(&field) && !want.is_null() {
        assert!(
            got.is_number(),
            "record {i} ({}): `{field}` must be a JSON number, got {got}",
            describe(record)
        );
        assert_eq!(
            got.as_f64(),
            want.as_f64(),
            "record {i} ({}): `{field}`",
            describe(record)
        );
    } else {
        assert_eq!(got, want, "record {i} ({}): `{field}`", describe(record));
    }
}

fn assert_records(got: &[Value], want: &[Value]) {
    let summary = |v: &[Value]| v.iter().map(describe).collect::<Vec<_>>().join("\n");
    assert_eq!(
        got.len(),
        want.len(),
        "number of records\ngot:\n{}\nwant:\n{}",
        summary(got),
        summary(want)
    );
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let keys: Vec<&String> = g.as_object().unwrap().keys().collect();
        let mut sorted_cols: Vec<&str> = COLUMNS.to_vec();
        sorted_cols.sort();
        assert_eq!(
            keys, sorted_cols,
            "record {i} has exactly the fields of OUTPUT.md"
        );
        for field in COLUMNS {
            assert_field(i, field, &g[*field], &w[*field], g);
        }
    }
}

#[test]
fn json_records_field_by_field() {
    let (_site, data) = build(false);
    assert_records(&data.json, &expected(false));
}

#[test]
fn json_keeps_fields_in_column_order() {
    let (site, _) = build(false);
    let text = fs::read_to_string(site.out.join("du-lieu/chi-tieu.json")).unwrap();
    let first = text.find('{').unwrap();
    let mut last = 0;
    for col in COLUMNS {
        let at = text[first..]
            .find(&format!("\"{col}\":"))
            .unwrap_or_else(|| panic!("{col} in the first record"));
        assert!(at >= last, "`{col}` is out of order in chi-tieu.json");
        last = at;
    }
}

#[test]
fn drafts_are_excluded_without_the_flag_and_included_with_it() {
    let (_site, data) = build(false);
    assert!(
        !data.json.iter().any(|r| r["article"] == "ban-nhap"),
        "a draft is not published without --drafts"
    );
    assert!(!data.csv_text.contains("ban-nhap"));

    let (_site, data) = build(true);
    assert_records(&data.json, &expected(true));
    assert_csv_matches_json(&data);
}

#[test]
fn front_matter_and_inline_values_give_the_same_records() {
    let (_site, data) = build(false);
    let fm: Vec<&Value> = data
        .json
        .iter()
        .filter(|r| r["article"] == "dong-son-fm" && r["period"] == "2020")
        .collect();
    let inline: Vec<&Value> = data
        .json
        .iter()
        .filter(|r| r["article"] == "dong-son-inline")
        .collect();
    assert_eq!(fm.len(), 5, "five front-matter values for 2020");
    assert_eq!(inline.len(), 5, "five inline values");
    for (a, b) in fm.iter().zip(&inline) {
        for field in COLUMNS {
            if ["article", "article_date", "url"].contains(field) {
                continue;
            }
            assert_eq!(
                a[*field],
                b[*field],
                "`{field}` of {} (front matter) and its inline twin",
                describe(a)
            );
        }
    }
}

#[test]
fn value_to_term_rule() {
    let (_site, data) = build(false);
    let term = |article: &str, indicator: &str, period: &str| -> Value {
        let found: Vec<&Value> = data
            .json
            .iter()
            .filter(|r| {
                r["article"] == article && r["indicator"] == indicator && r["period"] == period
            })
            .collect();
        assert_eq!(found.len(), 1, "{article}/{indicator}/{period}");
        found[0]["term"].clone()
    };
    // 1. The value's own `term`.
    assert_eq!(
        term("dong-son-fm", "thu-ngan-sach", "2019"),
        "hdnd-2016-2021"
    );
    // 2. The article's term (derived from the date) when its years contain the period.
    assert_eq!(term("dong-son-fm", "von-dau-tu", "2020"), "2015-2020");
    // 2'. The article's explicit term when its years contain the period, even though
    // 2020-2025 comes first in terms.yaml and also covers 2021.
    assert_eq!(
        term("dong-son-hdnd", "tang-truong", "2021"),
        "hdnd-2016-2021"
    );
    // 3. Else the first term, in file order, whose years contain it (2020-2025 before
    // hdnd-2016-2021, both cover 2021).
    assert_eq!(
        term("thanh-hoa-yen-bai", "tang-truong", "2021"),
        "2020-2025"
    );
    assert_eq!(term("xa-dong-tien", "xuat-khau", "2021"), "2020-2025");
    // 4. Else the article's term.
    assert_eq!(
        term("thanh-hoa-yen-bai", "lao-dong", "2026-2030"),
        "2015-2020"
    );
    assert_eq!(term("dong-son-quy-4", "tang-truong", "2031"), "2020-2025");
    // Derived from the date: 2020-09-30 17:00 is still the last day of 2015-2020.
    assert_eq!(term("cuoi-nhiem-ky", "tang-truong", "2031"), "2015-2020");
    // A value in no term at all is an error (tests/broken.rs), so every record has a term.
    assert!(data.json.iter().all(|r| r["term"].is_string()));
}

/// A JSON value as the CSV writes it: null as empty, numbers compared as numbers.
fn csv_cell_matches(cell: &str, v: &Value) -> bool {
    match v {
        Value::Null => cell.is_empty(),
        Value::String(s) => cell == s,
        Value::Number(n) => cell.parse::<f64>().ok() == n.as_f64(),
        other => panic!("unexpected JSON value {other}"),
    }
}

fn assert_csv_matches_json(data: &Data) {
    assert_eq!(data.csv_header, COLUMNS, "CSV header: the columns in order");
    assert_eq!(
        data.csv_rows.len(),
        data.json.len(),
        "CSV and JSON hold the same number of records"
    );
    for (i, (row, rec)) in data.csv_rows.iter().zip(&data.json).enumerate() {
        assert_eq!(row.len(), COLUMNS.len(), "CSV row {i} has every column");
        for (cell, col) in row.iter().zip(COLUMNS) {
            assert!(
                csv_cell_matches(cell, &rec[*col]),
                "CSV row {i} ({}): `{col}` is {cell:?}, JSON has {}",
                describe(rec),
                rec[*col]
            );
        }
    }
}

#[test]
fn csv_holds_the_json_records_in_the_same_order() {
    let (_site, data) = build(false);
    assert_csv_matches_json(&data);
}

#[test]
fn csv_is_rfc4180() {
    let (_site, data) = build(false);
    let text = &data.csv_text;
    assert!(!text.starts_with('\u{feff}'), "no BOM in the CSV");
    // Header row, exactly.
    assert!(
        text.starts_with(&format!("{}\r\n", COLUMNS.join(","))),
        "header row then CRLF"
    );
    // Every record line ends with CRLF; no bare LF.
    assert_eq!(
        text.matches('\n').count(),
        text.matches("\r\n").count(),
        "lines end with CRLF"
    );
    assert!(text.ends_with("\r\n"));
    // A field with a comma and double quotes is quoted, its quotes doubled.
    let line = "dong-son,Huyện Đông Sơn,2015-2020,lao-dong,Số lao động được giải quyết việc làm,\
2020,target,,plan,4500,,lao động,4500,lao động,dong-son-fm,2020-01-07,\
https://example.org/luu-tru/bai-viet/dong-son-fm/,\
\"Giải quyết việc làm cho 4.500 lao động, trong đó \"\"lao động nữ\"\" chiếm 40%.\"\r\n";
    assert!(
        text.contains(line),
        "the record with a comma and quotes in its quote:\n{text}"
    );
    // A quote with a comma but no double quote is quoted too; plain fields are not.
    assert!(text.contains(",\"Thu ngân sách đạt 507,8 tỷ đồng theo kế hoạch.\"\r\n"));
    assert!(text.contains(",Vốn đầu tư phát triển 5 nghìn tỷ đồng.\r\n"));
    // And the csv crate reads the quote back as written.
    let quote_col = COLUMNS.iter().position(|c| *c == "quote").unwrap();
    assert_eq!(data.csv_rows[0][quote_col], Q_LAO_DONG);
}

#[test]
fn records_are_ordered_by_locality_indicator_period_kind_date() {
    let (_site, data) = build(true);
    let kind_rank = |k: &str| match k {
        "target" => 0,
        "actual" => 1,
        "estimate" => 2,
        other => panic!("kind {other}"),
    };
    let period = |p: &str| -> (i32, i32) {
        match p.split_once('-') {
            Some((a, b)) => (a.parse().unwrap(), b.parse().unwrap()),
            None => (p.parse().unwrap(), p.parse().unwrap()),
        }
    };
    let key = |r: &Value| {
        (
            r["locality"].as_str().unwrap().to_string(),
            r["indicator"].as_str().unwrap().to_string(),
            period(r["period"].as_str().unwrap()),
            kind_rank(r["kind"].as_str().unwrap()),
            r["article_date"].as_str().unwrap().to_string(),
        )
    };
    for w in data.json.windows(2) {
        assert!(
            key(&w[0]) <= key(&w[1]),
            "{} sorts before {}",
            describe(&w[0]),
            describe(&w[1])
        );
    }
}

#[test]
fn nfd_input_gives_nfc_text_and_the_same_slug() {
    // Guard: the fixture really is NFD (an editor or a copy must not have normalised it).
    let dir = crate::util::fixture("basic").join("content/2020/04");
    let name = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .find(|n| n.ends_with(".md"))
        .unwrap();
    assert!(
        name.contains('\u{0303}'),
        "the file name holds combining marks"
    );
    let text = fs::read_to_string(dir.join(&name)).unwrap();
    assert!(text.contains("\u{0300}") || text.contains("\u{0301}"));
    assert!(
        !text.contains('ấ') && !text.contains('ố'),
        "no precomposed letters"
    );

    let (_site, data) = build(false);
    let nfd: Vec<&Value> = data
        .json
        .iter()
        .filter(|r| r["article"] == "xa-dong-tien")
        .collect();
    assert_eq!(
        nfd.len(),
        2,
        "the NFD file name folds to the slug xa-dong-tien"
    );
    for r in &nfd {
        for field in COLUMNS {
            if let Some(s) = r[*field].as_str() {
                assert!(
                    !s.chars().any(|c| ('\u{0300}'..='\u{036f}').contains(&c)),
                    "`{field}` is NFC: {s:?}"
                );
            }
        }
        // The registry name was written NFD too.
        assert_eq!(r["locality_name"], "Xã Đông Tiến");
    }
}

#[test]
fn nfd_and_nfc_file_names_slug_alike() {
    // Two files whose names differ only in normalisation are one slug: a collision.
    let site = Site::new("basic");
    let body = "---\ntitle: Báo cáo\ndate: 2021-01-05\nlocality: dong-son\n---\nx\n";
    site.write("content/2021/báo-cáo.md", body);
    site.write("content/2021/ba\u{0301}o-ca\u{0301}o.md", body);
    let run = site.build(&[]);
    run.assert_failed();
    assert!(
        run.stderr.contains("the slug `bao-cao` is also used by"),
        "{}",
        run.stderr
    );
}

#[test]
fn crlf_and_bom_are_read_like_lf() {
    // Guard: the fixture really has a BOM and CRLF line ends.
    let bytes =
        fs::read(crate::util::fixture("basic").join("content/2020/09/cuoi-nhiem-ky.md")).unwrap();
    assert!(bytes.starts_with(b"\xef\xbb\xbf---\r\n"));
    let (_site, data) = build(false);
    let recs: Vec<&Value> = data
        .json
        .iter()
        .filter(|r| r["article"] == "cuoi-nhiem-ky")
        .collect();
    assert_eq!(recs.len(), 2);
    for r in recs {
        for field in COLUMNS {
            if let Some(s) = r[*field].as_str() {
                assert!(
                    !s.contains('\r') && !s.contains('\u{feff}'),
                    "`{field}` {s:?}"
                );
            }
        }
    }
}

#[test]
fn datapackage_is_a_tabular_data_package() {
    let (_site, data) = build(false);
    let p = &data.package;
    assert_eq!(p["profile"], "tabular-data-package");
    let name = p["name"].as_str().expect("a name");
    assert!(
        !name.is_empty()
            && name.bytes().all(|b| b.is_ascii_lowercase()
                || b.is_ascii_digit()
                || b == b'.'
                || b == b'_'
                || b == b'-'),
        "name {name:?} matches ^[a-z0-9._-]+$"
    );
    let resources = p["resources"].as_array().expect("resources");
    assert!(!resources.is_empty());
    let r = &resources[0];
    assert_eq!(r["path"], "chi-tieu.csv");
    assert_eq!(r["profile"], "tabular-data-resource");
    let rname = r["name"].as_str().expect("a resource name");
    assert!(rname
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b)));
    let fields = r["schema"]["fields"].as_array().expect("schema.fields");
    let names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(names, data.csv_header, "schema fields in CSV header order");
    for f in fields {
        let n = f["name"].as_str().unwrap();
        let want = if NUMBER_COLUMNS.contains(&n) {
            "number"
        } else if n == "article_date" {
            "date"
        } else {
            "string"
        };
        assert_eq!(f["type"], want, "type of `{n}`");
    }
    // Values of date fields are ISO dates, as a `date` field requires.
    let col = COLUMNS.iter().position(|c| *c == "article_date").unwrap();
    for row in &data.csv_rows {
        let d = &row[col];
        assert!(
            d.len() == 10 && chrono_like_date(d),
            "article_date {d:?} is YYYY-MM-DD"
        );
    }
}

fn chrono_like_date(s: &str) -> bool {
    let b = s.as_bytes();
    b[4] == b'-'
        && b[7] == b'-'
        && s.bytes()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

#[test]
fn check_accepts_the_good_fixture_and_writes_nothing() {
    let site = Site::new("basic");
    let before = crate::util::snapshot(site.tmp.path());
    let run = site.check(&[]);
    run.assert_ok();
    crate::util::assert_same_tree(&before, &crate::util::snapshot(site.tmp.path()), "check");
}
