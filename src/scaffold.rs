//! `bantin init` and `bantin new`: start an archive that builds at once (settings, the three
//! registries with a few entries, one example bulletin with a front-matter and an inline
//! figure; the default theme is built in), and start a bulletin with its front matter filled
//! at `content/<year>/<slug-of-title>.md`.

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, Utc};

use crate::diagnostics::{did_you_mean, Diagnostic, Diagnostics};
use crate::load::yaml::quoted;
use crate::load::{article, registries, settings};
use crate::vi;

const SITE_TOML: &str = r#"# Settings of the archive: see the content format (CONTENT.md).
title = "Lưu trữ bản tin"
base_url = "https://example.org/"
language = "vi"
description = "Lưu trữ các bản tin kinh tế - xã hội của chính quyền địa phương."
# theme = "default"          # themes/<theme>; the default theme is built in
# output_dir = "public"
# timezone = "+07:00"        # for dates written without an offset
# relative_urls = false      # true: the output opens from file://
per_page = 20
# home_pages = 10            # pages of the latest bulletins on the home page; 0: all
"#;

const LOCALITIES: &str = r#"# Administrative units the bulletins are about: a flat list, the hierarchy from `parent`.
# kind: tỉnh, thành phố trực thuộc trung ương, thành phố, thị xã, quận, huyện, phường, xã,
# thị trấn, đặc khu.

- id: yen-bai
  name: Yên Bái
  kind: tỉnh
  code: "15"

- id: tp-yen-bai
  name: Yên Bái
  kind: thành phố
  parent: yen-bai
  aliases: [TP Yên Bái]

- id: au-lau
  name: Âu Lâu
  kind: xã
  parent: tp-yen-bai
"#;

const TERMS: &str = r#"# Terms of office and plan periods. A bulletin without `term` takes the first entry, in
# this order, whose start..end holds its date.

- id: "2015-2020"
  name: "Nhiệm kỳ 2015–2020"
  body: Đảng bộ
  start: 2015-10-01
  end: 2020-09-30
  years: "2016-2020"

- id: "2020-2025"
  name: "Nhiệm kỳ 2020–2025"
  body: Đảng bộ
  start: 2020-10-01
  end: 2025-09-30
  years: "2021-2025"

- id: "2025-2030"
  name: "Nhiệm kỳ 2025–2030"
  body: Đảng bộ
  start: 2025-10-01
  end: 2030-09-30
  years: "2026-2030"
"#;

const INDICATORS: &str = r#"# The catalogue of indicators. direction: up (higher is better), down, or none.

- id: thu-ngan-sach
  name: Thu ngân sách nhà nước trên địa bàn
  short: Thu ngân sách
  unit: tỷ đồng
  category: Kinh tế
  direction: up

- id: tang-truong
  name: Tốc độ tăng trưởng giá trị sản xuất
  short: Tăng trưởng
  unit: "%"
  category: Kinh tế
  direction: up

- id: ty-le-ho-ngheo
  name: Tỷ lệ hộ nghèo
  short: Hộ nghèo
  unit: "%"
  category: Xã hội
  direction: down
"#;

const EXAMPLE_PATH: &str = "content/2021/tp-yen-bai-ke-hoach-2021.md";

const EXAMPLE: &str = r#"---
title: "Thành phố Yên Bái giao chỉ tiêu kế hoạch năm 2021"
date: 2021-01-15
locality: tp-yen-bai
topics: [Kế hoạch kinh tế - xã hội, Thu ngân sách]
indicators:
  - id: thu-ngan-sach
    value: 620
    period: 2021
    kind: target
    quote: "Thu ngân sách nhà nước trên địa bàn phấn đấu đạt 620 tỷ đồng"
---
UBND thành phố Yên Bái giao chỉ tiêu kế hoạch phát triển kinh tế - xã hội năm 2021 cho các
phòng, ban chuyên môn và các xã, phường.

Thu ngân sách nhà nước trên địa bàn phấn đấu đạt 620 tỷ đồng; tốc độ tăng trưởng giá trị sản
xuất [trên 9%](ind:tang-truong?period=2021&kind=target&qualifier=over).

*Đây là bản tin mẫu do `bantin init` tạo: sửa hoặc xoá nó, rồi thêm bản tin bằng `bantin new`.*
"#;

/// `bantin init DIR`: write a new archive into `dir`, which must be missing or empty.
/// Returns the files written, relative to `dir`.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err(Diagnostic::new(dir, "this exists and is not a folder")
                .help("choose a new or empty folder: `bantin init my-archive`"));
        }
        let mut entries = std::fs::read_dir(dir)
            .map_err(|e| Diagnostic::new(dir, format!("cannot read the folder: {e}")))?;
        if entries.next().is_some() {
            return Err(Diagnostic::new(
                dir,
                "the folder is not empty; refusing to write a new archive into it",
            )
            .help("choose a new or empty folder: `bantin init my-archive`"));
        }
    }
    let files: [(&str, &str); 5] = [
        (settings::FILE, SITE_TOML),
        (registries::LOCALITIES, LOCALITIES),
        (registries::TERMS, TERMS),
        (registries::INDICATORS, INDICATORS),
        (EXAMPLE_PATH, EXAMPLE),
    ];
    let mut written = Vec::new();
    for (rel, text) in files {
        let path = dir.join(rel);
        crate::load::source::write_atomic(&path, text.as_bytes(), false)
            .map_err(|e| Diagnostic::new(&path, format!("cannot write: {e}")))?;
        written.push(PathBuf::from(rel));
    }
    Ok(written)
}

