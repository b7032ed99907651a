//! An incremental `bantin build` (the build cache) gives exactly the output of a full build
//! of the same sources, after every kind of change; a cache it cannot trust means a full
//! build; a build that fails writes nothing; the manifest lists every file with its hash.

use std::path::Path;

use crate::util::pages::{copy_site, example_root, set_setting};
use crate::util::{assert_same_tree, run_in, snapshot, Site};

/// A copy of the example archive with short lists (so that pages shift) and a home list
/// that stops before its oldest bulletins (so that bulletins move in and out of it), built
/// into `out`.
fn example_copy() -> Site {
    let a = Site::copy_of(&example_root());
    set_setting(&a.root, "per_page", "3");
    set_setting(&a.root, "home_pages", "3");
    a
}

/// Replace the first `from` of a source file with `to`.
fn edit(a: &Site, rel: &str, from: &str, to: &str) {
    let text = a.read(rel);
    assert!(text.contains(from), "{rel} holds {from:?}");
    a.write(rel, text.replacen(from, to, 1));
}

/// The output of a full build of the same sources, in a folder of its own.
fn full_build_of(a: &Site) -> std::collections::BTreeMap<std::path::PathBuf, Option<Vec<u8>>> {
    let other = tempfile::tempdir().unwrap();
    let root = other.path().join("site");
    copy_site(&a.root, &root);
    let out = other.path().join("out");
    let run = run_in(
        other.path(),
        &[
            "build",
            "--root",
            root.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ],
    );
    run.assert_ok();
    assert!(run.stderr.contains("built "), "{}", run.stderr);
    snapshot(&out)
}

/// Build `a` again and compare with a full build; the build must have been incremental.
/// Returns its stderr, with the notes of `BANTIN_TIMINGS=1` (see [`notes`]).
fn rebuilt_like_full(a: &Site, what: &str) -> String {
    let run = a.build_noting(&[]);
    run.assert_ok();
    assert!(
        run.stderr.contains("updated ") || run.stderr.contains("nothing changed"),
        "{what}: not an incremental build: {}",
        run.stderr
    );
    assert_same_tree(&full_build_of(a), &snapshot(&a.out), what);
    run.stderr
}

const EDITED: &str = "content/2020/01/dong-son-trien-khai-nhiem-vu-2020.md";

/// A bulletin the tests add, with a new topic and a figure.
const NEW: &str = "content/2021/06/bulletin-moi.md";
const NEW_TEXT: &str = "---\ntitle: \"Bản tin mới về thu ngân sách\"\ndate: 2021-06-30\nlocality: tp-yen-bai\ntopics: [Thu ngân sách, Chủ đề mới]\n---\nThu ngân sách đạt [600 tỷ đồng](ind:thu-ngan-sach?period=2021&kind=actual).\n";

#[test]
fn incremental_builds_match_full_builds_after_every_kind_of_change() {
    let a = example_copy();
    let first = a.build(&[]);
    first.assert_ok();
    assert!(first.stderr.contains("built "), "{}", first.stderr);
    let built = snapshot(&a.out);

    let again = a.build(&[]);
    again.assert_ok();
    assert!(again.stderr.contains("nothing changed"), "{}", again.stderr);
    assert_same_tree(&built, &snapshot(&a.out), "a build with nothing changed");

    edit(&a, EDITED, "title: \"", "title: \"Sửa: ");
    rebuilt_like_full(&a, "a title edited");

    edit(
        &a,
        EDITED,
        "[97,36%](ind:truong-chuan)",
        "[98,5%](ind:truong-chuan)",
    );
    rebuilt_like_full(&a, "a figure edited");

    a.write(NEW, NEW_TEXT);
    rebuilt_like_full(&a, "a bulletin added");

    edit(&a, NEW, "date: 2021-06-30", "date: 2019-03-01");
    rebuilt_like_full(&a, "a bulletin moved to another year and term");

    // The oldest bulletin, beyond the home list, moves to a year of its own: the home list
    // shows the same bulletins, but its last page lists the years.
    edit(&a, NEW, "date: 2019-03-01", "date: 2018-03-01");
    rebuilt_like_full(&a, "the oldest bulletin moved to another year");

    std::fs::remove_file(a.path(EDITED)).unwrap();
    rebuilt_like_full(&a, "a bulletin removed");

    a.write(
        "content/2021/06/nhap.md",
        "---\ntitle: \"Nháp\"\ndate: 2021-06-01\nlocality: tp-yen-bai\ndraft: true\n---\nNháp.\n",
    );
    rebuilt_like_full(&a, "a draft added");

    let item =
        std::fs::read_to_string(example_root().join("themes/default/templates/partials/item.html"))
            .unwrap();
    a.write(
        "templates/partials/item.html",
        format!("<!-- the site's own item -->\n{item}"),
    );
    rebuilt_like_full(&a, "a template overridden");
    assert!(std::fs::read_to_string(a.out.join("index.html"))
        .unwrap()
        .contains("the site's own item"));

    a.write("static/ghi-chu.txt", "một tệp tĩnh\n");
    rebuilt_like_full(&a, "a static file added");

    let bundle = "content/2020/02/kh-173-yen-bai";
    a.write(&format!("{bundle}/phu-luc.txt"), "phụ lục\n");
    rebuilt_like_full(&a, "a file added to a bundle");

    // A photo added to the bundle and shown in its text, then the photo replaced.
    let photo = |shade: u8| {
        let img = image::RgbImage::from_pixel(640, 400, image::Rgb([shade, 120, 80]));
        let mut png = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        png
    };
    std::fs::write(a.path(&format!("{bundle}/anh-moi.png")), photo(40)).unwrap();
    let index = format!("{bundle}/index.md");
    let text = std::fs::read_to_string(a.path(&index)).unwrap();
    std::fs::write(
        a.path(&index),
        format!(
            "{text}
![Ảnh mới](anh-moi.png)
"
        ),
    )
    .unwrap();
    rebuilt_like_full(&a, "a photo added");
    std::fs::write(a.path(&format!("{bundle}/anh-moi.png")), photo(200)).unwrap();
    rebuilt_like_full(&a, "a photo replaced");

    std::fs::remove_file(a.path("static/ghi-chu.txt")).unwrap();
    std::fs::remove_file(a.path("templates/partials/item.html")).unwrap();
    rebuilt_like_full(&a, "a static file and a template removed");
}

