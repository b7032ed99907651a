//! Criterion benchmarks of the hot functions of a build: Vietnamese text helpers, figure
//! parsing, Markdown rendering and reading a whole bulletin. Run with `cargo bench --bench hot`.
//!
//! The bulletin is the largest of the example site's (content/ of this repository), read
//! against the example site's registries, as `bantin build` reads it.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion};

use bantin::load::article::{self, parse_article, ReadOptions, Registries};
use bantin::load::{markdown, Base, LoadOptions};
use bantin::model::figure::parse_figure;
use bantin::vi;

const TITLE: &str = "Huyện Đông Sơn hoàn thành 12/12 chỉ tiêu kinh tế – xã hội năm 2024";

/// The largest bulletin of the example site: (path under the root, text).
fn typical_bulletin(root: &Path) -> (PathBuf, String) {
    walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.path().to_path_buf())
        .max_by_key(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable bulletin");
            (p.strip_prefix(root).unwrap_or(&p).to_path_buf(), text)
        })
        .expect("content/ holds a bulletin")
}

fn text_helpers(c: &mut Criterion) {
    c.bench_function("vi::fold", |b| b.iter(|| vi::fold(black_box(TITLE))));
    c.bench_function("vi::slugify", |b| b.iter(|| vi::slugify(black_box(TITLE))));
    c.bench_function("vi::nfc (already NFC)", |b| {
        b.iter(|| vi::nfc(black_box(TITLE)).len())
    });
    c.bench_function("vi::parse_number", |b| {
        b.iter(|| vi::parse_number(black_box("1.234.567,89")))
    });
    c.bench_function("vi::format_number", |b| {
        b.iter(|| vi::format_number(black_box(1_234_567.89)))
    });
    c.bench_function("figure::parse_figure", |b| {
        b.iter(|| parse_figure(black_box("khoảng 12.500 tỷ đồng")))
    });
}

fn bulletin(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut errors = Vec::new();
    let base = Base::load(root, &LoadOptions::default(), &mut errors).expect("example site");
    assert!(errors.is_empty(), "the example site loads: {errors:?}");
    let (file, text) = typical_bulletin(root);
    let (front, body, _) = article::split_front_matter(&text, &file).expect("front matter");
    c.bench_function("serde_yaml tiny document", |b| {
        b.iter(|| serde_yaml::from_str::<serde_yaml::Value>(black_box("a: 1\n")).expect("valid"))
    });
    c.bench_function("yaml::parse (typical front matter)", |b| {
        b.iter(|| bantin::load::yaml::parse(black_box(front), &file, 2).expect("valid YAML"))
    });
    let href = |id: &str| format!("/chi-tieu/{id}/");
    c.bench_function("markdown::render (typical body)", |b| {
        b.iter(|| markdown::render(black_box(body), false, &href))
    });
    let reg = Registries {
        localities: &base.localities,
        terms: &base.terms,
        indicators: &base.indicators,
    };
    let opts = ReadOptions {
        timezone: base.settings.timezone,
        allow_html: base.settings.allow_html,
        urls: &base.urls,
        bodies: &base.bodies,
    };
    c.bench_function("parse_article (typical bulletin)", |b| {
        b.iter(|| {
            parse_article(&file, black_box(&text), "bai", &reg, &opts)
                .expect("the bulletin is valid")
        })
    });
}

criterion_group!(benches, text_helpers, bulletin);
criterion_main!(benches);
