//! The archive's pages, page by page: every address of OUTPUT.md is written, and holds what it
//! should. Built from tests/fixtures/pages (a small archive with a sub-path base_url,
//! `per_page = 2`, a dissolved district and its successor, a bulletin about two units,
//! qualifiers, ranges, a converted unit, and raw HTML to escape), parsed with a real parser.

use std::sync::OnceLock;

use crate::util::pages::{build_copy, fixture_root, sel, text, Page, Table};
use crate::util::Site;

/// The fixture, built once for all tests of this file.
fn site() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| build_copy(&fixture_root(), None, |_| {}))
}

fn page(p: &str) -> Page {
    site().page(p)
}

/// Titles of the bulletins listed in a page's main list.
fn listed(p: &Page) -> Vec<String> {
    p.texts("main ol.items > li .item-title")
}

const B: &str = "/luu-tru/";

fn href(p: &str) -> String {
    format!("{B}{p}")
}

const KE_HOACH: &str = "Đông Sơn <em>đặt</em> mục tiêu & \"về đích\" năm 2020";
const KET_QUA: &str = "Đông Sơn về đích năm 2020";
const DONG_TIEN: &str = "Xã Đông Tiến đạt chuẩn nông thôn mới";
const SAP_NHAP: &str = "Huyện Đông Sơn nhập vào thành phố Thanh Hóa";
const HA_TINH: &str = "Hà Tĩnh giao ban đầu năm";

#[test]
fn every_address_of_output_md_is_written() {
    let s = site();
    for p in [
        "",
        "trang/2/",
        "trang/3/",
        "bai-viet/ke-hoach-2020/",
        "bai-viet/ket-qua-2020/",
        "bai-viet/dong-tien-2020/",
        "bai-viet/sap-nhap/",
        "bai-viet/ha-tinh-2025/",
        "dia-phuong/",
        "dia-phuong/thanh-hoa/",
        "dia-phuong/thanh-hoa/trang/2/",
        "dia-phuong/dong-son/",
        "dia-phuong/dong-son/trang/2/",
        "dia-phuong/dong-son/2015-2020/",
        "dia-phuong/dong-son/2015-2020/trang/2/",
        "dia-phuong/dong-son/2020-2025/",
        "dia-phuong/tp-thanh-hoa/",
        "dia-phuong/tp-thanh-hoa/2020-2025/",
        "dia-phuong/dong-tien/",
        "dia-phuong/ha-tinh/",
        "nhiem-ky/",
        "nhiem-ky/2015-2020/",
        "nhiem-ky/2020-2025/",
        "chi-tieu/",
        "chi-tieu/tang-truong/",
        "chi-tieu/thu-ngan-sach/",
        "chi-tieu/ty-le-ho-ngheo/",
        "chi-tieu/viec-lam-moi/",
        "chi-tieu/chua-dung/",
        "chu-de/",
        "chu-de/thu-ngan-sach/",
        "chu-de/sap-xep-don-vi-hanh-chinh/",
        "nam/2020/",
        "nam/2021/",
        "nam/2025/",
        "tim-kiem/",
        "atom.xml",
        "dia-phuong/dong-son/atom.xml",
        "dia-phuong/tp-thanh-hoa/atom.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "du-lieu/chi-tieu.csv",
        "du-lieu/chi-tieu.json",
        "du-lieu/datapackage.json",
        "static/style.css",
    ] {
        assert!(s.exists(p), "missing {p} ({})", s.file(p).display());
    }
    // Page 1 of a list lives at the list's own address only.
    for p in ["trang/1/", "dia-phuong/dong-son/trang/1/", "trang/4/"] {
        assert!(!s.exists(p), "{p} should not exist");
    }
    // Every page is a folder with an index.html (but 404.html).
    for f in s.files() {
        if f.ends_with(".html") {
            assert!(f == "404.html" || f.ends_with("index.html"), "{f}");
        }
    }
}

#[test]
fn every_page_has_the_frame() {
    let s = site();
    for f in s.files().iter().filter(|f| f.ends_with(".html")) {
        let p = s.page(f);
        assert_eq!(
            p.one("html").value().attr("lang"),
            Some("vi"),
            "{f}: html lang"
        );
        assert!(
            p.text("head > title").ends_with("Lưu trữ thử nghiệm"),
            "{f}"
        );
        assert_eq!(p.all("h1").len(), 1, "{f}: one h1");
        assert_eq!(
            p.one("link[rel=stylesheet]").value().attr("href"),
            Some("/luu-tru/static/style.css"),
            "{f}"
        );
        assert_eq!(
            p.one("header.site-header a.brand").value().attr("href"),
            Some(B),
            "{f}"
        );
        let nav = p.hrefs("nav.main-nav a");
        for want in [
            "dia-phuong/",
            "nhiem-ky/",
            "chi-tieu/",
            "chu-de/",
            "tim-kiem/",
        ] {
            assert!(nav.contains(&href(want)), "{f}: nav lacks {want}: {nav:?}");
        }
        assert_eq!(p.all("main#main").len(), 1, "{f}");
    }
}

#[test]
fn home_lists_the_latest_bulletins_the_tree_terms_and_indicators() {
    let p = page("");
    assert_eq!(p.text("h1"), "Lưu trữ thử nghiệm");
    assert_eq!(listed(&p), [HA_TINH, SAP_NHAP]);
    // The search box sends its query to the search page.
    let form = p.one("form[role=search]");
    assert_eq!(form.value().attr("action"), Some("/luu-tru/tim-kiem/"));
    assert_eq!(
        p.one("form[role=search] input").value().attr("name"),
        Some("q")
    );
    // The locality tree: province > district > commune.
    let tree = p.links(".sidebar ul.tree a");
    let names: Vec<&str> = tree.iter().map(|(l, _)| l.as_str()).collect();
    for n in [
        "Tỉnh Thanh Hóa",
        "Huyện Đông Sơn",
        "Xã Đông Tiến",
        "Thành phố Thanh Hóa",
        "Tỉnh Hà Tĩnh",
    ] {
        assert!(names.contains(&n), "tree lacks {n}: {names:?}");
    }
    assert_eq!(
        p.links(".sidebar a[href='/luu-tru/nhiem-ky/2015-2020/']")[0].0,
        "Nhiệm kỳ 2015–2020"
    );
    assert!(p.links_to("/luu-tru/chi-tieu/tang-truong/"));
    assert!(p.links_to("/luu-tru/chi-tieu/chua-dung/"));
    // Pagination: 5 bulletins, 2 a page.
    assert_eq!(p.hrefs("nav.pagination a[rel=next]"), [href("trang/2/")]);
    assert!(p.all("nav.pagination a[rel=prev]").is_empty());
}

