//! Stage 3 of the pipeline: group. Builds, once, every index the pages need (bulletins by
//! locality, term, topic and year; values by bulletin, indicator, locality and term), so that
//! rendering a page never scans all bulletins. Lists keep the archive's order (newest first).

use std::collections::{BTreeMap, HashMap};

use crate::model::{Archive, BulletinId, IndicatorId, LocalityId, TermId};

/// A topic with its bulletins; its name is the first spelling met (newest bulletin first).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TopicGroup {
    pub slug: String,
    pub name: String,
    pub bulletins: Vec<BulletinId>,
}

/// Index of a value in [`Archive::values`].
pub type ValueIx = u32;

/// Kept in the build cache's record, so that an incremental build knows the lists of the
/// last build without assembling its archive again.
#[derive(Debug, Default, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Groups {
    /// Every bulletin, in the archive's order (newest first): the home page's list.
    pub all: Vec<BulletinId>,
    /// Bulletins about a locality or any unit within it, per locality.
    pub by_locality: Vec<Vec<BulletinId>>,
    /// Bulletins about a locality (or within it) in a term.
    pub by_locality_term: HashMap<(LocalityId, TermId), Vec<BulletinId>>,
    /// Bulletins per term.
    pub by_term: Vec<Vec<BulletinId>>,
    /// Topics by slug, in slug order (collation order is applied when listing).
    pub topics: BTreeMap<String, TopicGroup>,
    /// Bulletins per year of publication, years ascending.
    pub by_year: BTreeMap<i32, Vec<BulletinId>>,
    /// Values reported by each bulletin.
    pub values_by_bulletin: PerBulletin,
    /// Values of each indicator.
    pub values_by_indicator: Vec<Vec<ValueIx>>,
    /// Values about exactly this locality in this term.
    pub values_by_locality_term: HashMap<(LocalityId, TermId), Vec<ValueIx>>,
    /// Values of each term.
    pub values_by_term: Vec<Vec<ValueIx>>,
    /// Terms in which a locality (or a unit within it) has bulletins or values, in file order.
    pub terms_of_locality: Vec<Vec<TermId>>,
    /// Drafts waiting for review (only in a build with drafts), newest first.
    pub drafts: Vec<BulletinId>,
}

impl Groups {
    pub fn new(a: &Archive) -> Groups {
        let nl = a.localities.len();
        let nt = a.terms.all.len();
        let mut g = Groups {
            all: (0..a.bulletins.len() as u32).map(BulletinId).collect(),
            by_locality: vec![Vec::new(); nl],
            by_term: vec![Vec::new(); nt],
            values_by_bulletin: PerBulletin::new(a),
            values_by_indicator: vec![Vec::new(); a.indicators.all.len()],
            values_by_term: vec![Vec::new(); nt],
            terms_of_locality: vec![Vec::new(); nl],
            ..Groups::default()
        };
        // Ancestors are computed once per locality, not per bulletin.
        let lineage: Vec<Vec<LocalityId>> = a
            .localities
            .ids()
            .map(|l| a.localities.self_and_ancestors(l))
            .collect();
        let mut within: Vec<LocalityId> = Vec::new();
        for (i, b) in a.bulletins.iter().enumerate() {
            let id = BulletinId(i as u32);
            within.clear();
            for &l in &b.localities {
                for &anc in &lineage[l.0 as usize] {
                    if !within.contains(&anc) {
                        within.push(anc);
                    }
                }
            }
            for &l in &within {
                g.by_locality[l.0 as usize].push(id);
                if let Some(t) = b.term {
                    g.by_locality_term.entry((l, t)).or_default().push(id);
                }
            }
            if let Some(t) = b.term {
                g.by_term[t.0 as usize].push(id);
            }
            for topic in &b.topics {
                g.topics
                    .entry(topic.slug.to_string())
                    .or_insert_with(|| TopicGroup {
                        slug: topic.slug.to_string(),
                        name: topic.name.to_string(),
                        bulletins: Vec::new(),
                    })
                    .bulletins
                    .push(id);
            }
            g.by_year.entry(b.year()).or_default().push(id);
            if b.draft {
                g.drafts.push(id);
            }
        }
        let mut locality_terms: Vec<Vec<bool>> = vec![vec![false; nt]; nl];
        for (&(l, t), _) in g.by_locality_term.iter() {
            locality_terms[l.0 as usize][t.0 as usize] = true;
        }
        for (ix, v) in (0..).zip(&a.values) {
            g.values_by_indicator[v.indicator.0 as usize].push(ix);
            if let Some(t) = v.term {
                g.values_by_term[t.0 as usize].push(ix);
                g.values_by_locality_term
                    .entry((v.locality, t))
                    .or_default()
                    .push(ix);
                for &anc in &lineage[v.locality.0 as usize] {
                    locality_terms[anc.0 as usize][t.0 as usize] = true;
                }
            }
        }
        // A bulletin that reports a value for a term is listed with that term's table too.
        for v in &a.values {
            if let Some(t) = v.term {
                for &anc in &lineage[v.locality.0 as usize] {
                    g.by_locality_term
                        .entry((anc, t))
                        .or_default()
                        .push(v.bulletin);
                }
            }
        }
        for list in g.by_locality_term.values_mut() {
            list.sort_unstable();
            list.dedup();
        }
        for (l, flags) in locality_terms.into_iter().enumerate() {
            g.terms_of_locality[l] = flags
                .into_iter()
                .enumerate()
                .filter(|(_, f)| *f)
                .map(|(t, _)| TermId(t as u32))
                .collect();
        }
        g.shrink();
        g
    }

