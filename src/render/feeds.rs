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
pub fn sitemap(urls: &Urls, pages: &[String]) -> String {
    let mut s = String::with_capacity(100 + pages.len() * 80);
    s.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for p in pages {
        if p.ends_with(".html") {
            continue;
        }
        s.push_str(&format!(
            "<url><loc>{}</loc></url>\n",
            esc(&urls.absolute(p))
        ));
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
