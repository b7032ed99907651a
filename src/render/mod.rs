//! Stage 4 of the pipeline: render. Plans every page of OUTPUT.md as a [`Job`], builds each
//! page's small view (serde structs of values: text, numbers, addresses, never HTML) and
//! renders it with the theme's Tera templates, in parallel ([`pages`]; tables, charts and
//! list entries are views too, written by `partials/table.html`, `partials/chart.html` and
//! `partials/item.html`). [`feeds`] renders the Atom feeds with `atom.xml` and writes
//! sitemap.xml and robots.txt. [`theme`] resolves the theme's files and strings.
//!
//! Not here: the data files (`output::data`), the search index (`search`) and the copying of
//! static files (`build`). From `load`, render uses the plain `Language` type and, for a
//! theme's files, `load::source::read_text` (the one way the site reads a text file: UTF-8,
//! no BOM, LF line ends, NFC, with its errors) and `load::settings::line_col`.

pub mod chart;
pub mod feeds;
pub mod format;
pub mod pages;
pub mod photo;
pub mod table;
pub mod theme;
pub mod views;

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use tera::Tera;

use crate::diagnostics::Diagnostic;
use crate::group::Groups;
use crate::model::{Archive, BulletinId, IndicatorId, LocalityId, TermId};
use crate::urls::{path, Urls};

use format::Fmt;
use theme::Theme;
use views::{Linker, SiteView};

/// One page to render.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Job {
    Home(usize),
    Bulletin(BulletinId),
    Localities,
    Locality(LocalityId, usize),
    LocalityTerm(LocalityId, TermId, usize),
    Terms,
    Term(TermId),
    Indicators,
    /// An indicator's page n: the charts and table rows of its localities of that page.
    Indicator(IndicatorId, usize),
    Topics,
    Topic(String, usize),
    Year(i32, usize),
    Search,
    /// Drafts waiting for review.
    Drafts,
    NotFound,
}

/// `work` on each of `items` with its place, on every thread of the pool, the threads taking
/// `taken` items at a time from one shared place: together they go through the items from
/// the first to the last, each at most `taken` items past what all have done.
fn each_in_order<T: Sync>(items: &[T], taken: usize, work: impl Fn(usize, &T) + Sync) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let take = || loop {
        let first = next.fetch_add(taken, Ordering::Relaxed);
        if first >= items.len() {
            break;
        }
        for (place, item) in items.iter().enumerate().skip(first).take(taken) {
            work(place, item);
        }
    };
    rayon::scope(|s| {
        for _ in 0..rayon::current_num_threads() {
            s.spawn(|_| take());
        }
    });
}

/// The order pages are rendered in, as places in `jobs`: the heavy ones first (see
/// [`Job::is_heavy`]), so that none of them is left running alone on one thread at the
/// end, then as planned.
pub fn render_order(jobs: &[Job]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&i| !jobs[i].is_heavy());
    order
}

impl Job {
    /// Pages whose charts and tables gather values from the whole archive (indicators and
    /// terms): few, and each slow to render.
    pub fn is_heavy(&self) -> bool {
        matches!(self, Job::Indicator(..) | Job::Term(_))
    }

    /// The kind of page, for timings.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Job::Home(_) => "home",
            Job::Bulletin(_) => "bulletin",
            Job::Localities => "localities",
            Job::Locality(..) => "locality",
            Job::LocalityTerm(..) => "locality-term",
            Job::Terms => "terms",
            Job::Term(_) => "term",
            Job::Indicators => "indicators",
            Job::Indicator(..) => "indicator",
            Job::Topics => "topics",
            Job::Topic(..) => "topic",
            Job::Year(..) => "year",
            Job::Search => "search",
            Job::Drafts => "drafts",
            Job::NotFound => "404",
        }
    }
}

/// The part of the frame that is the same on every page at one depth.
#[derive(Serialize)]
struct SiteFrame<'a> {
    site: SiteView<'a>,
}

/// Each thread's frame contexts, by (relative links, page depth), for one renderer.
#[derive(Default)]
struct FrameCache {
    renderer: u64,
    contexts: HashMap<(bool, usize), tera::Context>,
}

