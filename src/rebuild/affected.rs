//! Which pages a change of some bulletins touches. Bulletin handles are indexes into the
//! sorted bulletins, so they shift when one is added, removed or re-dated: lists of the old
//! and the new archive are compared by source file instead. A page of a list is re-rendered
//! when its slice of the list differs, when it shows a changed bulletin, or when the list's
//! length (shown as a count and in the pagination) changed. Registries are the same on both
//! sides (a registry change is a full rebuild), so locality, term and indicator handles are
//! stable.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use crate::group::Groups;
use crate::load::article::ParsedArticle;
use crate::model::{
    Archive, Bulletin, BulletinId, IndicatorId, IndicatorValue, Localities, LocalityId, TermId,
};
use crate::render::{views, Job};

/// One side of the comparison.
#[derive(Clone, Copy)]
pub struct Side<'a> {
    pub archive: &'a Archive,
    pub groups: &'a Groups,
}

impl<'a> Side<'a> {
    fn key(&self, b: BulletinId) -> &'a Path {
        &self.archive.bulletins[b.0 as usize].file
    }

    /// [`table_prints`] of the bulletins `ids`.
    fn table_prints(&self, ids: &[BulletinId]) -> Vec<(PathBuf, String)> {
        table_prints(self.with_values(ids))
    }

    /// [`group_prints`] of the bulletins `ids`.
    fn group_prints(&self, ids: &[BulletinId]) -> Vec<(PathBuf, String)> {
        group_prints(self.with_values(ids))
    }

    /// The bulletins `ids` with their values.
    fn with_values<'s>(
        &'s self,
        ids: &'s [BulletinId],
    ) -> impl Iterator<Item = (&'a Bulletin, impl Iterator<Item = &'a IndicatorValue> + 's)> + 's
    {
        let a = self.archive;
        ids.iter().map(move |&id| {
            let values = self.groups.values_by_bulletin[id.0 as usize]
                .iter()
                .map(move |&ix| a.value(ix));
            (&a.bulletins[id.0 as usize], values)
        })
    }

    /// The bulletins whose source file is in `changed`.
    fn changed(&self, changed: &BTreeSet<PathBuf>) -> Vec<BulletinId> {
        self.archive
            .bulletins
            .iter()
            .enumerate()
            .filter(|(_, b)| changed.contains(&b.file))
            .map(|(i, _)| BulletinId(i as u32))
            .collect()
    }
}

/// What the jobs need of the old archive, taken before its bulletins are reused.
pub struct Before {
    /// Each old bulletin's source file, by handle.
    files: Vec<PathBuf>,
    touched: Touched,
    /// What the pages of indicators and terms showed of the changed bulletins
    /// ([`table_prints`]).
    tables: Vec<(PathBuf, String)>,
    /// What the archive's groups took of the changed bulletins ([`group_prints`]).
    groups: Vec<(PathBuf, String)>,
}

