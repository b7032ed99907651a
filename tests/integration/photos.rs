//! Photos of bundles: published resized to the widths bantin documents (never enlarged),
//! upright by their EXIF orientation and with no EXIF left (GPS above all), with `srcset`,
//! `sizes`, `width`/`height` and `loading="lazy"` from the theme's `partials/photo.html`;
//! resized once and taken from `<cache_dir>/images/` by the next build; a photo that cannot
//! be decoded is an error at the line that shows it; a photo of a format bantin cannot clean
//! (HEIC, WebP…) is never published as it is. The photos are made here, with the
//! image crate, and their EXIF written with kamadak-exif.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use bantin::build::{self, BuildOptions, BuildReport};
use bantin::load::LoadOptions;
use bantin::rebuild::site::{Changes, Site as ServeSite};
use exif::experimental::Writer;
use exif::{Field, In, Rational, Tag, Value};
use image::{ImageEncoder, Rgb, RgbImage};

use crate::util::pages::{copy_site, fixture_root, set_setting, Page};
use crate::util::Site;

const BUNDLE: &str = "content/2020/anh-khoi-cong";
const PAGE: &str = "bai-viet/anh-khoi-cong/";

/// An EXIF block as phones write it: the camera, where the photo was taken, and an
/// orientation (6: the stored pixels must turn 90° clockwise to stand upright).
fn exif_block(orientation: u16) -> Vec<u8> {
    let fields = [
        Field {
            tag: Tag::Make,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![b"Dien thoai".to_vec()]),
        },
        Field {
            tag: Tag::Orientation,
            ifd_num: In::PRIMARY,
            value: Value::Short(vec![orientation]),
        },
        Field {
            tag: Tag::GPSLatitudeRef,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![b"N".to_vec()]),
        },
        Field {
            tag: Tag::GPSLatitude,
            ifd_num: In::PRIMARY,
            value: Value::Rational(vec![
                Rational { num: 21, denom: 1 },
                Rational { num: 42, denom: 1 },
                Rational { num: 30, denom: 1 },
            ]),
        },
        Field {
            tag: Tag::GPSLongitudeRef,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![b"E".to_vec()]),
        },
        Field {
            tag: Tag::GPSLongitude,
            ifd_num: In::PRIMARY,
            value: Value::Rational(vec![
                Rational { num: 104, denom: 1 },
                Rational { num: 52, denom: 1 },
                Rational { num: 7, denom: 1 },
            ]),
        },
    ];
    let mut w = Writer::new();
    for f in &fields {
        w.push_field(f);
    }
    let mut out = std::io::Cursor::new(Vec::new());
    w.write(&mut out, false).unwrap();
    out.into_inner()
}

/// A `width` × `height` picture whose top fifth is red and the rest blue, so that its
/// orientation shows.
fn picture(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |_, y| {
        if y < height / 5 {
            Rgb([220, 20, 20])
        } else {
            Rgb([20, 40, 200])
        }
    })
}