/// A file of the cache and what is done to it.
type Damage<'a> = (&'a str, &'a dyn Fn(&Path));

#[test]
fn a_cache_that_cannot_be_trusted_means_a_full_build() {
    let a = example_copy();
    a.build(&[]).assert_ok();
    let cache = a.path(".bantin-cache/build");
    let damage: [Damage; 6] = [
        ("stamps", &|p| std::fs::write(p, b"not a cache").unwrap()),
        ("parsed", &|p| {
            // One letter of another bulletin's title in the record's chunk that holds it:
            // the chunk still decodes, and the damaged title would show on every list page
            // the rebuild renders.
            let title = "cụ thể hóa Kế hoạch hành động".as_bytes();
            let chunk = std::fs::read_dir(p)
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|f| {
                    let bytes = std::fs::read(f).unwrap();
                    bytes.windows(title.len()).any(|w| w == title)
                })
                .expect("a chunk holds the title");
            let mut bytes = std::fs::read(&chunk).unwrap();
            let at = bytes.windows(title.len()).position(|w| w == title).unwrap();
            bytes[at] = b'k';
            std::fs::write(chunk, bytes).unwrap();
        }),
        ("record", &|p| {
            let bytes = std::fs::read(p).unwrap();
            std::fs::write(p, &bytes[..bytes.len() / 2]).unwrap();
        }),
        ("parsed", &|p| {
            // A chunk of the record gone.
            let chunk = std::fs::read_dir(p)
                .unwrap()
                .next()
                .unwrap()
                .unwrap()
                .path();
            std::fs::remove_file(chunk).unwrap();
        }),
        ("bodies", &|p| std::fs::write(p, b"").unwrap()),
        ("stamps", &|p| {
            // The tag of another version of bantin.
            let bytes = std::fs::read(p).unwrap();
            let at = bytes.iter().position(|&b| b == b'\n').unwrap();
            let mut other = b"bantin build cache 1 0.0.1".to_vec();
            other.extend_from_slice(&bytes[at..]);
            std::fs::write(p, other).unwrap();
        }),
    ];
    for (n, (file, hurt)) in damage.iter().enumerate() {
        // A change, so that an incremental build would have something to do.
        edit(&a, EDITED, "title: \"", &format!("title: \"{n} "));
        hurt(&cache.join(file));
        let run = a.build(&[]);
        run.assert_ok();
        assert!(
            run.stderr.contains("built "),
            "{file} damaged: a full build expected: {}",
            run.stderr
        );
        assert_same_tree(
            &full_build_of(&a),
            &snapshot(&a.out),
            &format!("after a damaged {file}"),
        );
        // The full build wrote the cache afresh: the next one is incremental again.
        edit(&a, EDITED, "title: \"", "title: \"x ");
        rebuilt_like_full(&a, &format!("the build after a damaged {file}"));
    }
    std::fs::remove_dir_all(a.path(".bantin-cache")).unwrap();
    let run = a.build(&[]);
    assert!(run.stderr.contains("built "), "{}", run.stderr);
}

