//! Tables that tell the truth: several targets of one figure told apart by their basis,
//! part-year progress kept apart from the year's result, and the data files that carry both.
//! Built from tests/fixtures/pages with three bulletins added for Đông Sơn, read back with
//! an HTML parser.

use std::sync::OnceLock;

use crate::util::pages::{build_copy, fixture_root, sel, text, Page, Table};
use crate::util::Site;

const PLAN_2018: &str = "---
title: Đông Sơn giao kế hoạch năm 2018
date: 2018-01-10
locality: dong-son
defaults: { period: 2018, kind: target }
---
Thu ngân sách được giao [500 tỷ đồng](ind:thu-ngan-sach).
";

const TARGETS_2018: &str = "---
title: Đông Sơn rà soát chỉ tiêu năm 2018
date: 2018-03-10
locality: dong-son
defaults: { period: 2018, kind: target }
---
Kế hoạch thu ngân sách [507,8 tỷ đồng](ind:thu-ngan-sach?basis=plan), nghị quyết đề ra [850 tỷ đồng](ind:thu-ngan-sach?basis=resolution), tỉnh giao [480 tỷ đồng](ind:thu-ngan-sach?basis=assigned). Tăng trưởng [10%](ind:tang-truong).
";

const PROGRESS_2018: &str = "---
title: Đông Sơn 9 tháng và cả năm 2018
date: 2019-01-20
locality: dong-son
---
Chín tháng thu ngân sách [400 tỷ đồng](ind:thu-ngan-sach?period=2018-M9&kind=actual), quý III tăng trưởng [8%](ind:tang-truong?period=2018-Q3&kind=actual), sáu tháng năm 2017 ước [7%](ind:tang-truong?period=2017-M6&kind=estimate). Cả năm 2018 thu [612,4 tỷ đồng](ind:thu-ngan-sach?period=2018&kind=actual).
";

fn site() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        build_copy(&fixture_root(), None, |root| {
            let dir = root.join("content/2018");
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("ke-hoach-2018.md"), PLAN_2018).unwrap();
            std::fs::write(dir.join("chi-tieu-2018.md"), TARGETS_2018).unwrap();
            std::fs::write(dir.join("tien-do-2018.md"), PROGRESS_2018).unwrap();
        })
    })
}

fn table(p: &Page) -> Table<'_> {
    Table::read(p.one("main table.indicators"))
}

/// (label, figure text) of each figure of a cell, in order.
fn figures(cell: scraper::ElementRef) -> Vec<(String, String)> {
    cell.select(&sel("a.fig"))
        .map(|a| {
            (
                text(a.select(&sel(".kind")).next().unwrap()),
                text(a.select(&sel("data")).next().unwrap()),
            )
        })
        .collect()
}

fn texts(cell: scraper::ElementRef, css: &str) -> Vec<String> {
    cell.select(&sel(css)).map(text).collect()
}

const TNS: &str = "Thu ngân sách nhà nước trên địa bàn";
const TT: &str = "Tốc độ tăng trưởng giá trị sản xuất";

#[test]
fn every_target_keeps_its_basis_and_the_verdict_is_against_the_plan() {
    let p = site().page("dia-phuong/dong-son/2015-2020/");
    let t = table(&p);
    let c = t.cell(TNS, "2018");
    // Six figures: the older plan gives way to the latest one; every basis stays, with the
    // actual and the part-year value.
    assert_eq!(
        figures(c),
        [
            ("KH".to_string(), "507,8 tỷ đồng".to_string()),
            ("NQ".to_string(), "850 tỷ đồng".to_string()),
            ("Giao".to_string(), "480 tỷ đồng".to_string()),
            ("TH".to_string(), "612,4 tỷ đồng".to_string()),
            ("TH 9 tháng".to_string(), "400 tỷ đồng".to_string()),
        ]
    );
    assert_eq!(texts(c, ".more"), ["+1"]);
    // Against the plan's 507,8 the result is met, not "72% không đạt" against the resolution.
    assert_eq!(c.value().attr("class"), Some("met"));
    assert_eq!(texts(c, ".share:not(.other)"), ["120,6% ✓ đạt"]);
    assert_eq!(texts(c, ".share.other"), ["NQ: 72%", "Giao: 127,6%"]);
    // The resolution's target says what it is on hover.
    let nq = c.select(&sel("a.fig")).nth(1).unwrap();
    assert!(
        nq.value()
            .attr("title")
            .unwrap()
            .contains("Kế hoạch (Nghị quyết)"),
        "{:?}",
        nq.value().attr("title")
    );
}

