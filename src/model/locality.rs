//! Administrative units (tỉnh > huyện/thị xã/thành phố > xã/phường) and their hierarchy.

use std::collections::HashMap;

use chrono::NaiveDate;

/// Index of a locality in [`Localities::all`].
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct LocalityId(pub u32);

/// The kinds of administrative unit of CONTENT.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LocalityKind {
    Tinh,
    ThanhPhoTrucThuocTrungUong,
    ThanhPho,
    ThiXa,
    Quan,
    Huyen,
    Phuong,
    Xa,
    ThiTran,
    DacKhu,
}

impl LocalityKind {
    pub const ALL: [LocalityKind; 10] = [
        LocalityKind::Tinh,
        LocalityKind::ThanhPhoTrucThuocTrungUong,
        LocalityKind::ThanhPho,
        LocalityKind::ThiXa,
        LocalityKind::Quan,
        LocalityKind::Huyen,
        LocalityKind::Phuong,
        LocalityKind::Xa,
        LocalityKind::ThiTran,
        LocalityKind::DacKhu,
    ];

    /// The Vietnamese word, as written in localities.yaml.
    pub fn word(self) -> &'static str {
        match self {
            LocalityKind::Tinh => "tỉnh",
            LocalityKind::ThanhPhoTrucThuocTrungUong => "thành phố trực thuộc trung ương",
            LocalityKind::ThanhPho => "thành phố",
            LocalityKind::ThiXa => "thị xã",
            LocalityKind::Quan => "quận",
            LocalityKind::Huyen => "huyện",
            LocalityKind::Phuong => "phường",
            LocalityKind::Xa => "xã",
            LocalityKind::ThiTran => "thị trấn",
            LocalityKind::DacKhu => "đặc khu",
        }
    }

    /// The word in the display name: a city under the central government is "Thành phố".
    pub fn display_word(self) -> &'static str {
        match self {
            LocalityKind::ThanhPhoTrucThuocTrungUong => "thành phố",
            k => k.word(),
        }
    }

    pub fn parse(word: &str) -> Option<LocalityKind> {
        let w = word.trim().to_lowercase();
        LocalityKind::ALL.into_iter().find(|k| k.word() == w)
    }

    /// The English name of the kind, for `language = "en"`.
    pub fn english(self) -> &'static str {
        match self {
            LocalityKind::Tinh => "province",
            LocalityKind::ThanhPhoTrucThuocTrungUong => "municipality",
            LocalityKind::ThanhPho => "city",
            LocalityKind::ThiXa => "town",
            LocalityKind::Quan => "urban district",
            LocalityKind::Huyen => "district",
            LocalityKind::Phuong => "ward",
            LocalityKind::Xa => "commune",
            LocalityKind::ThiTran => "township",
            LocalityKind::DacKhu => "special zone",
        }
    }
}

/// One administrative unit.
#[derive(Debug, Clone)]
pub struct Locality {
    pub id: String,
    pub name: String,
    pub kind: LocalityKind,
    pub code: Option<String>,
    pub parent: Option<LocalityId>,
    pub aliases: Vec<String>,
    /// Host names of the unit's own portal (`bantin import` finds a bulletin's unit by them).
    pub website: Vec<String>,
    pub established: Option<NaiveDate>,
    pub dissolved: Option<NaiveDate>,
    pub successors: Vec<LocalityId>,
    /// Units whose `successor` names this one.
    pub predecessors: Vec<LocalityId>,
    pub children: Vec<LocalityId>,
    /// "Huyện Đông Sơn": the kind, capitalised, then the name.
    pub display_name: String,
}

/// The locality registry, with the hierarchy resolved.
#[derive(Debug, Clone, Default)]
pub struct Localities {
    pub all: Vec<Locality>,
    by_id: HashMap<String, LocalityId>,
    /// Top-level units (no parent), in collation order of display name.
    pub roots: Vec<LocalityId>,
    /// Each unit's place among all, by [`Localities::full_name`] in Vietnamese collation
    /// (ties by id): made once, when a page first sorts units by it.
    full_name_ranks: std::sync::OnceLock<Vec<u32>>,
}

impl Localities {
    /// Build the registry; `parent`/`successors` must already be resolved handles. Children
    /// and predecessors are derived here and sorted by Vietnamese collation.
    pub fn new(mut all: Vec<Locality>) -> Self {
        let by_id = all
            .iter()
            .enumerate()
            .map(|(i, l)| (l.id.clone(), LocalityId(i as u32)))
            .collect();
        let keys: Vec<_> = all
            .iter()
            .map(|l| crate::vi::collation_key(&l.name))
            .collect();
        let mut roots = Vec::new();
        for i in 0..all.len() {
            let id = LocalityId(i as u32);
            match all[i].parent {
                Some(p) => all[p.0 as usize].children.push(id),
                None => roots.push(id),
            }
            for s in all[i].successors.clone() {
                all[s.0 as usize].predecessors.push(id);
            }
        }
        let order = |v: &mut Vec<LocalityId>| {
            v.sort_by(|a, b| keys[a.0 as usize].cmp(&keys[b.0 as usize]).then(a.cmp(b)))
        };
        for l in all.iter_mut() {
            order(&mut l.children);
            order(&mut l.predecessors);
        }
        order(&mut roots);
        Localities {
            all,
            by_id,
            roots,
            full_name_ranks: Default::default(),
        }
    }

    pub fn get(&self, id: LocalityId) -> &Locality {
        &self.all[id.0 as usize]
    }

