//! One view builder per kind of page: each collects just what its template shows.

use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::model::{Archive, BulletinId, Direction, IndicatorValue, LocalityId, TermId};
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
    count: usize,
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
        count: r.groups.by_term[t.0 as usize].len(),
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
            unit: i.unit.clone(),
            direction: f
                .t(match i.direction {
                    Direction::Up => "direction_up",
                    Direction::Down => "direction_down",
                    Direction::None => "direction_none",
                })
                .to_string(),
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
}

/// Build the view of `job` and render its template.
pub fn render_page(r: &Renderer, job: &Job, l: &Linker) -> Result<Vec<u8>, Diagnostic> {
    let a: &Archive = r.archive;
    let g = r.groups;
    let f = r.fmt();
    let per = a.settings.per_page;
    let paged = |list: &str,
                 all: &[BulletinId],
                 n: usize|
     -> Result<(Vec<tera::Value>, Option<Pagination>), Diagnostic> {
        let total = views::page_count(all.len(), per);
        Ok((
            r.items(page_slice(all, n, per), l),
            Pagination::new(list, n, total, l),
        ))
    };
    let page_title = |t: String, n: usize| {
        if n > 1 {
            format!("{t} – {} {n}", f.t("page"))
        } else {
            t
        }
    };
    match job {
        Job::Home(n) => {
            let (items, pagination) = paged("", &g.all, *n)?;
            let first = *n == 1;
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
                    label: f
                        .t("drafts_count")
                        .replace("{n}", &g.drafts.len().to_string()),
                }),
            };
            r.frame(
                "index.html",
                l,
                page_title(a.settings.title.clone(), *n),
                Vec::new(),
                None,
                view,
            )
        }
        Job::Bulletin(id) => {
            let b = &a.bulletins[id.0 as usize];
            let body = a
                .bodies
                .get(b.body)
                .map_err(|e| Diagnostic::new(&b.file, format!("cannot read the body back: {e}")))?;
            let values = g.values_by_bulletin[id.0 as usize]
                .iter()
                .map(|&ix| {
                    let v: &IndicatorValue = &a.values[ix];
                    let ind = a.indicators.get(v.indicator);
                    ValueRow {
                        indicator: Link {
                            href: l.to(&path::indicator(&ind.id)),
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
                        quote: v.quote.clone(),
                        inline: v.inline,
                    }
                })
                .collect();
            let view = BulletinPage {
                title: &b.title,
                date: f.date(b.date.date_naive()),
                iso: b.date.to_rfc3339(),
                localities: locality_links(a, &b.localities, l),
                term: b.term.map(|t| {
                    let term = a.terms.get(t);
                    Link {
                        href: l.to(&path::term(&term.id)),
                        label: term.name.clone(),
                    }
                }),
                authors: b.authors.clone(),
                topics: b
                    .topics
                    .iter()
                    .map(|t| Link {
                        href: l.to(&path::topic(&t.slug)),
                        label: g
                            .topics
                            .get(&t.slug)
                            .map_or(t.name.clone(), |tg| tg.name.clone()),
                    })
                    .collect(),
                source: b.source.as_ref().map(|s| SourceView {
                    name: s.name.clone(),
                    url: s.url.clone(),
                }),
                summary: &b.summary,
                body: &body,
                values,
                year: Link {
                    href: l.to(&path::year(b.year())),
                    label: b.year().to_string(),
                },
                drafts: b.draft.then(|| Link {
                    href: l.to(path::DRAFTS),
                    label: f.t("drafts_waiting").to_string(),
                }),
            };
            let bc = locality_crumbs(r, b.home(), l, true);
            r.frame("bulletin.html", l, b.title.clone(), bc, None, view)
        }
        Job::Localities => {
            #[derive(Serialize)]
            struct V {
                tree: Vec<TreeNode>,
            }
            let bc = crumbs(l, &f, &[]);
            r.frame(
                "localities.html",
                l,
                f.t("localities").to_string(),
                bc,
                None,
                V {
                    tree: tree(r, &a.localities.roots, l),
                },
            )
        }
        Job::Locality(id, n) => {
            let loc = a.localities.get(*id);
            let list = path::locality(&loc.id);
            let all = &g.by_locality[id.0 as usize];
            let (items, pagination) = paged(&list, all, *n)?;
            let links = |ids: &[LocalityId]| locality_links(a, ids, l);
            let view = LocalityPage {
                name: loc.display_name.clone(),
                kind: loc.kind.word().to_string(),
                code: loc.code.clone(),
                parent: loc.parent.map(|p| locality_link(a, p, l)),
                // The units within (the whole subtree) head the first page only: later
                // pages continue the list of bulletins, as on the home page.
                children: if *n == 1 {
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
                feed: l.to(&format!("{list}atom.xml")),
                items,
                count: all.len(),
                pagination,
            };
            let bc = locality_crumbs(r, *id, l, false);
            let feed = Some(l.to(&format!("{list}atom.xml")));
            r.frame(
                "locality.html",
                l,
                page_title(loc.display_name.clone(), *n),
                bc,
                feed,
                view,
            )
        }
        Job::LocalityTerm(id, t, n) => {
            let loc = a.localities.get(*id);
            let term = a.terms.get(*t);
            let list = path::locality_term(&loc.id, &term.id);
            let empty = Vec::new();
            let all = g.by_locality_term.get(&(*id, *t)).unwrap_or(&empty);
            let (items, pagination) = paged(&list, all, *n)?;
            let cells = Cells { a, l, f: &f };
            let values = g
                .values_by_locality_term
                .get(&(*id, *t))
                .map_or(&[][..], Vec::as_slice);
            let view = LocalityTermPage {
                locality: locality_link(a, *id, l),
                term: term_info(r, *t, l),
                table: if *n == 1 {
                    table::locality_term(&cells, *id, term, values)
                } else {
                    None
                },
                items,
                count: all.len(),
                pagination,
            };
            let bc = locality_crumbs(r, *id, l, true);
            r.frame(
                "locality_term.html",
                l,
                page_title(format!("{} – {}", loc.display_name, term.name), *n),
                bc,
                None,
                view,
            )
        }
        Job::Terms => {
            #[derive(Serialize)]
            struct V {
                terms: Vec<TermInfo>,
            }
            let bc = crumbs(l, &f, &[]);
            r.frame(
                "terms.html",
                l,
                f.t("terms").to_string(),
                bc,
                None,
                V {
                    terms: a.terms.ids().map(|t| term_info(r, t, l)).collect(),
                },
            )
        }
        Job::Term(t) => {
            let term = a.terms.get(*t);
            let cells = Cells { a, l, f: &f };
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
                term: term_info(r, *t, l),
                localities,
                table: table::term_table(&cells, term, &g.values_by_term[t.0 as usize]),
            };
            let bc = crumbs(l, &f, &[(path::TERMS, f.t("terms").to_string())]);
            r.frame("term.html", l, term.name.clone(), bc, None, view)
        }
        Job::Indicators => {
            #[derive(Serialize)]
            struct V {
                categories: Vec<CategoryView>,
            }
            let bc = crumbs(l, &f, &[]);
            r.frame(
                "indicators.html",
                l,
                f.t("indicators").to_string(),
                bc,
                None,
                V {
                    categories: categories(r, l),
                },
            )
        }
        Job::Indicator(id) => {
            let ind = a.indicators.get(*id);
            let values = &g.values_by_indicator[id.0 as usize];
            let mut locs: Vec<LocalityId> =
                values.iter().map(|&ix| a.values[ix].locality).collect();
            locs.sort();
            locs.dedup();
            locs.sort_by_key(|&x| a.localities.full_name_rank(x));
            // The values of each locality, in value order, gathered in one pass.
            let mut of_locality: std::collections::HashMap<LocalityId, Vec<&IndicatorValue>> =
                Default::default();
            for &ix in values {
                let v = &a.values[ix];
                of_locality.entry(v.locality).or_default().push(v);
            }
            let charts = locs
                .iter()
                .filter_map(|&loc| {
                    let vs = of_locality.remove(&loc).unwrap_or_default();
                    let name = &a.localities.get(loc).display_name;
                    let label = format!("{} – {}", ind.name, name);
                    chart::chart(&vs, locality_link(a, loc, l), label, &f)
                })
                .collect();
            let cells = Cells { a, l, f: &f };
            let view = IndicatorPage {
                name: ind.name.clone(),
                short: ind.short.clone(),
                unit: ind.unit.clone(),
                category: ind.category.clone(),
                direction: f
                    .t(match ind.direction {
                        Direction::Up => "direction_up",
                        Direction::Down => "direction_down",
                        Direction::None => "direction_none",
                    })
                    .to_string(),
                aliases: ind.aliases.clone(),
                count: values.len(),
                charts,
                table: (!values.is_empty())
                    .then(|| table::indicator_table(&cells, *id, &locs, values)),
            };
            let bc = crumbs(l, &f, &[(path::INDICATORS, f.t("indicators").to_string())]);
            r.frame("indicator.html", l, ind.name.clone(), bc, None, view)
        }
        Job::Topics => {
            #[derive(Serialize)]
            struct V {
                topics: Vec<TopicLink>,
            }
            let mut topics: Vec<TopicLink> = g
                .topics
                .values()
                .map(|t| TopicLink {
                    name: t.name.clone(),
                    href: l.to(&path::topic(&t.slug)),
                    count: t.bulletins.len(),
                })
                .collect();
            topics.sort_by_cached_key(|x| crate::vi::collation_key(&x.name));
            let bc = crumbs(l, &f, &[]);
            r.frame(
                "topics.html",
                l,
                f.t("topics").to_string(),
                bc,
                None,
                V { topics },
            )
        }
        Job::Topic(slug, n) => {
            let t = &g.topics[slug];
            let (items, pagination) = paged(&path::topic(slug), &t.bulletins, *n)?;
            let view = ListPage {
                heading: t.name.clone(),
                intro: None,
                items,
                pagination,
            };
            let bc = crumbs(l, &f, &[(path::TOPICS, f.t("topics").to_string())]);
            r.frame(
                "list.html",
                l,
                page_title(t.name.clone(), *n),
                bc,
                None,
                view,
            )
        }
        Job::Year(y, n) => {
            let list = &g.by_year[y];
            let (items, pagination) = paged(&path::year(*y), list, *n)?;
            let heading = format!("{} {y}", f.t("year"));
            let years: Vec<Link> = g
                .by_year
                .keys()
                .map(|y| Link {
                    href: l.to(&path::year(*y)),
                    label: y.to_string(),
                })
                .collect();
            #[derive(Serialize)]
            struct V {
                #[serde(flatten)]
                list: ListPage,
                years: Vec<Link>,
            }
            let bc = crumbs(l, &f, &[]);
            r.frame(
                "list.html",
                l,
                page_title(heading.clone(), *n),
                bc,
                None,
                V {
                    list: ListPage {
                        heading,
                        intro: None,
                        items,
                        pagination,
                    },
                    years,
                },
            )
        }
        Job::Search => {
            #[derive(Serialize)]
            struct V {
                index: String,
            }
            let bc = crumbs(l, &f, &[]);
            r.frame(
                "search.html",
                l,
                f.t("search").to_string(),
                bc,
                None,
                V {
                    index: l
                        .to("tim-kiem/index/")
                        .trim_end_matches("index.html")
                        .to_string(),
                },
            )
        }
        Job::Drafts => {
            let view = ListPage {
                heading: f.t("drafts_waiting").to_string(),
                intro: Some(f.t("drafts_intro").to_string()),
                items: r.items(&g.drafts, l),
                pagination: None,
            };
            let bc = crumbs(l, &f, &[]);
            r.frame(
                "list.html",
                l,
                f.t("drafts_waiting").to_string(),
                bc,
                None,
                view,
            )
        }
        Job::NotFound => r.frame(
            "404.html",
            l,
            f.t("not_found").to_string(),
            Vec::new(),
            None,
            (),
        ),
    }
}
