//! One view builder per kind of page: each collects just what its template shows.

use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::group::{Groups, ValueIx};
use crate::model::{
    Archive, BulletinId, Direction, IndicatorId, IndicatorValue, LocalityId, TermId,
};
use crate::urls::path;

use super::table::{self, Cells};
use super::views::{self, locality_link, locality_links, page_slice, Link, Linker, Pagination};
use super::{chart, Job, Renderer};

#[derive(Serialize)]
struct ListPage {
    heading: String,
    intro: Option<String>,
    items: Vec<tera::Value>,
    pagination: Option<Pagination>,
    /// Links to every year's list, on the lists of a year (empty on the others).
    years: Vec<Link>,
}

#[derive(Serialize)]
pub struct TreeNode {
    name: String,
    kind: String,
    href: String,
    dissolved: bool,
    count: usize,
    children: Vec<TreeNode>,
}

#[derive(Serialize)]
struct TermInfo {
    name: String,
    href: String,
    body: Option<String>,
    start: String,
    end: String,
    years: String,
    /// The term's number of bulletins; `None` (left out) on a locality's page of the term,
    /// which then depends on that locality's bulletins alone: adding a bulletin elsewhere in
    /// the term does not change it (see `rebuild::affected`).
    #[serde(skip_serializing_if = "Option::is_none")]
    count: Option<usize>,
}

#[derive(Serialize)]
struct CategoryView {
    name: Option<String>,
    indicators: Vec<IndicatorInfo>,
}

#[derive(Serialize)]
struct IndicatorInfo {
    name: String,
    href: String,
    unit: String,
    direction: String,
    count: usize,
}

fn tree(r: &Renderer, ids: &[LocalityId], l: &Linker) -> Vec<TreeNode> {
    let a = r.archive;
    ids.iter()
        .map(|&id| {
            let loc = a.localities.get(id);
            TreeNode {
                name: loc.display_name.clone(),
                kind: loc.kind.word().to_string(),
                href: l.to(&path::locality(&loc.id)),
                dissolved: loc.dissolved.is_some(),
                count: r.groups.by_locality[id.0 as usize].len(),
                children: tree(r, &loc.children, l),
            }
        })
        .collect()
}

fn term_info(r: &Renderer, t: TermId, l: &Linker) -> TermInfo {
    let term = r.archive.terms.get(t);
    let f = r.fmt();
    TermInfo {
        name: term.name.clone(),
        href: l.to(&path::term(&term.id)),
        body: term.body.clone(),
        start: f.date(term.start),
        end: f.date(term.end),
        years: format!("{}–{}", term.years.0, term.years.1),
        count: Some(r.groups.by_term[t.0 as usize].len()),
    }
}

fn categories(r: &Renderer, l: &Linker) -> Vec<CategoryView> {
    let a = r.archive;
    let f = r.fmt();
    let mut out: Vec<CategoryView> = Vec::new();
    for id in a.indicators.ids() {
        let i = a.indicators.get(id);
        let info = IndicatorInfo {
            name: i.name.clone(),
            href: l.to(&path::indicator(&i.id)),
            unit: i.unit.to_string(),
            direction: direction_words(&f, i.direction),
            count: r.groups.values_by_indicator[id.0 as usize].len(),
        };
        match out.iter_mut().find(|c| c.name == i.category) {
            Some(c) => c.indicators.push(info),
            None => out.push(CategoryView {
                name: i.category.clone(),
                indicators: vec![info],
            }),
        }
    }
    out.sort_by_key(|c| c.name.is_none());
    out
}

fn crumbs(l: &Linker, f: &super::format::Fmt, trail: &[(&str, String)]) -> Vec<Link> {
    let mut v = vec![Link {
        href: l.to(""),
        label: f.t("home").to_string(),
    }];
    v.extend(trail.iter().map(|(p, label)| Link {
        href: l.to(p),
        label: label.clone(),
    }));
    v
}

/// The breadcrumb of a locality: home, the localities page, then its parents from the top.
fn locality_crumbs(r: &Renderer, id: LocalityId, l: &Linker, include_self: bool) -> Vec<Link> {
    let a = r.archive;
    let f = r.fmt();
    let mut chain = a.localities.self_and_ancestors(id);
    if !include_self {
        chain.remove(0);
    }
    chain.reverse();
    let mut trail: Vec<(&str, String)> = vec![(path::LOCALITIES, f.t("localities").to_string())];
    let paths: Vec<String> = chain
        .iter()
        .map(|&c| path::locality(&a.localities.get(c).id))
        .collect();
    for (c, p) in chain.iter().zip(&paths) {
        trail.push((p.as_str(), a.localities.get(*c).display_name.clone()));
    }
    crumbs(l, &f, &trail)
}

