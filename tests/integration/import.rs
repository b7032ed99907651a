//! `bantin import`: the gold set (precision, recall, titles and dates), each input form
//! (.txt, .html in windows-1258, .jsonl, a folder), the report on stdout and as JSON,
//! never overwriting and `--force`, drafts that pass `bantin check --drafts`, and no panic
//! on any input.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::util::{self as common, run_in, Site};
use serde::Deserialize;

/// The site and inputs of tests/fixtures/import.
const FIXTURE: &str = "import";

/// ../shared/seeds, or `None` (with the reason printed) when it is not there; with `CI`
/// (or `BANTIN_REQUIRE_TOOLS`) set, its absence fails the test.
fn seeds() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() || crate::util::pages::tools_required() {
        panic!("{} is missing, and CI requires it", dir.display());
    }
    eprintln!(
        "skipped: the seed bulletins are not at {}; the seeds' part of the gold set is not scored",
        dir.display()
    );
    None
}

#[derive(Debug, Deserialize)]
struct GoldFigure {
    indicator: String,
    value: f64,
    value_max: Option<f64>,
    kind: String,
    period: String,
    qualifier: Option<String>,
    basis: Option<String>,
}

#[derive(Debug, Deserialize)]
struct GoldInput {
    file: String,
    #[serde(default)]
    seed: bool,
    line: Option<usize>,
    #[serde(default)]
    args: Vec<String>,
    title: String,
    date: String,
    locality: String,
    figures: Vec<GoldFigure>,
}

fn gold() -> Vec<GoldInput> {
    let text = std::fs::read_to_string(common::fixture(FIXTURE).join("gold.yaml")).unwrap();
    serde_yaml::from_str(&text).unwrap()
}

fn options(root: &Path, input: PathBuf, args: &[String]) -> bantin::import::Options {
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    bantin::import::Options {
        root: root.to_path_buf(),
        locality: arg("--locality"),
        date: arg("--date"),
        into: "nhap".into(),
        force: false,
        inputs: vec![input],
    }
}

fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Whether a proposed figure is the gold one in indicator, value, kind, period, qualifier.
fn matches(p: &bantin::import::recognise::Proposal, g: &GoldFigure) -> bool {
    p.indicator == g.indicator
        && same(p.value_in_indicator_unit, g.value)
        && match (p.value_max, g.value_max) {
            (None, None) => true,
            (Some(a), Some(b)) => {
                let factor = p.value_in_indicator_unit / p.value;
                same(a * factor, b)
            }
            _ => false,
        }
        && p.kind.as_str() == g.kind
        && p.period == g.period
        && p.qualifier.map(|q| q.as_str()) == g.qualifier.as_deref()
}

/// Counts of one input's scoring.
#[derive(Default, Debug, Clone, Copy)]
struct Score {
    proposed: usize,
    right: usize,
    gold: usize,
    basis_right: usize,
}

fn score_input(
    report: &bantin::import::report::InputReport,
    g: &GoldInput,
    wrong: &mut Vec<String>,
) -> Score {
    let mut used = vec![false; g.figures.len()];
    let mut s = Score {
        proposed: report.figures.len(),
        gold: g.figures.len(),
        ..Score::default()
    };
    for p in &report.figures {
        match (0..g.figures.len()).find(|&i| !used[i] && matches(p, &g.figures[i])) {
            Some(i) => {
                used[i] = true;
                s.right += 1;
                if p.basis.map(|b| b.as_str()) == g.figures[i].basis.as_deref() {
                    s.basis_right += 1;
                }
            }
            None => wrong.push(format!(
                "{}: proposed {} {} {:?} {} {} {:?} ({})",
                g.file,
                p.indicator,
                p.value,
                p.value_max,
                p.kind.as_str(),
                p.period,
                p.qualifier,
                p.text
            )),
        }
    }
    for (i, f) in g.figures.iter().enumerate() {
        if !used[i] {
            wrong.push(format!(
                "{}: missed {} {} {} {}",
                g.file, f.indicator, f.value, f.kind, f.period
            ));
        }
    }
    s
}

