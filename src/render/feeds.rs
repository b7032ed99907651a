//! Machine-read files: Atom feeds (the site's and each locality's) from the theme's
//! `atom.xml` template, and sitemap.xml and robots.txt, which are fixed formats with nothing
//! for a theme to change, written here. Every address in them is absolute.

use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::html::escape as esc;
use crate::model::BulletinId;
use crate::urls::{path, Urls};

use super::Renderer;

/// How many entries a feed carries.
pub const FEED_ENTRIES: usize = 50;

/// What `atom.xml` receives as `feed`.
#[derive(Serialize)]
struct FeedView<'a> {
    /// The site's language code (`xml:lang`).
    lang: &'a str,
    title: String,
    /// The feed's own address (its `rel="self"` link and its id).
    href: String,
    /// The address of the page the feed follows.
    page: String,
    /// The date of the newest entry (RFC 3339).
    updated: String,
    entries: Vec<tera::Value>,
}

/// One bulletin in a feed.
#[derive(Serialize)]
struct EntryView<'a> {
    title: &'a str,
    /// The bulletin's address (its link and its id).
    href: String,
    updated: String,
    /// Its authors, or the name of its home locality when it names none.
    authors: Vec<&'a str>,
    topics: Vec<TopicView<'a>>,
    summary: String,
}

#[derive(Serialize)]
struct TopicView<'a> {
    slug: &'a str,
    name: &'a str,
}

fn entry(r: &Renderer, id: BulletinId) -> Result<tera::Value, Diagnostic> {
    let a = r.archive;
    let b = &a.bulletins[id.0 as usize];
    let authors = if b.authors().is_empty() {
        vec![a.localities.get(b.home()).display_name.as_str()]
    } else {
        b.authors().iter().map(String::as_str).collect()
    };
    Ok(tera::Value::from_serializable(&EntryView {
        title: &b.title,
        href: r.urls.absolute(&path::bulletin(&b.slug)),
        updated: b.date.to_rfc3339(),
        authors,
        topics: b
            .topics
            .iter()
            .map(|t| TopicView {
                slug: &t.slug,
                name: &t.name,
            })
            .collect(),
        summary: a.summary(b)?,
    }))
}

/// The site's feed and one per locality, each of the newest [`FEED_ENTRIES`] bulletins of
/// its list, each handed to `put` (site path, bytes) as soon as it is made: at a million
/// bulletins the feeds of ten thousand units are over 100 MB together. A bulletin's entry is
/// made once and shared by every feed that carries it. A feed whose newest bulletins
/// `same` says are as the output's file has them is not made: its path goes to `kept`.
pub fn each_atom_feed(
    r: &Renderer,
    same: &dyn Fn(&[BulletinId]) -> bool,
    put: &mut dyn FnMut(String, Vec<u8>),
    kept: &mut dyn FnMut(String),
) -> Result<(), Diagnostic> {
    let a = r.archive;
    let entries: Vec<std::sync::OnceLock<tera::Value>> =
        (0..a.bulletins.len()).map(|_| Default::default()).collect();
    let feed = |feed_path: &str, page_path: &str, title: String, ids: &[BulletinId]| {
        let view = FeedView {
            lang: a.settings.language.code(),
            title,
            href: r.urls.absolute(feed_path),
            page: r.urls.absolute(page_path),
            updated: ids
                .first()
                .map(|b| a.bulletins[b.0 as usize].date.to_rfc3339())
                .unwrap_or_else(|| "1970-01-01T00:00:00+00:00".into()),
            entries: ids
                .iter()
                .take(FEED_ENTRIES)
                .map(|&b| {
                    let once = &entries[b.0 as usize];
                    Ok(match once.get() {
                        Some(e) => e.clone(),
                        None => {
                            let e = entry(r, b)?;
                            once.get_or_init(|| e).clone()
                        }
                    })
                })
                .collect::<Result<_, Diagnostic>>()?,
        };
        let bytes = r.render_view("atom.xml", "feed", &view)?;
        Ok((feed_path.to_string(), bytes))
    };
    let newest: Vec<BulletinId> = (0..a.bulletins.len().min(FEED_ENTRIES) as u32)
        .map(BulletinId)
        .collect();
    if same(&newest) {
        kept("atom.xml".into());
    } else {
        let (p, bytes) = feed("atom.xml", "", a.settings.title.clone(), &newest)?;
        put(p, bytes);
    }
    for l in a.localities.ids() {
        let loc = a.localities.get(l);
        let page = path::locality(&loc.id);
        let ids = &r.groups.by_locality[l.0 as usize];
        if same(&ids[..ids.len().min(FEED_ENTRIES)]) {
            kept(format!("{page}atom.xml"));
            continue;
        }
        let title = format!("{} – {}", loc.display_name, a.settings.title);
        let (p, bytes) = feed(&format!("{page}atom.xml"), &page, title, ids)?;
        put(p, bytes);
    }
    Ok(())
}

/// The most addresses one sitemap file may list (the sitemap protocol's limit).
pub const SITEMAP_MAX_URLS: usize = 50_000;