#[derive(Serialize)]
struct BulletinPage<'a> {
    title: &'a str,
    date: String,
    iso: String,
    localities: Vec<Link>,
    term: Option<Link>,
    authors: Vec<String>,
    topics: Vec<Link>,
    source: Option<SourceView>,
    summary: &'a str,
    body: &'a str,
    values: Vec<ValueRow>,
    year: Link,
    /// For a draft: the list of drafts waiting for review.
    drafts: Option<Link>,
}

#[derive(Serialize)]
struct SourceView {
    name: Option<String>,
    url: Option<String>,
}

#[derive(Serialize)]
struct ValueRow {
    indicator: Link,
    locality: String,
    period: String,
    kind: &'static str,
    kind_label: String,
    figure: String,
    converted: Option<String>,
    quote: Option<String>,
    inline: bool,
}

#[derive(Serialize)]
struct LocalityPage {
    name: String,
    kind: String,
    code: Option<String>,
    parent: Option<Link>,
    children: Vec<TreeNode>,
    terms: Vec<Link>,
    established: Option<String>,
    dissolved: Option<String>,
    successors: Vec<Link>,
    predecessors: Vec<Link>,
    aliases: Vec<String>,
    feed: String,
    items: Vec<tera::Value>,
    count: usize,
    pagination: Option<Pagination>,
}

#[derive(Serialize)]
struct LocalityTermPage {
    locality: Link,
    term: TermInfo,
    table: Option<table::TableView>,
    items: Vec<tera::Value>,
    count: usize,
    pagination: Option<Pagination>,
}

#[derive(Serialize)]
struct TermPage {
    term: TermInfo,
    localities: Vec<Link>,
    table: Option<table::TableView>,
}

#[derive(Serialize)]
struct IndicatorPage {
    name: String,
    short: Option<String>,
    unit: String,
    category: Option<String>,
    direction: String,
    aliases: Vec<String>,
    count: usize,
    charts: Vec<chart::ChartView>,
    table: Option<table::TableView>,
    /// The pages of the indicator's localities (LOCALITIES_PER_INDICATOR_PAGE a page), or
    /// `None` when one page holds them all.
    pagination: Option<Pagination>,
}

#[derive(Serialize)]
struct TopicLink {
    name: String,
    href: String,
    count: usize,
}

#[derive(Serialize)]
struct HomePage {
    items: Vec<tera::Value>,
    pagination: Option<Pagination>,
    first: bool,
    tree: Vec<TreeNode>,
    terms: Vec<TermInfo>,
    categories: Vec<CategoryView>,
    count: usize,
    /// "3 bản nháp chờ duyệt", linking to their list, in a build with drafts.
    drafts: Option<Link>,
    /// Every year's list, the latest first: on the first page, and on the last page when
    /// the home list stops before the oldest bulletin (empty on the others).
    years: Vec<Link>,
    /// On the last page of a home list that stops before the oldest bulletin (see
    /// `home_pages`): the older ones are reached by year.
    older: bool,
}

/// Build the view of `job` and render its template: one function per kind of page.
pub fn render_page(r: &Renderer, job: &Job, l: &Linker) -> Result<Vec<u8>, Diagnostic> {
    let p = Page { r, l, f: r.fmt() };
    match job {
        Job::Home(n) => home(&p, *n),
        Job::Bulletin(id) => bulletin(&p, *id),
        Job::Localities => localities(&p),
        Job::Locality(id, n) => locality(&p, *id, *n),
        Job::LocalityTerm(id, t, n) => locality_term(&p, *id, *t, *n),
        Job::Terms => terms(&p),
        Job::Term(t) => term(&p, *t),
        Job::Indicators => indicators(&p),
        Job::Indicator(id, n) => indicator(&p, *id, *n),
        Job::Topics => topics(&p),
        Job::Topic(slug, n) => topic(&p, slug, *n),
        Job::Year(y, n) => year(&p, *y, *n),
        Job::Search => search(&p),
        Job::Drafts => drafts(&p),
        Job::NotFound => p.frame("404.html", p.f.t("not_found").to_string(), Vec::new(), ()),
    }
}

/// What every page's view builder needs: the renderer, the page's linker and the formats.
struct Page<'p, 'a> {
    r: &'p Renderer<'a>,
    l: &'p Linker<'p>,
    f: super::format::Fmt<'p>,
}

