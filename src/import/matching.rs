//! The words before (or just after) a figure → an indicator of the site's catalogue. Each
//! indicator's name, short name and aliases are folded (case, tone placement and diacritics
//! ignored), abbreviations expanded and filler words dropped; a label matches when the
//! figure's words hold all of its words (one or two may be missing from a long name). The
//! figure's unit must convert to the indicator's. Two indicators matching equally well is a
//! doubt, and a doubt is no match.

use std::collections::HashSet;

use rustc_hash::FxHashMap;
use std::sync::OnceLock;

use super::rules::{
    ABBREVIATIONS, CHANGE_VERBS, GROWTH_WORDS, INHERIT_FILLER, LABEL_FILLER, LABEL_FILLER_PHRASES,
    RULES,
};
use crate::model::Indicators;

/// One indicator, ready to be matched.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    pub unit: String,
    /// Each label's words (folded, expanded, without filler), in order.
    labels: Vec<Vec<String>>,
    /// Each label as scored: for a level, and for a change (without growth words).
    level: Vec<Label>,
    change: Vec<Label>,
    /// The changes it measures (unit %, "Tốc độ tăng …": `tang`), folded: it takes a
    /// change "tăng 9,12%".
    pub measures: Vec<&'static str>,
}

/// The catalogue, prepared for matching.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    pub entries: Vec<Entry>,
}

/// How well a label matched.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
struct Score {
    matched: usize,
    /// Matched words over label words.
    coverage: f64,
    /// Minus the distance (in words) of the farthest matched word from the figure.
    nearness: i64,
}

/// The indicator a figure's words name.
#[derive(Debug, Clone, PartialEq)]
pub enum Match {
    Found {
        id: String,
        confidence: f64,
    },
    /// No label matched.
    None,
    /// A label matched, but its unit does not convert, or two indicators tie: the doubt.
    Doubt(String),
}

/// Fold a text into words for matching, abbreviations expanded.
pub fn match_words<'a>(folded: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out = Vec::new();
    for w in folded {
        match ABBREVIATIONS.iter().find(|(a, _)| *a == w) {
            Some((_, full)) => out.extend(full.split(' ')),
            None => out.push(w),
        }
    }
    out
}

impl Catalogue {
    pub fn new(indicators: &Indicators) -> Catalogue {
        let entries = indicators
            .all
            .iter()
            .map(|ind| {
                let mut labels: Vec<Vec<String>> = std::iter::once(&ind.name)
                    .chain(ind.short.as_ref())
                    .chain(ind.aliases.iter())
                    .map(|l| label_words(l))
                    // One word left of a longer label names too little ("Chi ngân sách"
                    // is not "nước sạch"); an abbreviation ("BHYT") expands to more.
                    .filter(|l| l.len() >= 2)
                    .collect();
                labels.dedup();
                let name = crate::vi::tokens(&ind.name);
                let measures: Vec<&'static str> = if matches!(&*ind.unit, "%" | "%/năm") {
                    CHANGE_VERBS
                        .iter()
                        .map(|(_, f)| *f)
                        .filter(|f| name.iter().any(|w| w == f))
                        .collect()
                } else {
                    Vec::new()
                };
                Entry {
                    id: ind.id.clone(),
                    unit: ind.unit.to_string(),
                    level: labels.iter().map(|l| Label::new(l, false)).collect(),
                    change: labels.iter().map(|l| Label::new(l, true)).collect(),
                    labels,
                    measures,
                }
            })
            .collect();
        Catalogue { entries }
    }

    /// The indicator named by `context` (folded words, nearest to the figure last) for a
    /// figure in `unit`. `change`: the figure is a change ("tăng 9,12%": `Some("tang")`),
    /// which only an indicator measuring it takes, named without its growth words.
    pub fn find(&self, context: &[&str], unit: &str, change: Option<&str>) -> Match {
        let index = Index::new(context);
        let mut scored: Vec<(Score, &Entry)> = Vec::new();
        for e in &self.entries {
            if change.is_some_and(|v| !e.measures.contains(&v)) {
                continue;
            }
            let labels = if change.is_some() {
                &e.change
            } else {
                &e.level
            };
            let best = labels
                .iter()
                .filter_map(|l| score(l, &index))
                .max_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
            if let Some(s) = best {
                scored.push((s, e));
            }
        }
        scored.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
        let Some(&(best, entry)) = scored.first() else {
            return Match::None;
        };
        if change.is_some() {
            // "Giá trị sản xuất nông nghiệp tăng 5%" names more than the growth of production.
            if let Match::Found { .. } | Match::Doubt(_) = self.find(context, "", None) {
                if self.level_match_is_longer(&index, best.matched) {
                    return Match::Doubt("the words name a level indicator more closely".into());
                }
            }
        }
        if let Some(&(second, other)) = scored.get(1) {
            if second.matched == best.matched
                && second.coverage == best.coverage
                && other.id != entry.id
            {
                return Match::Doubt(format!(
                    "the words match `{}` and `{}` equally",
                    entry.id, other.id
                ));
            }
        }
        if !unit.is_empty() && crate::model::units::convert(1.0, unit, &entry.unit).is_none() {
            return Match::Doubt(format!(
                "the words name `{}`, whose unit {} the figure's unit {} does not convert to",
                entry.id, entry.unit, unit
            ));
        }
        let confidence = (0.5 + 0.5 * best.coverage) * if change.is_some() { 0.8 } else { 1.0 };
        Match::Found {
            id: entry.id.clone(),
            confidence: (confidence * 100.0).round() / 100.0,
        }
    }

    /// Whether a figure in `unit` whose own words name nothing takes the indicator `id` of
    /// the figure before it in its clause ("507,8 tỷ đồng theo kế hoạch và 850 tỷ đồng theo
    /// nghị quyết"): only when the words between are cue words, function words or words
    /// of that indicator's own labels.
    pub fn only_cues_between(&self, id: &str, gap: &[&str], unit: &str) -> bool {
        let Some(e) = self.entries.iter().find(|e| e.id == id) else {
            return false;
        };
        if crate::model::units::convert(1.0, unit, &e.unit).is_none() {
            return false;
        }
        gap.iter()
            .all(|w| is_filler(w) || e.labels.iter().any(|l| l.iter().any(|x| x == w)))
    }

    /// Whether the words between two figures say nothing of what is measured: cue words,
    /// function words, numbers ("… giảm từ 5,2% xuống còn 3,1%").
    pub fn only_cues(gap: &[&str]) -> bool {
        gap.iter().all(is_filler)
    }

    fn level_match_is_longer(&self, index: &Index, growth_matched: usize) -> bool {
        self.entries
            .iter()
            .filter(|e| e.measures.is_empty())
            .any(|e| {
                e.level
                    .iter()
                    .filter_map(|l| score(l, index))
                    .any(|s| s.matched > growth_matched)
            })
    }
}

