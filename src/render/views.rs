//! Small, precomputed views handed to templates. Each page gets only what it shows, with
//! every link already written for that page (root-relative or relative), so templates stay
//! simple and rendering never clones the model.

use serde::Serialize;

use crate::model::{Archive, BulletinId, LocalityId};
use crate::urls::{path, Urls};

use super::format::Fmt;

/// Links as seen from one page.
pub struct Linker<'a> {
    pub urls: &'a Urls,
    pub from: &'a str,
}

impl Linker<'_> {
    pub fn to(&self, site_path: &str) -> String {
        self.urls.href(self.from, site_path)
    }
}

#[derive(Serialize, Clone)]
pub struct Link {
    pub href: String,
    pub label: String,
}

/// The language bulletins are written in (CONTENT.md: Vietnamese bulletins), whatever the
/// UI's.
pub const CONTENT_LANG: &str = "vi";

/// What every page knows about the site.
#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub lang: &'static str,
    /// The bulletins' language ("vi") when the UI's is another, for `lang` on their text;
    /// `None` when they are the same.
    pub content_lang: Option<&'static str>,
    pub home: String,
    pub root: String,
    pub css: String,
    pub js: String,
    /// The theme's icon, `static/favicon.svg`.
    pub favicon: String,
    pub search: String,
    pub localities: String,
    pub terms: String,
    pub indicators: String,
    pub topics: String,
    pub feed: String,
    pub data_csv: String,
    pub data_json: String,
    pub data_package: String,
    /// "index.html" when links must name the file (relative_urls), else "".
    pub index_suffix: &'static str,
}

impl<'a> SiteView<'a> {
    pub fn new(a: &'a Archive, l: &Linker) -> Self {
        SiteView {
            title: &a.settings.title,
            description: a.settings.description.as_deref(),
            lang: a.settings.language.code(),
            content_lang: (a.settings.language.code() != CONTENT_LANG).then_some(CONTENT_LANG),
            home: l.to(""),
            root: l.to("").trim_end_matches("index.html").to_string(),
            css: l.to("static/style.css"),
            js: l.to("static/search.js"),
            favicon: l.to("static/favicon.svg"),
            search: l.to(path::SEARCH),
            localities: l.to(path::LOCALITIES),
            terms: l.to(path::TERMS),
            indicators: l.to(path::INDICATORS),
            topics: l.to(path::TOPICS),
            feed: l.to("atom.xml"),
            data_csv: l.to(path::DATA_CSV),
            data_json: l.to(path::DATA_JSON),
            data_package: l.to(path::DATA_PACKAGE),
            index_suffix: if l.urls.relative { "index.html" } else { "" },
        }
    }
}

/// What a list shows of a bulletin (the view `it` of `partials/item.html`: `title`, `href`,
/// `date`, `iso`, `localities` and `summary`), made for each list that shows it; `locality`
/// gives the link of a locality as a Tera value (shared by the entries of its bulletins).
///
/// Nothing of it is kept between lists: the parts that take work (the link, the dates) kept
/// for every bulletin and page depth took about 700 bytes a bulletin while the pages
/// rendered, and making them again for each of a bulletin's five or so lists costs about a
/// microsecond each.
pub fn item(
    a: &Archive,
    id: BulletinId,
    l: &Linker,
    f: &Fmt,
    locality: impl Fn(LocalityId) -> tera::Value,
) -> Result<tera::Value, crate::diagnostics::Diagnostic> {
    let b = &a.bulletins[id.0 as usize];
    let summary = a.summary(b)?;
    let localities: Vec<tera::Value> = b.localities.iter().map(|&x| locality(x)).collect();
    let mut m = tera::Map::with_capacity(6);
    m.insert("title".into(), b.title.as_str().into());
    m.insert("href".into(), l.to(&path::bulletin(&b.slug)).into());
    m.insert("date".into(), f.date(b.date.date_naive()).into());
    m.insert("iso".into(), b.date.to_rfc3339().into());
    m.insert("localities".into(), localities.into());
    m.insert("summary".into(), truncate(&summary, 280).into());
    Ok(tera::Value::from(m))
}

/// Links to several localities, in the given order.
pub fn locality_links(a: &Archive, ids: &[LocalityId], l: &Linker) -> Vec<Link> {
    ids.iter().map(|&x| locality_link(a, x, l)).collect()
}

pub fn locality_link(a: &Archive, id: LocalityId, l: &Linker) -> Link {
    let loc = a.localities.get(id);
    Link {
        href: l.to(&path::locality(&loc.id)),
        label: loc.display_name.clone(),
    }
}