impl Page<'_, '_> {
    /// Page `n` of a paginated list of bulletins at site path `list`: its items and links
    /// to the other pages.
    fn paged(
        &self,
        list: &str,
        all: &[BulletinId],
        n: usize,
    ) -> Result<(Vec<tera::Value>, Option<Pagination>), Diagnostic> {
        let per = self.r.archive.settings.per_page;
        let total = views::page_count(all.len(), per);
        Ok((
            self.r.items(page_slice(all, n, per), self.l)?,
            Pagination::new(list, n, total, self.l),
        ))
    }

    /// A title with "– Trang n" after it on the pages of a list after the first.
    fn title(&self, t: String, n: usize) -> String {
        if n > 1 {
            format!("{t} – {} {n}", self.f.t("page"))
        } else {
            t
        }
    }

    /// Breadcrumbs from the home page through `trail`.
    fn crumbs(&self, trail: &[(&str, String)]) -> Vec<Link> {
        crumbs(self.l, &self.f, trail)
    }

    /// Render `template` with `view` as `page`, without a feed of its own.
    fn frame<T: Serialize>(
        &self,
        template: &str,
        title: String,
        breadcrumbs: Vec<Link>,
        view: T,
    ) -> Result<Vec<u8>, Diagnostic> {
        self.r
            .frame(template, self.l, title, breadcrumbs, None, view)
    }
}

/// The words of an indicator's direction ("tăng là tốt").
fn direction_words(f: &super::format::Fmt, d: Direction) -> String {
    f.t(match d {
        Direction::Up => "direction_up",
        Direction::Down => "direction_down",
        Direction::None => "direction_none",
    })
    .to_string()
}

fn home(p: &Page, n: usize) -> Result<Vec<u8>, Diagnostic> {
    let (r, l, a, g) = (p.r, p.l, p.r.archive, p.r.groups);
    let settings = &a.settings;
    let shown = views::home_len(g.all.len(), settings.per_page, settings.home_pages);
    let (items, pagination) = p.paged("", &g.all[..shown], n)?;
    let first = n == 1;
    let cut = shown < g.all.len();
    let last = n == views::page_count(shown, settings.per_page);
    let years = if first || (cut && last) {
        let mut years = year_links(p);
        years.reverse();
        years
    } else {
        Vec::new()
    };
    let view = HomePage {
        items,
        pagination,
        first,
        tree: if first {
            tree(r, &a.localities.roots, l)
        } else {
            Vec::new()
        },
        terms: if first {
            a.terms.ids().map(|t| term_info(r, t, l)).collect()
        } else {
            Vec::new()
        },
        categories: if first { categories(r, l) } else { Vec::new() },
        count: a.bulletins.len(),
        drafts: (first && !g.drafts.is_empty()).then(|| Link {
            href: l.to(path::DRAFTS),
            label: p
                .f
                .t("drafts_count")
                .replace("{n}", &g.drafts.len().to_string()),
        }),
        years,
        older: cut && last,
    };
    p.frame(
        "index.html",
        p.title(a.settings.title.clone(), n),
        Vec::new(),
        view,
    )
}

/// A value of a bulletin, as a row of the table beside its text.
fn value_row(p: &Page, v: &IndicatorValue) -> Result<ValueRow, Diagnostic> {
    let (a, f) = (p.r.archive, &p.f);
    let quote = a.quote(v).map_err(|e| {
        Diagnostic::new(
            &a.bulletins[v.bulletin.0 as usize].file,
            format!("cannot read a figure's quote back from the temporary folder: {e}"),
        )
        .help("make sure the temporary folder (TMPDIR) is not cleaned while a build runs")
    })?;
    let ind = a.indicators.get(v.indicator);
    Ok(ValueRow {
        indicator: Link {
            href: p.l.to(&path::indicator(&ind.id)),
            label: ind.name.clone(),
        },
        locality: a.localities.get(v.locality).display_name.clone(),
        period: f.period(v.period),
        kind: v.kind.as_str(),
        kind_label: match v.basis {
            Some(b) if b != crate::model::Basis::Plan => {
                format!("{} ({})", f.kind(v.kind), f.basis(b))
            }
            _ => f.kind(v.kind).to_string(),
        },
        figure: f.figure(v),
        converted: f.converted(v, &ind.unit),
        quote,
        inline: v.inline,
    })
}