/// A JPEG of [`picture`], with an EXIF block when given.
fn jpeg(width: u32, height: u32, exif: Option<Vec<u8>>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
    if let Some(e) = exif {
        enc.set_exif_metadata(e).unwrap();
    }
    let img = picture(width, height);
    enc.write_image(img.as_raw(), width, height, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

/// A PNG of [`picture`] with an eXIf chunk.
fn png(width: u32, height: u32, exif: Vec<u8>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = image::codecs::png::PngEncoder::new(&mut out);
    enc.set_exif_metadata(exif).unwrap();
    let img = picture(width, height);
    enc.write_image(img.as_raw(), width, height, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

/// The bulletin of the photos: a photo alone with a caption (stored sideways, orientation
/// 6), a drawing in a sentence (wider than the widest width), a small photo (narrower than
/// the narrowest), a link to the drawing, a PDF, and a photo that nothing shows.
const BULLETIN: &str = "---
title: \"Lễ khởi công cầu Đông Tiến\"
date: 2020-07-02
locality: dong-tien
---
Sáng 2/7, xã Đông Tiến khởi công cầu mới.

![Lễ khởi công cầu Đông Tiến](<Lễ khởi công.jpg> \"Các đại biểu bấm nút khởi công\")

Sơ đồ ![Sơ đồ mặt bằng cầu](so-do.png) cho thấy vị trí cầu; [tải sơ đồ gốc](so-do.png).

![Cầu cũ](nho.jpg)

Xem [quyết định](quyet-dinh.pdf) và ảnh [từ xa](https://example.org/anh.jpg).
";

/// Write the photo bulletin into the site at `root`.
fn add_photos(root: &Path) {
    let dir = root.join(BUNDLE);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.md"), BULLETIN).unwrap();
    // 1200 × 700 stored, 700 × 1200 upright.
    std::fs::write(
        dir.join("Lễ khởi công.jpg"),
        jpeg(1200, 700, Some(exif_block(6))),
    )
    .unwrap();
    std::fs::write(dir.join("so-do.png"), png(2000, 400, exif_block(1))).unwrap();
    std::fs::write(dir.join("nho.jpg"), jpeg(320, 240, None)).unwrap();
    std::fs::write(dir.join("thua.jpg"), jpeg(64, 48, Some(exif_block(1)))).unwrap();
    std::fs::write(dir.join("quyet-dinh.pdf"), b"%PDF-1.4\n%%EOF\n").unwrap();
}

/// The page fixture with the photo bulletin, in a temporary folder (not built).
pub fn photo_site() -> Site {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_site(&fixture_root(), &root);
    add_photos(&root);
    let out = tmp.path().join("out");
    Site { tmp, root, out }
}

fn build(s: &Site) -> BuildReport {
    // A full build each time: what is tested here is the photos' own cache.
    let opts = BuildOptions {
        load: LoadOptions::default(),
        output: Some(s.out.clone()),
        full: true,
    };
    build::build(&s.root, &opts).unwrap_or_else(|d| panic!("the build failed:\n{d}"))
}

fn dimensions(bytes: &[u8]) -> (u32, u32) {
    image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .unwrap()
        .into_dimensions()
        .unwrap()
}

/// The site path of an address of the page (root-relative under /luu-tru/).
fn site_path(src: &str) -> String {
    src.strip_prefix("/luu-tru/")
        .unwrap_or_else(|| panic!("{src} is not under the base path"))
        .to_string()
}

/// Each candidate of a `srcset`: its address and its `w` descriptor.
fn srcset(value: &str) -> Vec<(String, u32)> {
    value
        .split(',')
        .map(|c| {
            let mut words = c.split_whitespace();
            let url = words.next().unwrap().to_string();
            let w = words.next().unwrap();
            assert!(words.next().is_none(), "{c}");
            let w = w.strip_suffix('w').unwrap_or_else(|| panic!("{c}: no w"));
            (url, w.parse().unwrap())
        })
        .collect()
}

/// Every published image of the bundle: site path → bytes.
fn published_images(s: &Site) -> BTreeMap<String, Vec<u8>> {
    s.files()
        .into_iter()
        .filter(|f| f.starts_with(PAGE) && !f.ends_with(".html") && !f.ends_with(".pdf"))
        .map(|f| {
            let bytes = std::fs::read(s.out.join(&f)).unwrap();
            (f, bytes)
        })
        .collect()
}

#[test]
fn photos_are_published_resized_upright_lazy_and_without_metadata() {
    let s = photo_site();
    let report = build(&s);
    assert_eq!(report.photos.photos, 3, "{:?}", report.photos);

    let page = s.page(PAGE);
    let imgs = page.all("article .body img");
    let mut widths = Vec::new();
    for (i, img) in imgs.iter().enumerate() {
        let el = img.value();
        let src = el.attr("src").unwrap();
        assert_eq!(el.attr("sizes"), Some("(min-width: 50em) 46em, 100vw"));
        // Every address of the srcset is a published file as wide as its descriptor says,
        // and of the photo's shape.
        let set = srcset(el.attr("srcset").unwrap());
        let mut ws = Vec::new();
        let mut shape = None;
        for (url, w) in &set {
            let bytes = std::fs::read(s.file(&site_path(url)))
                .unwrap_or_else(|e| panic!("{url} of the srcset is not published: {e}"));
            let (fw, fh) = dimensions(&bytes);
            assert_eq!(
                fw, *w,
                "{url}: the descriptor says {w}w, the file is {fw} wide"
            );
            let ratio = f64::from(fh) / f64::from(fw);
            let first = *shape.get_or_insert(ratio);
            assert!(
                (ratio - first).abs() < 0.01,
                "{url} is not of the photo's shape"
            );
            ws.push(*w);
        }
        // The src is one of them, and width/height are its size.
        assert!(
            set.iter().any(|(u, _)| u == src),
            "{src} is not in the srcset"
        );
        let (fw, fh) = dimensions(&std::fs::read(s.file(&site_path(src))).unwrap());
        assert_eq!(el.attr("width"), Some(fw.to_string().as_str()), "{src}");
        assert_eq!(el.attr("height"), Some(fh.to_string().as_str()), "{src}");
        // Only the first photo of the page loads at once.
        let lazy = el.attr("loading");
        assert_eq!(lazy, (i > 0).then_some("lazy"), "photo {i}");
        widths.push(ws);
    }
    assert_eq!(
        widths,
        [vec![480, 700], vec![480, 960, 1600], vec![320]],
        "the widths of the three photos (never beyond the photo's own)"
    );

    // The sideways photo stands upright: 700 × 1200, its red band (the stored top) on the
    // right.
    let upright = image::load_from_memory(
        &std::fs::read(s.out.join(PAGE).join("le-khoi-cong-480.jpg")).unwrap(),
    )
    .unwrap()
    .to_rgb8();
    assert_eq!(upright.dimensions(), (480, 823));
    let right = upright.get_pixel(470, 400);
    let left = upright.get_pixel(10, 400);
    assert!(right[0] > 150 && right[2] < 100, "right edge {right:?}");
    assert!(left[2] > 150 && left[0] < 100, "left edge {left:?}");

    // A photo alone is a figure, with its caption when it has one; one in a sentence
    // stays in it.
    assert_eq!(page.all("article .body figure.photo img").len(), 2);
    assert_eq!(
        page.texts("article .body figure.photo figcaption"),
        ["Các đại biểu bấm nút khởi công"]
    );
    assert_eq!(page.all("article .body p img").len(), 1, "the drawing");
    assert_eq!(
        imgs[0].value().attr("alt"),
        Some("Lễ khởi công cầu Đông Tiến")
    );

    // No published image carries EXIF: no GPS, no camera, no orientation.
    let images = published_images(&s);
    let names: Vec<&str> = images.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "bai-viet/anh-khoi-cong/le-khoi-cong-480.jpg",
            "bai-viet/anh-khoi-cong/le-khoi-cong-700.jpg",
            "bai-viet/anh-khoi-cong/nho-320.jpg",
            "bai-viet/anh-khoi-cong/so-do-1600.png",
            "bai-viet/anh-khoi-cong/so-do-480.png",
            "bai-viet/anh-khoi-cong/so-do-960.png",
            // Linked to: the full size, under its own name.
            "bai-viet/anh-khoi-cong/so-do.png",
        ],
        "resized copies, the linked drawing; not the originals, not the photo nothing shows"
    );
    for (name, bytes) in &images {
        let exif = exif::Reader::new().read_from_container(&mut std::io::Cursor::new(bytes));
        if let Ok(e) = exif {
            let tags: Vec<String> = e.fields().map(|f| f.tag.to_string()).collect();
            panic!("{name} still has EXIF: {tags:?}");
        }
        assert!(
            !bytes.windows(6).any(|w| w == b"Exif\0\0") && !bytes.windows(4).any(|w| w == b"eXIf"),
            "{name} has an EXIF block"
        );
    }
    assert_eq!(
        dimensions(&images["bai-viet/anh-khoi-cong/so-do.png"]),
        (2000, 400)
    );
    // Other files of the bundle are copied as they are.
    assert!(s.exists("bai-viet/anh-khoi-cong/quyet-dinh.pdf"));
    // An image by its full address is left as Markdown writes it.
    assert!(page.links_to("https://example.org/anh.jpg"));
}

/// Every file under `dir` with its modification time.
fn mtimes(dir: &Path) -> BTreeMap<PathBuf, std::time::SystemTime> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().to_path_buf(),
                e.metadata().unwrap().modified().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_rebuild_takes_the_photos_from_the_cache() {
    let s = photo_site();
    let first = build(&s);
    assert_eq!((first.photos.made, first.photos.reused), (7, 0));
    let cache = s.root.join(".bantin-cache/images");
    let cached = mtimes(&cache);
    assert_eq!(cached.len(), 7, "{cached:?}");
    let published = published_images(&s);

    let second = build(&s);
    assert_eq!(
        (second.photos.made, second.photos.reused),
        (0, 7),
        "the second build resizes nothing"
    );
    assert_eq!(mtimes(&cache), cached, "the cache is untouched");
    assert_eq!(
        published_images(&s),
        published,
        "the same files are published"
    );

    // A photo that changes is a new entry; the others stay; its old copy, which nothing
    // uses any more, leaves the cache. A file bantin did not make there stays.
    std::fs::write(cache.join("ghi-chu.txt"), "của người lưu trữ").unwrap();
    std::fs::write(s.root.join(BUNDLE).join("nho.jpg"), jpeg(300, 200, None)).unwrap();
    let third = build(&s);
    assert_eq!((third.photos.made, third.photos.reused), (1, 6));
    assert_eq!(third.photos.pruned, 1, "the old copy of nho.jpg is removed");
    let now = mtimes(&cache);
    assert_eq!(now.len(), 8, "six kept, one new, the note: {now:?}");
    assert!(now.contains_key(&cache.join("ghi-chu.txt")));
    let kept: Vec<_> = cached.keys().filter(|p| now.contains_key(*p)).collect();
    assert_eq!(kept.len(), 6, "{now:?}");
    assert_eq!(
        dimensions(&std::fs::read(s.out.join(PAGE).join("nho-300.jpg")).unwrap()),
        (300, 200)
    );
    assert!(!s.out.join(PAGE).join("nho-320.jpg").exists());

    // A photo no body shows any more: its copies go too.
    let file = format!("{BUNDLE}/index.md");
    s.replace(&file, "![Cầu cũ](nho.jpg)", "Cầu cũ.");
    let fourth = build(&s);
    assert_eq!(fourth.photos.pruned, 1, "nho.jpg had one copy (300 wide)");
    assert_eq!(mtimes(&cache).len(), 7);

    // `bantin check` reads the cache and adds nothing to it.
    std::fs::remove_dir_all(&cache).unwrap();
    let run = s.check(&[]);
    run.assert_ok();
    assert!(!cache.exists(), "check wrote the cache");
}

#[test]
fn photo_originals_publishes_the_full_size_upright_without_metadata() {
    let s = photo_site();
    set_setting(&s.root, "photo_originals", "true");
    let report = build(&s);
    assert_eq!(report.photos.made, 9);
    let page = s.page(PAGE);
    let links = page.hrefs("article .body figure.photo a");
    assert_eq!(
        links,
        [
            "/luu-tru/bai-viet/anh-khoi-cong/L%E1%BB%85%20kh%E1%BB%9Fi%20c%C3%B4ng.jpg",
            "/luu-tru/bai-viet/anh-khoi-cong/nho.jpg"
        ]
    );
    let original = std::fs::read(s.out.join(PAGE).join("Lễ khởi công.jpg")).unwrap();
    assert_eq!(dimensions(&original), (700, 1200));
    assert!(exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(&original))
        .is_err());
    // The unused photo stays unpublished.
    assert!(!s.exists("bai-viet/anh-khoi-cong/thua.jpg"));
    s.check(&[]).assert_ok();
}

#[test]
fn a_photo_that_cannot_be_decoded_is_an_error_at_its_line() {
    let s = photo_site();
    std::fs::write(s.root.join(BUNDLE).join("nho.jpg"), b"not a photo at all").unwrap();
    // A PNG cut short.
    let mut cut = png(400, 300, exif_block(1));
    cut.truncate(cut.len() / 2);
    std::fs::write(s.root.join(BUNDLE).join("so-do.png"), &cut).unwrap();
    let run = s.build(&[]);
    run.assert_failed();
    let errors = run.errors();
    let text = s.read(&format!("{BUNDLE}/index.md"));
    let file = format!("{BUNDLE}/index.md");
    let at = |needle: &str| format!("{file}:{}", crate::util::line_of(&text, needle));
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(
        errors[0].contains(&at("![Sơ đồ")) && errors[0].contains("`so-do.png`"),
        "{errors:#?}"
    );
    assert!(
        errors[1].contains(&at("![Cầu cũ](nho.jpg)"))
            && errors[1].contains("`nho.jpg` cannot be decoded")
            && errors[1].contains("help: "),
        "{errors:#?}"
    );
    assert!(!s.out.exists(), "a failed build wrote the output");
}

#[test]
fn a_photo_bantin_cannot_clean_is_not_published_as_it_is() {
    // A phone's HEIC and a WebP beside index.md, named by no Markdown: copied as they are,
    // they would carry where they were taken. A PDF beside them is published as before.
    let s = photo_site();
    std::fs::write(s.root.join(BUNDLE).join("IMG_0042.HEIC"), b"heic bytes").unwrap();
    std::fs::write(s.root.join(BUNDLE).join("cau.webp"), b"RIFF webp").unwrap();
    let run = s.build(&[]);
    run.assert_failed();
    let errors = run.errors();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    for (e, name) in errors.iter().zip(["IMG_0042.HEIC", "cau.webp"]) {
        assert!(
            e.contains(&format!("{BUNDLE}/index.md"))
                && e.contains(&format!("`{name}`"))
                && e.contains("where and when it was taken")
                && e.contains("help: convert it to JPEG"),
            "{errors:#?}"
        );
    }
    assert!(!s.out.exists(), "a failed build wrote the output");
    // Converted away, the bulletin builds and its PDF is there.
    std::fs::remove_file(s.root.join(BUNDLE).join("IMG_0042.HEIC")).unwrap();
    std::fs::remove_file(s.root.join(BUNDLE).join("cau.webp")).unwrap();
    s.build(&[]).assert_ok();
    assert!(s.out.join(PAGE).join("quyet-dinh.pdf").is_file());
}

#[test]
fn a_photo_the_bundle_lacks_is_an_error_at_its_line() {
    let s = photo_site();
    let file = format!("{BUNDLE}/index.md");
    let line = s.replace(&file, "![Cầu cũ](nho.jpg)", "![Cầu cũ](cau-cu.jpg)");
    // A bulletin that is no bundle cannot show a photo by its name either.
    s.write(
        "content/2020/le.md",
        "---\ntitle: \"Lẻ\"\ndate: 2020-07-03\nlocality: dong-tien\n---\nẢnh ![x](anh.png).\n",
    );
    let run = s.build(&[]);
    run.assert_failed();
    let errors = run.errors();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(
        errors[0].starts_with("error: content/2020/anh-khoi-cong/index.md:")
            && errors[0].contains(&format!(":{line}"))
            && errors[0].contains("`cau-cu.jpg` is not a file beside this bulletin"),
        "{errors:#?}"
    );
    assert!(
        errors[1].contains("content/2020/le.md:6") && errors[1].contains("<slug>/index.md"),
        "{errors:#?}"
    );
}

#[test]
fn serve_shows_the_photos_and_redoes_them_when_one_changes() {
    let s = photo_site();
    let opts = LoadOptions {
        drafts: false,
        base_url: Some("http://127.0.0.1:1111/".into()),
    };
    let mut site = ServeSite::new(&s.root, opts);
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let apply = |files: &mut BTreeMap<String, Vec<u8>>, d: bantin::rebuild::site::Delta| {
        if d.replace_all {
            files.clear();
        }
        for p in d.remove {
            files.remove(&p);
        }
        files.extend(d.insert);
    };
    site.rebuild(Changes::full(), &mut |d| apply(&mut files, d))
        .expect("builds");
    let html = String::from_utf8(files[&format!("{PAGE}index.html")].clone()).unwrap();
    let page = Page {
        path: PAGE.into(),
        html: scraper::Html::parse_document(&html),
    };
    for img in page.all("article .body img") {
        for (url, w) in srcset(img.value().attr("srcset").unwrap()) {
            let p = url.trim_start_matches('/');
            let bytes = files
                .get(p)
                .unwrap_or_else(|| panic!("{url} is not served"));
            assert_eq!(dimensions(bytes).0, w);
        }
    }
    assert!(!files.contains_key(&format!("{PAGE}thua.jpg")));

    // The small photo is replaced: its page and its copies change, the old copy goes.
    std::fs::write(s.root.join(BUNDLE).join("nho.jpg"), jpeg(300, 200, None)).unwrap();
    site.rebuild(Changes::file(format!("{BUNDLE}/index.md")), &mut |d| {
        apply(&mut files, d)
    })
    .expect("rebuilds");
    assert_eq!(
        dimensions(&files[&format!("{PAGE}nho-300.jpg")]),
        (300, 200)
    );
    assert!(!files.contains_key(&format!("{PAGE}nho-320.jpg")));
    let html = String::from_utf8(files[&format!("{PAGE}index.html")].clone()).unwrap();
    assert!(html.contains("nho-300.jpg 300w"), "{html}");
}

#[test]
fn a_cache_that_cannot_be_written_costs_time_not_the_build() {
    let s = photo_site();
    // A folder inside a file cannot be made.
    set_setting(&s.root, "cache_dir", "\"site.toml/cache\"");
    let report = build(&s);
    assert_eq!(report.photos.made, 7);
    assert!(report.photos.cache_error.is_some(), "{:?}", report.photos);
    assert_eq!(published_images(&s).len(), 7);
    let run = s.build(&[]);
    run.assert_ok();
    assert!(
        run.stderr
            .contains("warning: cannot keep resized photos in the cache"),
        "{}",
        run.stderr
    );
}
