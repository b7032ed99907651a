//! Indicator tables: for a locality in a term, a row per indicator (grouped by category) and a
//! column per plan year plus one for multi-year periods; for a term, a row per locality and a
//! column per indicator; for an indicator, a row per locality and a column per period. Each
//! cell shows target, estimate and actual with their qualifiers, each linking to its bulletin,
//! and where a target and an actual meet, the share achieved and whether it was met.

use serde::Serialize;

use crate::group::ValueIx;
use crate::model::{Archive, Basis, IndicatorId, IndicatorValue, Kind, LocalityId, Period, Term};
use crate::urls::path;

use super::format::{self, Fmt};
use super::views::{Link, Linker};

/// What `partials/table.html` receives as `table`: values only, the markup is the template's.
#[derive(Serialize)]
pub struct TableView {
    pub caption: String,
    /// The head of the first column ("Chỉ tiêu", "Địa phương").
    pub corner: String,
    /// The heads of the other columns.
    pub columns: Vec<String>,
    /// How many columns in all (the first and `columns`): a category row spans them.
    pub span: usize,
    pub groups: Vec<RowGroup>,
}

#[derive(Serialize)]
pub struct RowGroup {
    pub name: Option<String>,
    pub rows: Vec<RowView>,
}

#[derive(Serialize)]
pub struct RowView {
    pub head: Link,
    pub note: Option<String>,
    #[serde(serialize_with = "cells")]
    pub cells: Vec<CellView>,
}

/// A row's cells for a template. Most cells of a large table are empty (three in four of an
/// indicator's table at 1,000 bulletins): each of those is one Tera value made once and
/// shared, which Tera copies by reference, instead of a map of six fields made, read and
/// freed for every empty cell of every page.
fn cells<S: serde::Serializer>(cells: &[CellView], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    static EMPTY: std::sync::OnceLock<tera::Value> = std::sync::OnceLock::new();
    let empty = EMPTY.get_or_init(|| tera::Value::from_serializable(&CellView::default()));
    let mut seq = s.serialize_seq(Some(cells.len()))?;
    for c in cells {
        if c.is_empty() {
            seq.serialize_element(empty)?;
        } else {
            seq.serialize_element(c)?;
        }
    }
    seq.end()
}

#[derive(Serialize, Default)]
pub struct CellView {
    /// The whole period's figures, targets first, shown before the comparison.
    pub figures: Vec<FigView>,
    /// The parts of the year (9 months, a quarter) in time order, shown after it.
    pub parts: Vec<FigView>,
    /// Figures of the cell not shown (older reports of the same kind).
    pub more: usize,
    /// How the result compares with the cell's reference target: "105%", "cao hơn mục tiêu
    /// 0,18 điểm %".
    pub comparison: Option<String>,
    /// How the result compares with the cell's other targets, each with its basis: "NQ: 72%".
    pub other_comparisons: Vec<String>,
    pub met: Option<bool>,
}

impl CellView {
    /// A cell without values (then it has no comparison or verdict either).
    pub fn is_empty(&self) -> bool {
        self.figures.is_empty() && self.parts.is_empty()
    }
}

/// A cell shows every figure up to this many; beyond, the latest target of each basis, the
/// latest actual, the latest estimate and the latest part-year value.
pub const MAX_FIGURES: usize = 4;

#[derive(Serialize)]
pub struct FigView {
    pub kind: &'static str,
    pub label: String,
    /// The label in words, for screen readers: "Kế hoạch", "Nghị quyết", "Thực hiện 9 tháng".
    pub words: String,
    pub text: String,
    pub href: String,
    pub title: String,
    /// Machine-readable value in the indicator unit.
    pub value: String,
    /// Whether the figure is of a part of the year (shown after the year's comparison).
    pub part_year: bool,
    /// A part-year value's progress against the year's target ("75%").
    pub progress: Option<String>,
}

/// Builds cells from values.
pub struct Cells<'a> {
    pub a: &'a Archive,
    pub l: &'a Linker<'a>,
    pub f: &'a Fmt<'a>,
}

/// The figures of one cell, sorted out: what a cell compares and what it shows.
struct CellParts<'v> {
    /// The target that the verdict is given against: the latest `plan` or `adjusted` target
    /// of the whole period, else its latest target.
    reference: Option<&'v IndicatorValue>,
    /// The latest target of each other basis.
    others: Vec<&'v IndicatorValue>,
    /// The whole period's latest actual, else its latest estimate.
    result: Option<&'v IndicatorValue>,
    /// The figures to show, in value order.
    shown: Vec<&'v IndicatorValue>,
}