fn bulletin(p: &Page, id: BulletinId) -> Result<Vec<u8>, Diagnostic> {
    let (r, l, a, g) = (p.r, p.l, p.r.archive, p.r.groups);
    let b = &a.bulletins[id.0 as usize];
    let body = a
        .bodies
        .get(b.body)
        .map_err(|e| Diagnostic::new(&b.file, format!("cannot read the body back: {e}")))?;
    let body = super::photo::with_photos(r, l, b, body)?;
    let summary = a.summary(b)?;
    let view = BulletinPage {
        title: &b.title,
        date: p.f.date(b.date.date_naive()),
        iso: b.date.to_rfc3339(),
        localities: locality_links(a, &b.localities, l),
        term: b.term.map(|t| {
            let term = a.terms.get(t);
            Link {
                href: l.to(&path::term(&term.id)),
                label: term.name.clone(),
            }
        }),
        authors: b.authors().to_vec(),
        topics: b
            .topics
            .iter()
            .map(|t| Link {
                href: l.to(&path::topic(&t.slug)),
                label: g
                    .topics
                    .get(&*t.slug)
                    .map_or(t.name.to_string(), |tg| tg.name.clone()),
            })
            .collect(),
        source: b.source.as_ref().map(|s| SourceView {
            name: s.name.clone(),
            url: s.url.clone(),
        }),
        summary: &summary,
        body: &body,
        values: g.values_by_bulletin[id.0 as usize]
            .iter()
            .map(|&ix| value_row(p, a.value(ix)))
            .collect::<Result<_, _>>()?,
        year: Link {
            href: l.to(&path::year(b.year())),
            label: b.year().to_string(),
        },
        drafts: b.draft.then(|| Link {
            href: l.to(path::DRAFTS),
            label: p.f.t("drafts_waiting").to_string(),
        }),
    };
    let bc = locality_crumbs(r, b.home(), l, true);
    p.frame("bulletin.html", b.title.clone(), bc, view)
}

fn localities(p: &Page) -> Result<Vec<u8>, Diagnostic> {
    #[derive(Serialize)]
    struct V {
        tree: Vec<TreeNode>,
    }
    let tree = tree(p.r, &p.r.archive.localities.roots, p.l);
    let title = p.f.t("localities").to_string();
    p.frame("localities.html", title, p.crumbs(&[]), V { tree })
}

fn locality(p: &Page, id: LocalityId, n: usize) -> Result<Vec<u8>, Diagnostic> {
    let (r, l, a, g, f) = (p.r, p.l, p.r.archive, p.r.groups, &p.f);
    let loc = a.localities.get(id);
    let list = path::locality(&loc.id);
    let all = &g.by_locality[id.0 as usize];
    let (items, pagination) = p.paged(&list, all, n)?;
    let links = |ids: &[LocalityId]| locality_links(a, ids, l);
    let feed = l.to(&format!("{list}atom.xml"));
    let view = LocalityPage {
        name: loc.display_name.clone(),
        kind: loc.kind.word().to_string(),
        code: loc.code.clone(),
        parent: loc.parent.map(|p| locality_link(a, p, l)),
        // The units within (the whole subtree) head the first page only: later pages
        // continue the list of bulletins, as on the home page.
        children: if n == 1 {
            tree(r, &loc.children, l)
        } else {
            Vec::new()
        },
        terms: g.terms_of_locality[id.0 as usize]
            .iter()
            .map(|&t| Link {
                href: l.to(&path::locality_term(&loc.id, &a.terms.get(t).id)),
                label: a.terms.get(t).name.clone(),
            })
            .collect(),
        established: loc.established.map(|d| f.date(d)),
        dissolved: loc.dissolved.map(|d| f.date(d)),
        successors: links(&loc.successors),
        predecessors: links(&loc.predecessors),
        aliases: loc.aliases.clone(),
        feed: feed.clone(),
        items,
        count: all.len(),
        pagination,
    };
    let bc = locality_crumbs(r, id, l, false);
    let title = p.title(loc.display_name.clone(), n);
    r.frame("locality.html", l, title, bc, Some(feed), view)
}