thread_local! {
    static FRAMES: std::cell::RefCell<FrameCache> = Default::default();
}

/// Tells renderers apart in [`FRAMES`] (tests and `serve` make many in one process).
static NEXT_RENDERER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// The depth that a page's links to other pages depend on (0 unless they are relative).
fn site_depth(l: &Linker) -> usize {
    if l.urls.relative {
        l.from.matches('/').count()
    } else {
        0
    }
}

/// Everything rendering needs, shared read-only by the worker threads.
pub struct Renderer<'a> {
    /// Unique in the process: keys this renderer's frame contexts.
    id: u64,
    pub archive: &'a Archive,
    pub groups: &'a Groups,
    pub urls: Urls,
    pub tera: Tera,
    pub theme: &'a Theme,
    /// The links of localities that list entries show, made once per page depth and
    /// reused by every list (see [`Renderer::items`]).
    items: ItemCache,
    /// Per indicator, what all its pages share (made by the first of them).
    indicators: Vec<std::sync::OnceLock<pages::IndicatorValues>>,
}

/// The links of localities that list entries show, by page depth (links differ by depth
/// only with relative URLs) and locality.
struct ItemCache {
    by_depth: Vec<std::sync::OnceLock<Vec<std::sync::OnceLock<tera::Value>>>>,
}

/// Deepest page of OUTPUT.md: `dia-phuong/<l>/<t>/trang/<n>/`.
const MAX_DEPTH: usize = 8;

/// A template error as a diagnostic: the theme file it is in, with line and column where
/// Tera gives them (syntax errors and most rendering errors do).
fn template_error(theme: &Theme, name: &str, e: &tera::Error) -> Diagnostic {
    let report = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => Some(r),
        _ => None,
    };
    let name = report
        .map(|r| r.filename())
        .filter(|f| !f.is_empty())
        .unwrap_or(name);
    let mut msg = match report {
        Some(r) => r.message().to_string(),
        None => e.to_string(),
    };
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    let file = theme
        .template_files
        .get(name)
        .cloned()
        .unwrap_or_else(|| std::path::PathBuf::from(name));
    Diagnostic::new(file, format!("template error: {msg}"))
        .line(report.map(|r| r.span().start_line))
        .column(report.map(|r| r.span().start_col + 1))
}