impl<'v> CellParts<'v> {
    fn new(values: &[&'v IndicatorValue]) -> Self {
        let whole = |v: &&&IndicatorValue| !v.period.is_part_year();
        let latest_whole = |k: Kind| {
            values
                .iter()
                .rev()
                .filter(whole)
                .find(|v| v.kind == k)
                .copied()
        };
        // The latest target of each basis, in value order.
        let mut by_basis: Vec<&IndicatorValue> = Vec::new();
        for v in values
            .iter()
            .rev()
            .filter(whole)
            .filter(|v| v.kind == Kind::Target)
        {
            if !by_basis.iter().any(|t| t.basis == v.basis) {
                by_basis.push(v);
            }
        }
        by_basis.reverse();
        let reference = by_basis
            .iter()
            .rev()
            .find(|t| t.basis.is_some_and(|b| b.is_plan()))
            .or(by_basis.last())
            .copied();
        let others = by_basis
            .iter()
            .copied()
            .filter(|t| reference.is_some_and(|r| !std::ptr::eq(*t, r)))
            .collect();
        let result = latest_whole(Kind::Actual).or_else(|| latest_whole(Kind::Estimate));
        let shown = if values.len() <= MAX_FIGURES {
            values.to_vec()
        } else {
            let latest_part = values
                .iter()
                .filter(|v| v.period.is_part_year())
                .max_by_key(|v| v.period)
                .copied();
            let keep: Vec<&IndicatorValue> = by_basis
                .iter()
                .copied()
                .chain(latest_whole(Kind::Actual))
                .chain(latest_whole(Kind::Estimate))
                .chain(latest_part)
                .collect();
            values
                .iter()
                .copied()
                .filter(|v| keep.iter().any(|k| std::ptr::eq(*k, *v)))
                .collect()
        };
        CellParts {
            reference,
            others,
            result,
            shown,
        }
    }
}

impl Cells<'_> {
    fn fig(&self, v: &IndicatorValue, year_target: Option<&IndicatorValue>) -> FigView {
        let b = &self.a.bulletins[v.bulletin.0 as usize];
        let ind = self.a.indicators.get(v.indicator);
        // "= 1.234 tỷ đồng · Kế hoạch: <title> (dd/mm/yyyy)", built in place: this runs for
        // every figure of every table.
        let kind = self.f.kind(v.kind);
        let basis = v
            .basis
            .filter(|&b| b != Basis::Plan)
            .map(|b| self.f.basis(b));
        let date = self.f.date(b.date.date_naive());
        let converted = self.f.converted(v, &ind.unit);
        let mut title = String::with_capacity(
            kind.len()
                + b.title.len()
                + date.len()
                + 8
                + converted.as_ref().map_or(0, |c| c.len() + 8),
        );
        if let Some(c) = &converted {
            title.push_str("= ");
            title.push_str(c);
            title.push_str(" · ");
        }
        title.push_str(kind);
        if let Some(basis) = basis {
            title.push_str(" (");
            title.push_str(basis);
            title.push(')');
        }
        title.push_str(": ");
        title.push_str(&b.title);
        title.push_str(" (");
        title.push_str(&date);
        title.push(')');
        let mut label = match v.basis {
            Some(basis) => self.f.basis_short(basis).to_string(),
            None => self.f.kind_short(v.kind).to_string(),
        };
        let mut words = match basis {
            Some(basis) => basis.to_string(),
            None => kind.to_string(),
        };
        let mut progress = None;
        if v.period.is_part_year() {
            let part = self.f.part(v.period.part);
            label.push(' ');
            label.push_str(&part);
            words.push(' ');
            words.push_str(&part);
            progress = year_target
                .filter(|_| v.kind != Kind::Target)
                .and_then(|t| format::progress(t, v, ind))
                .map(|p| self.f.share(p));
        }
        FigView {
            kind: v.kind.as_str(),
            label,
            words,
            text: self.f.figure(v),
            href: self.l.to(&path::bulletin(&b.slug)),
            title,
            value: match v.converted_max() {
                Some(m) => format!(
                    "{}-{}",
                    crate::vi::plain_number(v.converted),
                    crate::vi::plain_number(m)
                ),
                None => crate::vi::plain_number(v.converted),
            },
            part_year: v.period.is_part_year(),
            progress,
        }
    }