#[test]
fn gold_set_precision_recall_titles_and_dates() {
    let seeds = seeds();
    let site = Site::new(FIXTURE);
    let mut totals = Score::default();
    let mut per_input = BTreeMap::new();
    let mut wrong = Vec::new();
    for g in gold() {
        let input = if g.seed {
            match &seeds {
                Some(dir) => dir.join(&g.file),
                None => continue,
            }
        } else {
            site.path("inputs").join(&g.file)
        };
        let into = site.tmp.path().join(format!("run-{}", per_input.len()));
        common::copy_dir(&site.root, &into);
        let report = bantin::import::run(&options(&into, input, &g.args)).unwrap();
        let r = match g.line {
            Some(n) => report
                .inputs
                .iter()
                .find(|i| i.input.ends_with(&format!(":{n}")))
                .unwrap(),
            None => &report.inputs[0],
        };
        assert_eq!(r.error, None, "{}", g.file);
        assert_eq!(r.title.as_deref(), Some(g.title.as_str()), "{}", g.file);
        assert_eq!(r.date.as_deref(), Some(g.date.as_str()), "{}", g.file);
        assert_eq!(
            r.locality.as_deref(),
            Some(g.locality.as_str()),
            "{}",
            g.file
        );
        let s = score_input(r, &g, &mut wrong);
        totals.proposed += s.proposed;
        totals.right += s.right;
        totals.gold += s.gold;
        totals.basis_right += s.basis_right;
        let key = format!(
            "{}{}",
            g.file,
            g.line.map_or(String::new(), |l| format!(":{l}"))
        );
        per_input.insert(key, s);
    }
    let precision = totals.right as f64 / totals.proposed.max(1) as f64;
    let recall = totals.right as f64 / totals.gold.max(1) as f64;
    for (file, s) in &per_input {
        eprintln!(
            "{file:<40} proposed {:>2}  right {:>2}  gold {:>2}",
            s.proposed, s.right, s.gold
        );
    }
    for w in &wrong {
        eprintln!("  {w}");
    }
    eprintln!(
        "gold set: {} inputs, {} figures; proposed {}, right {}: precision {:.3}, recall {:.3}; basis right on {} of {} right figures",
        per_input.len(),
        totals.gold,
        totals.proposed,
        totals.right,
        precision,
        recall,
        totals.basis_right,
        totals.right
    );
    assert!(precision >= 0.9, "precision {precision:.3} < 0.9");
    assert!(recall >= 0.75, "recall {recall:.3} < 0.75");
}

/// `bantin import --root site args…` in the site's temporary folder.
fn import(site: &Site, args: &[&str]) -> common::Run {
    let mut all = vec!["import", "--root", site.root.to_str().unwrap()];
    all.extend_from_slice(args);
    run_in(site.tmp.path(), &all)
}

fn input(site: &Site, name: &str) -> String {
    site.path("inputs").join(name).to_str().unwrap().to_string()
}

/// The drafts under content/nhap, by path relative to the site root.
fn drafts(site: &Site) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let dir = site.path("content/nhap");
    for e in walkdir::WalkDir::new(&dir).into_iter().flatten() {
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(&site.root).unwrap();
            out.insert(
                rel.display().to_string(),
                std::fs::read_to_string(e.path()).unwrap(),
            );
        }
    }
    out
}

#[test]
fn txt_input_becomes_an_annotated_draft() {
    let site = Site::new(FIXTURE);
    let run = import(&site, &[&input(&site, "krong-pac-2021-01-12.txt")]);
    run.assert_ok();
    let d = drafts(&site);
    let (path, text) = d.iter().next().unwrap();
    assert_eq!(
        path,
        "content/nhap/2021/huyen-krong-pac-tong-ket-nhiem-vu-nam-2020-trien-khai-ke-hoach-nam-2021.md"
    );
    assert!(
        text.contains(
            "title: \"Huyện Krông Pắc tổng kết nhiệm vụ năm 2020, triển khai kế hoạch năm 2021\"\n"
        ),
        "{text}"
    );
    assert!(text.contains("date: 2021-01-12\n"), "{text}");
    assert!(text.contains("locality: krong-pac\n"), "{text}");
    assert!(text.contains("authors: [\"Hoàng Gia\"]\n"), "{text}");
    assert!(text.contains("draft: true\n"), "{text}");
    assert!(
        text.contains(
            "thu ngân sách trên địa bàn [185 tỷ đồng](ind:thu-ngan-sach?period=2021&kind=target);"
        ),
        "{text}"
    );
    assert!(text.contains("tỷ lệ hộ nghèo còn [dưới 5%](ind:ty-le-ho-ngheo?period=2021&kind=target&qualifier=under)."), "{text}");
    assert!(
        text.contains("[8 - 8,5%](ind:tang-truong?period=2021&kind=target)"),
        "{text}"
    );
    // Chrome, captions and the credit are not in the body; a fraction is not a figure.
    for gone in [
        "Tìm kiếm",
        "Toàn cảnh hội nghị",
        "Tin, ảnh",
        "Bài liên quan",
    ] {
        assert!(!text.contains(gone), "{gone} in {text}");
    }
    assert!(text.contains("Toàn huyện có 18/19 chỉ tiêu đạt"), "{text}");
}