impl<'a> Renderer<'a> {
    pub fn new(
        archive: &'a Archive,
        groups: &'a Groups,
        theme: &'a Theme,
    ) -> Result<Self, Vec<Diagnostic>> {
        let mut tera = Tera::new();
        // Tera escapes `{{ … }}` in these templates with its own escaper (crate::html).
        tera.autoescape_on([".html", ".xml"]);
        // Functions are checked when templates compile: register them first.
        tera.register_function("t", theme::translate(&theme.strings));
        // The same strings as a map, `{{ i18n.key }}`: a variable read costs a tenth of a
        // function call (Tera builds and frees a map of arguments for each call), and a
        // table calls for a label in every cell.
        tera.global_context().insert("i18n", &theme.strings);
        let templates = theme
            .templates
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()));
        if let Err(e) = tera.add_raw_templates(templates) {
            return Err(vec![template_error(theme, "templates", &e)]);
        }
        Ok(Renderer {
            id: NEXT_RENDERER.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            archive,
            groups,
            urls: Urls::new(&archive.settings.base_url, archive.settings.relative_urls),
            tera,
            theme,
            items: ItemCache {
                by_depth: (0..=MAX_DEPTH)
                    .map(|_| std::sync::OnceLock::new())
                    .collect(),
            },
            indicators: archive
                .indicators
                .ids()
                .map(|_| std::sync::OnceLock::new())
                .collect(),
        })
    }

    /// The values of indicator `id` by locality, shared by its pages and the plan.
    pub fn indicator_values(&self, id: crate::model::IndicatorId) -> &pages::IndicatorValues {
        self.indicators[id.0 as usize]
            .get_or_init(|| pages::IndicatorValues::new(self.archive, self.groups, id))
    }

    /// The list entries of `ids` (what `partials/item.html` shows of each, as `it`) for the
    /// page `l` is on ([`views::item`]), with the links of localities made once per page
    /// depth and shared by every list.
    pub fn items(
        &self,
        ids: &[BulletinId],
        l: &Linker,
    ) -> Result<Vec<tera::Value>, crate::diagnostics::Diagnostic> {
        let depth = site_depth(l);
        let f = self.fmt();
        let a = self.archive;
        let link = |x: LocalityId| tera::Value::from_serializable(&views::locality_link(a, x, l));
        if depth > MAX_DEPTH {
            return ids
                .iter()
                .map(|&b| views::item(a, b, l, &f, link))
                .collect();
        }
        let links = self.items.by_depth[depth]
            .get_or_init(|| a.localities.ids().map(|_| Default::default()).collect());
        let shared = |x: LocalityId| links[x.0 as usize].get_or_init(|| link(x)).clone();
        ids.iter()
            .map(|&b| views::item(a, b, l, &f, shared))
            .collect()
    }

    pub fn fmt(&self) -> Fmt<'_> {
        Fmt {
            language: self.archive.settings.language,
            strings: &self.theme.strings,
        }
    }

    /// Every page of the site.
    pub fn plan(&self) -> Vec<Job> {
        let a = self.archive;
        let g = self.groups;
        let per = a.settings.per_page;
        let pages = |n: usize| 1..=views::page_count(n, per);
        let mut jobs = Vec::new();
        let home = views::home_len(a.bulletins.len(), per, a.settings.home_pages);
        jobs.extend(pages(home).map(Job::Home));
        jobs.extend((0..a.bulletins.len() as u32).map(|i| Job::Bulletin(BulletinId(i))));
        jobs.push(Job::Localities);
        for l in a.localities.ids() {
            jobs.extend(pages(g.by_locality[l.0 as usize].len()).map(|n| Job::Locality(l, n)));
            for &t in &g.terms_of_locality[l.0 as usize] {
                let n = g.by_locality_term.get(&(l, t)).map_or(0, Vec::len);
                jobs.extend(pages(n).map(|p| Job::LocalityTerm(l, t, p)));
            }
        }
        jobs.push(Job::Terms);
        jobs.extend(a.terms.ids().map(Job::Term));
        jobs.push(Job::Indicators);
        for i in a.indicators.ids() {
            let n = self.indicator_values(i).localities.len();
            jobs.extend(
                (1..=views::page_count(n, views::LOCALITIES_PER_INDICATOR_PAGE))
                    .map(|p| Job::Indicator(i, p)),
            );
        }
        jobs.push(Job::Topics);
        for (slug, t) in &g.topics {
            jobs.extend(pages(t.bulletins.len()).map(|n| Job::Topic(slug.clone(), n)));
        }
        for (y, list) in &g.by_year {
            jobs.extend(pages(list.len()).map(|n| Job::Year(*y, n)));
        }
        jobs.push(Job::Search);
        if !g.drafts.is_empty() {
            jobs.push(Job::Drafts);
        }
        jobs.push(Job::NotFound);
        jobs
    }

    /// The site path of a job's page.
    pub fn page_path(&self, job: &Job) -> String {
        let a = self.archive;
        match job {
            Job::Home(n) => path::page("", *n),
            Job::Bulletin(b) => path::bulletin(&a.bulletins[b.0 as usize].slug),
            Job::Localities => path::LOCALITIES.into(),
            Job::Locality(l, n) => path::page(&path::locality(&a.localities.get(*l).id), *n),
            Job::LocalityTerm(l, t, n) => path::page(
                &path::locality_term(&a.localities.get(*l).id, &a.terms.get(*t).id),
                *n,
            ),
            Job::Terms => path::TERMS.into(),
            Job::Term(t) => path::term(&a.terms.get(*t).id),
            Job::Indicators => path::INDICATORS.into(),
            Job::Indicator(i, n) => path::page(&path::indicator(&a.indicators.get(*i).id), *n),
            Job::Topics => path::TOPICS.into(),
            Job::Topic(s, n) => path::page(&path::topic(s), *n),
            Job::Year(y, n) => path::page(&path::year(*y), *n),
            Job::Search => path::SEARCH.into(),
            Job::Drafts => path::DRAFTS.into(),
            Job::NotFound => "404.html".into(),
        }
    }

    /// Render one page: its output file path and bytes.
    pub fn render(&self, job: &Job) -> Result<(String, Vec<u8>), Diagnostic> {
        let page = self.page_path(job);
        let file = if page.ends_with('/') || page.is_empty() {
            format!("{page}index.html")
        } else {
            page.clone()
        };
        // The 404 page is served at any depth: its links are root-relative, never relative.
        let not_found_urls;
        let urls = if *job == Job::NotFound && self.urls.relative {
            not_found_urls = Urls {
                relative: false,
                ..self.urls.clone()
            };
            &not_found_urls
        } else {
            &self.urls
        };
        let l = Linker { urls, from: &page };
        let html = pages::render_page(self, job, &l)?;
        Ok((file, html))
    }

    /// Render a template with a page view in the common frame.
    ///
    /// The frame's `site` view is the same on every page at one depth (links differ by depth
    /// only, and only with relative URLs), so each thread keeps a context per depth with
    /// `site` in it and puts only the page's own values in, instead of building and
    /// serialising the whole frame for each of 100,000 pages.
    pub fn frame<T: Serialize>(
        &self,
        template: &str,
        l: &Linker,
        title: String,
        breadcrumbs: Vec<views::Link>,
        feed: Option<String>,
        page: T,
    ) -> Result<Vec<u8>, Diagnostic> {
        let error = |e: tera::Error| template_error(self.theme, template, &e);
        let render = |ctx: &mut tera::Context| -> Result<Vec<u8>, Diagnostic> {
            ctx.insert("title", &title);
            ctx.insert("canonical", &self.urls.absolute(l.from));
            ctx.insert("breadcrumbs", &breadcrumbs);
            ctx.insert("feed", &feed);
            ctx.insert("page", &page);
            let mut out = Vec::with_capacity(16 * 1024);
            let rendered = self.tera.render_to(template, ctx, &mut out).map_err(error);
            // The next page puts its own; the view of this one need not stay in memory.
            ctx.remove("page");
            rendered.map(|()| out)
        };
        let key = (l.urls.relative, site_depth(l));
        let site = || {
            tera::Context::from_serialize(&SiteFrame {
                site: SiteView::new(self.archive, l),
            })
        };
        FRAMES.with(|cell| match cell.try_borrow_mut() {
            Ok(mut cache) => {
                if cache.renderer != self.id {
                    cache.renderer = self.id;
                    cache.contexts.clear();
                }
                let ctx = match cache.contexts.entry(key) {
                    std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(site().map_err(error)?)
                    }
                };
                render(ctx)
            }
            Err(_) => render(&mut site().map_err(error)?),
        })
    }

    /// Render a template that is not a page (`atom.xml`) with one view in it, as `name`.
    pub fn render_view<T: Serialize>(
        &self,
        template: &str,
        name: &'static str,
        view: &T,
    ) -> Result<Vec<u8>, Diagnostic> {
        let mut ctx = tera::Context::new();
        ctx.insert(name, view);
        let mut out = Vec::with_capacity(16 * 1024);
        self.tera
            .render_to(template, &ctx, &mut out)
            .map_err(|e| template_error(self.theme, template, &e))?;
        Ok(out)
    }

    /// Render all pages in parallel, handing each file to `sink`; returns how many. The
    /// threads take the pages in [`render_order`], a few at a time from one shared place, so
    /// that together they go through the list from its start to its end: a full build makes
    /// the pages' folders on a thread of its own in the same order, ahead of them (see
    /// [`crate::site_files::write_site`]). Split as a parallel iterator splits, the list
    /// was rendered at several places at once, most of them past the folders made so far:
    /// at 100,000 bulletins 12,600 paths were opened before their folder was made, and the
    /// render threads waited 7.4 s on the folder lock, the folder thread 5 s (now a few
    /// hundred and none).
    pub fn render_all(
        &self,
        jobs: &[Job],
        sink: &dyn crate::output::Sink,
    ) -> Result<usize, Vec<Diagnostic>> {
        self.render_all_in(jobs, &render_order(jobs), sink)
    }

    /// [`Renderer::render_all`], with `order`, the [`render_order`] of `jobs`, made by the
    /// caller (who makes the folders in it too).
    pub fn render_all_in(
        &self,
        jobs: &[Job],
        order: &[usize],
        sink: &dyn crate::output::Sink,
    ) -> Result<usize, Vec<Diagnostic>> {
        let timings = std::env::var_os("BANTIN_TIMINGS").is_some();
        let spent: std::sync::Mutex<BTreeMap<&'static str, (usize, f64, f64)>> = Default::default();
        // Each problem with its page's place in `order`, to be reported in that order.
        let found: std::sync::Mutex<Vec<(usize, Diagnostic)>> = Default::default();
        // Pages a thread takes at once: few enough that the threads end together.
        each_in_order(order, 16, |place, &i| {
            let job = &jobs[i];
            let started = std::time::Instant::now();
            let rendered = self.render(job);
            let rendered_at = started.elapsed().as_secs_f64();
            let result = match rendered {
                Ok((file, bytes)) => sink
                    .put(&file, &bytes)
                    .err()
                    .map(|e| Diagnostic::new(&file, format!("cannot write: {e}"))),
                Err(d) => Some(d),
            };
            if let Some(d) = result {
                if let Ok(mut f) = found.lock() {
                    f.push((place, d));
                }
            }
            if timings {
                if let Ok(mut m) = spent.lock() {
                    let e = m.entry(job.kind_name()).or_default();
                    e.0 += 1;
                    e.1 += rendered_at;
                    e.2 += started.elapsed().as_secs_f64() - rendered_at;
                }
            }
        });
        let mut found = found.into_inner().unwrap_or_default();
        found.sort_by_key(|(place, _)| *place);
        let errors: Vec<Diagnostic> = found.into_iter().map(|(_, d)| d).collect();
        if timings {
            for (kind, (n, render, write)) in spent.into_inner().unwrap_or_default() {
                eprintln!("    {kind:<14} {n:>7} pages  render {render:>7.3} s  write {write:>7.3} s (thread time)");
            }
        }
        if errors.is_empty() {
            Ok(jobs.len())
        } else {
            // One template error repeats on every page that uses it: report each once.
            let mut seen = BTreeMap::new();
            for e in errors {
                seen.entry(e.message.clone()).or_insert(e);
            }
            Err(seen.into_values().collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// However many threads take part, the items are done from the first to the last: the
    /// n-th done is at most a few takings past n (the folders of a full build are made in
    /// this order ahead of the pages). A parallel iterator starts halfway along at once.
    #[test]
    fn each_in_order_goes_through_the_items_from_first_to_last() {
        let threads = 4;
        let taken = 8;
        let items: Vec<usize> = (0..2_000).collect();
        let done = std::sync::Mutex::new(Vec::new());
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            each_in_order(&items, taken, |place, &item| {
                assert_eq!(place, item);
                // Some work, so that the threads run side by side.
                std::hint::black_box((0..2_000).sum::<usize>());
                done.lock().unwrap().push(place);
            })
        });
        let done = done.into_inner().unwrap();
        let mut all = done.clone();
        all.sort_unstable();
        assert_eq!(all, items, "each item once");
        for (n, &place) in done.iter().enumerate() {
            assert!(
                place < n + threads * taken,
                "item {place} done {n}th: past what all had done"
            );
        }
    }

    #[test]
    fn heavy_pages_are_rendered_first_then_as_planned() {
        let jobs = [
            Job::Home(0),
            Job::Term(TermId(0)),
            Job::Search,
            Job::Indicator(IndicatorId(0), 0),
            Job::NotFound,
        ];
        assert_eq!(render_order(&jobs), [1, 3, 0, 2, 4]);
    }
}
