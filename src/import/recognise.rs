//! A paragraph's figures read: for each number with a unit, whether it is a figure at all
//! (not a share, a change, an ordinal), which indicator its words name, and its kind,
//! period, qualifier and basis from the cue words of its clause and of the sentence that
//! leads it. Anything in doubt is left as text, with the reason.

use serde::Serialize;

use super::figures::{self, Candidate, Units};
use super::matching::{match_words, Catalogue, Match};
use super::period::{self, Mention, Period};
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::rules::{Basis, Effect, Kind, Qualifier, Rule, CHANGE_VERBS, RULES, UNIT_KINDS};
use super::text::{phrase_at, phrase_before, Paragraph, Word};

/// What recognition knows of the bulletin as a whole.
#[derive(Debug, Clone, Default)]
pub struct Setting {
    /// The year of the bulletin's date.
    pub year: i32,
    /// The month of the bulletin's date (1–12).
    pub month: u32,
    /// A period the title names ("… năm 2020"): the period of figures that name none.
    pub title_period: Option<Period>,
    /// The title or first paragraph reviews a past period ("tổng kết", "sơ kết").
    pub review: bool,
    /// Folded names of the bulletin's unit and the units above it.
    pub home: Vec<String>,
}

/// A figure proposed for an indicator.
#[derive(Debug, Clone, Serialize)]
pub struct Proposal {
    /// Byte range in the paragraph of the text wrapped by the link.
    #[serde(skip)]
    pub start: usize,
    #[serde(skip)]
    pub end: usize,
    pub text: String,
    pub indicator: String,
    pub value: f64,
    pub value_max: Option<f64>,
    pub unit: String,
    /// The value in the indicator's unit.
    pub value_in_indicator_unit: f64,
    pub kind: Kind,
    pub period: String,
    pub qualifier: Option<Qualifier>,
    pub basis: Option<Basis>,
    pub confidence: f64,
}

/// A number with a known unit that was left as text, and why.
#[derive(Debug, Clone, Serialize)]
pub struct LeftAsText {
    pub text: String,
    pub words_before: String,
    pub reason: String,
}

/// What recognition made of one paragraph.
#[derive(Debug, Clone, Default)]
pub struct Reading {
    pub proposals: Vec<Proposal>,
    pub left: Vec<LeftAsText>,
}

/// What a number is, before its indicator is looked for.
#[derive(Debug, Clone, PartialEq)]
enum Shape {
    Level,
    /// A change; with its word (folded) when an indicator can measure it ("tăng", "vượt").
    Change(Option<&'static str>),
    Not(&'static str),
}

/// Where a figure's clause and windows lie, in word indexes.
#[derive(Debug, Clone, Copy)]
struct Place {
    sentence_start: usize,
    clause_start: usize,
    /// Start of the words that may name the indicator (after the previous figure).
    window_start: usize,
    /// End of the words after the figure that belong to it (next comma, figure or clause end).
    after_end: usize,
    /// End of the sentence's introduction: the words before its first figure (whose period
    /// is the list's; a period inside an earlier item is that item's own).
    intro_end: usize,
    /// End of the words that may follow the figure at all: the next figure or the
    /// sentence's end.
    reach_end: usize,
}

/// Read every figure of a paragraph.
pub fn read(text: &str, catalogue: &Catalogue, units: &Units, setting: &Setting) -> Reading {
    let p = Paragraph::new(text);
    let cands = figures::find(&p, units);
    let mentions = period::mentions(text, &p.words, setting.year);
    let gaps = gaps(&p);
    let mut masked = vec![false; p.words.len()];
    let places: Vec<Place> = cands
        .iter()
        .enumerate()
        .map(|(k, c)| place(&p, &gaps, &cands, k, c))
        .collect();
    let shapes: Vec<Shape> = cands
        .iter()
        .zip(&places)
        .map(|(c, pl)| shape(&p.words, c, pl))
        .collect();
    for ((c, pl), s) in cands.iter().zip(&places).zip(&shapes) {
        if *s != Shape::Level {
            let from = c.first_word.saturating_sub(1).max(pl.window_start);
            masked[from..pl.after_end.max(from)].fill(true);
        }
    }
    let mut out = Reading::default();
    let mut prev: Option<(usize, String)> = None;
    for ((c, pl), s) in cands.iter().zip(&places).zip(&shapes) {
        let ctx = Ctx {
            p: &p,
            masked: &masked,
            mentions: &mentions,
            setting,
            prev: prev
                .as_ref()
                .filter(|(end, _)| *end > pl.clause_start && *end <= c.first_word)
                .map(|(end, id)| (*end, id.as_str())),
        };
        match ctx.figure(c, pl, s, catalogue) {
            Ok(prop) => {
                prev = Some((c.end_word, prop.indicator.clone()));
                out.proposals.push(prop)
            }
            Err(reason) => out.left.push(LeftAsText {
                text: text[c.start..c.end].to_string(),
                words_before: words_before(&p, pl, c),
                reason,
            }),
        }
    }
    out
}

/// For each word, the punctuation between it and the word before.
fn gaps<'t>(p: &Paragraph<'t>) -> Vec<&'t str> {
    let mut prev = 0;
    p.words
        .iter()
        .map(|w| {
            let g = &p.text[prev..w.start];
            prev = w.end;
            g
        })
        .collect()
}