#[test]
fn part_year_values_are_progress_without_a_verdict() {
    let p = site().page("dia-phuong/dong-son/2015-2020/");
    let t = table(&p);
    // No column of its own: the 9 months sit in 2018's cell, after the year's verdict,
    // with their share of the year's plan (400 / 507,8).
    assert!(!t
        .columns
        .iter()
        .any(|c| c.contains('M') || c.contains("tháng")));
    let c = t.cell(TNS, "2018");
    let part = c.select(&sel("a.fig.part-year")).next().unwrap();
    assert_eq!(
        text(part.select(&sel(".kind")).next().unwrap()),
        "TH 9 tháng"
    );
    assert_eq!(texts(c, ".progress"), ["78,8%"]);
    // A rate's quarter: shown, compared with nothing, and never a verdict on its own.
    let c = t.cell(TT, "2018");
    assert_eq!(
        figures(c),
        [
            ("KH".to_string(), "10%".to_string()),
            ("TH Quý III".to_string(), "8%".to_string())
        ]
    );
    assert_eq!(c.value().attr("class"), None, "no verdict from a quarter");
    assert!(texts(c, ".share").is_empty());
    assert!(texts(c, ".progress").is_empty(), "no share of a rate");
    // A part-year estimate alone in its year.
    let c = t.cell(TT, "2017");
    assert_eq!(figures(c), [("Ước 6 tháng".to_string(), "7%".to_string())]);
    assert_eq!(c.value().attr("class"), None);
}

#[test]
fn the_indicator_page_and_its_chart_keep_parts_of_years_apart() {
    let p = site().page("chi-tieu/thu-ngan-sach/");
    let t = table(&p);
    assert!(t.columns.iter().any(|c| c == "2018"));
    assert!(!t.columns.iter().any(|c| c.contains("M9")));
    // The chart plots whole years only: one actual mark for 2018 (612,4), not 400.
    let marks: Vec<String> = p
        .all("svg.chart circle title")
        .into_iter()
        .map(text)
        .filter(|t| t.contains("2018"))
        .collect();
    assert!(!marks.is_empty(), "2018 is plotted");
    assert!(marks.iter().all(|m| !m.contains("400")), "{marks:?}");
}

#[test]
fn the_bulletin_page_names_parts_of_years_and_bases_in_words() {
    let p = site().page("bai-viet/tien-do-2018/");
    let rows = p.texts("main table tbody tr");
    assert!(rows.iter().any(|r| r.contains("9 tháng 2018")), "{rows:?}");
    assert!(rows.iter().any(|r| r.contains("Quý III 2018")), "{rows:?}");
    let p = site().page("bai-viet/chi-tieu-2018/");
    let rows = p.texts("main table tbody tr");
    assert!(
        rows.iter().any(|r| r.contains("Kế hoạch (Nghị quyết)")),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r.contains("Kế hoạch (Chỉ tiêu cấp trên giao)")),
        "{rows:?}"
    );
}