/// What `bantin new` is asked for.
#[derive(Debug, Clone)]
pub struct NewBulletin {
    pub title: String,
    pub locality: String,
    /// A front-matter date; today (in the site's time zone) when absent.
    pub date: Option<String>,
}

/// `--locality` of `bantin new`, checked against the site's registry.
fn checked_locality(root: &Path, locality: &str) -> Result<String, Diagnostics> {
    let mut errors = Vec::new();
    let (_, localities) = registries::localities(root, &mut errors);
    if !errors.is_empty() {
        return Err(Diagnostics::from_iter(errors));
    }
    let Some(localities) = localities else {
        return Err(
            Diagnostic::new(registries::LOCALITIES, "the localities registry is missing")
                .help("create content/localities.yaml (`bantin init` writes an example)")
                .into(),
        );
    };
    let locality = locality.trim();
    if localities.find(locality).is_none() {
        let ids: Vec<&str> = localities
            .ids()
            .map(|l| localities.get(l).id.as_str())
            .collect();
        let help = match did_you_mean(locality, &ids) {
            Some(k) => format!("did you mean `{k}`?"),
            None if ids.is_empty() => "content/localities.yaml lists no units yet".to_string(),
            None => format!(
                "use an `id` of content/localities.yaml, such as {}",
                ids.iter()
                    .take(5)
                    .map(|i| format!("`{i}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        return Err(
            Diagnostic::new("--locality", format!("no locality has the id `{locality}`"))
                .help(help)
                .into(),
        );
    }
    Ok(locality.to_string())
}

/// `bantin new`: write a bulletin into the archive at `root`; returns its path (under `root`).
pub fn new_bulletin(root: &Path, req: &NewBulletin) -> Result<PathBuf, Diagnostics> {
    let settings = settings::load(root)?;
    let title = vi::nfc(req.title.trim()).into_owned();
    if title.is_empty() {
        return Err(Diagnostic::new("title", "the title is empty")
            .help("give the title in quotes: bantin new \"Tiêu đề bản tin\" --locality ID")
            .into());
    }
    if title.contains(['\n', '\r']) {
        return Err(Diagnostic::new("title", "the title has a line break")
            .help("write the title on one line")
            .into());
    }
    let slug = vi::slugify(&title);
    if slug.is_empty() {
        return Err(Diagnostic::new(
            "title",
            "the title has no letters or digits to make a file name from",
        )
        .into());
    }

    let locality = checked_locality(root, &req.locality)?;
    let (date_text, year) = match &req.date {
        Some(d) => match article::parse_date(d, settings.timezone) {
            Some(parsed) => (d.trim().to_string(), parsed.year()),
            None => {
                return Err(Diagnostic::new("--date", format!("`{d}` is not a date"))
                    .help("write YYYY-MM-DD, YYYY-MM-DD HH:MM or an RFC 3339 date-time")
                    .into())
            }
        },
        None => {
            let today: NaiveDate = Utc::now().with_timezone(&settings.timezone).date_naive();
            (today.format("%Y-%m-%d").to_string(), today.year())
        }
    };

    let rel = PathBuf::from("content")
        .join(year.to_string())
        .join(format!("{slug}.md"));
    let path = root.join(&rel);
    if path.exists() {
        return Err(
            Diagnostic::new(&rel, "a bulletin already exists at this path")
                .help("give the new bulletin another title, or edit the existing file")
                .into(),
        );
    }
    let indicator = registries::indicators(root, &mut Vec::new())
        .1
        .and_then(|i| i.all.first().map(|x| (x.id.clone(), x.unit.clone())))
        .unwrap_or_else(|| ("thu-ngan-sach".into(), "tỷ đồng".into()));
    let text = format!(
        "---\ntitle: {title}\ndate: {date}\nlocality: {locality}\ntopics: []\n\
         # summary: \"…\"\n\
         # indicators:\n\
         #   - id: {ind}\n\
         #     value: 100\n\
         #     unit: {unit}\n\
         #     period: {year}\n\
         #     kind: target\n\
         ---\n\nNội dung bản tin.\n",
        title = quoted(&title),
        date = date_text,
        ind = indicator.0,
        unit = indicator.1,
    );
    let io_err =
        |e: std::io::Error| Diagnostics::from(Diagnostic::new(&rel, format!("cannot write: {e}")));
    // Never replace a file that appeared meanwhile; never leave half a file.
    crate::load::source::write_atomic(&path, text.as_bytes(), false).map_err(io_err)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_titles() {
        assert_eq!(quoted("a \"b\" \\ c"), "\"a \\\"b\\\" \\\\ c\"");
    }

    #[test]
    fn init_refuses_a_non_empty_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x"), "").unwrap();
        assert!(init(dir.path()).unwrap_err().message.contains("not empty"));
    }
}