#[test]
fn html_in_windows_1258_is_decoded_and_composed() {
    let site = Site::new(FIXTURE);
    let run = import(&site, &[&input(&site, "lac-son-so-ket-6-thang-2024.html")]);
    run.assert_ok();
    let d = drafts(&site);
    let text = d.values().next().unwrap();
    assert!(
        text.contains("title: \"Huyện Lạc Sơn sơ kết 6 tháng đầu năm 2024\"\n"),
        "{text}"
    );
    assert!(text.contains("date: 2024-07-15T08:30:00+07:00\n"), "{text}");
    assert!(
        text.contains("[38,6 tỷ đồng](ind:thu-ngan-sach?period=2024-M6&kind=actual)"),
        "{text}"
    );
    // NFC: windows-1258 writes tones as combining marks; the draft has them composed.
    assert_eq!(text.as_str(), bantin::vi::nfc(text));
    // Scripts, navigation, captions, comments, asides and footers are not the article.
    for gone in [
        "tracking",
        "Văn bản",
        "Quang cảnh",
        "bình luận ẩn",
        "Tin đọc nhiều",
        "Bản quyền",
    ] {
        assert!(!text.contains(gone), "{gone} in {text}");
    }
    assert!(text.contains("authors: [\"Minh Phương\"]"), "{text}");
}