fn place(p: &Paragraph, gaps: &[&str], cands: &[Candidate], k: usize, c: &Candidate) -> Place {
    let (s_start, s_end) = p.sentence_of(c.num_start);
    let sentence = p.words_in(s_start, s_end);
    let is_break = |i: usize| gaps.get(i).is_some_and(|g| g.contains([';', ':']));
    let clause_start = (sentence.start..=c.first_word)
        .rev()
        .find(|&i| i == sentence.start || is_break(i))
        .unwrap_or(sentence.start);
    let prev_end = k
        .checked_sub(1)
        .map(|j| cands[j].end_word)
        .filter(|&e| e > clause_start && e <= c.first_word)
        .unwrap_or(clause_start);
    let mut window_start = prev_end;
    for i in prev_end..c.first_word {
        if phrase_at(&p.words, i, "trong đó") || phrase_at(&p.words, i, "bao gồm") {
            window_start = i + 2;
        }
    }
    let next_start = cands.get(k + 1).map_or(usize::MAX, |n| n.first_word);
    let after_end = (c.end_word..sentence.end.max(c.end_word))
        .find(|&i| i >= next_start || gaps.get(i).is_some_and(|g| g.contains([',', ';', ':'])))
        .unwrap_or(sentence.end.max(c.end_word));
    let first_in_sentence = cands
        .iter()
        .map(|x| x.first_word)
        .find(|&f| f >= sentence.start)
        .unwrap_or(c.first_word);
    Place {
        sentence_start: sentence.start.min(c.first_word),
        clause_start: clause_start.min(c.first_word),
        window_start: window_start.min(c.first_word),
        after_end,
        intro_end: first_in_sentence.min(clause_start),
        reach_end: next_start.min(sentence.end).max(c.end_word),
    }
}

/// The rule of `effect`'s kind matching at word `i`, longest first.
fn cue_at(
    words: &[Word],
    i: usize,
    pick: &dyn Fn(Effect) -> bool,
) -> Option<(&'static str, Effect)> {
    let first = words.get(i)?;
    rules_by_first_word()
        .get(first.lower.as_str())?
        .iter()
        .filter(|(r, split)| {
            pick(r.effect)
                && split
                    .iter()
                    .enumerate()
                    .all(|(k, p)| words.get(i + k).is_some_and(|w| w.lower == *p))
        })
        .max_by_key(|(r, _)| r.words.len())
        .map(|(r, _)| (r.words, r.effect))
}

/// The rules of rules.rs, each with its words, by their first word: a word is compared
/// with the few cues that can start with it, not with every cue.
type RuleIndex = FxHashMap<&'static str, Vec<(&'static Rule, Vec<&'static str>)>>;

fn rules_by_first_word() -> &'static RuleIndex {
    static INDEX: OnceLock<RuleIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut map = RuleIndex::default();
        for r in RULES {
            let split: Vec<&'static str> = r.words.split(' ').collect();
            map.entry(split[0]).or_default().push((r, split));
        }
        map
    })
}