    /// A cell from the values of one indicator, locality and whole period, with the part-year
    /// values of that year (in value order: oldest article first). Shows the figures whole
    /// period first, targets first, then the parts of the year in time order; compares the
    /// result with the reference target (OUTPUT.md, "What a cell says").
    pub fn cell(&self, values: &[&IndicatorValue]) -> CellView {
        let parts = CellParts::new(values);
        let more = values.len() - parts.shown.len();
        let mut shown = parts.shown;
        shown.sort_by_key(|v| (v.period.is_part_year(), v.period, v.kind));
        let Some(first) = values.first() else {
            return CellView::default();
        };
        let ind = self.a.indicators.get(first.indicator);
        let (mut comparison, mut met, mut other_comparisons) = (None, None, Vec::new());
        if let (Some(t), Some(r)) = (parts.reference, parts.result) {
            comparison = format::compare(t, r, ind).map(|c| self.f.comparison(c, &ind.unit));
            met = format::verdict(t, r, ind.direction);
            for o in &parts.others {
                if let Some(c) = format::compare(o, r, ind) {
                    let basis = o.basis.map_or("", |b| self.f.basis_short(b));
                    other_comparisons.push(format!("{basis}: {}", self.f.comparison(c, &ind.unit)));
                }
            }
        }
        let (whole, part_year): (Vec<_>, Vec<_>) =
            shown.into_iter().partition(|v| !v.period.is_part_year());
        let fig = |v: &IndicatorValue| self.fig(v, parts.reference);
        CellView {
            figures: whole.into_iter().map(fig).collect(),
            parts: part_year.into_iter().map(fig).collect(),
            more,
            comparison,
            other_comparisons,
            met,
        }
    }
}

/// Column of a period in a term table: single years of the term's plan years, then others.
fn columns_for(term: &Term, periods: &[Period]) -> Vec<Period> {
    let mut cols: Vec<Period> = term.year_list().map(Period::year).collect();
    for p in periods {
        if !cols.contains(p) {
            cols.push(*p);
        }
    }
    cols.sort_by_key(|p| (p.is_span(), p.start, p.end));
    cols
}

/// The table of one locality in one term.
pub fn locality_term(
    c: &Cells,
    locality: LocalityId,
    term: &Term,
    values: &[ValueIx],
) -> Option<TableView> {
    if values.is_empty() {
        return None;
    }
    let a = c.a;
    let vals: Vec<&IndicatorValue> = values.iter().map(|&i| a.value(i)).collect();
    // Parts of a year sit in their year's cell.
    let periods: Vec<Period> = vals.iter().map(|v| v.period.whole()).collect();
    let cols = columns_for(term, &periods);
    let mut inds: Vec<IndicatorId> = vals.iter().map(|v| v.indicator).collect();
    inds.sort();
    inds.dedup();
    let rows_of = |ind: IndicatorId| -> RowView {
        let i = a.indicators.get(ind);
        RowView {
            head: Link {
                href: c.l.to(&path::indicator(&i.id)),
                label: i.name.clone(),
            },
            note: Some(i.unit.to_string()),
            cells: cols
                .iter()
                .map(|p| {
                    let here: Vec<&IndicatorValue> = vals
                        .iter()
                        .copied()
                        .filter(|v| v.indicator == ind && v.period.whole() == *p)
                        .collect();
                    c.cell(&here)
                })
                .collect(),
        }
    };
    Some(TableView {
        caption: format!(
            "{} – {}",
            a.localities.get(locality).display_name,
            term.name
        ),
        corner: c.f.t("indicator").to_string(),
        columns: cols.iter().map(|p| period_label(c.f, *p)).collect(),
        span: cols.len() + 1,
        groups: by_category(a, &inds, rows_of),
    })
}

fn period_label(f: &Fmt, p: Period) -> String {
    if p.is_single_year() {
        p.to_string()
    } else {
        format!("{} {}", f.t("period_span"), p.to_string().replace('-', "–"))
    }
}

/// Rows grouped by indicator category (catalogue order of first appearance; uncategorised last).
fn by_category(
    a: &Archive,
    inds: &[IndicatorId],
    mut row: impl FnMut(IndicatorId) -> RowView,
) -> Vec<RowGroup> {
    let mut groups: Vec<RowGroup> = Vec::new();
    let mut order: Vec<Option<String>> = Vec::new();
    for &i in inds {
        let cat = a.indicators.get(i).category.clone();
        if !order.contains(&cat) {
            order.push(cat);
        }
    }
    order.sort_by_key(|c| c.is_none());
    for cat in order {
        let rows = inds
            .iter()
            .copied()
            .filter(|&i| a.indicators.get(i).category == cat)
            .map(&mut row)
            .collect();
        groups.push(RowGroup { name: cat, rows });
    }
    groups
}