#[test]
fn the_home_list_stops_after_home_pages_and_sends_older_bulletins_to_their_years() {
    let site = build_copy(&fixture_root(), None, |root| {
        crate::util::pages::set_setting(root, "home_pages", "2");
    });
    let years = ["2025", "2021", "2020"].map(|y| href(&format!("nam/{y}/")));
    let first = site.page("");
    assert_eq!(listed(&first), [HA_TINH, SAP_NHAP]);
    // Every bulletin is still counted, and the first page lists the years.
    assert_eq!(first.text("#latest-h .count"), "(5)");
    assert_eq!(
        first.hrefs(".sidebar section[aria-labelledby=years-h] a"),
        years
    );
    assert!(first.all("nav.older").is_empty());
    // Two pages of two: the oldest bulletin is left to its year's list.
    let last = site.page("trang/2/");
    assert_eq!(listed(&last), [KET_QUA, DONG_TIEN]);
    assert!(!site.exists("trang/3/"));
    assert!(last.all("nav.pagination a[rel=next]").is_empty());
    assert_eq!(last.text("nav.older h3"), "Bản tin cũ hơn, theo năm");
    assert_eq!(last.hrefs("nav.older a"), years);
    assert!(listed(&site.page("nam/2020/")).contains(&KE_HOACH.to_string()));
    // No page of the site links to a home page that is not there.
    for f in site.files() {
        if f.ends_with(".html") {
            let html = site.read_out(&f);
            assert!(!html.contains("/luu-tru/trang/3/"), "{f} links to trang/3/");
        }
    }
}

#[test]
fn list_pages_paginate() {
    let p2 = page("trang/2/");
    assert_eq!(listed(&p2), [KET_QUA, DONG_TIEN]);
    assert!(
        p2.text("head > title").contains("2"),
        "{}",
        p2.text("head > title")
    );
    assert_eq!(p2.hrefs("nav.pagination a[rel=prev]"), [B]);
    assert_eq!(p2.hrefs("nav.pagination a[rel=next]"), [href("trang/3/")]);
    assert_eq!(
        p2.text("nav.pagination [aria-current=page]"),
        "2",
        "the current page is marked"
    );
    // The sidebar is on page 1 only.
    assert!(p2.all(".sidebar").is_empty());
    let p3 = page("trang/3/");
    assert_eq!(listed(&p3), [KE_HOACH]);
    assert!(p3.all("nav.pagination a[rel=next]").is_empty());
    // Under `home_pages` (10 by default) the home list ends with the oldest bulletin.
    assert!(p3.all("nav.older").is_empty());

    let l1 = page("dia-phuong/dong-son/");
    assert_eq!(listed(&l1), [SAP_NHAP, KET_QUA]);
    assert_eq!(
        l1.hrefs("nav.pagination a[rel=next]"),
        [href("dia-phuong/dong-son/trang/2/")]
    );
    let l2 = page("dia-phuong/dong-son/trang/2/");
    assert_eq!(listed(&l2), [DONG_TIEN, KE_HOACH]);
    assert_eq!(
        l2.hrefs("nav.pagination a[rel=prev]"),
        [href("dia-phuong/dong-son/")]
    );
    // The units within head the first page only; later pages continue the list.
    assert!(l1.links_to(&href("dia-phuong/dong-tien/")));
    assert!(!l1.all("main ul.tree").is_empty());
    assert!(l2.all("main ul.tree").is_empty());
}

#[test]
fn a_bulletin_page_shows_its_facts() {
    let p = page("bai-viet/ke-hoach-2020/");
    assert_eq!(p.text("h1"), KE_HOACH);
    assert_eq!(
        p.one("article time").value().attr("datetime"),
        Some("2020-01-07T00:00:00+07:00")
    );
    assert_eq!(p.text("article time"), "07/01/2020");
    let meta = p.links("article header .meta a");
    assert!(meta.contains(&("Huyện Đông Sơn".into(), href("dia-phuong/dong-son/"))));
    assert!(meta.contains(&("Nhiệm kỳ 2015–2020".into(), href("nhiem-ky/2015-2020/"))));
    assert!(p.texts("article header .meta")[1].contains("Thanh Huê"));
    // Breadcrumb: home, localities, the province, the district, the bulletin.
    let bc = p.links("nav.breadcrumb a");
    let labels: Vec<&str> = bc.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Trang chủ",
            "Địa phương",
            "Tỉnh Thanh Hóa",
            "Huyện Đông Sơn"
        ]
    );
    assert_eq!(p.text("nav.breadcrumb [aria-current=page]"), KE_HOACH);
    // Topics and source.
    assert_eq!(
        p.links(".topics a"),
        [
            (
                "Kế hoạch phát triển".to_string(),
                href("chu-de/ke-hoach-phat-trien/")
            ),
            ("Thu ngân sách".to_string(), href("chu-de/thu-ngan-sach/")),
        ]
    );
    let src = p.one(".source a");
    assert_eq!(
        src.value().attr("href"),
        Some("https://baothanhhoa.vn/?a=1&b=2")
    );
    assert_eq!(text(src), "Báo <Thanh Hóa>");
    // The side table of figures, one row per value.
    let rows = p.all("aside.values table tbody tr");
    assert_eq!(rows.len(), 6, "3 front-matter and 3 inline values");
    let cells: Vec<String> = rows.iter().map(|r| text(*r)).collect();
    assert!(
        cells
            .iter()
            .any(|c| c.contains("2019") && c.contains("10–11%")),
        "{cells:?}"
    );
    assert!(
        cells
            .iter()
            .any(|c| c.contains("2016-2020") && c.contains("4.500 tỷ đồng")),
        "{cells:?}"
    );
    assert!(p.links_to(&href("nam/2020/")));
}