fn shape(words: &[Word], c: &Candidate, pl: &Place) -> Shape {
    let b = c.first_word;
    let before = |e: fn(Effect) -> bool| {
        RULES
            .iter()
            .filter(|r| e(r.effect))
            .find(|r| phrase_before(words, b, r.words).is_some())
    };
    if let Some(r) = before(|e| e == Effect::NotAFigure) {
        if !(r.words == "số" && phrase_before(words, b, "tổng số").is_some()) {
            return Shape::Not("an ordinal, date or document number");
        }
    }
    if before(|e| e == Effect::ChangeFrom).is_some()
        && cue_at(words, c.end_word, &|e| e == Effect::ChangeTo).is_some()
    {
        return Shape::Not("the level a change starts from (từ … xuống …)");
    }
    if before(|e| e == Effect::ShareBefore).is_some() {
        return Shape::Not("a share of something else (bằng …)");
    }
    if let Some(r) = before(|e| e == Effect::Change) {
        let verb = CHANGE_VERBS
            .iter()
            .find(|(w, _)| *w == r.words)
            .map(|(_, f)| *f);
        return Shape::Change(verb);
    }
    let after = c.end_word..pl.after_end.min(c.end_word + 5);
    if c.unit == "%" && cue_at(words, c.end_word, &|e| e == Effect::ShareAfter).is_some() {
        return Shape::Not("a share of a plan or of another year");
    }
    if after
        .clone()
        .any(|i| cue_at(words, i, &|e| e == Effect::ChangeAfter).is_some())
    {
        return Shape::Change(None);
    }
    Shape::Level
}

fn words_before(p: &Paragraph, pl: &Place, c: &Candidate) -> String {
    let from = pl.clause_start.max(c.first_word.saturating_sub(8));
    if from >= c.first_word {
        return String::new();
    }
    p.text[p.words[from].start..p.words[c.first_word - 1].end].to_string()
}

