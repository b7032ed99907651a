//! Every page of the example archive (and of the page-test fixture, which holds the awkward
//! cases: escaped markup, ranges, converted units, and of the photo tests' site) passes the
//! Nu HTML checker with zero errors. The checker is vnu.jar from the `vnu-jar` npm package (`npm ci --prefix
//! tests/browser`), run with Java.

use std::process::Command;

use crate::util::pages::{
    browser_dir, build_copy, build_into, example_root, fixture_root, require, set_setting,
};

#[test]
fn every_page_passes_the_nu_html_checker() {
    let jar = browser_dir().join("node_modules/vnu-jar/build/dist/vnu.jar");
    if !require(&jar, "The Nu HTML checker (vnu.jar)")
        || !crate::util::pages::require_program(
            "java",
            "`apt-get install default-jre-headless` (the Nu HTML checker runs on Java)",
        )
    {
        return;
    }

    let example = build_copy(&example_root(), None, |_| {});
    let relative = build_copy(&example_root(), None, |root| {
        set_setting(root, "relative_urls", "true");
    });
    let fixture = build_copy(&fixture_root(), None, |_| {});
    let english = build_copy(&fixture_root(), None, |root| {
        set_setting(root, "language", "\"en\"");
    });
    // Photos: alone in a figure, in a sentence and linked to their full size.
    let photos = crate::photos::photo_site();
    build_into(&photos.root, &photos.out, None);
    let dirs = [
        &example.out,
        &relative.out,
        &fixture.out,
        &english.out,
        &photos.out,
    ];
    let pages: usize = dirs
        .iter()
        .map(|d| {
            walkdir::WalkDir::new(d)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
                .count()
        })
        .sum();
    assert!(pages > 150, "only {pages} pages built");

    let out = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--skip-non-html"])
        .args(dirs)
        .output()
        .expect("run java -jar vnu.jar");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stderr.trim().is_empty(),
        "the Nu HTML checker found errors in {pages} pages (exit {:?}):\n{stderr}{stdout}",
        out.status.code()
    );
}