fn locality_term(p: &Page, id: LocalityId, t: TermId, n: usize) -> Result<Vec<u8>, Diagnostic> {
    let (r, l, a, g) = (p.r, p.l, p.r.archive, p.r.groups);
    let loc = a.localities.get(id);
    let term = a.terms.get(t);
    let list = path::locality_term(&loc.id, &term.id);
    let all = g
        .by_locality_term
        .get(&(id, t))
        .map_or(&[][..], Vec::as_slice);
    let (items, pagination) = p.paged(&list, all, n)?;
    let cells = Cells { a, l, f: &p.f };
    let values = g
        .values_by_locality_term
        .get(&(id, t))
        .map_or(&[][..], Vec::as_slice);
    let view = LocalityTermPage {
        locality: locality_link(a, id, l),
        term: TermInfo {
            count: None,
            ..term_info(r, t, l)
        },
        // The table heads the first page only.
        table: if n == 1 {
            table::locality_term(&cells, id, term, values)
        } else {
            None
        },
        items,
        count: all.len(),
        pagination,
    };
    let bc = locality_crumbs(r, id, l, true);
    let title = p.title(format!("{} – {}", loc.display_name, term.name), n);
    p.frame("locality_term.html", title, bc, view)
}

fn terms(p: &Page) -> Result<Vec<u8>, Diagnostic> {
    #[derive(Serialize)]
    struct V {
        terms: Vec<TermInfo>,
    }
    let terms =
        p.r.archive
            .terms
            .ids()
            .map(|t| term_info(p.r, t, p.l))
            .collect();
    let title = p.f.t("terms").to_string();
    p.frame("terms.html", title, p.crumbs(&[]), V { terms })
}

fn term(p: &Page, t: TermId) -> Result<Vec<u8>, Diagnostic> {
    let (r, l, a, g) = (p.r, p.l, p.r.archive, p.r.groups);
    let term = a.terms.get(t);
    let cells = Cells { a, l, f: &p.f };
    // Localities with bulletins in the term: those that are a bulletin's own units.
    let mut locs: Vec<LocalityId> = g.by_term[t.0 as usize]
        .iter()
        .flat_map(|b| a.bulletins[b.0 as usize].localities.iter().copied())
        .collect();
    locs.sort();
    locs.dedup();
    let mut localities: Vec<Link> = locs
        .iter()
        .map(|&x| Link {
            href: l.to(&path::locality_term(&a.localities.get(x).id, &term.id)),
            label: a.localities.get(x).display_name.clone(),
        })
        .collect();
    localities.sort_by_cached_key(|x| crate::vi::collation_key(&x.label));
    let view = TermPage {
        term: term_info(r, t, l),
        localities,
        table: table::term_table(&cells, term, &g.values_by_term[t.0 as usize]),
    };
    let bc = p.crumbs(&[(path::TERMS, p.f.t("terms").to_string())]);
    p.frame("term.html", term.name.clone(), bc, view)
}

fn indicators(p: &Page) -> Result<Vec<u8>, Diagnostic> {
    #[derive(Serialize)]
    struct V {
        categories: Vec<CategoryView>,
    }
    let categories = categories(p.r, p.l);
    let title = p.f.t("indicators").to_string();
    p.frame("indicators.html", title, p.crumbs(&[]), V { categories })
}

/// What every page of an indicator shares: its localities in page order (by full name),
/// the values of each (in value order) and the periods that are its table's columns. Made
/// once per indicator, not once per page of 20 localities.
pub struct IndicatorValues {
    pub localities: Vec<LocalityId>,
    /// Parallel to `localities`.
    values: Vec<Vec<ValueIx>>,
    periods: Vec<crate::model::Period>,
}

impl IndicatorValues {
    pub fn new(a: &Archive, g: &Groups, id: IndicatorId) -> Self {
        let all = &g.values_by_indicator[id.0 as usize];
        let mut of: rustc_hash::FxHashMap<LocalityId, Vec<ValueIx>> = Default::default();
        for &ix in all {
            of.entry(a.value(ix).locality).or_default().push(ix);
        }
        let mut localities: Vec<LocalityId> = of.keys().copied().collect();
        localities.sort_by_key(|&x| (a.localities.full_name_rank(x), x));
        let values = localities
            .iter()
            .map(|x| of.remove(x).unwrap_or_default())
            .collect();
        IndicatorValues {
            localities,
            values,
            periods: table::indicator_periods(a, all),
        }
    }
}