#[test]
fn inline_figures_stay_in_the_sentence_and_link_their_indicator() {
    let p = page("bai-viet/ke-hoach-2020/");
    let figs = p.all(".body p > a.figure");
    let seen: Vec<(String, String, String)> = figs
        .iter()
        .map(|a| {
            let data = a.select(&sel("data")).next().expect("a <data> in the link");
            assert_eq!(
                a.children().count(),
                1,
                "the link holds just the <data>: {}",
                a.html()
            );
            (
                a.value().attr("href").unwrap().to_string(),
                data.value().attr("value").unwrap().to_string(),
                text(data),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                href("chi-tieu/tang-truong/"),
                "22".into(),
                "trên 22%".into()
            ),
            (
                href("chi-tieu/thu-ngan-sach/"),
                "1000".into(),
                "khoảng 1.000 tỷ đồng".into()
            ),
            (
                href("chi-tieu/viec-lam-moi/"),
                "1000".into(),
                "1.000 người".into()
            ),
        ]
    );
    // The sentence reads on around the figures.
    let first = text(
        figs[0]
            .parent()
            .and_then(scraper::ElementRef::wrap)
            .unwrap(),
    );
    assert_eq!(
        first,
        "Huyện phấn đấu tốc độ tăng trưởng trên 22% và thu ngân sách khoảng 1.000 tỷ đồng trong năm."
    );
    // No `ind:` link survives.
    assert!(p.all("a[href^='ind:']").is_empty());
}

#[test]
fn raw_html_in_a_bulletin_is_escaped() {
    let p = page("bai-viet/ke-hoach-2020/");
    assert!(p.all("script").is_empty(), "no script element anywhere");
    assert!(p.all(".body b").is_empty(), "no <b> from the Markdown");
    let body = p.text(".body");
    assert!(body.contains("<script>alert(\"xss\")</script>"), "{body}");
    assert!(body.contains("Dòng có <b>thẻ thô</b> giữa câu."), "{body}");
}

#[test]
fn front_matter_strings_are_escaped() {
    let s = site();
    let p = page("bai-viet/ke-hoach-2020/");
    assert!(p.all("h1 em, head > title em").is_empty());
    assert!(p.text("head > title").starts_with(KE_HOACH));
    // A bulletin's description is its summary; other pages have the site's.
    assert!(p
        .one("meta[name=description]")
        .value()
        .attr("content")
        .is_some_and(|d| d.starts_with("Tóm tắt có <b>thẻ</b> & ký tự đặc biệt")));
    assert_eq!(
        page("chu-de/")
            .one("meta[name=description]")
            .value()
            .attr("content"),
        Some("Lưu trữ <nhỏ> cho kiểm thử & so sánh")
    );
    // In lists: the title and the summary.
    let l = page("dia-phuong/dong-son/trang/2/");
    assert!(l.all("main em, main b").is_empty());
    let items = l.texts("main ol.items > li");
    assert!(
        items
            .iter()
            .any(|t| t.contains(KE_HOACH) && t.contains("Tóm tắt có <b>thẻ</b> & ký tự đặc biệt")),
        "{items:?}"
    );
    // In table hover titles.
    let t = page("dia-phuong/dong-son/2015-2020/");
    let title = t
        .all("table.indicators a.fig")
        .iter()
        .find_map(|a| a.value().attr("title").filter(|t| t.contains("<em>")))
        .map(str::to_string);
    assert!(title.is_some_and(|t| t.contains(KE_HOACH)));
    // Raw markup never reaches the HTML source unescaped.
    for f in s.files().iter().filter(|f| f.ends_with(".html")) {
        let src = s.read_out(f);
        assert!(!src.contains("<em>đặt</em>"), "{f}");
        assert!(!src.contains("<nhỏ>"), "{f}");
        assert!(!src.contains("<b>thẻ"), "{f}");
    }
    // And the feeds stay well-formed.
    let atom = s.read_out("atom.xml");
    assert!(
        atom.contains("&lt;em&gt;đặt&lt;/em&gt;") || atom.contains("&lt;em&gt;đặt&lt;&#x2F;em&gt;")
    );
}

#[test]
fn the_localities_page_is_a_tree() {
    let p = page("dia-phuong/");
    // Huyện Đông Sơn is inside Tỉnh Thanh Hóa's list, Xã Đông Tiến inside Đông Sơn's.
    let province = p
        .all("main ul.tree > li")
        .into_iter()
        .find(|li| text(li.select(&sel("a")).next().unwrap()) == "Tỉnh Thanh Hóa")
        .expect("Thanh Hóa at the top");
    let district = province
        .select(&sel(":scope > ul.tree > li"))
        .find(|li| text(li.select(&sel("a")).next().unwrap()) == "Huyện Đông Sơn")
        .expect("Đông Sơn under Thanh Hóa");
    assert!(text(district).contains("Xã Đông Tiến"));
    assert!(
        district.select(&sel(".badge")).next().is_some(),
        "a dissolved unit is marked"
    );
    let top: Vec<String> = p
        .all("main > ul.tree > li > a")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(top, ["Tỉnh Hà Tĩnh", "Tỉnh Thanh Hóa"]);
}