#[test]
fn a_build_killed_midway_is_completed_by_the_next() {
    let a = example_copy();
    a.build(&[]).assert_ok();
    // What a build killed while replacing files leaves: no stamps (removed before the first
    // file is replaced), some files new, some not yet written.
    edit(&a, EDITED, "title: \"", "title: \"Sửa: ");
    std::fs::remove_file(a.path(".bantin-cache/build/stamps")).unwrap();
    std::fs::write(a.out.join("index.html"), "half").unwrap();
    std::fs::remove_file(a.out.join("du-lieu/chi-tieu.csv")).unwrap();
    let run = a.build(&[]);
    run.assert_ok();
    assert!(run.stderr.contains("built "), "{}", run.stderr);
    assert_same_tree(&full_build_of(&a), &snapshot(&a.out), "the next build");
    // An output changed by hand since the last build: a full build too.
    std::fs::write(a.out.join(".bantin-manifest"), "").unwrap();
    let run = a.build(&[]);
    assert!(run.stderr.contains("built "), "{}", run.stderr);
}

#[test]
fn files_added_to_or_removed_from_the_output_by_hand_mean_a_full_build() {
    let a = example_copy();
    a.build(&[]).assert_ok();
    let full = full_build_of(&a);
    // A stray file deep in a folder of the output, then a page removed: each time the
    // manifest is untouched, and only listing the output's folders tells.
    let stray = a.out.join("dia-phuong/ghi-chu.txt");
    let page = a.out.join("nam/2020/index.html");
    assert!(
        page.is_file(),
        "{} is a page of the example",
        page.display()
    );
    let cases: [(&str, &dyn Fn()); 2] = [
        ("a file added", &|| {
            std::fs::write(&stray, "của ai đó").unwrap()
        }),
        ("a page removed", &|| std::fs::remove_file(&page).unwrap()),
    ];
    for (what, change) in cases {
        change();
        let run = a.build(&[]);
        run.assert_ok();
        assert!(
            run.stderr
                .contains("files were added to or removed from the output"),
            "{what}: {}",
            run.stderr
        );
        assert_same_tree(&full, &snapshot(&a.out), what);
    }
    // Left alone, the next build finds nothing to do.
    let run = a.build(&[]);
    assert!(run.stderr.contains("nothing changed"), "{}", run.stderr);
}