#[test]
fn the_data_files_carry_basis_and_part_year_periods_in_time_order() {
    let s = site();
    let json: Vec<serde_json::Value> =
        serde_json::from_str(&s.read_out("du-lieu/chi-tieu.json")).unwrap();
    let of = |ind: &str| -> Vec<(String, String, serde_json::Value)> {
        json.iter()
            .filter(|r| r["locality"] == "dong-son" && r["indicator"] == ind)
            .map(|r| {
                (
                    r["period"].as_str().unwrap().to_string(),
                    r["kind"].as_str().unwrap().to_string(),
                    r["basis"].clone(),
                )
            })
            .collect()
    };
    let tns = of("thu-ngan-sach");
    let periods: Vec<&str> = tns.iter().map(|r| r.0.as_str()).collect();
    // 2018-M9 before 2018; the span after its last year, 2020.
    let m9 = periods.iter().position(|p| *p == "2018-M9").unwrap();
    let y = periods.iter().position(|p| *p == "2018").unwrap();
    assert!(m9 < y, "{periods:?}");
    let span = periods.iter().position(|p| *p == "2016-2020").unwrap();
    let y2020 = periods.iter().rposition(|p| *p == "2020").unwrap();
    assert!(y2020 < span, "{periods:?}");
    let bases: Vec<&serde_json::Value> = tns
        .iter()
        .filter(|r| r.0 == "2018" && r.1 == "target")
        .map(|r| &r.2)
        .collect();
    assert_eq!(
        bases,
        [
            &serde_json::json!("plan"),
            &serde_json::json!("plan"),
            &serde_json::json!("resolution"),
            &serde_json::json!("assigned")
        ]
    );
    assert!(tns
        .iter()
        .filter(|r| r.1 != "target")
        .all(|r| r.2.is_null()));
    let tt = of("tang-truong");
    assert!(tt.iter().any(|r| r.0 == "2018-Q3"));
    assert!(tt.iter().any(|r| r.0 == "2017-M6"));
    // The CSV has the same column, and the package describes it.
    let csv = s.read_out("du-lieu/chi-tieu.csv");
    assert!(csv
        .lines()
        .next()
        .unwrap()
        .contains(",qualifier,basis,value,"));
    assert!(csv.contains(",2018-M9,actual,,,400,"), "{csv}");
    let pkg: serde_json::Value =
        serde_json::from_str(&s.read_out("du-lieu/datapackage.json")).unwrap();
    let fields = &pkg["resources"][0]["schema"]["fields"];
    let basis = fields
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "basis")
        .unwrap();
    assert_eq!(
        basis["constraints"]["enum"],
        serde_json::json!(["plan", "resolution", "assigned", "adjusted"])
    );
}

/// The example archive's own cells: Yên Bái's 2020 budget against the plan, not the
/// resolution; its poverty rate as a rate above its target.
#[test]
fn the_example_archive_reads_right() {
    static SITE: OnceLock<Site> = OnceLock::new();
    let s = SITE.get_or_init(|| build_copy(&crate::util::pages::example_root(), None, |_| {}));
    let p = s.page("dia-phuong/tp-yen-bai/2015-2020/");
    let t = table(&p);
    let c = t.cell(TNS, "2020");
    assert_eq!(
        figures(c),
        [
            ("KH".to_string(), "507,8 tỷ đồng".to_string()),
            ("NQ".to_string(), "850 tỷ đồng".to_string()),
            ("TH".to_string(), "612,4 tỷ đồng".to_string()),
        ]
    );
    assert_eq!(c.value().attr("class"), Some("met"));
    assert_eq!(texts(c, ".share:not(.other)"), ["120,6% ✓ đạt"]);
    assert_eq!(texts(c, ".share.other"), ["NQ: 72%"]);
    let c = t.cell("Tỷ lệ hộ nghèo", "2020");
    assert_eq!(c.value().attr("class"), Some("not-met"));
    assert_eq!(
        texts(c, ".share"),
        ["cao hơn mục tiêu 0,18 điểm % ✗ không đạt"]
    );
    // Đông Sơn's 9 months of 2020 sit in 2020's cell as progress of the year's 3.000 tỷ đồng.
    let p = s.page("dia-phuong/dong-son/2015-2020/");
    let t = table(&p);
    let c = t.cell("Tổng vốn đầu tư phát triển trên địa bàn", "2020");
    assert_eq!(texts(c, ".share"), ["103,3% ✓ đạt"]);
    assert_eq!(texts(c, ".progress"), ["47,3%", "77%"]);
}