#[test]
fn a_dissolved_locality_links_its_successor_and_back() {
    let p = page("dia-phuong/dong-son/");
    assert_eq!(p.text("h1"), "Huyện Đông Sơn");
    let notice = p.one(".notice");
    let t = text(notice);
    assert!(t.contains("01/01/2025"), "{t}");
    let succ: Vec<(String, String)> = notice
        .select(&sel("a"))
        .map(|a| (text(a), a.value().attr("href").unwrap().to_string()))
        .collect();
    assert_eq!(
        succ,
        [(
            "Thành phố Thanh Hóa".to_string(),
            href("dia-phuong/tp-thanh-hoa/")
        )]
    );
    // Parent, children, terms, feed.
    assert!(p
        .links(".facts a")
        .contains(&("Tỉnh Thanh Hóa".into(), href("dia-phuong/thanh-hoa/"))));
    assert!(p.links_to(&href("dia-phuong/dong-tien/")));
    assert_eq!(
        p.hrefs("ul.chips a"),
        [
            href("dia-phuong/dong-son/2015-2020/"),
            href("dia-phuong/dong-son/2020-2025/")
        ]
    );
    assert!(p.links_to(&href("dia-phuong/dong-son/atom.xml")));
    assert_eq!(
        p.one("link[rel=alternate][href$='dong-son/atom.xml']")
            .value()
            .attr("type"),
        Some("application/atom+xml")
    );
    let bc: Vec<String> = p.texts("nav.breadcrumb a");
    assert_eq!(bc, ["Trang chủ", "Địa phương", "Tỉnh Thanh Hóa"]);

    let s = page("dia-phuong/tp-thanh-hoa/");
    assert!(
        s.all(".notice").is_empty(),
        "the successor is not dissolved"
    );
    let facts = text(s.one(".facts"));
    assert!(facts.contains("Huyện Đông Sơn"), "{facts}");
    assert!(s
        .links(".facts a")
        .contains(&("Huyện Đông Sơn".into(), href("dia-phuong/dong-son/"))));
}

#[test]
fn a_bulletin_about_several_localities_is_listed_under_each() {
    for l in [
        "dia-phuong/dong-son/",
        "dia-phuong/tp-thanh-hoa/",
        "dia-phuong/thanh-hoa/",
    ] {
        assert!(listed(&page(l)).contains(&SAP_NHAP.to_string()), "{l}");
        let feed = site().read_out(&format!("{l}atom.xml"));
        assert!(feed.contains("bai-viet/sap-nhap/"), "{l}atom.xml");
    }
    assert!(!listed(&page("dia-phuong/ha-tinh/")).contains(&SAP_NHAP.to_string()));
    let b = page("bai-viet/sap-nhap/");
    let locs = b.links("article header .meta a[href*='dia-phuong']");
    assert_eq!(
        locs,
        [
            (
                "Thành phố Thanh Hóa".to_string(),
                href("dia-phuong/tp-thanh-hoa/")
            ),
            ("Huyện Đông Sơn".to_string(), href("dia-phuong/dong-son/")),
        ]
    );
    // Its home (the first locality) leads the breadcrumb.
    assert_eq!(
        b.texts("nav.breadcrumb a").last().unwrap(),
        "Thành phố Thanh Hóa"
    );
}

fn locality_term_table(p: &Page) -> Table<'_> {
    Table::read(p.one("main table.indicators"))
}

/// The figures of a cell: (kind class, text, data value, title).
fn figures(cell: scraper::ElementRef) -> Vec<(String, String, String, String)> {
    cell.select(&sel("a.fig"))
        .map(|a| {
            let class = a.value().attr("class").unwrap().replace("fig", "");
            let data = a.select(&sel("data")).next().unwrap();
            (
                class.trim().to_string(),
                text(data),
                data.value().attr("value").unwrap().to_string(),
                a.value().attr("title").unwrap().to_string(),
            )
        })
        .collect()
}

fn class_of(cell: scraper::ElementRef<'_>) -> Option<&str> {
    cell.value().attr("class")
}

