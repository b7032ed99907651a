//! Machine-read files: Atom feeds (the site's and each locality's), sitemap.xml and
//! robots.txt. Written directly (they are small, fixed formats), with absolute addresses.

use crate::group::Groups;
use crate::model::{Archive, BulletinId};
use crate::urls::{path, Urls};

/// How many entries a feed carries.
pub const FEED_ENTRIES: usize = 50;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// An Atom feed of the newest bulletins of `ids` (already newest first).
pub fn atom(
    a: &Archive,
    urls: &Urls,
    feed_path: &str,
    page_path: &str,
    title: &str,
    ids: &[BulletinId],
) -> String {
    let updated = ids
        .first()
        .map(|b| a.bulletins[b.0 as usize].date.to_rfc3339())
        .unwrap_or_else(|| "1970-01-01T00:00:00+00:00".into());
    let mut s = String::with_capacity(512 + ids.len().min(FEED_ENTRIES) * 600);
    s.push_str(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"",
    );
    s.push_str(&format!(" xml:lang=\"{}\">\n", a.settings.language.code()));
    s.push_str(&format!("<title>{}</title>\n", esc(title)));
    s.push_str(&format!(
        "<link href=\"{}\" rel=\"self\"/>\n",
        esc(&urls.absolute(feed_path))
    ));
    s.push_str(&format!(
        "<link href=\"{}\"/>\n",
        esc(&urls.absolute(page_path))
    ));
    s.push_str(&format!(
        "<id>{}</id>\n<updated>{updated}</updated>\n",
        esc(&urls.absolute(feed_path))
    ));
    for b in ids.iter().take(FEED_ENTRIES) {
        let b = &a.bulletins[b.0 as usize];
        let url = urls.absolute(&path::bulletin(&b.slug));
        s.push_str("<entry>\n");
        s.push_str(&format!(
            "<title>{}</title>\n<link href=\"{}\"/>\n<id>{}</id>\n",
            esc(&b.title),
            esc(&url),
            esc(&url)
        ));
        s.push_str(&format!("<updated>{}</updated>\n", b.date.to_rfc3339()));
        if b.authors.is_empty() {
            s.push_str(&format!(
                "<author><name>{}</name></author>\n",
                esc(&a.localities.get(b.home()).display_name)
            ));
        }
        for au in &b.authors {
            s.push_str(&format!("<author><name>{}</name></author>\n", esc(au)));
        }
        for t in &b.topics {
            s.push_str(&format!(
                "<category term=\"{}\" label=\"{}\"/>\n",
                esc(&t.slug),
                esc(&t.name)
            ));
        }
        s.push_str(&format!(
            "<summary>{}</summary>\n</entry>\n",
            esc(&b.summary)
        ));
    }
    s.push_str("</feed>\n");
    s
}

/// The site's feed and one per locality: (site path, text).
pub fn all_feeds(a: &Archive, g: &Groups, urls: &Urls) -> Vec<(String, String)> {
    let ids: Vec<BulletinId> = (0..a.bulletins.len().min(FEED_ENTRIES) as u32)
        .map(BulletinId)
        .collect();
    let mut out = vec![(
        "atom.xml".to_string(),
        atom(a, urls, "atom.xml", "", &a.settings.title, &ids),
    )];
    for l in a.localities.ids() {
        let loc = a.localities.get(l);
        let page = path::locality(&loc.id);
        let feed = format!("{page}atom.xml");
        let title = format!("{} – {}", loc.display_name, a.settings.title);
        out.push((
            feed.clone(),
            atom(a, urls, &feed, &page, &title, &g.by_locality[l.0 as usize]),
        ));
    }
    out
}

/// sitemap.xml of every page path (404 excluded).
/// The most addresses one sitemap file may list (the sitemap protocol's limit).
pub const SITEMAP_MAX_URLS: usize = 50_000;

/// The sitemap of `pages` (site paths; files such as `404.html` are left out). Up to
/// `max_urls` addresses it is one `sitemap.xml`; past that, `sitemap.xml` is a sitemap index
/// of `sitemap-1.xml`, `sitemap-2.xml`, … with at most `max_urls` addresses each.
pub fn sitemaps(urls: &Urls, pages: &[String], max_urls: usize) -> Vec<(String, String)> {
    let locs: Vec<&String> = pages.iter().filter(|p| !p.ends_with(".html")).collect();
    if locs.len() <= max_urls {
        return vec![("sitemap.xml".into(), urlset(urls, &locs))];
    }
    let parts: Vec<(String, String)> = locs
        .chunks(max_urls.max(1))
        .enumerate()
        .map(|(i, chunk)| (format!("sitemap-{}.xml", i + 1), urlset(urls, chunk)))
        .collect();
    let mut index = String::with_capacity(100 + parts.len() * 100);
    index.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (p, _) in &parts {
        index.push_str("<sitemap><loc>");
        index.push_str(&esc(&urls.absolute(p)));
        index.push_str("</loc></sitemap>\n");
    }
    index.push_str("</sitemapindex>\n");
    let mut out = vec![("sitemap.xml".to_string(), index)];
    out.extend(parts);
    out
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