#[test]
fn a_failed_incremental_build_writes_nothing_and_keeps_the_cache() {
    let a = example_copy();
    a.build(&[]).assert_ok();
    let before = snapshot(&a.out);
    edit(&a, EDITED, "](ind:", "](ind:khong-co-chi-tieu-nay");
    let run = a.build(&[]);
    run.assert_failed();
    assert!(
        run.stderr.contains("khong-co-chi-tieu-nay"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(EDITED), "{}", run.stderr);
    assert_same_tree(&before, &snapshot(&a.out), "after a failed build");
    edit(&a, EDITED, "](ind:khong-co-chi-tieu-nay", "](ind:");
    edit(&a, EDITED, "title: \"", "title: \"Sửa: ");
    rebuilt_like_full(&a, "the fixed bulletin");
}

#[test]
fn the_manifest_lists_every_file_with_its_hash() {
    let a = example_copy();
    a.build(&[]).assert_ok();
    for round in 0..2 {
        let text = std::fs::read_to_string(a.out.join(".bantin-manifest")).unwrap();
        let listed: std::collections::BTreeMap<String, String> = text
            .lines()
            .map(|l| {
                let (h, p) = l.split_once("  ").expect("`<hash>  <path>`");
                (p.to_string(), h.to_string())
            })
            .collect();
        let files: Vec<String> = snapshot(&a.out)
            .into_iter()
            .filter_map(|(p, bytes)| bytes.map(|b| (p, b)))
            .filter(|(p, _)| p != Path::new(".bantin-manifest"))
            .map(|(p, bytes)| {
                let path = p.to_string_lossy().into_owned();
                let hash = format!("{:032x}", xxhash_rust::xxh3::xxh3_128(&bytes));
                assert_eq!(listed.get(&path), Some(&hash), "round {round}: {path}");
                path
            })
            .collect();
        assert_eq!(files.len(), listed.len(), "round {round}: the same files");
        // Then the same after an incremental build.
        edit(&a, EDITED, "title: \"", "title: \"Sửa: ");
        a.build(&[]).assert_ok();
    }
}

/// A full build that fails while its pages render (the cache's record of what it read is
/// being written beside them) leaves the output and the cache as they were, and the next
/// build after the fix is incremental again.
#[test]
fn a_failed_full_build_leaves_the_output_and_the_cache_as_they_were() {
    let a = example_copy();
    a.build(&[]).assert_ok();
    let output = snapshot(&a.out);
    let cache = snapshot(&a.path(".bantin-cache/build"));
    a.write(
        "templates/topics.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{{ i18n.no_such_string }}\n{% endblock content %}\n",
    );
    let run = a.build(&["--full"]);
    run.assert_failed();
    assert!(run.stderr.contains("no_such_string"), "{}", run.stderr);
    assert_same_tree(
        &output,
        &snapshot(&a.out),
        "the output after a failed build",
    );
    assert_same_tree(
        &cache,
        &snapshot(&a.path(".bantin-cache/build")),
        "the cache after a failed build",
    );
    std::fs::remove_file(a.path("templates/topics.html")).unwrap();
    edit(&a, EDITED, "title: \"", "title: \"Sửa: ");
    rebuilt_like_full(&a, "the build after the failed one");
}

/// A full build whose cache record cannot be written still builds the site; the cache then
/// says nothing (the next build is a full one) and keeps no half of that build.
#[test]
fn a_record_that_cannot_be_written_leaves_no_cache_and_the_next_build_is_full() {
    let a = example_copy();
    a.build(&[]).assert_ok();
    // A folder where the record is written makes writing it fail.
    std::fs::create_dir(a.path(".bantin-cache/build/record.new")).unwrap();
    edit(&a, EDITED, "title: \"", "title: \"Sửa: ");
    a.build(&["--full"]).assert_ok();
    assert_same_tree(&full_build_of(&a), &snapshot(&a.out), "the site is built");
    let cache = a.path(".bantin-cache/build");
    assert!(
        !cache.join("bodies.new").exists(),
        "no bodies of that build"
    );
    assert!(!cache.join("stamps").exists(), "the cache says nothing");
    std::fs::remove_dir(cache.join("record.new")).unwrap();
    let run = a.build(&[]);
    run.assert_ok();
    assert!(run.stderr.contains("a full build"), "{}", run.stderr);
    rebuilt_like_full(&a, "the build after the full one");
}

/// The names of the search index's batches in the build cache.
fn index_batches(a: &Site) -> std::collections::BTreeSet<String> {
    std::fs::read_dir(a.path(".bantin-cache/build/index"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != bantin::search::batches::CHUNKS)
        .collect()
}

#[test]
fn the_cache_keeps_the_search_index_in_batches_of_the_archive_as_it_is() {
    let a = example_copy();
    a.build(&[]).assert_ok();
    let first = index_batches(&a);
    assert!(!first.is_empty());
    // An edit: its batch is made again and the old one goes; the index is a full build's.
    edit(&a, EDITED, "title: \"", "title: \"Sửa: ");
    rebuilt_like_full(&a, "an edited title");
    let second = index_batches(&a);
    assert_eq!(second.len(), first.len());
    assert_eq!(first.difference(&second).count(), 1, "{first:?} {second:?}");
    // A damaged batch is made again, never read wrong.
    for name in &second {
        std::fs::write(a.path(&format!(".bantin-cache/build/index/{name}")), b"x").unwrap();
    }
    edit(&a, EDITED, "title: \"", "title: \"Lại ");
    rebuilt_like_full(&a, "damaged batches");
    // A build of templates only makes no index and keeps every batch.
    let kept = index_batches(&a);
    let item =
        std::fs::read_to_string(example_root().join("themes/default/templates/partials/item.html"))
            .unwrap();
    a.write(
        "templates/partials/item.html",
        format!("<!-- own -->\n{item}"),
    );
    rebuilt_like_full(&a, "a template changed");
    assert_eq!(index_batches(&a), kept);
    // A full build makes them all again, beside its bodies.
    a.build(&["--full"]).assert_ok();
    assert!(!index_batches(&a).is_empty());
    assert!(!a.path(".bantin-cache/build/index.new").exists());
}

/// The notes of `BANTIN_TIMINGS=1` named `name` (`  name: what`), in order.
fn notes<'a>(stderr: &'a str, name: &str) -> Vec<&'a str> {
    let prefix = format!("  {name}: ");
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix(prefix.as_str()))
        .collect()
}

/// `(kept, of)` from the one note `name: K kept of N`.
fn kept_of(stderr: &str, name: &str) -> (usize, usize) {
    let notes = notes(stderr, name);
    assert_eq!(notes.len(), 1, "one note {name}: {stderr}");
    let (kept, of) = notes[0].split_once(" kept of ").expect("K kept of N");
    (kept.parse().unwrap(), of.parse().unwrap())
}

/// `(kept, of)` from the note `save/chunks: K kept of N`.
fn chunks_kept(stderr: &str) -> (usize, usize) {
    kept_of(stderr, "save/chunks")
}