#[test]
fn txt_in_windows_1258_reads_as_the_same_bulletin() {
    let site = Site::new(FIXTURE);
    let page = site.path("cp1258/krong-pac-2021-01-12.txt");
    assert!(std::str::from_utf8(&std::fs::read(&page).unwrap()).is_err());
    import(&site, &[page.to_str().unwrap()]).assert_ok();
    let d = drafts(&site);
    let text = d.values().next().unwrap();
    assert!(
        text.contains(
            "title: \"Huyện Krông Pắc tổng kết nhiệm vụ năm 2020, triển khai kế hoạch năm 2021\"\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("[185 tỷ đồng](ind:thu-ngan-sach?period=2021&kind=target)"),
        "{text}"
    );
}

#[test]
fn jsonl_lines_are_bulletins_and_the_address_names_the_locality() {
    let site = Site::new(FIXTURE);
    let report = site.tmp.path().join("report.json");
    let run = import(
        &site,
        &[
            &input(&site, "song-cong.jsonl"),
            "--report",
            report.to_str().unwrap(),
        ],
    );
    run.assert_ok();
    let d = drafts(&site);
    assert_eq!(d.len(), 2, "{:?}", d.keys());
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let first = &json["inputs"][0];
    assert!(first["input"]
        .as_str()
        .unwrap()
        .ends_with("song-cong.jsonl:1"));
    assert_eq!(first["locality"], "song-cong");
    assert_eq!(
        first["locality_found_by"]["website"],
        "songcong.thainguyen.gov.vn"
    );
    let text = d.values().find(|t| t.contains("giao chỉ tiêu")).unwrap();
    assert!(text.contains("source: { name: \"Cổng TTĐT thành phố Sông Công\", url: \"https://songcong.thainguyen.gov.vn/tin-tuc/giao-chi-tieu-2024\" }"), "{text}");
    assert!(
        text.contains("[520 tỷ đồng](ind:thu-ngan-sach?period=2024&kind=target&basis=assigned)"),
        "{text}"
    );
    assert!(
        text.contains("[560 tỷ đồng](ind:thu-ngan-sach?period=2024&kind=target&basis=resolution)"),
        "{text}"
    );
}

#[test]
fn a_folder_is_imported_whole_and_the_drafts_pass_check() {
    let site = Site::new(FIXTURE);
    let inputs = site.path("inputs");
    let run = import(&site, &[inputs.to_str().unwrap(), "--date", "2023-06-29"]);
    run.assert_ok();
    assert_eq!(drafts(&site).len(), 11);
    // The round trip: what import writes, the loader reads, drafts included.
    let check = site.check(&["--drafts"]);
    check.assert_ok();
    assert!(check.stderr.contains("11 bulletins"), "{}", check.stderr);
}

#[test]
fn the_seeds_import_and_pass_check() {
    let Some(seeds) = seeds() else { return };
    let site = Site::new(FIXTURE);
    let dir = seeds.to_str().unwrap();
    // The Yên Bái seed names no unit with its name: it fails and asks for --locality,
    // without stopping the others.
    let run = import(&site, &[dir]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("yen-bai-2020-02-19.txt"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--locality"), "{}", run.stderr);
    assert_eq!(drafts(&site).len(), 2);
    let yen_bai = seeds.join("yen-bai-2020-02-19.txt");
    import(
        &site,
        &[yen_bai.to_str().unwrap(), "--locality", "tp-yen-bai"],
    )
    .assert_ok();
    assert_eq!(drafts(&site).len(), 3);
    site.check(&["--drafts"]).assert_ok();
}

#[test]
fn the_report_is_a_table_and_json() {
    let site = Site::new(FIXTURE);
    let report = site.tmp.path().join("r.json");
    let run = import(
        &site,
        &[
            &input(&site, "ky-anh-2024-03-05.txt"),
            "--report",
            report.to_str().unwrap(),
        ],
    );
    run.assert_ok();
    assert!(
        run.stdout.contains("tx-ky-anh (text \"thi xa ky anh\")"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("1 drafts written, 0 failed; 4 figures proposed"),
        "{}",
        run.stdout
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let i = &json["inputs"][0];
    assert_eq!(
        i["title"],
        "Thị xã Kỳ Anh điều chỉnh kế hoạch thu ngân sách năm 2024"
    );
    assert_eq!(i["date"], "2024-03-05");
    let adjusted = i["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["value"] == 340.0)
        .unwrap();
    assert_eq!(adjusted["indicator"], "thu-ngan-sach");
    assert_eq!(adjusted["kind"], "target");
    assert_eq!(adjusted["basis"], "adjusted");
    assert!(adjusted["confidence"].as_f64().unwrap() > 0.0);
    // Numbers with a unit left as text are listed with the words before them.
    let left = i["left_as_text"].as_array().unwrap();
    let works = left.iter().find(|l| l["text"] == "120 tỷ đồng").unwrap();
    assert!(works["words_before"].as_str().unwrap().contains("tổng mức"));
    assert!(left.iter().any(|l| l["text"] == "113%"));
}

#[test]
fn never_overwrites_and_force_replaces_only_its_own_draft() {
    let site = Site::new(FIXTURE);
    let file = input(&site, "ky-anh-2024-03-05.txt");
    import(&site, &[&file]).assert_ok();
    let (path, first) = drafts(&site).into_iter().next().unwrap();
    // Edited by the archivist, then imported again: refused, untouched.
    std::fs::write(site.path(&path), first.replace("Sáng 5/3", "Sáng ngày 5/3")).unwrap();
    let again = import(&site, &[&file]);
    assert_eq!(again.code, Some(1));
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert!(site.read(&path).contains("Sáng ngày 5/3"));
    // --force replaces a draft made from the same source.
    import(&site, &[&file, "--force"]).assert_ok();
    assert_eq!(site.read(&path), first);
    // … but not a file the archivist has published (no longer a draft).
    std::fs::write(site.path(&path), first.replace("draft: true\n", "")).unwrap();
    let forced = import(&site, &[&file, "--force"]);
    assert_eq!(forced.code, Some(1));
    assert!(!site.read(&path).contains("\ndraft: true\n"));
    // Another input whose title gives the same slug is not the same source either.
    std::fs::write(site.path(&path), &first).unwrap();
    let other = site.tmp.path().join("khac-2024-03-06.txt");
    std::fs::copy(&file, &other).unwrap();
    let forced = import(&site, &[other.to_str().unwrap(), "--force"]);
    assert_eq!(forced.code, Some(1), "{}", forced.stdout);
    assert_eq!(site.read(&path), first);
}

#[test]
fn a_slug_another_bulletin_has_takes_the_locality() {
    let site = Site::new(FIXTURE);
    std::fs::create_dir_all(site.path("content/2024")).unwrap();
    std::fs::write(
        site.path("content/2024/bai-cu.md"),
        "---\ntitle: \"Bài cũ\"\ndate: 2024-03-01\nlocality: tx-ky-anh\nslug: thi-xa-ky-anh-dieu-chinh-ke-hoach-thu-ngan-sach-nam-2024\n---\n\nNội dung.\n",
    )
    .unwrap();
    import(&site, &[&input(&site, "ky-anh-2024-03-05.txt")]).assert_ok();
    assert!(site
        .path("content/nhap/2024/thi-xa-ky-anh-dieu-chinh-ke-hoach-thu-ngan-sach-nam-2024-tx-ky-anh.md")
        .is_file());
    site.check(&["--drafts"]).assert_ok();
}

#[test]
fn no_year_no_locality_are_errors_that_say_what_to_give() {
    let site = Site::new(FIXTURE);
    // "Chiều 28/6" and a file name without a date: the year is never guessed.
    let run = import(
        &site,
        &[
            &input(&site, "song-cong-so-ket.txt"),
            &input(&site, "ky-anh-2024-03-05.txt"),
        ],
    );
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("song-cong-so-ket.txt"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--date"), "{}", run.stderr);
    // The other input was imported all the same.
    assert_eq!(drafts(&site).len(), 1);
    let page = site.tmp.path().join("khong-ro-2023-05-02.txt");
    std::fs::write(&page, "Hội nghị sơ kết công tác quý I của thành phố\n\nSáng 2/5, UBND thành phố tổ chức hội nghị sơ kết, có nhiều đại biểu tham dự và phát biểu.\n").unwrap();
    let run = import(&site, &[page.to_str().unwrap()]);
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("--locality"), "{}", run.stderr);
}

mod no_panic {
    use proptest::prelude::*;

    use bantin::import::{draft, figures, matching, read, recognise};

    /// The fixture's catalogue, read once.
    fn catalogue() -> &'static (matching::Catalogue, figures::Units) {
        static CATALOGUE: std::sync::OnceLock<(matching::Catalogue, figures::Units)> =
            std::sync::OnceLock::new();
        CATALOGUE.get_or_init(|| {
            let root = super::common::fixture(super::FIXTURE);
            let inds = bantin::load::registries::indicators(&root, &mut Vec::new())
                .1
                .unwrap();
            (
                matching::Catalogue::new(&inds),
                figures::Units::new(inds.all.iter().map(|i| &*i.unit)),
            )
        })
    }

    /// Text made of the characters bulletins are made of, numbers, units and cue words.
    fn bulletin_text() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "thu ngân sách ",
            "đạt ",
            "4.500 ",
            "507,8 ",
            "tỷ đồng",
            "%",
            "/người/năm",
            " - ",
            "; ",
            ", ",
            ". ",
            ": ",
            "năm 2024 ",
            "9 tháng ",
            "quý III/2023 ",
            "trên ",
            "trở lên",
            "tăng ",
            "so với ",
            "kế hoạch ",
            "18/11 ",
            "2016-2020 ",
            "\n",
            "\n\n",
            "Chiều ",
            "giai đoạn ",
            "(",
            ")",
            "[",
            "*",
            "1.",
            "0",
            "9",
            "dưới ",
            "nghị quyết ",
            "ước ",
            "tổng giá trị sản xuất ",
            "hộ nghèo ",
            "xã ",
            "thôn ",
            "\u{301}",
            "đ",
            "Ư",
        ]);
        prop::collection::vec(pieces, 0..60).prop_map(|v| v.concat())
    }

    fn exercise(text: &str) {
        let (catalogue, units) = catalogue();
        let setting = recognise::Setting {
            year: 2023,
            month: 6,
            ..recognise::Setting::default()
        };
        let page = read::txt(text);
        for p in page.paragraphs.iter().map(String::as_str).chain([text]) {
            let reading = recognise::read(p, catalogue, units, &setting);
            let md = draft::paragraph(p, &reading.proposals);
            assert!(!md.is_empty() || p.is_empty());
        }
        let _ = read::jsonl_line(text);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn arbitrary_strings(s in "\\PC*") {
            exercise(&s);
        }

        #[test]
        fn bulletin_like_strings(s in bulletin_text()) {
            exercise(&s);
        }

        #[test]
        fn arbitrary_bytes_as_html(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            let page = read::html(&bytes);
            for p in &page.paragraphs {
                exercise(p);
            }
            exercise(&String::from_utf8_lossy(&bytes));
        }
    }
}