/// Cut text at a word boundary, with an ellipsis.
pub fn truncate(s: &str, max_chars: usize) -> String {
    // Where the first character past the limit starts, if there is one: a slice, not a
    // string built a character at a time (every list entry's summary comes through here).
    let Some((end, _)) = s.char_indices().nth(max_chars) else {
        return s.to_string();
    };
    let cut = &s[..end];
    let cut = match cut.rfind(' ') {
        Some(i) if i > max_chars / 2 => &cut[..i],
        _ => cut,
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.']))
}

/// Page links of a paginated list.
#[derive(Serialize)]
pub struct Pagination {
    pub current: usize,
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub pages: Vec<PageLink>,
}

#[derive(Serialize)]
pub struct PageLink {
    pub n: Option<usize>,
    pub href: String,
    pub current: bool,
}

impl Pagination {
    /// Pages of the list at `list`; a window around the current page, with first and last.
    /// Only the pages shown are visited: a list of 50,000 pages (the home page's at a
    /// million bulletins) visited every page number for each of its pages.
    pub fn new(list: &str, current: usize, total: usize, l: &Linker) -> Option<Pagination> {
        if total <= 1 {
            return None;
        }
        let href = |n: usize| l.to(&path::page(list, n));
        let mut pages = Vec::new();
        let mut last_shown = 0;
        let window = current.saturating_sub(2).max(1)..=current.saturating_add(2).min(total);
        for n in std::iter::once(1)
            .chain(window)
            .chain(std::iter::once(total))
        {
            if n <= last_shown {
                continue;
            }
            if last_shown + 1 < n {
                pages.push(PageLink {
                    n: None,
                    href: String::new(),
                    current: false,
                });
            }
            pages.push(PageLink {
                n: Some(n),
                href: href(n),
                current: n == current,
            });
            last_shown = n;
        }
        Some(Pagination {
            current,
            total,
            prev: (current > 1).then(|| href(current - 1)),
            next: (current < total).then(|| href(current + 1)),
            pages,
        })
    }
}

/// How many pages a list of `n` items takes.
pub fn page_count(n: usize, per_page: usize) -> usize {
    n.div_ceil(per_page).max(1)
}

/// How many of an archive's `total` bulletins (the latest first) the home page lists: all
/// of them when `home_pages` is 0, else at most `home_pages` pages of `per_page`.
pub fn home_len(total: usize, per_page: usize, home_pages: usize) -> usize {
    if home_pages == 0 {
        total
    } else {
        total.min(home_pages.saturating_mul(per_page))
    }
}

/// Localities on each page of an indicator (a chart and a table row each): a page of an
/// indicator reported by hundreds of units stays light on a phone.
pub const LOCALITIES_PER_INDICATOR_PAGE: usize = 20;

/// The items of page `n` (1-based).
pub fn page_slice<T>(items: &[T], n: usize, per_page: usize) -> &[T] {
    let start = ((n - 1) * per_page).min(items.len());
    let end = (start + per_page).min(items.len());
    &items[start..end]
}

#[cfg(test)]
mod tests {
    use super::{home_len, truncate, Linker, Pagination};
    use crate::urls::Urls;

    #[test]
    fn the_home_list_holds_home_pages_of_per_page_or_everything() {
        assert_eq!(home_len(100_000, 20, 10), 200);
        assert_eq!(home_len(150, 20, 10), 150);
        assert_eq!(home_len(100_000, 20, 0), 100_000);
        assert_eq!(home_len(7, 3, usize::MAX), 7);
    }

    /// The page numbers shown (`None` for a gap) and which is current.
    fn shown(current: usize, total: usize) -> Option<(Vec<Option<usize>>, Vec<usize>)> {
        let urls = Urls::new("https://example.org/", false);
        let l = Linker {
            urls: &urls,
            from: "nam/2020/",
        };
        let p = Pagination::new("nam/2020/", current, total, &l)?;
        for link in &p.pages {
            if let Some(n) = link.n {
                let expected = if n == 1 {
                    "/nam/2020/".to_string()
                } else {
                    format!("/nam/2020/trang/{n}/")
                };
                assert_eq!(link.href, expected);
            }
        }
        let numbers = p.pages.iter().map(|x| x.n).collect();
        let current = p
            .pages
            .iter()
            .filter(|x| x.current)
            .filter_map(|x| x.n)
            .collect();
        Some((numbers, current))
    }

    #[test]
    fn pagination_shows_first_last_and_two_each_side_with_gaps() {
        assert_eq!(shown(1, 1), None);
        for total in 2usize..40 {
            for current in 1..=total {
                // Every page number, kept when it is first, last or near the current one.
                let mut expected = Vec::new();
                let mut last = 0;
                for n in 1..=total {
                    if n == 1 || n == total || n.abs_diff(current) <= 2 {
                        if last + 1 < n {
                            expected.push(None);
                        }
                        expected.push(Some(n));
                        last = n;
                    }
                }
                assert_eq!(shown(current, total), Some((expected, vec![current])));
            }
        }
        let gap = None;
        assert_eq!(
            shown(25_000, 50_000).unwrap().0,
            [
                Some(1),
                gap,
                Some(24_998),
                Some(24_999),
                Some(25_000),
                Some(25_001),
                Some(25_002),
                gap,
                Some(50_000)
            ]
        );
    }

    #[test]
    fn summaries_are_cut_at_a_word_within_the_limit_with_an_ellipsis() {
        // At or under the limit, in characters (not bytes): whole.
        assert_eq!(truncate("Thu ngân sách", 13), "Thu ngân sách");
        assert_eq!(truncate("đạt", 3), "đạt");
        // Over it: cut at the last space of the first `max` characters, past half of them.
        assert_eq!(
            truncate("Thu ngân sách đạt 507,8 tỷ đồng", 16),
            "Thu ngân sách…"
        );
        // A separator before the cut goes.
        assert_eq!(
            truncate("Thu ngân sách, đạt kế hoạch", 18),
            "Thu ngân sách…"
        );
        // No space late enough: cut inside the word, on a character boundary.
        assert_eq!(truncate("Đồngđồngđồngđồng", 6), "Đồngđồ…");
    }
}