#[test]
fn the_locality_term_table_puts_each_figure_in_its_row_and_column() {
    let p = page("dia-phuong/dong-son/2015-2020/");
    assert_eq!(p.text("h1"), "Huyện Đông Sơn Nhiệm kỳ 2015–2020");
    let t = locality_term_table(&p);
    assert_eq!(t.caption, "Huyện Đông Sơn – Nhiệm kỳ 2015–2020");
    assert_eq!(
        t.columns,
        [
            "Chỉ tiêu",
            "2016",
            "2017",
            "2018",
            "2019",
            "2020",
            "Giai đoạn 2016–2020"
        ]
    );
    let rows: Vec<&str> = t.rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        rows,
        [
            "Tốc độ tăng trưởng giá trị sản xuất",
            "Thu ngân sách nhà nước trên địa bàn",
            "Tỷ lệ hộ nghèo",
            "Số lao động được tạo việc làm mới"
        ]
    );
    // Categories group the rows, each in its own tbody.
    assert_eq!(
        p.texts("table.indicators tr.category th"),
        ["Kinh tế", "Xã hội"]
    );
    assert_eq!(p.all("table.indicators tbody").len(), 2);
    // Row headers link to the indicator.
    assert!(p
        .hrefs("table.indicators th[scope=row] a")
        .contains(&href("chi-tieu/tang-truong/")));

    const TT: &str = "Tốc độ tăng trưởng giá trị sản xuất";
    const TNS: &str = "Thu ngân sách nhà nước trên địa bàn";
    const HN: &str = "Tỷ lệ hộ nghèo";
    const VL: &str = "Số lao động được tạo việc làm mới";

    // A qualified rate met by the actual: the difference in percentage points, not a share.
    let c = t.cell(TT, "2020");
    let f = figures(c);
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!(
        (f[0].0.as_str(), f[0].1.as_str(), f[0].2.as_str()),
        ("target", "trên 22%", "22")
    );
    assert_eq!(
        (f[1].0.as_str(), f[1].1.as_str(), f[1].2.as_str()),
        ("actual", "23,5%", "23.5")
    );
    assert_eq!(class_of(c), Some("met"));
    assert_eq!(
        text(c.select(&sel(".share")).next().unwrap()),
        "cao hơn mục tiêu 1,5 điểm % ✓ đạt"
    );
    // Each figure links to the bulletin it came from.
    let links: Vec<&str> = c
        .select(&sel("a.fig"))
        .map(|a| a.value().attr("href").unwrap())
        .collect();
    assert_eq!(
        links,
        [
            "/luu-tru/bai-viet/ke-hoach-2020/",
            "/luu-tru/bai-viet/ket-qua-2020/"
        ]
    );
    // A range, in the year it was set for, and nothing to compare it with.
    let c = t.cell(TT, "2019");
    let f = figures(c);
    assert_eq!((f[0].1.as_str(), f[0].2.as_str()), ("10–11%", "10-11"));
    assert_eq!(class_of(c), None);
    assert!(c.select(&sel(".share")).next().is_none());
    for y in ["2016", "2017", "2018", "Giai đoạn 2016–2020"] {
        assert!(figures(t.cell(TT, y)).is_empty(), "{y}");
    }

    // "khoảng" target; the actual in another unit, converted on hover only.
    let c = t.cell(TNS, "2020");
    let f = figures(c);
    assert_eq!(f[0].1, "khoảng 1.000 tỷ đồng");
    assert!(
        !f[0].3.starts_with('='),
        "same unit: no conversion: {}",
        f[0].3
    );
    assert_eq!(f[1].1, "1,2 nghìn tỷ đồng");
    assert_eq!(f[1].2, "1200", "the machine value is in the indicator unit");
    assert!(f[1].3.starts_with("= 1.200 tỷ đồng"), "{}", f[1].3);
    assert!(f[1].3.contains(KET_QUA), "{}", f[1].3);
    assert_eq!(class_of(c), Some("met"));
    assert_eq!(text(c.select(&sel(".share")).next().unwrap()), "120% ✓ đạt");
    // A multi-year target goes to the span column.
    let f = figures(t.cell(TNS, "Giai đoạn 2016–2020"));
    assert_eq!(
        (f[0].0.as_str(), f[0].1.as_str()),
        ("target", "4.500 tỷ đồng")
    );

    // Lower is better: an actual above the target is not met.
    let c = t.cell(HN, "2020");
    assert_eq!(class_of(c), Some("not-met"));
    assert!(text(c).contains("✗ không đạt"), "{}", text(c));
    let f = figures(c);
    assert_eq!((f[0].1.as_str(), f[1].1.as_str()), ("1,5%", "1,8%"));
    // It reads as a rate above its target, never as "120% achieved".
    assert_eq!(
        text(c.select(&sel(".share")).next().unwrap()),
        "cao hơn mục tiêu 0,3 điểm % ✗ không đạt"
    );

    // No direction: neither a comparison nor a verdict.
    let c = t.cell(VL, "2020");
    assert_eq!(class_of(c), None);
    assert!(c.select(&sel(".share")).next().is_none());
    assert!(c.select(&sel(".verdict")).next().is_none());

    // The table is readable without CSS: a caption, header cells with scope.
    assert_eq!(p.all("table.indicators thead th[scope=col]").len(), 7);
    // It scrolls in its own box.
    assert!(p.one("main table.indicators").parent().is_some_and(|d| {
        d.value()
            .as_element()
            .is_some_and(|e| e.attr("class") == Some("table-scroll"))
    }));
}

#[test]
fn the_values_of_a_bulletin_published_in_the_next_term_stay_in_their_plan_term() {
    // ket-qua-2020 is dated 2021 (term 2020–2025) but reports 2020, a year of 2015–2020.
    let p = page("dia-phuong/dong-son/2020-2025/");
    assert!(
        p.all("table.indicators").is_empty(),
        "no values in 2020–2025"
    );
    assert!(listed(&p).contains(&KET_QUA.to_string()));
    let p = page("dia-phuong/dong-son/2015-2020/trang/2/");
    assert!(
        p.all("table.indicators").is_empty(),
        "the table is on page 1 only"
    );
    assert_eq!(listed(&p), [KE_HOACH]);
}

#[test]
fn the_term_page_has_a_locality_by_indicator_table() {
    let p = page("nhiem-ky/2015-2020/");
    assert_eq!(p.text("h1"), "Nhiệm kỳ 2015–2020");
    let locs = p.links("main ul.chips a");
    assert!(locs.contains(&(
        "Huyện Đông Sơn".into(),
        href("dia-phuong/dong-son/2015-2020/")
    )));
    let t = Table::read(p.one("main table.indicators"));
    assert_eq!(
        t.columns,
        [
            "Địa phương",
            "Tăng trưởng (%)",
            "Thu ngân sách (tỷ đồng)",
            "Tỷ lệ hộ nghèo (%)",
            "Việc làm mới (người)"
        ]
    );
    assert_eq!(t.rows.len(), 1);
    let c = t.cell("Huyện Đông Sơn", "Tăng trưởng (%)");
    let f = figures(c);
    assert_eq!(
        f.iter().map(|x| x.1.as_str()).collect::<Vec<_>>(),
        ["trên 22%", "23,5%"],
        "the latest period (2020)"
    );
    assert_eq!(class_of(c), Some("met"));
    let p = page("nhiem-ky/2020-2025/");
    let t = Table::read(p.one("main table.indicators"));
    let c = t.cell("Thành phố Thanh Hóa", "Tăng trưởng (%)");
    assert_eq!(figures(c)[0].1, "trên 10%");

    let terms = page("nhiem-ky/");
    assert_eq!(
        terms.links("main .card h2 a"),
        [
            (
                "Nhiệm kỳ 2015–2020".to_string(),
                href("nhiem-ky/2015-2020/")
            ),
            (
                "Nhiệm kỳ 2020–2025".to_string(),
                href("nhiem-ky/2020-2025/")
            ),
        ]
    );
}