fn is_filler(w: &&str) -> bool {
    let w = *w;
    INHERIT_FILLER.contains(&w) || w.bytes().all(|b| b.is_ascii_digit()) || cue_words().contains(w)
}

/// Every word of a cue of rules.rs, folded.
fn cue_words() -> &'static HashSet<String> {
    static WORDS: OnceLock<HashSet<String>> = OnceLock::new();
    WORDS.get_or_init(|| {
        RULES
            .iter()
            .flat_map(|r| crate::vi::tokens(r.words))
            .collect()
    })
}

/// A label's words: folded, abbreviations expanded, filler dropped, in order.
fn label_words(label: &str) -> Vec<String> {
    let folded = crate::vi::tokens(label);
    let words = match_words(folded.iter().map(String::as_str));
    let mut out = Vec::with_capacity(words.len());
    let mut i = 0;
    'words: while i < words.len() {
        for p in LABEL_FILLER_PHRASES {
            let n = p.split(' ').count();
            if words.len() >= i + n && words[i..i + n].join(" ") == *p {
                i += n;
                continue 'words;
            }
        }
        if !LABEL_FILLER.contains(&words[i]) {
            out.push(words[i].to_string());
        }
        i += 1;
    }
    out
}

/// How many of a label's words may be missing from the figure's words.
fn tolerance(n: usize) -> usize {
    match n {
        0..=4 => 0,
        5..=7 => 1,
        _ => 2,
    }
}

/// A figure's words, with the last place of each: labels are looked up, not searched.
struct Index<'c> {
    context: &'c [&'c str],
    last: FxHashMap<&'c str, usize>,
}

impl<'c> Index<'c> {
    fn new(context: &'c [&'c str]) -> Index<'c> {
        let mut last = FxHashMap::with_capacity_and_hasher(context.len(), Default::default());
        for (i, w) in context.iter().enumerate() {
            last.insert(*w, i);
        }
        Index { context, last }
    }
}

/// A label's words as scored: in order, and each once.
#[derive(Debug, Clone)]
struct Label {
    sequence: Vec<String>,
    words: Vec<String>,
}

impl Label {
    /// `change`: without the words a change already says ("tốc độ tăng trưởng").
    fn new(label: &[String], change: bool) -> Label {
        let sequence: Vec<String> = label
            .iter()
            .filter(|w| !change || !GROWTH_WORDS.contains(&w.as_str()))
            .cloned()
            .collect();
        let mut words: Vec<String> = Vec::with_capacity(sequence.len());
        for w in &sequence {
            if !words.contains(w) {
                words.push(w.clone());
            }
        }
        Label { sequence, words }
    }
}

fn score(label: &Label, index: &Index) -> Option<Score> {
    let context = index.context;
    let (sequence, words) = (&label.sequence, &label.words);
    if words.is_empty() {
        return None;
    }
    let mut matched = 0;
    let mut farthest = 0;
    for w in words {
        if let Some(&pos) = index.last.get(w.as_str()) {
            matched += 1;
            farthest = farthest.max(context.len() - pos);
        }
    }
    let missing = words.len() - matched;
    if matched == 0 || missing > tolerance(words.len()) {
        return None;
    }
    if words.len() <= 3 && !contiguous(sequence, context) {
        return None;
    }
    Some(Score {
        matched,
        coverage: matched as f64 / words.len() as f64,
        nearness: -(farthest as i64),
    })
}