#[test]
fn a_rebuild_keeps_the_record_chunks_no_change_reached() {
    // Debug builds (the tests) pack the record in chunks of four bulletins.
    let a = example_copy();
    a.build(&[]).assert_ok();
    // Each chunk is a file of its own, named by its hash; those no record names go.
    let chunk_files = || -> std::collections::BTreeSet<String> {
        std::fs::read_dir(a.path(".bantin-cache/build/parsed"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };
    let before = chunk_files();
    edit(&a, EDITED, "title: \"", "title: \"Sửa: ");
    let run = a.build_noting(&[]);
    run.assert_ok();
    assert!(run.stderr.contains("updated "), "{}", run.stderr);
    let (kept, of) = chunks_kept(&run.stderr);
    assert!(of >= 3, "the example spans several chunks: {of}");
    assert_eq!(
        kept,
        of - 1,
        "only the edited bulletin's chunk is packed again"
    );
    let after = chunk_files();
    assert_eq!((before.len(), after.len()), (of, of));
    assert_eq!(before.difference(&after).count(), 1, "{before:?} {after:?}");
    // A bulletin added among them, and then one newer than all, move every bulletin after
    // them by a place: the chunks end where their files say, and a bulletin's record does
    // not hold its place, so only the chunk each joins is packed again (or two, when the
    // new file ends a chunk). Debug builds check that a kept chunk is what packing it
    // again would give.
    for (file, date) in [
        ("content/0-dau.md", "2021-06-30"),
        ("content/moi.md", "2099-01-01"),
    ] {
        a.write(
            file,
            format!("---\ntitle: \"Bản tin {file}\"\ndate: {date}\nlocality: tp-yen-bai\n---\nThu ngân sách đạt [600 tỷ đồng](ind:thu-ngan-sach?period=2021&kind=actual).\n"),
        );
        let run = a.build_noting(&[]);
        run.assert_ok();
        let (kept, of) = chunks_kept(&run.stderr);
        assert!(kept > 0 && kept + 2 >= of, "{file}: {kept} kept of {of}");
    }
    assert_same_tree(
        &full_build_of(&a),
        &snapshot(&a.out),
        "after the kept chunks",
    );
}

#[test]
fn a_build_that_cannot_be_incremental_does_not_read_the_record() {
    let a = example_copy();
    a.build(&[]).assert_ok();
    edit(&a, EDITED, "title: \"", "title: \"Sửa: ");
    // An edit reads and unpacks the record…
    let run = a.build_noting(&[]);
    assert!(run.stderr.contains("updated "), "{}", run.stderr);
    assert_eq!(
        notes(&run.stderr, "incremental/record"),
        ["read", "unpacked"]
    );
    // …a build into another folder is full, and finds that out before reading it.
    let other = a.tmp.path().join("other");
    edit(&a, EDITED, "title: \"", "title: \"Lại: ");
    let run = a.build_into(&other, &[], &[("BANTIN_TIMINGS", "1")]);
    run.assert_ok();
    assert!(run.stderr.contains("built "), "{}", run.stderr);
    assert!(
        notes(&run.stderr, "incremental/record").is_empty(),
        "{}",
        run.stderr
    );
}

/// `(file, kept, of)` from the notes `data/rows: <file>: K of N kept`, sorted by file.
fn rows_kept(stderr: &str) -> Vec<(String, usize, usize)> {
    let mut out: Vec<(String, usize, usize)> = notes(stderr, "data/rows")
        .iter()
        .map(|n| {
            let (file, counts) = n.split_once(": ").expect("<file>: K of N kept");
            let (kept, of) = counts
                .strip_suffix(" kept")
                .and_then(|c| c.split_once(" of "))
                .expect("K of N kept");
            (file.to_string(), kept.parse().unwrap(), of.parse().unwrap())
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_figure_edit_copies_the_other_bulletins_rows_of_the_data_files() {
    let a = example_copy();
    a.build(&[]).assert_ok();
    // The edited bulletin's rows: those whose `article` is its slug.
    let csv = std::fs::read_to_string(a.out.join("du-lieu/chi-tieu.csv")).unwrap();
    let own = csv
        .lines()
        .filter(|l| l.contains(",dong-son-trien-khai-nhiem-vu-2020,"))
        .count();
    assert!(own >= 3, "the edited bulletin has rows: {own}");

    edit(
        &a,
        EDITED,
        "[97,36%](ind:truong-chuan)",
        "[98,5%](ind:truong-chuan)",
    );
    let run = a.build_noting(&[]);
    run.assert_ok();
    let rows = rows_kept(&run.stderr);
    let files: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        files,
        ["du-lieu/chi-tieu.csv", "du-lieu/chi-tieu.json"],
        "{}",
        run.stderr
    );
    for (file, kept, of) in &rows {
        assert_eq!(
            *kept,
            of - own,
            "{file}: every row but the edited bulletin's is copied"
        );
    }
    assert_same_tree(&full_build_of(&a), &snapshot(&a.out), "after rows copied");

    // A data file that is not as the last build left it (here cut short) is made whole.
    let json = a.out.join("du-lieu/chi-tieu.json");
    let bytes = std::fs::read(&json).unwrap();
    std::fs::write(&json, &bytes[..bytes.len() / 2]).unwrap();
    edit(
        &a,
        EDITED,
        "[98,5%](ind:truong-chuan)",
        "[99%](ind:truong-chuan)",
    );
    let run = a.build_noting(&[]);
    run.assert_ok();
    let rows = rows_kept(&run.stderr);
    assert_eq!(
        rows[0].1,
        rows[0].2 - own,
        "the CSV is still copied: {rows:?}"
    );
    assert_eq!(rows[1].1, 0, "the JSON is made again: {rows:?}");
    assert_same_tree(
        &full_build_of(&a),
        &snapshot(&a.out),
        "after a file cut short",
    );
}

const STAGING: &str = ".bantin-cache/build/staged";

/// A rebuild whose figures changed writes its data files into the build cache's staging
/// folder before the output changes: when one cannot be written there, the build fails
/// with an error that says so, the output is as it was and nothing is left staged; once it
/// can, the next build is incremental and equals a full build.
#[test]
fn data_files_that_cannot_be_staged_fail_the_build_and_leave_the_output_alone() {
    let a = example_copy();
    a.build(&[]).assert_ok();
    let before = snapshot(&a.out);
    // A folder where the JSON would be staged.
    let blocker = a.path(&format!("{STAGING}/du-lieu/chi-tieu.json/x"));
    std::fs::create_dir_all(&blocker).unwrap();
    edit(
        &a,
        EDITED,
        "[97,36%](ind:truong-chuan)",
        "[98,5%](ind:truong-chuan)",
    );
    let run = a.build(&[]);
    run.assert_failed();
    assert!(
        run.stderr.contains("cannot write the data files") && run.stderr.contains("staging folder"),
        "{}",
        run.stderr
    );
    assert_same_tree(&before, &snapshot(&a.out), "after a failed build");
    let staged: Vec<_> = walkdir::WalkDir::new(a.path(STAGING))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().to_path_buf())
        .collect();
    assert!(staged.is_empty(), "the CSV staged is removed: {staged:?}");

    std::fs::remove_dir_all(a.path(STAGING)).unwrap();
    rebuilt_like_full(&a, "after the staging folder is free");
}

/// What a build killed while it staged its data files left in the staging folder is gone
/// after the next build, even one that stages nothing.
#[test]
fn what_a_killed_build_staged_is_removed_by_the_next() {
    let a = example_copy();
    a.build(&[]).assert_ok();
    a.write(&format!("{STAGING}/du-lieu/chi-tieu.csv"), "half a file");
    // A title changes no data file.
    edit(&a, EDITED, "title: \"", "title: \"Sửa: ");
    rebuilt_like_full(&a, "after a title edit");
    assert!(!a.path(STAGING).exists(), "the staging folder is gone");
}

/// A build from the cache after an edit of a bulletin's text alone renders no page of an
/// indicator or a term (it compares with the bulletin as the cache's record had it), and
/// still equals a full build.
#[test]
fn a_text_edit_renders_no_page_of_an_indicator_or_a_term() {
    let a = example_copy();
    a.build(&[]).assert_ok();
    edit(
        &a,
        EDITED,
        "Nhân dịp này,",
        "Một câu thêm ở giữa bài. Nhân dịp này,",
    );
    let run = a.build_noting(&[]);
    run.assert_ok();
    let kinds: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains(" pages  render"))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(kinds.contains(&"bulletin"), "{}", run.stderr);
    assert!(
        !kinds.contains(&"indicator") && !kinds.contains(&"term"),
        "{kinds:?}"
    );
    assert_same_tree(&full_build_of(&a), &snapshot(&a.out), "after a text edit");
}

/// `(kept, of)` from the note `search/meta: K kept of N`.
fn metadata_kept(stderr: &str) -> (usize, usize) {
    kept_of(stderr, "search/meta")
}

#[test]
fn a_rebuild_leaves_the_search_metadata_of_unchanged_bulletins_alone() {
    let a = example_copy();
    a.build(&[]).assert_ok();
    let chunk_files = || {
        std::fs::read_dir(a.out.join("tim-kiem/index/d"))
            .unwrap()
            .count()
    };
    let chunks = chunk_files();
    assert!(chunks >= 2, "the example spans several chunks: {chunks}");
    // A title edit: only the chunk of that bulletin is made again.
    edit(&a, EDITED, "title: \"", "title: \"Sửa: ");
    let stderr = rebuilt_like_full(&a, "after a title edit");
    assert_eq!(metadata_kept(&stderr), (chunks - 1, chunks));
    // A bulletin whose date makes it the newest takes a free id and moves no other: only
    // its own chunk is made, and the whole is still the full build's.
    a.write(
        "content/moi-nhat.md",
        "---\ntitle: \"Bản tin mới nhất\"\ndate: 2099-01-01\nlocality: tp-yen-bai\n---\nThu ngân sách đạt [600 tỷ đồng](ind:thu-ngan-sach?period=2021&kind=actual).\n",
    );
    let stderr = rebuilt_like_full(&a, "after the newest");
    // content/ is listed once, to compare, and the rebuild takes that list.
    assert_eq!(notes(&stderr, "rebuild/listed"), ["taken"], "{stderr}");
    let (kept, total) = metadata_kept(&stderr);
    assert!(total == chunks || total == chunks + 1, "{total} chunks");
    assert_eq!(kept, total - 1);
    // With the table of fingerprints damaged, all are made again, and rightly.
    let table = a.path(".bantin-cache/build/index/chunks");
    std::fs::write(&table, b"damaged").unwrap();
    edit(&a, EDITED, "title: \"", "title: \"Lại ");
    let stderr = rebuilt_like_full(&a, "after a damaged table");
    assert_eq!(metadata_kept(&stderr).0, 0);
}

#[test]
fn an_edit_that_lists_no_bulletin_elsewhere_keeps_the_groups() {
    let a = example_copy();
    a.build(&[]).assert_ok();
    let kept = |what: &str| -> bool {
        let stderr = rebuilt_like_full(&a, what);
        assert!(stderr.contains("updated "), "{what}: {stderr}");
        notes(&stderr, "rebuild/group") == ["kept"]
    };
    // Text and title: the same lists, the same figures.
    edit(&a, EDITED, "Nhân dịp này,", "Một câu thêm. Nhân dịp này,");
    assert!(kept("a text edit"));
    edit(&a, EDITED, "title: \"", "title: \"Sửa: ");
    assert!(kept("a title edit"));
    // A topic, a date (another place in the order): the groups are made again.
    edit(
        &a,
        EDITED,
        "topics: [Kế hoạch",
        "topics: [Chủ đề mới, Kế hoạch",
    );
    assert!(!kept("a topic added"));
    edit(&a, EDITED, "date: 2020-01-07", "date: 2019-01-07");
    assert!(!kept("a date changed"));
}

/// `(made, left)` from the one note `rebuild/feeds: M made, L left`.
fn feeds_made(stderr: &str) -> (usize, usize) {
    let notes = notes(stderr, "rebuild/feeds");
    assert_eq!(notes.len(), 1, "one note rebuild/feeds: {stderr}");
    let (made, left) = notes[0]
        .strip_suffix(" left")
        .and_then(|n| n.split_once(" made, "))
        .expect("M made, L left");
    (made.parse().unwrap(), left.parse().unwrap())
}

#[test]
fn a_text_edit_makes_again_only_the_feeds_that_carry_the_bulletin() {
    let a = example_copy();
    a.build(&[]).assert_ok();
    let feeds = walkdir::WalkDir::new(&a.out)
        .into_iter()
        .filter(|e| e.as_ref().unwrap().file_name() == "atom.xml")
        .count();
    assert!(feeds > 5, "{feeds} feeds");
    // The edited bulletin is in the site's feed and its units' (and their parents'); the
    // other feeds and the sitemap are left, and the output is a full build's.
    edit(&a, EDITED, "Nhân dịp này,", "Một câu thêm. Nhân dịp này,");
    let stderr = rebuilt_like_full(&a, "a text edit");
    let (made, left) = feeds_made(&stderr);
    // Made: the feeds, robots.txt; left: feeds and the sitemap.
    assert!(made >= 2 && made < feeds, "{made} made of {feeds}");
    assert_eq!(made - 1 + left - 1, feeds, "{made} made, {left} left");
    // A title edit shows in the feeds too.
    edit(&a, EDITED, "title: \"", "title: \"Sửa: ");
    rebuilt_like_full(&a, "a title edit");
    // A bulletin moved in the order: the lists change, every feed and the sitemap made.
    edit(&a, EDITED, "date: 2020-01-07", "date: 2019-01-07");
    let stderr = rebuilt_like_full(&a, "a date changed");
    assert_eq!(feeds_made(&stderr), (feeds + 2, 0));
}

#[test]
fn a_changed_feed_template_makes_every_feed_again() {
    let a = example_copy();
    a.build(&[]).assert_ok();
    let atom =
        std::fs::read_to_string(example_root().join("themes/default/templates/atom.xml")).unwrap();
    a.write(
        "templates/atom.xml",
        atom.replacen("</feed>", "<!-- the site's own feed --></feed>", 1),
    );
    rebuilt_like_full(&a, "the feed template overridden");
    assert!(std::fs::read_to_string(a.out.join("atom.xml"))
        .unwrap()
        .contains("the site's own feed"));
}

#[test]
fn a_rebuild_takes_the_figures_in_the_order_they_had_when_it_still_holds() {
    let a = example_copy();
    a.build(&[]).assert_ok();
    let in_place = |what: &str| -> bool {
        let stderr = rebuilt_like_full(&a, what);
        notes(&stderr, "assemble/values") == ["in place"]
    };
    edit(&a, EDITED, "Nhân dịp này,", "Một câu thêm. Nhân dịp này,");
    assert!(in_place("a text edit"));
    edit(
        &a,
        EDITED,
        "[97,36%](ind:truong-chuan)",
        "[98,5%](ind:truong-chuan)",
    );
    assert!(in_place("a figure's value edited"));
    // A bulletin added: the figures after it move, and are sorted.
    a.write(NEW, NEW_TEXT);
    assert!(!in_place("a bulletin added"));
    // A figure of another indicator: sorted, and in the place a full build gives it.
    edit(
        &a,
        EDITED,
        "[98,5%](ind:truong-chuan)",
        "[98,5%](ind:truong-chuan) và [12 tỷ đồng](ind:thu-ngan-sach?period=2020&kind=actual)",
    );
    assert!(!in_place("a figure added"));
}

#[test]
fn an_incremental_build_holds_freed_memory_and_a_full_build_gives_it_back_soon() {
    let a = example_copy();
    let full = a.build_noting(&["--full"]);
    full.assert_ok();
    assert!(
        notes(&full.stderr, "memory/purge-delay").is_empty(),
        "a full build keeps the delay main sets: {}",
        full.stderr
    );
    a.write(NEW, NEW_TEXT);
    let run = a.build_noting(&[]);
    run.assert_ok();
    assert!(run.stderr.contains("updated "), "{}", run.stderr);
    // mimalloc's delay as read back after it was set: a second while the incremental build
    // runs (before it assembles the archive), 10 ms again once it is done.
    assert_eq!(
        notes(&run.stderr, "memory/purge-delay"),
        ["1000 ms", "10 ms"]
    );
    let held = run.stderr.find("memory/purge-delay: 1000 ms").unwrap();
    let assembled = run.stderr.find("rebuild/assemble").expect("a timed phase");
    let back = run.stderr.find("memory/purge-delay: 10 ms").unwrap();
    assert!(held < assembled && assembled < back, "{}", run.stderr);
    // An incremental build that finds it cannot be one gives memory back soon again before
    // the full build.
    set_setting(&a.root, "per_page", "4");
    let run = a.build_noting(&[]);
    run.assert_ok();
    assert!(run.stderr.contains("built "), "{}", run.stderr);
    assert_eq!(
        notes(&run.stderr, "memory/purge-delay"),
        ["1000 ms", "10 ms"]
    );
}

/// A rebuild whose figures changed writes its data files over the files the one before
/// replaced (kept in the cache as spares) and swaps them in: the published file then is
/// the spare's file, and the output still equals a full build's.
#[test]
fn data_files_are_written_over_the_spares_the_last_rebuild_kept() {
    use std::os::unix::fs::MetadataExt;
    let a = example_copy();
    a.build(&[]).assert_ok();
    // The inodes of the CSV and the JSON in `dir`.
    let inodes = |dir: &std::path::Path| {
        ["csv", "json"].map(|x| {
            std::fs::metadata(dir.join(format!("du-lieu/chi-tieu.{x}")))
                .unwrap()
                .ino()
        })
    };
    let spares = a.path(".bantin-cache/build/spares");
    let mut last_spares = None;
    for (from, to) in [
        ("[97,36%](ind:truong-chuan)", "[98,5%](ind:truong-chuan)"),
        ("[98,5%](ind:truong-chuan)", "[99%](ind:truong-chuan)"),
        ("[99%](ind:truong-chuan)", "[97%](ind:truong-chuan)"),
    ] {
        let published = inodes(&a.out);
        edit(&a, EDITED, from, to);
        rebuilt_like_full(&a, to);
        let spare = inodes(&spares);
        assert_eq!(spare, published, "{to}: the files replaced are the spares");
        if let Some(before) = last_spares {
            assert_eq!(
                inodes(&a.out),
                before,
                "{to}: the files published are the last spares, written over"
            );
        }
        last_spares = Some(spare);
    }
    assert!(!a.path(STAGING).exists(), "nothing is left staged");
}