#[test]
fn the_indicator_catalogue_and_an_indicator_page() {
    let p = page("chi-tieu/");
    assert_eq!(p.texts("main section > h2"), ["Kinh tế", "Xã hội", "Khác"]);
    assert!(p
        .links("main .card a")
        .contains(&("Tỷ lệ hộ nghèo".into(), href("chi-tieu/ty-le-ho-ngheo/"))));

    let p = page("chi-tieu/tang-truong/");
    assert_eq!(p.text("h1"), "Tốc độ tăng trưởng giá trị sản xuất");
    assert!(text(p.one("dl.facts")).contains("%"));
    // A chart per locality, drawn as inline SVG.
    let charts = p.all("figure.chart-card");
    assert_eq!(charts.len(), 2);
    assert_eq!(p.all("figure.chart-card svg[role=img]").len(), 2);
    let t = Table::read(p.one("main table.indicators"));
    assert_eq!(t.columns, ["Địa phương", "2019", "2020", "2025"]);
    let rows: Vec<&str> = t.rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(rows, ["Huyện Đông Sơn", "Thành phố Thanh Hóa"]);
    assert_eq!(figures(t.cell("Huyện Đông Sơn", "2019"))[0].1, "10–11%");
    assert_eq!(class_of(t.cell("Huyện Đông Sơn", "2020")), Some("met"));
    assert_eq!(
        figures(t.cell("Thành phố Thanh Hóa", "2025"))[0].1,
        "trên 10%"
    );
    assert!(figures(t.cell("Thành phố Thanh Hóa", "2019")).is_empty());

    let p = page("chi-tieu/chua-dung/");
    assert!(p.all("table").is_empty());
    assert!(p.all("figure.chart-card").is_empty());
}

/// An indicator reported by many units has a page per 20 of them (by full name): each with
/// their charts and table rows, the same columns, and page links; every unit is on one page.
#[test]
fn an_indicator_of_many_localities_pages_them_by_twenty() {
    let n = 45;
    let site = build_copy(&fixture_root(), None, |root| {
        let mut locs = String::new();
        let mut values = String::new();
        for i in 0..n {
            locs.push_str(&format!(
                "\n- id: xa-{i:02}\n  name: Số {i:02}\n  kind: xã\n  parent: dong-son\n"
            ));
            values.push_str(&format!(
                "  - {{ id: thu-ngan-sach, value: {}, unit: tỷ đồng, period: 2019, kind: actual, locality: xa-{i:02} }}\n",
                100 + i
            ));
        }
        let file = root.join("content/localities.yaml");
        let mut text = std::fs::read_to_string(&file).unwrap();
        text.push_str(&locs);
        std::fs::write(&file, text).unwrap();
        std::fs::write(
            root.join("content/nhieu-xa.md"),
            format!("---\ntitle: \"Thu ngân sách của {n} xã\"\ndate: 2019-12-20\nlocality: dong-son\nindicators:\n{values}---\nThu ngân sách của các xã.\n"),
        )
        .unwrap();
    });
    let base = "chi-tieu/thu-ngan-sach/";
    let first = site.page(base);
    let pages = [
        first,
        site.page(&format!("{base}trang/2/")),
        site.page(&format!("{base}trang/3/")),
    ];
    assert!(!site.exists(&format!("{base}trang/4/")));
    let mut rows = Vec::new();
    for (i, p) in pages.iter().enumerate() {
        let t = Table::read(p.one("main table.indicators"));
        assert!(t.rows.len() <= 20, "page {}: {} rows", i + 1, t.rows.len());
        assert_eq!(
            t.columns,
            Table::read(pages[0].one("main table.indicators")).columns
        );
        assert_eq!(p.all("figure.chart-card").len(), t.rows.len());
        assert_eq!(p.all("nav.pagination").len(), 1);
        rows.extend(t.rows.iter().map(|r| r.0.clone()));
    }
    assert!(pages[1].text("head > title").contains("trang 2"));
    for i in 0..n {
        let name = format!("Xã Số {i:02}");
        assert_eq!(
            rows.iter().filter(|r| **r == name).count(),
            1,
            "{name}: {rows:?}"
        );
    }
}

#[test]
fn topics_and_years() {
    let p = page("chu-de/");
    let topics = p.links("main ul.chips a");
    assert!(topics.contains(&("Thu ngân sách".into(), href("chu-de/thu-ngan-sach/"))));
    assert!(text(p.one("main")).contains("Thu ngân sách (2)"));
    let t = page("chu-de/thu-ngan-sach/");
    assert_eq!(t.text("h1"), "Thu ngân sách");
    assert_eq!(listed(&t), [KET_QUA, KE_HOACH]);

    let y = page("nam/2020/");
    assert_eq!(y.text("h1"), "Năm 2020");
    assert_eq!(listed(&y), [DONG_TIEN, KE_HOACH]);
    assert_eq!(
        y.hrefs("main nav ul.chips a"),
        [href("nam/2020/"), href("nam/2021/"), href("nam/2025/")]
    );
    assert_eq!(listed(&page("nam/2025/")), [HA_TINH, SAP_NHAP]);
}

#[test]
fn the_search_page_has_a_form() {
    let p = page("tim-kiem/");
    assert_eq!(p.text("h1"), "Tìm kiếm");
    let input = p.one("main input[type=search]");
    assert_eq!(input.value().attr("name"), Some("q"));
    let id = input.value().attr("id").unwrap();
    assert_eq!(p.all(&format!("label[for={id}]")).len(), 1);
    assert!(p.all("script[src='/luu-tru/static/search.js']").len() == 1);
}

#[test]
fn the_404_page_links_from_the_root() {
    let p = page("404.html");
    assert_eq!(p.text("h1"), "Không tìm thấy trang");
    assert!(p.links_to(B));
    assert_eq!(
        p.one("link[rel=stylesheet]").value().attr("href"),
        Some("/luu-tru/static/style.css")
    );
}