/// Page `n` of an indicator: its facts, then the charts and the table rows of the localities
/// of that page (views::LOCALITIES_PER_INDICATOR_PAGE a page); the table's columns are every
/// period of the indicator, the same on each page.
fn indicator(p: &Page, id: IndicatorId, n: usize) -> Result<Vec<u8>, Diagnostic> {
    let (l, a, g) = (p.l, p.r.archive, p.r.groups);
    let ind = a.indicators.get(id);
    let values = &g.values_by_indicator[id.0 as usize];
    let shared = p.r.indicator_values(id);
    let per = views::LOCALITIES_PER_INDICATOR_PAGE;
    let locs = page_slice(&shared.localities, n, per);
    let page_values: Vec<Vec<&IndicatorValue>> = page_slice(&shared.values, n, per)
        .iter()
        .map(|ixs| ixs.iter().map(|&ix| a.value(ix)).collect())
        .collect();
    let pagination = Pagination::new(
        &path::indicator(&ind.id),
        n,
        views::page_count(shared.localities.len(), per),
        l,
    );
    let charts = locs
        .iter()
        .zip(&page_values)
        .filter_map(|(&loc, vs)| {
            let label = format!(
                "{} ({}) – {}",
                ind.name,
                ind.unit,
                a.localities.get(loc).display_name
            );
            chart::chart(vs, locality_link(a, loc, l), label, &p.f)
        })
        .collect();
    let cells = Cells { a, l, f: &p.f };
    let view = IndicatorPage {
        name: ind.name.clone(),
        short: ind.short.clone(),
        unit: ind.unit.to_string(),
        category: ind.category.clone(),
        direction: direction_words(&p.f, ind.direction),
        aliases: ind.aliases.clone(),
        count: values.len(),
        charts,
        table: (!values.is_empty()).then(|| {
            let mut t = table::indicator_table(&cells, id, locs, &page_values, &shared.periods);
            t.caption = p.title(t.caption, n);
            t
        }),
        pagination,
    };
    let bc = p.crumbs(&[(path::INDICATORS, p.f.t("indicators").to_string())]);
    p.frame("indicator.html", p.title(ind.name.clone(), n), bc, view)
}

fn topics(p: &Page) -> Result<Vec<u8>, Diagnostic> {
    #[derive(Serialize)]
    struct V {
        topics: Vec<TopicLink>,
    }
    let mut topics: Vec<TopicLink> =
        p.r.groups
            .topics
            .values()
            .map(|t| TopicLink {
                name: t.name.clone(),
                href: p.l.to(&path::topic(&t.slug)),
                count: t.bulletins.len(),
            })
            .collect();
    topics.sort_by_cached_key(|x| crate::vi::collation_key(&x.name));
    let title = p.f.t("topics").to_string();
    p.frame("topics.html", title, p.crumbs(&[]), V { topics })
}

fn topic(p: &Page, slug: &str, n: usize) -> Result<Vec<u8>, Diagnostic> {
    let t = &p.r.groups.topics[slug];
    let (items, pagination) = p.paged(&path::topic(slug), &t.bulletins, n)?;
    let view = ListPage {
        heading: t.name.clone(),
        intro: None,
        items,
        pagination,
        years: Vec::new(),
    };
    let bc = p.crumbs(&[(path::TOPICS, p.f.t("topics").to_string())]);
    p.frame("list.html", p.title(t.name.clone(), n), bc, view)
}

fn year(p: &Page, y: i32, n: usize) -> Result<Vec<u8>, Diagnostic> {
    let g = p.r.groups;
    let (items, pagination) = p.paged(&path::year(y), &g.by_year[&y], n)?;
    let heading = format!("{} {y}", p.f.t("year"));
    let years = year_links(p);
    let title = p.title(heading.clone(), n);
    let list = ListPage {
        heading,
        intro: None,
        items,
        pagination,
        years,
    };
    p.frame("list.html", title, p.crumbs(&[]), list)
}

/// A link to every year's list, the earliest first.
fn year_links(p: &Page) -> Vec<Link> {
    p.r.groups
        .by_year
        .keys()
        .map(|y| Link {
            href: p.l.to(&path::year(*y)),
            label: y.to_string(),
        })
        .collect()
}

fn search(p: &Page) -> Result<Vec<u8>, Diagnostic> {
    #[derive(Serialize)]
    struct V {
        index: String,
    }
    let index =
        p.l.to("tim-kiem/index/")
            .trim_end_matches("index.html")
            .to_string();
    let title = p.f.t("search").to_string();
    p.frame("search.html", title, p.crumbs(&[]), V { index })
}

fn drafts(p: &Page) -> Result<Vec<u8>, Diagnostic> {
    let title = p.f.t("drafts_waiting").to_string();
    let view = ListPage {
        heading: title.clone(),
        intro: Some(p.f.t("drafts_intro").to_string()),
        items: p.r.items(&p.r.groups.drafts, p.l)?,
        pagination: None,
        years: Vec::new(),
    };
    p.frame("list.html", title, p.crumbs(&[]), view)
}