    pub fn find(&self, id: &str) -> Option<LocalityId> {
        self.by_id.get(id).copied()
    }

    /// The unit whose `website` names the host of an address (`www.` aside, any case), or
    /// whose host is a subdomain of one of its websites (`vanphong.dongson.thanhhoa.gov.vn`);
    /// the longest match wins. Host names are unique across units, so there is one at most.
    pub fn by_website(&self, host: &str) -> Option<LocalityId> {
        let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
        let host = host.strip_prefix("www.").unwrap_or(&host);
        let mut best: Option<(usize, LocalityId)> = None;
        for (i, l) in self.all.iter().enumerate() {
            for w in &l.website {
                let w = w.strip_prefix("www.").unwrap_or(w);
                let hit = host == w || host.strip_suffix(w).is_some_and(|head| head.ends_with('.'));
                if hit && best.is_none_or(|(len, _)| w.len() > len) {
                    best = Some((w.len(), LocalityId(i as u32)));
                }
            }
        }
        best.map(|(_, id)| id)
    }

    pub fn len(&self) -> usize {
        self.all.len()
    }

    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }

    pub fn ids(&self) -> impl Iterator<Item = LocalityId> {
        (0..self.all.len() as u32).map(LocalityId)
    }

    /// The unit and its ancestors, the unit first.
    pub fn self_and_ancestors(&self, id: LocalityId) -> Vec<LocalityId> {
        let mut out = vec![id];
        let mut cur = self.get(id).parent;
        while let Some(p) = cur {
            if out.contains(&p) {
                break; // defensive: cycles are rejected at load
            }
            out.push(p);
            cur = self.get(p).parent;
        }
        out
    }

    /// Whether `id` is `ancestor` or lies below it.
    pub fn is_within(&self, id: LocalityId, ancestor: LocalityId) -> bool {
        self.self_and_ancestors(id).contains(&ancestor)
    }

    /// Where the unit comes when units are sorted by [`Localities::full_name`] in Vietnamese
    /// collation, ties by id. Indicator and term pages sort thousands of units this way; the
    /// collation keys are made once for all of them instead of on every page.
    pub fn full_name_rank(&self, id: LocalityId) -> u32 {
        let ranks = self.full_name_ranks.get_or_init(|| {
            let keys: Vec<_> = self
                .ids()
                .map(|l| crate::vi::collation_key(&self.full_name(l)))
                .collect();
            let mut order: Vec<usize> = (0..self.all.len()).collect();
            order.sort_by(|&x, &y| keys[x].cmp(&keys[y]).then(x.cmp(&y)));
            let mut ranks = vec![0; self.all.len()];
            for (rank, &i) in order.iter().enumerate() {
                ranks[i] = rank as u32;
            }
            ranks
        });
        ranks[id.0 as usize]
    }

    /// "Huyện Đông Sơn, Tỉnh Thanh Hóa": the unit and its parents, for search and context.
    pub fn full_name(&self, id: LocalityId) -> String {
        self.self_and_ancestors(id)
            .into_iter()
            .map(|l| self.get(l).display_name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// "Huyện Đông Sơn".
pub fn display_name(kind: LocalityKind, name: &str) -> String {
    format!("{} {}", crate::vi::capitalize(kind.display_word()), name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: &str, kind: LocalityKind, name: &str, parent: Option<u32>) -> Locality {
        Locality {
            id: id.into(),
            name: name.into(),
            kind,
            code: None,
            parent: parent.map(LocalityId),
            aliases: Vec::new(),
            website: Vec::new(),
            established: None,
            dissolved: None,
            successors: Vec::new(),
            predecessors: Vec::new(),
            children: Vec::new(),
            display_name: display_name(kind, name),
        }
    }

    #[test]
    fn full_name_ranks_follow_vietnamese_collation_of_full_names() {
        use LocalityKind::*;
        let l = Localities::new(vec![
            unit("thanh-hoa", Tinh, "Thanh Hóa", None),
            unit("yen-bai", Tinh, "Yên Bái", None),
            // Full names "Huyện Đông Sơn, Tỉnh Thanh Hóa", "Huyện Dương Kinh, Tỉnh Yên Bái",
            // "Huyện Ân Định, Tỉnh Yên Bái": in Vietnamese Â comes right after A and Đ right
            // after D; in bytes, "Ân" would come after "Dương".
            unit("dong-son", Huyen, "Đông Sơn", Some(0)),
            unit("duong-kinh", Huyen, "Dương Kinh", Some(1)),
            // Same full name as dong-son: the tie goes by id.
            unit("dong-son-2", Huyen, "Đông Sơn", Some(0)),
            unit("an-dinh", Huyen, "Ân Định", Some(1)),
        ]);
        let mut ids: Vec<LocalityId> = l.ids().collect();
        ids.sort_by_key(|&x| l.full_name_rank(x));
        let names: Vec<&str> = ids.iter().map(|&x| l.get(x).id.as_str()).collect();
        assert_eq!(
            names,
            [
                "an-dinh",
                "duong-kinh",
                "dong-son",
                "dong-son-2",
                "thanh-hoa",
                "yen-bai"
            ]
        );
        // The same order as sorting by the collation keys of the full names themselves.
        let mut by_key: Vec<LocalityId> = l.ids().collect();
        by_key.sort_by_cached_key(|&x| crate::vi::collation_key(&l.full_name(x)));
        assert_eq!(ids, by_key);
    }
}