#[test]
fn feeds_sitemap_and_robots() {
    let s = site();
    let atom = s.read_out("atom.xml");
    assert!(atom.starts_with("<?xml"));
    assert!(atom.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
    assert_eq!(atom.matches("<entry>").count(), 5);
    assert!(atom.contains("<link href=\"https://example.org/luu-tru/bai-viet/ha-tinh-2025/\"/>"));
    let first = atom.find("ha-tinh-2025").unwrap();
    let last = atom.find("ke-hoach-2020").unwrap();
    assert!(first < last, "newest first");

    let local = s.read_out("dia-phuong/dong-son/atom.xml");
    assert_eq!(local.matches("<entry>").count(), 4, "with Xã Đông Tiến's");
    assert!(!local.contains("ha-tinh-2025"));
    assert!(local.contains("https://example.org/luu-tru/dia-phuong/dong-son/atom.xml"));

    let sitemap = s.read_out("sitemap.xml");
    let locs: Vec<&str> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|x| x.split("</loc>").next().unwrap())
        .collect();
    let pages: Vec<String> = s
        .files()
        .into_iter()
        .filter(|f| f.ends_with("index.html"))
        .map(|f| {
            format!(
                "https://example.org/luu-tru/{}",
                f.trim_end_matches("index.html")
            )
        })
        .collect();
    let mut sorted: Vec<String> = locs.iter().map(|s| s.to_string()).collect();
    sorted.sort();
    let mut want = pages.clone();
    want.sort();
    assert_eq!(sorted, want, "the sitemap lists every page, and only pages");

    let robots = s.read_out("robots.txt");
    assert!(
        robots.contains("Sitemap: https://example.org/luu-tru/sitemap.xml"),
        "{robots}"
    );
}

#[test]
fn data_files() {
    let s = site();
    let csv = s.read_out("du-lieu/chi-tieu.csv");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "locality,locality_name,term,indicator,indicator_name,period,kind,qualifier,basis,value,value_max,unit,value_in_indicator_unit,indicator_unit,article,article_date,url,quote"
    );
    assert_eq!(lines.count(), 11);
    let json: serde_json::Value =
        serde_json::from_str(&s.read_out("du-lieu/chi-tieu.json")).unwrap();
    let records = json.as_array().unwrap();
    assert_eq!(records.len(), 11);
    let converted = records
        .iter()
        .find(|r| r["unit"] == "nghìn tỷ đồng")
        .unwrap();
    assert_eq!(converted["value"], 1.2);
    assert_eq!(converted["value_in_indicator_unit"], 1200.0);
    assert_eq!(
        converted["url"],
        "https://example.org/luu-tru/bai-viet/ket-qua-2020/"
    );
    let range = records.iter().find(|r| r["period"] == "2019").unwrap();
    assert_eq!(
        (range["value"].clone(), range["value_max"].clone()),
        (10.into(), 11.into())
    );
    let pkg: serde_json::Value =
        serde_json::from_str(&s.read_out("du-lieu/datapackage.json")).unwrap();
    assert!(pkg["resources"].is_array());
}

#[test]
fn an_archive_without_themes_builds_with_the_embedded_theme() {
    assert!(!fixture_root().join("themes").exists());
    assert!(!fixture_root().join("templates").exists());
    let css = site().read_out("static/style.css");
    assert!(css.contains(".site-header"));
    assert!(css.contains(".table-scroll"));
}

#[test]
fn english_ui() {
    let s = build_copy(&fixture_root(), None, |root| {
        crate::util::pages::set_setting(root, "language", "\"en\"");
    });
    let p = s.page("dia-phuong/dong-son/2015-2020/");
    assert_eq!(p.one("html").value().attr("lang"), Some("en"));
    assert_eq!(
        p.texts("nav.main-nav a"),
        ["Localities", "Terms", "Indicators", "Topics", "Search"]
    );
    let t = Table::read(p.one("main table.indicators"));
    assert_eq!(t.columns[0], "Indicator");
    assert_eq!(t.columns[6], "Period 2016–2020");
    let c = t.cell("Tốc độ tăng trưởng giá trị sản xuất", "2020");
    let f = figures(c);
    assert_eq!(f[0].1, "over 22%");
    assert_eq!(f[1].1, "23.5%");
    assert_eq!(
        text(c.select(&sel(".share")).next().unwrap()),
        "1.5 points above target ✓ met"
    );
    let c = t.cell("Thu ngân sách nhà nước trên địa bàn", "2020");
    let f = figures(c);
    assert_eq!(f[0].1, "about 1,000 tỷ đồng");
    assert!(f[1].3.starts_with("= 1,200 tỷ đồng"), "{}", f[1].3);
    let c = t.cell("Tỷ lệ hộ nghèo", "2020");
    assert!(text(c).contains("✗ not met"));
    let d = s.page("dia-phuong/dong-son/");
    assert!(text(d.one(".notice")).contains("dissolved"));
    assert_eq!(d.texts("nav.breadcrumb a")[0], "Home");
    let b = s.page("bai-viet/ke-hoach-2020/");
    // The text of a bulletin stays as the article printed it.
    assert!(b.all("p > a.figure").iter().any(|a| text(*a) == "trên 22%"));
    assert_eq!(s.page("404.html").text("h1"), "Page not found");
    assert!(s.read_out("atom.xml").contains("xml:lang=\"en\""));
}

#[test]
fn a_sites_own_template_overrides_one_template() {
    let s = build_copy(&fixture_root(), None, |root| {
        let t = root.join("templates");
        std::fs::create_dir_all(&t).unwrap();
        std::fs::write(
            t.join("topics.html"),
            "{% extends \"base.html\" %}{% block content %}<h1 id=\"own\">Chủ đề riêng</h1>\
             <ul>{% for tp in page.topics %}<li class=\"own\">{{ tp.name }}</li>{% endfor %}</ul>\
             {% endblock content %}",
        )
        .unwrap();
    });
    let p = s.page("chu-de/");
    assert_eq!(p.text("h1#own"), "Chủ đề riêng");
    assert!(p.texts("li.own").contains(&"Thu ngân sách".to_string()));
    // The rest of the frame and the other pages keep the default theme.
    assert!(p.all("header.site-header").len() == 1);
    let other = s.page("dia-phuong/");
    assert!(other.all("#own").is_empty());
    assert_eq!(other.text("h1"), "Địa phương");
    assert!(s.read_out("static/style.css").contains(".site-header"));
}