/// The sitemap of `pages` (site paths; files such as `404.html` are left out). Up to
/// `max_urls` addresses it is one `sitemap.xml`; past that, `sitemap.xml` is a sitemap index
/// of `sitemap-1.xml`, `sitemap-2.xml`, … with at most `max_urls` addresses each.
pub fn sitemaps(urls: &Urls, pages: &[String], max_urls: usize) -> Vec<(String, String)> {
    let mut out = Vec::new();
    each_sitemap(urls, pages, max_urls, &mut |p, text| out.push((p, text)));
    out
}

/// [`sitemaps`], each file handed to `put` as soon as it is made, the index first: a
/// million bulletins' sitemaps are over 150 MB of text, which a build need not hold at once.
pub fn each_sitemap(
    urls: &Urls,
    pages: &[String],
    max_urls: usize,
    put: &mut dyn FnMut(String, String),
) {
    let locs: Vec<&String> = pages.iter().filter(|p| !p.ends_with(".html")).collect();
    if locs.len() <= max_urls {
        put("sitemap.xml".into(), urlset(urls, &locs));
        return;
    }
    let parts = locs.chunks(max_urls.max(1));
    let name = |i: usize| format!("sitemap-{}.xml", i + 1);
    let mut index = String::with_capacity(100 + parts.len() * 100);
    index.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for i in 0..parts.len() {
        index.push_str("<sitemap><loc>");
        index.push_str(&esc(&urls.absolute(&name(i))));
        index.push_str("</loc></sitemap>\n");
    }
    index.push_str("</sitemapindex>\n");
    put("sitemap.xml".to_string(), index);
    for (i, chunk) in parts.enumerate() {
        put(name(i), urlset(urls, chunk));
    }
}

/// The files [`each_sitemap`] writes for `pages`.
pub fn sitemap_paths(pages: &[String], max_urls: usize) -> Vec<String> {
    let locs = pages.iter().filter(|p| !p.ends_with(".html")).count();
    if locs <= max_urls {
        return vec!["sitemap.xml".into()];
    }
    let parts = locs.div_ceil(max_urls.max(1));
    std::iter::once("sitemap.xml".into())
        .chain((0..parts).map(|i| format!("sitemap-{}.xml", i + 1)))
        .collect()
}

fn urlset(urls: &Urls, pages: &[&String]) -> String {
    let mut s = String::with_capacity(100 + pages.len() * 80);
    s.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for p in pages {
        s.push_str("<url><loc>");
        s.push_str(&esc(&urls.absolute(p)));
        s.push_str("</loc></url>\n");
    }
    s.push_str("</urlset>\n");
    s
}

pub fn robots(urls: &Urls) -> String {
    format!(
        "User-agent: *\nAllow: /\nSitemap: {}\n",
        urls.absolute("sitemap.xml")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locs(xml: &str) -> Vec<&str> {
        xml.split("<loc>")
            .skip(1)
            .map(|x| x.split("</loc>").next().unwrap())
            .collect()
    }

    #[test]
    fn one_sitemap_up_to_the_limit() {
        let urls = Urls::new("https://example.org/a/", false);
        let pages: Vec<String> = vec!["".into(), "x/".into(), "404.html".into(), "y/".into()];
        let files = sitemaps(&urls, &pages, 3);
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].0, "sitemap.xml");
        assert!(files[0].1.contains("<urlset"));
        assert_eq!(
            locs(&files[0].1),
            [
                "https://example.org/a/",
                "https://example.org/a/x/",
                "https://example.org/a/y/"
            ]
        );
    }

    #[test]
    fn a_sitemap_index_past_the_limit() {
        let urls = Urls::new("https://example.org/a/", false);
        let pages: Vec<String> = (0..7)
            .map(|i| format!("p{i}/"))
            .chain(["404.html".into()])
            .collect();
        let files = sitemaps(&urls, &pages, 3);
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "sitemap.xml",
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml"
            ]
        );
        let index = &files[0].1;
        assert!(
            index.contains("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">")
        );
        assert!(!index.contains("<urlset"));
        assert_eq!(
            locs(index),
            [
                "https://example.org/a/sitemap-1.xml",
                "https://example.org/a/sitemap-2.xml",
                "https://example.org/a/sitemap-3.xml"
            ]
        );
        let listed: Vec<&str> = files[1..].iter().flat_map(|(_, x)| locs(x)).collect();
        let want: Vec<String> = (0..7)
            .map(|i| format!("https://example.org/a/p{i}/"))
            .collect();
        assert_eq!(listed, want, "every page once, in order");
        assert!(files[1..].iter().all(|(_, x)| locs(x).len() <= 3));
    }

    #[test]
    fn the_limit_is_the_protocols() {
        let urls = Urls::new("https://example.org/", false);
        let pages: Vec<String> = (0..SITEMAP_MAX_URLS + 1)
            .map(|i| format!("p{i}/"))
            .collect();
        let files = sitemaps(&urls, &pages, SITEMAP_MAX_URLS);
        assert_eq!(files.len(), 3);
        assert_eq!(locs(&files[1].1).len(), SITEMAP_MAX_URLS);
        assert_eq!(locs(&files[2].1), ["https://example.org/p50000/"]);
    }
}