/// A print of what some pages show of each bulletin: `head` of the bulletin, then its
/// figures whole; by source file, sorted. Two prints equal: those pages are the same for
/// these bulletins. The figures' bulletin handle is left out: it shifts when another
/// bulletin is added before.
pub fn prints<'a, V: Iterator<Item = &'a IndicatorValue>>(
    bulletins: impl Iterator<Item = (&'a Bulletin, V)>,
    head: impl Fn(&Bulletin) -> String,
) -> Vec<(PathBuf, String)> {
    let mut out: Vec<(PathBuf, String)> = bulletins
        .map(|(b, values)| {
            let values: Vec<IndicatorValue> = values
                .map(|v| IndicatorValue {
                    bulletin: BulletinId(0),
                    ..v.clone()
                })
                .collect();
            (b.file.clone(), format!("{}\n{values:?}", head(b)))
        })
        .collect();
    out.sort();
    out
}

/// What the pages of indicators and terms (the heavy ones) show of each bulletin: its
/// address, title and date in the figures' links, its own units and term (a term's page
/// lists the units with bulletins in it), and its figures whole ([`prints`]). When a change
/// leaves these as they were, those pages are as they were (an edit of a bulletin's text
/// alone, say).
fn table_prints<'a, V: Iterator<Item = &'a IndicatorValue>>(
    bulletins: impl Iterator<Item = (&'a Bulletin, V)>,
) -> Vec<(PathBuf, String)> {
    prints(bulletins, |b| {
        format!(
            "{}\n{}\n{}\n{:?}\n{:?}",
            b.slug,
            b.title,
            b.date.to_rfc3339(),
            b.localities,
            b.term
        )
    })
}

/// What the archive's groups ([`Groups::new`]) take of each bulletin: its place in the
/// archive's order (date, then address), the units, term, topics (with the name shown) and
/// year it is listed under, whether it is a draft, and its figures whole. When the same
/// bulletins are in the same order and a change leaves these as they were, the groups are
/// those of before ([`Before::groups_stay`]).
fn group_prints<'a, V: Iterator<Item = &'a IndicatorValue>>(
    bulletins: impl Iterator<Item = (&'a Bulletin, V)>,
) -> Vec<(PathBuf, String)> {
    prints(bulletins, |b| {
        let topics: Vec<(&str, &str)> = b.topics.iter().map(|t| (&*t.slug, &*t.name)).collect();
        format!(
            "{}\n{}\n{:?}\n{:?}\n{topics:?}\n{}",
            b.slug,
            b.date.to_rfc3339(),
            b.localities,
            b.term,
            b.draft
        )
    })
}

impl Before {
    /// Each old bulletin's source file, by handle.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// Whether the groups of `archive` (the archive after the change of the `changed` files)
    /// are those of the archive before: the same bulletins in the same order, the changed
    /// ones listed and holding figures as they were (`group_prints`).
    pub fn groups_stay(&self, archive: &Archive, changed: &BTreeSet<PathBuf>) -> bool {
        let same_order = archive.bulletins.len() == self.files.len()
            && archive
                .bulletins
                .iter()
                .zip(&self.files)
                .all(|(b, f)| b.file == *f);
        if !same_order {
            return false;
        }
        let ids: Vec<BulletinId> = archive
            .bulletins
            .iter()
            .enumerate()
            .filter(|(_, b)| changed.contains(&b.file))
            .map(|(i, _)| BulletinId(i as u32))
            .collect();
        // The archive has no groups yet: the changed bulletins' values, found by handle.
        let mut values: Vec<Vec<&IndicatorValue>> = vec![Vec::new(); ids.len()];
        for v in &archive.values {
            if let Ok(k) = ids.binary_search(&v.bulletin) {
                values[k].push(v);
            }
        }
        let now = group_prints(
            ids.iter()
                .zip(values)
                .map(|(id, v)| (&archive.bulletins[id.0 as usize], v.into_iter())),
        );
        now == self.groups
    }

    /// What the jobs need of an old archive that was never assembled (a build resumed from
    /// the cache's record): each of its bulletins' source file, by handle, and the bulletins
    /// it had of the changed files (with their values), against the same `localities`.
    pub fn from_parsed<'a>(
        files: Vec<PathBuf>,
        changed: impl IntoIterator<Item = &'a ParsedArticle>,
        localities: &Localities,
    ) -> Before {
        let mut touched = Touched::default();
        let changed: Vec<&ParsedArticle> = changed.into_iter().collect();
        for a in &changed {
            touched.add_bulletin(localities, &a.bulletin, a.values.iter());
        }
        let tables = table_prints(changed.iter().map(|a| (&a.bulletin, a.values.iter())));
        let groups = group_prints(changed.iter().map(|a| (&a.bulletin, a.values.iter())));
        Before {
            files,
            touched,
            tables,
            groups,
        }
    }

    pub fn new(old: Side, changed: &BTreeSet<PathBuf>) -> Before {
        let mut touched = Touched::default();
        let ids = old.changed(changed);
        touched.add(old, &ids);
        Before {
            tables: old.table_prints(&ids),
            groups: old.group_prints(&ids),
            files: old
                .archive
                .bulletins
                .iter()
                .map(|b| b.file.clone())
                .collect(),
            touched,
        }
    }
}

/// What the changed bulletins touch.
#[derive(Default)]
struct Touched {
    localities: BTreeSet<LocalityId>,
    /// Localities of values (and their ancestors), for locality-term lists and tables.
    value_localities: BTreeSet<LocalityId>,
    terms: BTreeSet<TermId>,
    indicators: BTreeSet<IndicatorId>,
    topics: BTreeSet<String>,
    years: BTreeSet<i32>,
}

impl Touched {
    fn add(&mut self, s: Side, ids: &[BulletinId]) {
        let a = s.archive;
        for &id in ids {
            let values = s.groups.values_by_bulletin[id.0 as usize]
                .iter()
                .map(|&ix| a.value(ix));
            self.add_bulletin(&a.localities, &a.bulletins[id.0 as usize], values);
        }
    }

    fn add_bulletin<'a>(
        &mut self,
        localities: &Localities,
        b: &Bulletin,
        values: impl Iterator<Item = &'a IndicatorValue>,
    ) {
        for &l in &b.localities {
            self.localities.extend(localities.self_and_ancestors(l));
        }
        self.terms.extend(b.term);
        self.topics
            .extend(b.topics.iter().map(|t| t.slug.to_string()));
        self.years.insert(b.year());
        for v in values {
            self.indicators.insert(v.indicator);
            self.terms.extend(v.term);
            self.value_localities
                .extend(localities.self_and_ancestors(v.locality));
        }
    }
}

/// The pages of the new archive that a change of the bulletins read from `changed` (edited,
/// added or removed files) makes different, given every job of the new plan and whether each
/// job's page existed before (`existed`, in plan order). Pages that did not exist are in.
pub fn jobs(
    before: Before,
    old_groups: &Groups,
    new: Side,
    changed: &BTreeSet<PathBuf>,
    plan: &[Job],
    existed: &[bool],
) -> Vec<Job> {
    let new_ids = new.changed(changed);
    let Before {
        files: old_files,
        touched: mut t,
        tables: old_tables,
        ..
    } = before;
    t.add(new, &new_ids);
    // The same bulletins, showing the same in the figures' tables: the pages of indicators
    // and terms stay (the set of files differs when one was added or removed).
    let tables_same = new.table_prints(&new_ids) == old_tables;
    let mut d = Diff {
        per: new.archive.settings.per_page,
        old_groups,
        old_files: &old_files,
        new,
        changed_new: new
            .archive
            .bulletins
            .iter()
            .filter(|b| changed.contains(&b.file))
            .map(|b| b.file.as_path())
            .collect(),
        out: BTreeSet::new(),
    };
    // The bulletins themselves, and the index pages that count them.
    d.out.extend(new_ids.iter().map(|&b| Job::Bulletin(b)));
    d.out.extend([
        Job::Home(1),
        Job::Localities,
        Job::Terms,
        Job::Indicators,
        Job::Topics,
    ]);
    d.home();
    d.localities(&t);
    d.terms(&t);
    d.topics(&t);
    let years_changed = d.years(&t);
    let drafts_changed = old_groups.drafts.len() != new.groups.drafts.len();
    // Only pages of the new plan; with them, every page that is new or must be redone whole.
    let mut jobs: Vec<Job> = Vec::new();
    for (j, &was) in plan.iter().zip(existed) {
        let whole = match j {
            Job::Year(..) => years_changed,
            // Every page of a touched indicator: a changed value can move its locality
            // from one page to another.
            Job::Indicator(i, _) => t.indicators.contains(i),
            // The list of drafts is short and shows every draft: always redone. The home
            // page says how many there are.
            Job::Drafts => true,
            Job::Home(1) => drafts_changed,
            _ => false,
        };
        let heavy_same = tables_same && matches!(j, Job::Indicator(..) | Job::Term(_));
        if !was || (!heavy_same && (whole || d.out.contains(j))) {
            jobs.push(j.clone());
        }
    }
    jobs
}

/// The old and new sides of a change, and the pages found to differ so far.
struct Diff<'a> {
    per: usize,
    old_groups: &'a Groups,
    /// Each old bulletin's source file, by handle.
    old_files: &'a [PathBuf],
    new: Side<'a>,
    /// The source files of the changed bulletins that exist now.
    changed_new: HashSet<&'a Path>,
    out: BTreeSet<Job>,
}

