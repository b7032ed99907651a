//! Link checking of a built site (for `bantin check`): every internal link, stylesheet,
//! script and image of every page must point at a file of the output, and every `#anchor`
//! at an `id` of the target page.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::diagnostics::Diagnostic;
use crate::urls::Urls;

/// The attribute values of `href`, `src` and `action` in an HTML page, and each address of
/// a `srcset`.
fn references(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for attr in [" href=\"", " src=\"", " action=\"", " srcset=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                if attr == " srcset=\"" {
                    // `a.jpg 480w, b.jpg 960w`: the address is each candidate's first word.
                    out.extend(
                        rest[..end]
                            .split(',')
                            .filter_map(|c| c.split_whitespace().next()),
                    );
                } else {
                    out.push(&rest[..end]);
                }
                rest = &rest[end..];
            }
        }
    }
    out
}

/// The `id` attributes of a page.
fn ids(html: &str) -> HashSet<&str> {
    let mut out = HashSet::new();
    let mut rest = html;
    while let Some(i) = rest.find(" id=\"") {
        rest = &rest[i + 5..];
        if let Some(end) = rest.find('"') {
            out.insert(&rest[..end]);
            rest = &rest[end..];
        }
    }
    out
}

/// Resolve a reference found on the page at `page_file` to a file of the output, or None
/// when it points outside the site.
fn resolve(urls: &Urls, page_file: &str, reference: &str) -> Option<(String, Option<String>)> {
    let reference = reference.replace("&#x2F;", "/").replace("&amp;", "&");
    if reference.is_empty() || reference.starts_with("mailto:") || reference.starts_with("data:") {
        return None;
    }
    let (without_fragment, fragment) = match reference.split_once('#') {
        Some((a, f)) => (a.to_string(), Some(f.to_string())),
        None => (reference.clone(), None),
    };
    let path = without_fragment.split('?').next().unwrap_or("").to_string();
    let site_path = if let Some(rest) = reference.strip_prefix(&urls.base_url) {
        rest.split(['#', '?']).next().unwrap_or("").to_string()
    } else if reference.contains("://") || reference.starts_with("//") {
        return None;
    } else if let Some(rest) = path.strip_prefix(&urls.base_path) {
        rest.to_string()
    } else if path.starts_with('/') {
        // Root-relative outside the base path: broken under a sub-path.
        return Some((format!("\u{0}{path}"), fragment));
    } else if path.is_empty() {
        page_file.to_string()
    } else {
        let mut parts: Vec<&str> = page_file.split('/').collect();
        parts.pop();
        for seg in path.split('/') {
            match seg {
                ".." => {
                    parts.pop();
                }
                "." => {}
                s => parts.push(s),
            }
        }
        parts.join("/")
    };
    let file = if site_path.is_empty() || site_path.ends_with('/') {
        format!("{site_path}index.html")
    } else {
        site_path
    };
    // `anh%201.jpg` is the file `anh 1.jpg`.
    let file = match percent_encoding::percent_decode_str(&file).decode_utf8() {
        Ok(decoded) => decoded.into_owned(),
        Err(_) => file,
    };
    Some((file, fragment))
}

/// Check every page of `files` (site path → bytes); one problem per broken reference.
pub fn check(urls: &Urls, files: &BTreeMap<String, Vec<u8>>) -> Vec<Diagnostic> {
    let pages: HashMap<&str, &str> = files
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .filter_map(|(p, b)| std::str::from_utf8(b).ok().map(|s| (p.as_str(), s)))
        .collect();
    let mut id_cache: HashMap<&str, HashSet<&str>> = HashMap::new();
    let mut problems = Vec::new();
    let mut sorted: Vec<_> = pages.iter().collect();
    sorted.sort();
    for (page, html) in sorted {
        if *page == "404.html" {
            continue; // served at any address; its links are root-relative by design
        }
        for r in references(html) {
            let Some((file, fragment)) = resolve(urls, page, r) else {
                continue;
            };
            let shown = format!("output {page}");
            if !files.contains_key(&file) {
                problems.push(Diagnostic::new(
                    &shown,
                    format!("the link `{r}` points at a page or file that is not in the site"),
                ));
                continue;
            }
            if let Some(frag) = fragment.filter(|f| !f.is_empty()) {
                if let Some(target) = pages.get(file.as_str()) {
                    let ids = id_cache
                        .entry(
                            pages
                                .get_key_value(file.as_str())
                                .map(|(k, _)| *k)
                                .unwrap_or(""),
                        )
                        .or_insert_with(|| self::ids(target));
                    if !ids.contains(frag.as_str()) {
                        problems.push(Diagnostic::new(&shown, format!("the link `{r}` points at an anchor `#{frag}` that the page does not have")));
                    }
                }
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(pages: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
        pages
            .iter()
            .map(|(p, h)| (p.to_string(), h.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn finds_broken_links_and_anchors() {
        let urls = Urls::new("https://e.org/sub/", false);
        let files = site(&[
            (
                "index.html",
                r#"<a href="/sub/a/">a</a> <a href="/sub/missing/">m</a> <a href="/sub/a/#x">x</a> <a href="/sub/a/#nope">n</a> <a href="https://other.org/">o</a>"#,
            ),
            ("a/index.html", r#"<h2 id="x">X</h2>"#),
        ]);
        let p = check(&urls, &files);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].message.contains("/sub/missing/"));
        assert!(p[1].message.contains("#nope"));
    }

    #[test]
    fn relative_links_resolve_from_the_page() {
        let urls = Urls::new("https://e.org/", true);
        let files = site(&[
            (
                "a/b/index.html",
                r#"<a href="../../index.html">h</a><link href="../../static/s.css">"#,
            ),
            ("index.html", ""),
            ("static/s.css", ""),
        ]);
        assert!(check(&urls, &files).is_empty());
    }

    #[test]
    fn every_address_of_a_srcset_and_encoded_names_are_checked() {
        let urls = Urls::new("https://e.org/", false);
        let files = site(&[
            (
                "a/index.html",
                r#"<img src="/a/x-480.jpg" srcset="/a/x-480.jpg 480w, /a/x-960.jpg 960w"><a href="/a/%E1%BA%A2nh%201.jpg">o</a>"#,
            ),
            ("a/x-480.jpg", ""),
            ("a/Ảnh 1.jpg", ""),
        ]);
        let p = check(&urls, &files);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].message.contains("/a/x-960.jpg"), "{p:?}");
    }
}