/// What the figures of one paragraph are read against.
struct Ctx<'a, 't> {
    p: &'a Paragraph<'t>,
    masked: &'a [bool],
    mentions: &'a [Mention],
    setting: &'a Setting,
    /// The previous figure of the clause, if proposed: where it ends, and its indicator.
    prev: Option<(usize, &'a str)>,
}

impl<'a> Ctx<'a, '_> {
    fn figure(
        &self,
        c: &Candidate,
        pl: &Place,
        shape: &Shape,
        catalogue: &Catalogue,
    ) -> Result<Proposal, String> {
        let change = match shape {
            Shape::Not(why) => return Err(why.to_string()),
            Shape::Change(None) => return Err("a change, not a level".into()),
            Shape::Change(Some(_)) if !c.unit.starts_with('%') => {
                return Err("a change, not a level".into())
            }
            Shape::Change(verb) => *verb,
            Shape::Level => None,
        };
        let (id, confidence) = self.indicator(c, pl, catalogue, change).map_err(|e| {
            if change.is_some() {
                format!("a change (tăng …), not a level unless an indicator of that change is named: {e}")
            } else {
                e
            }
        })?;
        if let Some(other) = self.other_unit(pl, c) {
            return Err(format!(
                "`{id}`: the words name {other}; is the figure that unit's?"
            ));
        }
        let period = self.period(c, pl);
        if period == Period::Unclear {
            return Err(format!(
                "`{id}`: the period named is not a year, span, first months or quarter"
            ));
        }
        let (kind, sure) = self
            .kind(c, pl, period)
            .map_err(|e| format!("`{id}`: {e}"))?;
        let basis = (kind == Kind::Target)
            .then(|| self.basis(c, pl))
            .flatten()
            .filter(|b| *b != Basis::Plan);
        let entry_unit = &catalogue
            .entries
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.unit.clone())
            .unwrap_or_default();
        let converted =
            crate::model::units::convert(c.value, &c.unit, entry_unit).unwrap_or(c.value);
        Ok(Proposal {
            start: c.start,
            end: c.end,
            text: self.p.text[c.start..c.end].to_string(),
            indicator: id,
            value: c.value,
            value_max: c.value_max,
            unit: c.unit.clone(),
            value_in_indicator_unit: converted,
            kind,
            period: period.to_string(),
            qualifier: c.qualifier.filter(|_| c.value_max.is_none()),
            basis,
            confidence: ((confidence * if sure { 1.0 } else { 0.85 }) * 100.0).round() / 100.0,
        })
    }

    /// Folded words of `range`, abbreviations expanded.
    fn context(&self, range: std::ops::Range<usize>) -> Vec<&'a str> {
        let words = self.p.words.get(range).unwrap_or(&[]);
        match_words(words.iter().map(|w| w.folded.as_str()))
    }

    fn indicator(
        &self,
        c: &Candidate,
        pl: &Place,
        catalogue: &Catalogue,
        change: Option<&str>,
    ) -> Result<(String, f64), String> {
        let counted = !(c.unit.contains('%') || c.unit.contains("đồng") || c.unit.contains("USD"));
        let unit_words = if counted {
            self.context(c.num_word + 1..c.end_word)
        } else {
            Vec::new()
        };
        let comma = (pl.window_start..c.first_word)
            .rev()
            .find(|&i| {
                i > pl.window_start
                    && self.p.text[self.p.words[i - 1].end..self.p.words[i].start].contains(',')
            })
            .unwrap_or(pl.window_start);
        let mut tried = Vec::new();
        // A change's subject may stand before the level it follows: "Tổng giá trị sản
        // xuất ước đạt 6.850 tỷ đồng, tăng 8,6%".
        let widest = if change.is_some() {
            pl.clause_start
        } else {
            pl.window_start
        };
        let mut froms = vec![comma, pl.window_start, widest];
        froms.dedup();
        for from in froms {
            let mut ctx = self.context(from..c.first_word);
            ctx.extend(unit_words.iter().cloned());
            tried.push(catalogue.find(&ctx, &c.unit, change));
            if let Some(Match::Found { .. }) = tried.last() {
                break;
            }
        }
        if counted || c.unit == "%" {
            if let Some(Match::None) = tried.last() {
                // A change names what it measures around it: "thu ngân sách vượt 5% dự
                // toán cấp trên giao"; a level just after it: "97% người dân tham gia BHYT".
                let mut after = if change.is_some() {
                    self.context(pl.clause_start..c.first_word)
                } else {
                    unit_words.clone()
                };
                let from = self.past_names(c, pl);
                let to = if from > c.end_word {
                    pl.reach_end
                } else {
                    pl.after_end
                };
                after.extend(self.context(from..to.min(from + 12)));
                tried.push(catalogue.find(&after, &c.unit, change));
            }
        }
        if let Some(Match::None) = tried.last() {
            let gap = self.context(pl.window_start..c.first_word);
            if self.prev.is_none()
                && pl.window_start > pl.clause_start
                && Catalogue::only_cues(&gap)
            {
                let ctx = self.context(pl.clause_start..c.first_word);
                tried.push(catalogue.find(&ctx, &c.unit, change));
            }
        }
        // A change never takes the indicator of the level before it ("đạt 93,5%, vượt 0,5%").
        if let (Some(Match::None), Some((end, id)), None) = (tried.last(), self.prev, change) {
            let gap = self.context(end..c.first_word);
            if catalogue.only_cues_between(id, &gap, &c.unit) {
                return Ok((id.to_string(), 0.6));
            }
        }
        match tried.pop() {
            Some(Match::Found { id, confidence }) => Ok((id, confidence)),
            Some(Match::Doubt(why)) => Err(why),
            _ => Err("no indicator of the catalogue is named".into()),
        }
    }

    fn period(&self, c: &Candidate, pl: &Place) -> Period {
        let before = self
            .mentions
            .iter()
            .rev()
            .find(|m| m.end <= c.first_word && m.start >= pl.clause_start);
        let after = || {
            self.mentions
                .iter()
                .find(|m| m.start >= c.end_word && m.end <= pl.after_end)
        };
        // The introduction's first period: "Năm 2024, phấn đấu A giai đoạn 2021-2025 …; B"
        // gives B the year, not A's span.
        let lead = || {
            self.mentions
                .iter()
                .find(|m| m.start >= pl.sentence_start && m.end <= pl.intro_end)
        };
        // A review early in the year, naming no year, is of the year before.
        let reviewed = if self.setting.review && self.setting.month <= 2 {
            self.setting.year - 1
        } else {
            self.setting.year
        };
        before
            .or_else(after)
            .or_else(lead)
            .map(|m| m.period)
            .or(self.setting.title_period)
            .unwrap_or(Period::Year(reviewed))
    }

    /// Kinds named by cues in `range` (masked words skipped).
    fn kinds_in(&self, range: std::ops::Range<usize>, after: bool) -> Vec<Kind> {
        let pick: &dyn Fn(Effect) -> bool = if after {
            &|e| matches!(e, Effect::KindAfter(_))
        } else {
            &|e| matches!(e, Effect::Kind(_))
        };
        let mut out = Vec::new();
        let mut i = range.start;
        while i < range.end {
            if self.masked[i] {
                i += 1;
                continue;
            }
            match cue_at(&self.p.words, i, pick) {
                // The longest cue covers its words: "thực hiện kế hoạch" is a result, and
                // its "kế hoạch" no target.
                Some((words, Effect::Kind(k) | Effect::KindAfter(k))) => {
                    out.push(k);
                    i += words.split(' ').count();
                }
                _ => i += 1,
            }
        }
        out
    }

    /// The kind, and whether a cue said it (rather than the period's place in time).
    fn kind(&self, c: &Candidate, pl: &Place, period: Period) -> Result<(Kind, bool), String> {
        let before = self.kinds_in(pl.clause_start..c.first_word, false);
        let after = self.kinds_in(c.end_word..pl.after_end, true);
        let mut lead = self.kinds_in(pl.sentence_start..pl.clause_start, false);
        if self.done_before(c, pl) {
            return self.kind_of_result(period);
        }
        // "A ước đạt X; B đạt Y": B's own "đạt" says a result; the estimate was A's. A
        // target of the lead still holds ("phấn đấu A đạt X; B đạt Y").
        if !lead.contains(&Kind::Target) && self.says_result(pl.window_start..c.first_word) {
            lead.clear();
        }
        for cues in [&before, &after, &lead] {
            if cues.contains(&Kind::Estimate) {
                return Ok((Kind::Estimate, true));
            }
            if cues.contains(&Kind::Target) {
                return Ok((Kind::Target, true));
            }
        }
        let year = self.setting.year;
        match period {
            Period::Year(y) | Period::Months(y, _) | Period::Quarter(y, _) if y < year => {
                Ok((Kind::Actual, true))
            }
            Period::Months(y, _) | Period::Quarter(y, _) if y == year => Ok((Kind::Actual, true)),
            Period::Span(_, b) if b < year => Ok((Kind::Actual, true)),
            Period::Year(y) | Period::Span(y, _) if y > year => Ok((Kind::Target, false)),
            // In the first quarter, bulletins set the year's tasks: a figure of the whole
            // year cannot be its result yet.
            Period::Year(_) if self.setting.month <= 3 && !self.setting.review => {
                Ok((Kind::Target, false))
            }
            _ => Err(format!(
                "no cue says whether {period} is a target, an estimate or a result"
            )),
        }
    }

    /// After a count, past the names it lists: "3 xã là Âu Lâu, Minh Bảo, Tuy Lộc đạt
    /// tiêu chí xã nông thôn mới nâng cao" names its indicator after the names.
    fn past_names(&self, c: &Candidate, pl: &Place) -> usize {
        let words = &self.p.words;
        let text = self.p.text;
        let opens = words
            .get(c.end_word)
            .is_some_and(|w| matches!(w.lower.as_str(), "là" | "gồm"))
            || text[words.get(c.end_word.wrapping_sub(1)).map_or(0, |w| w.end)..]
                .trim_start()
                .starts_with('(');
        if !opens {
            return c.end_word;
        }
        let mut k = c.end_word;
        while k < pl.reach_end
            && (matches!(words[k].lower.as_str(), "là" | "gồm" | "và")
                || text[words[k].start..].starts_with(char::is_uppercase))
        {
            k += 1;
        }
        k
    }

    /// A unit other than the bulletin's, named in the figure's words ("xã Hòa Tiến").
    fn other_unit(&self, pl: &Place, c: &Candidate) -> Option<String> {
        let words = &self.p.words;
        let text = self.p.text;
        for i in pl.window_start..c.first_word {
            let Some(kind) = UNIT_KINDS.iter().find(|k| phrase_at(words, i, k)) else {
                continue;
            };
            let mut k = i + kind.split(' ').count();
            let mut name = Vec::new();
            while k < c.first_word
                && name.len() < 4
                && text[words[k].start..].starts_with(char::is_uppercase)
            {
                name.push(words[k].folded.as_str());
                k += 1;
            }
            if name.is_empty() {
                continue;
            }
            let name = name.join(" ");
            if !self.setting.home.contains(&name) {
                return Some(text[words[i].start..words[k - 1].end].to_string());
            }
        }
        None
    }

    /// "đạt" or "thực hiện" in the figure's own words, without "ước" before it.
    fn says_result(&self, range: std::ops::Range<usize>) -> bool {
        let words = &self.p.words;
        range.clone().any(|i| {
            (words[i].lower == "đạt" || phrase_at(words, i, "thực hiện"))
                && !(i > range.start && words[i - 1].lower == "ước")
        })
    }

    /// "đã" (not "đã đề ra") in the figure's own words: a result.
    fn done_before(&self, c: &Candidate, pl: &Place) -> bool {
        let words = &self.p.words;
        (pl.window_start..c.first_word).any(|i| {
            !self.masked[i]
                && cue_at(words, i, &|e| e == Effect::Done).is_some_and(|(w, _)| {
                    let next = i + w.split(' ').count();
                    cue_at(words, next, &|e| matches!(e, Effect::Kind(Kind::Target))).is_none()
                })
        })
    }

    /// A result: of a past period, or of this year's part or whole.
    fn kind_of_result(&self, period: Period) -> Result<(Kind, bool), String> {
        let this_year_so_far = period == Period::Year(self.setting.year) && self.setting.month < 12;
        match period.end_year() {
            Some(y) if y <= self.setting.year && !this_year_so_far => Ok((Kind::Actual, true)),
            _ => Err(format!("a result (đã …) of {period}, which is not over")),
        }
    }

    /// The basis of a target: the nearest cue after the figure, else before it in its
    /// clause, else in the sentence's lead.
    fn basis(&self, c: &Candidate, pl: &Place) -> Option<Basis> {
        let pick = |e: Effect| matches!(e, Effect::Basis(_));
        let at = |i: usize| -> Option<Basis> {
            if self.masked[i] {
                return None;
            }
            match cue_at(&self.p.words, i, &pick) {
                Some((_, Effect::Basis(b))) => Some(b),
                _ => None,
            }
        };
        // In each window the nearest cue that is not the plan wins ("dự toán tỉnh giao" is
        // assigned); the plan only when nothing else is said.
        let in_window = |range: Vec<usize>| {
            let found: Vec<Basis> = range.into_iter().filter_map(at).collect();
            found
                .iter()
                .copied()
                .find(|b| *b != Basis::Plan)
                .or(found.first().copied())
        };
        in_window((c.end_word..pl.after_end).collect())
            .or_else(|| in_window((pl.clause_start..c.first_word).rev().collect()))
            .or_else(|| in_window((pl.sentence_start..pl.clause_start).rev().collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Direction, Indicator, Indicators};

    fn ind(id: &str, name: &str, unit: &str, aliases: &[&str]) -> Indicator {
        Indicator {
            id: id.into(),
            name: name.into(),
            short: None,
            unit: unit.into(),
            category: None,
            direction: Direction::Up,
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
        }
    }

    fn read_one(text: &str, month: u32) -> Reading {
        let inds = Indicators::new(vec![
            ind(
                "thu-ngan-sach",
                "Thu ngân sách nhà nước trên địa bàn",
                "tỷ đồng",
                &["thu ngân sách"],
            ),
            ind(
                "tang-truong",
                "Tốc độ tăng trưởng giá trị sản xuất",
                "%",
                &[],
            ),
            ind("ho-ngheo", "Tỷ lệ hộ nghèo", "%", &[]),
            ind(
                "thon-nm",
                "Số thôn đạt chuẩn nông thôn mới kiểu mẫu",
                "thôn",
                &[],
            ),
        ]);
        let units = Units::new(inds.all.iter().map(|i| &*i.unit));
        let setting = Setting {
            year: 2023,
            month,
            ..Setting::default()
        };
        read(text, &Catalogue::new(&inds), &units, &setting)
    }

    fn summary(r: &Reading) -> Vec<String> {
        r.proposals
            .iter()
            .map(|p| {
                format!(
                    "{} {} {} {} {}{}",
                    p.indicator,
                    p.value,
                    p.kind.as_str(),
                    p.period,
                    p.qualifier.map_or("-", |q| q.as_str()),
                    p.basis
                        .map_or(String::new(), |b| format!(" {}", b.as_str()))
                )
            })
            .collect()
    }

    #[test]
    fn targets_estimates_and_results() {
        let r = read_one(
            "Năm 2024, phấn đấu thu ngân sách đạt khoảng 1.000 tỷ đồng.",
            12,
        );
        assert_eq!(summary(&r), ["thu-ngan-sach 1000 target 2024 about"]);
        let r = read_one("Năm 2023, thu ngân sách ước đạt 900 tỷ đồng.", 12);
        assert_eq!(summary(&r), ["thu-ngan-sach 900 estimate 2023 -"]);
        let r = read_one("9 tháng năm 2023, thu ngân sách đạt 700 tỷ đồng.", 10);
        assert_eq!(summary(&r), ["thu-ngan-sach 700 actual 2023-M9 -"]);
        let r = read_one("Năm 2022, thu ngân sách đạt 600 tỷ đồng.", 3);
        assert_eq!(summary(&r), ["thu-ngan-sach 600 actual 2022 -"]);
    }

    #[test]
    fn an_items_own_result_is_not_the_estimate_of_the_one_before() {
        let r = read_one(
            "6 tháng năm 2023, thu ngân sách ước đạt 700 tỷ đồng; thôn đạt chuẩn nông thôn mới kiểu mẫu đạt 5 thôn.",
            7,
        );
        assert_eq!(
            summary(&r),
            [
                "thu-ngan-sach 700 estimate 2023-M6 -",
                "thon-nm 5 actual 2023-M6 -"
            ]
        );
    }

    #[test]
    fn a_count_names_its_indicator_after_the_names_it_lists() {
        let inds = Indicators::new(vec![ind(
            "xa-nc",
            "Số xã đạt chuẩn nông thôn mới nâng cao",
            "xã",
            &[],
        )]);
        let units = Units::new(["xã"]);
        let setting = Setting {
            year: 2020,
            month: 2,
            ..Setting::default()
        };
        let r = read(
            "Có 3 xã là Âu Lâu, Minh Bảo, Tuy Lộc đạt tiêu chí xã nông thôn mới nâng cao.",
            &Catalogue::new(&inds),
            &units,
            &setting,
        );
        assert_eq!(summary(&r), ["xa-nc 3 target 2020 -"]);
    }

    #[test]
    fn carrying_out_the_plan_is_a_result() {
        let r = read_one(
            "Kết quả thực hiện kế hoạch năm 2022: thu ngân sách đạt 600 tỷ đồng.",
            3,
        );
        assert_eq!(summary(&r), ["thu-ngan-sach 600 actual 2022 -"]);
    }

    #[test]
    fn a_list_takes_the_kind_of_its_lead() {
        let r = read_one(
            "Dự kiến các chỉ tiêu năm 2024: thu ngân sách 1.200 tỷ đồng; tỷ lệ hộ nghèo còn 2%; phấn đấu 5 thôn đạt chuẩn nông thôn mới kiểu mẫu.",
            12,
        );
        assert_eq!(
            summary(&r),
            [
                "thu-ngan-sach 1200 target 2024 -",
                "ho-ngheo 2 target 2024 -",
                "thon-nm 5 target 2024 -"
            ]
        );
    }

    #[test]
    fn shares_and_changes_are_left_as_text() {
        let r = read_one(
            "Năm 2022, thu ngân sách đạt 100,73% kế hoạch, bằng 108,44% so với năm 2021; tỷ lệ hộ nghèo giảm 3,87%.",
            3,
        );
        assert!(r.proposals.is_empty(), "{:?}", summary(&r));
        assert_eq!(r.left.len(), 3);
    }

    #[test]
    fn a_change_never_takes_the_level_before_it() {
        let r = read_one("Năm 2022, tỷ lệ hộ nghèo còn 2,1% (giảm 0,8% so với năm 2021); tỷ lệ hộ nghèo đạt 2%, tăng 1%.", 3);
        assert_eq!(
            summary(&r),
            ["ho-ngheo 2.1 actual 2022 -", "ho-ngheo 2 actual 2022 -"]
        );
    }

    #[test]
    fn growth_is_a_change_the_catalogue_measures() {
        let r = read_one(
            "Năm 2022, tổng giá trị sản xuất tăng 9,12% so với năm 2021.",
            3,
        );
        assert_eq!(summary(&r), ["tang-truong 9.12 actual 2022 -"]);
    }

    #[test]
    fn two_targets_with_their_basis() {
        let r = read_one(
            "Thu ngân sách năm 2024 phấn đấu đạt 507,8 tỷ đồng theo kế hoạch và 850 tỷ đồng theo nghị quyết.",
            1,
        );
        assert_eq!(
            summary(&r),
            [
                "thu-ngan-sach 507.8 target 2024 -",
                "thu-ngan-sach 850 target 2024 - resolution"
            ]
        );
    }

    #[test]
    fn a_change_an_indicator_measures_by_its_name() {
        let inds = Indicators::new(vec![
            ind("thu-ngan-sach", "Thu ngân sách", "tỷ đồng", &[]),
            ind(
                "vuot-du-toan",
                "Mức thu ngân sách vượt dự toán cấp trên giao",
                "%",
                &[],
            ),
        ]);
        let units = Units::new(["tỷ đồng", "%"]);
        let setting = Setting {
            year: 2020,
            month: 1,
            ..Setting::default()
        };
        let r = read(
            "Năm 2020, phấn đấu thu ngân sách vượt 5% dự toán cấp trên giao; tỷ lệ hộ nghèo giảm 2%.",
            &Catalogue::new(&inds),
            &units,
            &setting,
        );
        assert_eq!(summary(&r), ["vuot-du-toan 5 target 2020 -"]);
    }

    #[test]
    fn the_start_of_a_change_is_not_the_level() {
        let r = read_one("Năm 2022, tỷ lệ hộ nghèo giảm từ 5,2% xuống còn 3,1%.", 3);
        assert_eq!(summary(&r), ["ho-ngheo 3.1 actual 2022 -"]);
        assert!(r.left[0].reason.contains("starts from"), "{:?}", r.left);
    }

    #[test]
    fn results_so_far_are_not_the_plan() {
        let r = read_one(
            "Kế hoạch năm 2023 giao thu ngân sách 500 tỷ đồng, đến nay đã thu được 320 tỷ đồng.",
            7,
        );
        assert_eq!(summary(&r), ["thu-ngan-sach 500 target 2023 -"]);
        let r = read_one("Năm 2023, huyện đã thu ngân sách được 320 tỷ đồng.", 7);
        assert!(r.proposals.is_empty(), "{:?}", summary(&r));
    }

    #[test]
    fn constant_price_years_are_not_periods() {
        let r = read_one(
            "Năm 2022, thu ngân sách đạt 250 tỷ đồng (theo giá so sánh 2010).",
            3,
        );
        assert_eq!(summary(&r), ["thu-ngan-sach 250 actual 2022 -"]);
    }

    #[test]
    fn a_list_takes_its_introductions_period_not_an_earlier_items() {
        let r = read_one(
            "Năm 2024, phấn đấu tăng trưởng giá trị sản xuất giai đoạn 2021-2025 đạt 8%; thu ngân sách 560 tỷ đồng.",
            12,
        );
        assert_eq!(
            summary(&r),
            [
                "tang-truong 8 target 2021-2025 -",
                "thu-ngan-sach 560 target 2024 -"
            ]
        );
    }

    #[test]
    fn a_review_early_in_the_year_is_of_the_year_before() {
        let inds = Indicators::new(vec![ind("thu-ngan-sach", "Thu ngân sách", "tỷ đồng", &[])]);
        let units = Units::new(["tỷ đồng"]);
        let setting = Setting {
            year: 2024,
            month: 1,
            review: true,
            ..Setting::default()
        };
        let r = read(
            "Thu ngân sách đạt 520 tỷ đồng.",
            &Catalogue::new(&inds),
            &units,
            &setting,
        );
        assert_eq!(summary(&r), ["thu-ngan-sach 520 actual 2023 -"]);
    }

    #[test]
    fn another_units_figure_is_a_doubt() {
        let r = read_one("Năm 2022, xã Hòa Tiến thu ngân sách đạt 4 tỷ đồng.", 3);
        assert!(r.proposals.is_empty(), "{:?}", summary(&r));
        assert!(r.left[0].reason.contains("xã Hòa Tiến"), "{:?}", r.left);
    }

    #[test]
    fn doubtful_kinds_are_left() {
        let r = read_one("Năm 2023, thu ngân sách đạt 900 tỷ đồng.", 11);
        assert!(r.proposals.is_empty());
        assert!(r.left[0].reason.contains("no cue"), "{:?}", r.left);
    }
}