impl Diff<'_> {
    fn old_key(&self, b: BulletinId) -> Option<&Path> {
        self.old_files.get(b.0 as usize).map(PathBuf::as_path)
    }

    /// Pages of a list whose slice, shown bulletins or length changed (all of them when
    /// `full`).
    fn paged(&mut self, o: &[BulletinId], n: &[BulletinId], full: bool, mk: &dyn Fn(usize) -> Job) {
        let all = full || o.len() != n.len();
        for p in 1..=views::page_count(n.len(), self.per) {
            let ns = views::page_slice(n, p, self.per);
            let os = views::page_slice(o, p, self.per);
            let differs = all
                || ns.len() != os.len()
                || ns
                    .iter()
                    .zip(os)
                    .any(|(&x, &y)| Some(self.new.key(x)) != self.old_key(y))
                || ns
                    .iter()
                    .any(|&x| self.changed_new.contains(self.new.key(x)));
            if differs {
                self.out.insert(mk(p));
            }
        }
    }

    /// The home list: the latest bulletins, as many as `home_pages` allows. Every page of it
    /// says how many bulletins there are, and its first and last pages list the years.
    fn home(&mut self) {
        let (old_total, new_total) = (self.old_files.len(), self.new.archive.bulletins.len());
        let home_pages = self.new.archive.settings.home_pages;
        let shown = |total: usize| views::home_len(total, self.per, home_pages) as u32;
        let all_old: Vec<BulletinId> = (0..shown(old_total)).map(BulletinId).collect();
        let all_new: Vec<BulletinId> = (0..shown(new_total)).map(BulletinId).collect();
        let years_moved = !self
            .old_groups
            .by_year
            .keys()
            .eq(self.new.groups.by_year.keys());
        let full = old_total != new_total || years_moved;
        self.paged(&all_old, &all_new, full, &|p| Job::Home(p));
    }

    /// Localities: a page shows its children's counts and its terms too.
    fn localities(&mut self, t: &Touched) {
        let (old, new) = (self.old_groups, self.new.groups);
        let count = |g: &Groups, l: LocalityId| g.by_locality[l.0 as usize].len();
        for &l in &t.localities {
            let loc = self.new.archive.localities.get(l);
            let full = loc
                .children
                .iter()
                .chain(std::iter::once(&l))
                .any(|&c| count(old, c) != count(new, c))
                || old.terms_of_locality[l.0 as usize] != new.terms_of_locality[l.0 as usize];
            self.paged(
                &old.by_locality[l.0 as usize],
                &new.by_locality[l.0 as usize],
                full,
                &|p| Job::Locality(l, p),
            );
        }
    }

    /// Terms (whose page shows their count), and the lists of a locality in a term (whose
    /// first page holds a table). A locality's page of a term does not show the term's
    /// count (see `render::pages::TermInfo`), so only its own list decides.
    fn terms(&mut self, t: &Touched) {
        let (old, new) = (self.old_groups, self.new.groups);
        let empty = Vec::new();
        for &term in &t.terms {
            self.out.insert(Job::Term(term));
            for &l in t.localities.union(&t.value_localities) {
                let key = (l, term);
                let o = old.by_locality_term.get(&key).unwrap_or(&empty);
                let n = new.by_locality_term.get(&key).unwrap_or(&empty);
                self.out.insert(Job::LocalityTerm(l, term, 1));
                self.paged(o, n, false, &|p| Job::LocalityTerm(l, term, p));
            }
        }
    }

    /// Topics: the name shown is the first spelling met, so it can change with the newest.
    fn topics(&mut self, t: &Touched) {
        let (old, new) = (self.old_groups, self.new.groups);
        let empty = Vec::new();
        for slug in &t.topics {
            let o = old.topics.get(slug);
            let n = new.topics.get(slug);
            let renamed = o.map(|g| &g.name) != n.map(|g| &g.name);
            if renamed {
                if let Some(g) = n {
                    self.out
                        .extend(g.bulletins.iter().map(|&b| Job::Bulletin(b)));
                }
            }
            self.paged(
                o.map_or(&empty, |g| &g.bulletins),
                n.map_or(&empty, |g| &g.bulletins),
                renamed,
                &|p| Job::Topic(slug.clone(), p),
            );
        }
    }

    /// Years: every year page lists the years; returns whether that list changed.
    fn years(&mut self, t: &Touched) -> bool {
        let (old, new) = (self.old_groups, self.new.groups);
        let empty = Vec::new();
        for y in &t.years {
            self.paged(
                old.by_year.get(y).unwrap_or(&empty),
                new.by_year.get(y).unwrap_or(&empty),
                false,
                &|p| Job::Year(*y, p),
            );
        }
        !old.by_year.keys().eq(new.by_year.keys())
    }
}