/// A site's own `templates/partials/table.html` replaces the markup of every indicator table
/// (locality in a term, term, indicator pages) while the values stay those of the default
/// theme's table: the example of docs/THEMES.md.
#[test]
fn a_sites_own_table_template_changes_the_indicator_tables() {
    let s = build_copy(&fixture_root(), None, |root| {
        let t = root.join("templates/partials");
        std::fs::create_dir_all(&t).unwrap();
        std::fs::write(
            t.join("table.html"),
            "<dl class=\"own-table\" aria-label=\"{{ table.caption }}\">\n\
             {% for g in table.groups %}{% for row in g.rows %}\
             <dt>{{ row.head.label }}</dt>\
             {% for cell in row.cells %}{% if cell.figures or cell.parts %}<dd>{{ table.columns[loop.index0] }}:\
             {% for fig in cell.figures %} <a class=\"own-fig\" href=\"{{ fig.href }}\">{{ fig.label }} {{ fig.text }}</a>{% endfor %}\
             {% if cell.comparison %} <em class=\"own-share\">{{ cell.comparison }}</em>{% endif %}\
             {% if cell.met %} <strong>{{ t(k=\"met\") }}</strong>{% endif %}</dd>{% endif %}{% endfor %}\
             {% endfor %}{% endfor %}</dl>\n",
        )
        .unwrap();
    });
    for page in [
        "dia-phuong/dong-son/2015-2020/",
        "nhiem-ky/2015-2020/",
        "chi-tieu/tang-truong/",
    ] {
        let p = s.page(page);
        assert!(
            p.all("table.indicators").is_empty(),
            "{page}: no default table"
        );
        assert_eq!(
            p.all("dl.own-table").len(),
            1,
            "{page}: the site's own table"
        );
    }
    let p = s.page("dia-phuong/dong-son/2015-2020/");
    let figs = p.texts("dl.own-table a.own-fig");
    assert!(figs.contains(&"KH trên 22%".to_string()), "{figs:?}");
    assert!(figs.contains(&"TH 23,5%".to_string()), "{figs:?}");
    assert!(p
        .texts("dl.own-table dt")
        .contains(&"Tốc độ tăng trưởng giá trị sản xuất".to_string()));
    let shares = p.texts("dl.own-table .own-share");
    assert!(shares.iter().any(|x| x.contains("điểm %")), "{shares:?}");
    // The caption, the frame and the other pages keep the default theme.
    assert_eq!(
        p.one("dl.own-table").value().attr("aria-label"),
        Some("Huyện Đông Sơn – Nhiệm kỳ 2015–2020")
    );
    assert_eq!(p.all("header.site-header").len(), 1);
    assert!(s.page("").all("dl.own-table").is_empty());
}

#[test]
fn the_base_url_can_be_replaced_on_the_command_line() {
    let s = build_copy(
        &fixture_root(),
        Some("https://archive.example.net/a/b"),
        |_| {},
    );
    let p = s.page("bai-viet/ke-hoach-2020/");
    assert_eq!(
        p.one("link[rel=stylesheet]").value().attr("href"),
        Some("/a/b/static/style.css")
    );
    assert!(
        p.links_to("/a/b/chi-tieu/tang-truong/"),
        "inline figures too"
    );
    assert!(s
        .read_out("sitemap.xml")
        .contains("<loc>https://archive.example.net/a/b/bai-viet/ke-hoach-2020/</loc>"));
}

/// A cell with many reports of one figure shows the latest of each kind and how many more
/// there are, so tables stay small on a large archive.
#[test]
fn a_crowded_cell_shows_the_latest_of_each_kind_and_counts_the_rest() {
    let s = build_copy(&fixture_root(), None, |root| {
        for (i, v) in ["100", "200", "300", "400", "500"].iter().enumerate() {
            std::fs::write(
                root.join(format!("content/2020/lap-lai-{i}.md")),
                format!(
                    "---\ntitle: \"Báo cáo {i}\"\ndate: 2020-03-0{}\nlocality: dong-son\n\
                     indicators:\n  - {{ id: viec-lam-moi, value: {v}, period: 2018, kind: target }}\n---\nBáo cáo.\n",
                    i + 1
                ),
            )
            .unwrap();
        }
    });
    let p = s.page("dia-phuong/dong-son/2015-2020/");
    let t = Table::read(p.all("table.indicators")[0]);
    let cell = t.cell("Số lao động được tạo việc làm mới", "2018");
    let figs: Vec<String> = cell.select(&sel("a.fig data")).map(text).collect();
    assert_eq!(figs, ["500 người"], "only the latest target is shown");
    let more: Vec<String> = cell.select(&sel(".more")).map(text).collect();
    assert_eq!(more, ["+4"]);
}

/// Topics whose names differ only in tone placement ("Hòa bình" / "Hoà bình") or in Unicode
/// form (precomposed / combining marks) are one topic, under one folded address.
#[test]
fn topics_differing_only_in_tone_placement_or_normal_form_are_one() {
    let names = ["Hòa bình", "Hoà bình", "Ho\u{300}a bi\u{300}nh"];
    let s = build_copy(&fixture_root(), None, |root| {
        for (i, name) in names.iter().enumerate() {
            std::fs::write(
                root.join(format!("content/2020/hoa-binh-{i}.md")),
                format!(
                    "---\ntitle: \"Hòa bình {i}\"\ndate: 2020-05-0{}\nlocality: dong-son\ntopics: [{name}]\n---\nBài {i}.\n",
                    i + 1
                ),
            )
            .unwrap();
        }
    });
    let all = s.page("chu-de/");
    let hoa: Vec<(String, String)> = all
        .links("main ul.chips a")
        .into_iter()
        .filter(|(_, h)| h.contains("hoa-binh"))
        .collect();
    assert_eq!(hoa.len(), 1, "one topic, not {hoa:?}");
    assert_eq!(hoa[0].1, href("chu-de/hoa-binh/"));
    // The fixture lists two bulletins a page.
    let first = listed(&s.page("chu-de/hoa-binh/"));
    let second = listed(&s.page("chu-de/hoa-binh/trang/2/"));
    assert_eq!(first.len() + second.len(), 3, "{first:?} {second:?}");
}