/// The term table: a row per locality with values, a column per indicator; each cell holds
/// the latest period's figures.
pub fn term_table(c: &Cells, term: &Term, values: &[ValueIx]) -> Option<TableView> {
    if values.is_empty() {
        return None;
    }
    let a = c.a;
    let mut inds: Vec<IndicatorId> = values.iter().map(|&i| a.value(i).indicator).collect();
    inds.sort();
    inds.dedup();
    let mut locs: Vec<LocalityId> = values.iter().map(|&i| a.value(i).locality).collect();
    locs.sort();
    locs.dedup();
    let mut order: Vec<usize> = (0..locs.len()).collect();
    order.sort_by_key(|&x| a.localities.full_name_rank(locs[x]));
    // Values per (locality, indicator), in value order.
    let mut cells: std::collections::HashMap<(LocalityId, IndicatorId), Vec<&IndicatorValue>> =
        Default::default();
    for &i in values {
        let v = a.value(i);
        cells.entry((v.locality, v.indicator)).or_default().push(v);
    }
    let rows = order
        .into_iter()
        .map(|k| {
            let loc = locs[k];
            let l = a.localities.get(loc);
            RowView {
                head: Link {
                    href: c.l.to(&path::locality_term(&l.id, &term.id)),
                    label: l.display_name.clone(),
                },
                note: l.parent.map(|p| a.localities.get(p).display_name.clone()),
                cells: inds
                    .iter()
                    .map(|&ind| match cells.get(&(loc, ind)) {
                        None => CellView::default(),
                        Some(vs) => {
                            // The latest whole year or span; a part of a year only shows
                            // within its year's cell, or alone when no whole period has a value.
                            let latest = vs
                                .iter()
                                .filter(|v| !v.period.is_part_year())
                                .map(|v| v.period)
                                .max_by_key(|p| (p.end, p.start))
                                .or_else(|| vs.iter().map(|v| v.period.whole()).max())
                                .expect("non-empty");
                            let here: Vec<&IndicatorValue> = vs
                                .iter()
                                .copied()
                                .filter(|v| v.period.whole() == latest)
                                .collect();
                            let mut cell = c.cell(&here);
                            for fig in cell.figures.iter_mut().chain(&mut cell.parts) {
                                fig.label = format!("{} {}", fig.label, latest);
                            }
                            cell
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    Some(TableView {
        caption: format!("{}: {}", term.name, c.f.t("term_table_caption")),
        corner: c.f.t("locality").to_string(),
        columns: inds
            .iter()
            .map(|&i| {
                let ind = a.indicators.get(i);
                format!("{} ({})", ind.short_name(), ind.unit)
            })
            .collect(),
        span: inds.len() + 1,
        groups: vec![RowGroup { name: None, rows }],
    })
}

/// The indicator's table: a row per locality, a column per period.
pub fn indicator_table(
    c: &Cells,
    ind: IndicatorId,
    locs: &[LocalityId],
    values: &[Vec<&IndicatorValue>],
    periods: &[Period],
) -> TableView {
    let a = c.a;
    let i = a.indicators.get(ind);
    let rows = locs
        .iter()
        .zip(values)
        .map(|(&loc, vs)| {
            let l = a.localities.get(loc);
            let mut by_period: Vec<Vec<&IndicatorValue>> = vec![Vec::new(); periods.len()];
            for v in vs {
                if let Ok(col) = periods
                    .binary_search_by_key(&period_order(v.period.whole()), |p| period_order(*p))
                {
                    by_period[col].push(v);
                }
            }
            RowView {
                head: Link {
                    href: c.l.to(&path::locality(&l.id)),
                    label: l.display_name.clone(),
                },
                note: l.parent.map(|p| a.localities.get(p).display_name.clone()),
                cells: by_period
                    .iter()
                    .map(|vs| {
                        if vs.is_empty() {
                            CellView::default()
                        } else {
                            c.cell(vs)
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    TableView {
        caption: format!("{} ({})", i.name, i.unit),
        corner: c.f.t("locality").to_string(),
        columns: periods.iter().map(|p| period_label(c.f, *p)).collect(),
        span: periods.len() + 1,
        groups: vec![RowGroup { name: None, rows }],
    }
}

/// The columns of an indicator's table: the whole period of each of its values (a year's
/// part counts as its year), single years first, in time order.
pub fn indicator_periods(a: &Archive, values: &[ValueIx]) -> Vec<Period> {
    let mut periods: Vec<Period> = values.iter().map(|&i| a.value(i).period.whole()).collect();
    periods.sort_by_key(|p| period_order(*p));
    periods.dedup();
    periods
}

fn period_order(p: Period) -> (bool, i32, i32) {
    (p.is_span(), p.start, p.end)
}
