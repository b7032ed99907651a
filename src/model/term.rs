//! Terms of office and plan periods (nhiệm kỳ): which term a date or a figure belongs to.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::value::Period;

/// Index of a term in [`Terms::all`], which keeps file order.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct TermId(pub u32);

#[derive(Debug, Clone)]
pub struct Term {
    pub id: String,
    pub name: String,
    pub body: Option<String>,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// The plan years the term's targets cover, inclusive.
    pub years: (i32, i32),
}

impl Term {
    pub fn contains_date(&self, d: NaiveDate) -> bool {
        self.start <= d && d <= self.end
    }

    pub fn covers(&self, p: Period) -> bool {
        self.years.0 <= p.start && p.end <= self.years.1
    }

    /// The plan years, in order.
    pub fn year_list(&self) -> impl Iterator<Item = i32> {
        self.years.0..=self.years.1
    }
}

#[derive(Debug, Clone, Default)]
pub struct Terms {
    pub all: Vec<Term>,
    by_id: HashMap<String, TermId>,
}

impl Terms {
    pub fn new(all: Vec<Term>) -> Self {
        let by_id = all
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.clone(), TermId(i as u32)))
            .collect();
        Terms { all, by_id }
    }

    pub fn get(&self, id: TermId) -> &Term {
        &self.all[id.0 as usize]
    }

    pub fn find(&self, id: &str) -> Option<TermId> {
        self.by_id.get(id).copied()
    }

    pub fn ids(&self) -> impl Iterator<Item = TermId> {
        (0..self.all.len() as u32).map(TermId)
    }

    /// An article's derived term: the first, in file order, whose start..end holds the date.
    pub fn for_date(&self, d: NaiveDate) -> Option<TermId> {
        self.ids().find(|&t| self.get(t).contains_date(d))
    }

    /// CONTENT.md's value-to-term rule: the value's own `term`; else the article's term when
    /// its years hold the whole period; else the first term whose years hold it; else the
    /// article's term.
    pub fn for_value(
        &self,
        explicit: Option<TermId>,
        article_term: Option<TermId>,
        period: Period,
    ) -> Option<TermId> {
        explicit
            .or_else(|| article_term.filter(|&t| self.get(t).covers(period)))
            .or_else(|| self.ids().find(|&t| self.get(t).covers(period)))
            .or(article_term)
    }
}