    /// The lists were grown by pushing, which leaves up to twice the room they use: at a
    /// million bulletins, hundreds of megabytes held through the whole build.
    fn shrink(&mut self) {
        let bulletins = self
            .by_locality
            .iter_mut()
            .chain(self.by_locality_term.values_mut())
            .chain(self.by_term.iter_mut())
            .chain(self.topics.values_mut().map(|t| &mut t.bulletins))
            .chain(self.by_year.values_mut());
        for list in bulletins {
            list.shrink_to_fit();
        }
        let values = self
            .values_by_indicator
            .iter_mut()
            .chain(self.values_by_locality_term.values_mut())
            .chain(self.values_by_term.iter_mut());
        for list in values {
            list.shrink_to_fit();
        }
    }

    /// Localities that have their own values in a term, in the term's value order.
    pub fn localities_with_values(&self, term: TermId, a: &Archive) -> Vec<LocalityId> {
        let mut out: Vec<LocalityId> = self.values_by_term[term.0 as usize]
            .iter()
            .map(|&ix| a.value(ix).locality)
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Indicators with values among `values`, in catalogue order.
    pub fn indicators_of(values: &[ValueIx], a: &Archive) -> Vec<IndicatorId> {
        let mut out: Vec<IndicatorId> = values.iter().map(|&ix| a.value(ix).indicator).collect();
        out.sort();
        out.dedup();
        out
    }
}

/// The values of each bulletin, in one list: bulletin `b`'s are
/// `values[starts[b]..starts[b + 1]]`, in the archive's value order. A list of its own for
/// each bulletin took 24 bytes and an allocation of its own (about 60 bytes a bulletin, 60 MB
/// at a million); this takes 4 bytes a bulletin beside the values' own.
#[derive(Debug, Default, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PerBulletin {
    starts: Vec<u32>,
    values: Vec<ValueIx>,
}

impl PerBulletin {
    fn new(a: &Archive) -> PerBulletin {
        let mut starts = vec![0u32; a.bulletins.len() + 1];
        for v in &a.values {
            starts[v.bulletin.0 as usize + 1] += 1;
        }
        for b in 1..starts.len() {
            starts[b] += starts[b - 1];
        }
        let mut next = starts.clone();
        let mut values = vec![0; a.values.len()];
        for (ix, v) in (0..).zip(&a.values) {
            let at = &mut next[v.bulletin.0 as usize];
            values[*at as usize] = ix;
            *at += 1;
        }
        PerBulletin { starts, values }
    }

    /// The values of bulletin `b`, if there is such a bulletin.
    pub fn get(&self, b: usize) -> Option<&[ValueIx]> {
        let (&start, &end) = (self.starts.get(b)?, self.starts.get(b + 1)?);
        self.values.get(start as usize..end as usize)
    }

    /// Every bulletin's values, in bulletin order.
    pub fn iter(&self) -> impl Iterator<Item = &[ValueIx]> {
        self.starts
            .windows(2)
            .map(|w| &self.values[w[0] as usize..w[1] as usize])
    }
}

impl std::ops::Index<usize> for PerBulletin {
    type Output = [ValueIx];

    fn index(&self, b: usize) -> &[ValueIx] {
        self.get(b).unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_hold_no_spare_room() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let archive = crate::load::load(root, &Default::default()).unwrap();
        let g = Groups::new(&archive);
        fn tight<T>(l: &Vec<T>) -> bool {
            l.capacity() == l.len()
        }
        assert!(g.by_locality.iter().any(|l| l.len() > 2));
        assert!(g.by_locality.iter().all(tight));
        assert!(g.by_locality_term.values().all(tight));
        assert!(g.by_term.iter().all(tight));
        assert!(g.topics.values().all(|t| tight(&t.bulletins)));
        assert!(g.by_year.values().all(tight));
        assert!(g.values_by_indicator.iter().any(|l| l.len() > 2));
        assert!(g.values_by_indicator.iter().all(tight));
        assert!(g.values_by_locality_term.values().all(tight));
        assert!(g.values_by_term.iter().all(tight));
    }

    #[test]
    fn each_bulletin_has_its_own_values_in_value_order() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let archive = crate::load::load(root, &Default::default()).unwrap();
        let g = Groups::new(&archive);
        let per: Vec<&[ValueIx]> = g.values_by_bulletin.iter().collect();
        assert_eq!(per.len(), archive.bulletins.len());
        assert!(per.iter().any(|v| v.len() > 1));
        for (b, values) in per.iter().enumerate() {
            let expected: Vec<ValueIx> = (0..)
                .zip(&archive.values)
                .filter(|(_, v)| v.bulletin.0 as usize == b)
                .map(|(ix, _)| ix)
                .collect();
            assert_eq!(*values, expected.as_slice());
            assert_eq!(&g.values_by_bulletin[b], expected.as_slice());
            assert_eq!(g.values_by_bulletin.get(b), Some(expected.as_slice()));
        }
        assert_eq!(g.values_by_bulletin.get(per.len()), None);
        assert!(g.values_by_bulletin[per.len()].is_empty());
    }
}