/// Whether a short label's words stand together, in order, in the context (filler words
/// between them aside): "Giá trị/ha" is not named by "giá trị sản phẩm trên một ha".
fn contiguous(words: &[String], context: &[&str]) -> bool {
    let kept: Vec<&str> = context
        .iter()
        .copied()
        .filter(|w| !LABEL_FILLER.contains(w))
        .collect();
    kept.windows(words.len())
        .any(|win| win.iter().zip(words).all(|(a, b)| *a == b.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Direction, Indicator};

    fn ind(id: &str, name: &str, short: Option<&str>, unit: &str, aliases: &[&str]) -> Indicator {
        Indicator {
            id: id.into(),
            name: name.into(),
            short: short.map(Into::into),
            unit: unit.into(),
            category: None,
            direction: Direction::Up,
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
        }
    }

    fn catalogue() -> Catalogue {
        Catalogue::new(&Indicators::new(vec![
            ind(
                "thu-ngan-sach",
                "Thu ngân sách nhà nước trên địa bàn",
                Some("Thu ngân sách"),
                "tỷ đồng",
                &["thu NSNN"],
            ),
            ind(
                "tang-truong",
                "Tốc độ tăng trưởng giá trị sản xuất",
                Some("Tăng trưởng"),
                "%",
                &[],
            ),
            ind(
                "gtsx-nong-nghiep",
                "Giá trị sản xuất nông, lâm nghiệp và thủy sản",
                None,
                "tỷ đồng",
                &[],
            ),
            ind("ho-ngheo", "Tỷ lệ hộ nghèo", None, "%", &[]),
            ind(
                "bhyt",
                "Tỷ lệ dân số tham gia bảo hiểm y tế",
                None,
                "%",
                &["BHYT"],
            ),
        ]))
    }

    fn ctx(t: &str) -> Vec<String> {
        let t = crate::vi::tokens(t);
        match_words(t.iter().map(String::as_str))
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    fn refs(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }

    fn id(m: Match) -> String {
        match m {
            Match::Found { id, .. } => id,
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn added_and_dropped_words_and_diacritics() {
        let c = catalogue();
        assert_eq!(
            id(c.find(&refs(&ctx("Thu ngân sách Nhà nước đạt")), "tỷ đồng", None)),
            "thu-ngan-sach"
        );
        assert_eq!(
            id(c.find(&refs(&ctx("thu ngan sach dat")), "triệu đồng", None)),
            "thu-ngan-sach"
        );
        assert_eq!(
            id(c.find(&refs(&ctx("tổng thu NSNN")), "tỷ đồng", None)),
            "thu-ngan-sach"
        );
        assert_eq!(
            id(c.find(&refs(&ctx("tỷ lệ hộ nghèo giảm xuống còn")), "%", None)),
            "ho-ngheo"
        );
    }

    #[test]
    fn short_labels_stand_together() {
        let c = Catalogue::new(&Indicators::new(vec![ind(
            "gia-tri-ha",
            "Giá trị sản phẩm trên một ha đất trồng trọt và nuôi trồng thủy sản",
            Some("Giá trị/ha"),
            "triệu đồng",
            &[],
        )]));
        assert_eq!(
            c.find(
                &refs(&ctx(
                    "giá trị sản phẩm trên một ha diện tích đất canh tác đạt"
                )),
                "triệu đồng",
                None
            ),
            Match::None
        );
        assert_eq!(
            id(c.find(&refs(&ctx("giá trị/ha đạt")), "triệu đồng", None)),
            "gia-tri-ha"
        );
    }

    #[test]
    fn filler_is_dropped_as_phrases() {
        assert_eq!(label_words("Tỷ lệ hộ nghèo"), ["ho", "ngheo"]);
        assert_eq!(
            label_words("Bán lẻ và dịch vụ"),
            ["ban", "le", "dich", "vu"]
        );
        assert_eq!(
            label_words("Thu ngân sách nhà nước trên địa bàn"),
            ["thu", "ngan", "sach"]
        );
    }

    #[test]
    fn units_must_convert() {
        let c = catalogue();
        assert!(matches!(
            c.find(&refs(&ctx("thu ngân sách đạt")), "%", None),
            Match::Doubt(_)
        ));
        assert_eq!(
            c.find(&refs(&ctx("xây dựng đạt")), "tỷ đồng", None),
            Match::None
        );
    }

    #[test]
    fn changes_only_for_growth_indicators() {
        let c = catalogue();
        assert_eq!(
            id(c.find(&refs(&ctx("Tổng giá trị sản xuất")), "%", Some("tang"))),
            "tang-truong"
        );
        assert_eq!(
            c.find(&refs(&ctx("tỷ lệ hộ nghèo")), "%", Some("tang")),
            Match::None
        );
        assert!(matches!(
            c.find(
                &refs(&ctx("giá trị sản xuất nông, lâm nghiệp và thủy sản")),
                "%",
                Some("tang")
            ),
            Match::Doubt(_)
        ));
    }
}
