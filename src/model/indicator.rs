//! The indicator catalogue (chỉ tiêu): what is measured, in which unit, and which way is better.

use std::collections::HashMap;

/// Index of an indicator in [`Indicators::all`].
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct IndicatorId(pub u32);

/// Whether a higher or a lower actual meets a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
    None,
}

#[derive(Debug, Clone)]
pub struct Indicator {
    pub id: String,
    pub name: String,
    pub short: Option<String>,
    /// Shared with the values written in it (most of them): a million bulletins give
    /// about seven million values.
    pub unit: std::sync::Arc<str>,
    pub category: Option<String>,
    pub direction: Direction,
    pub aliases: Vec<String>,
}

impl Indicator {
    pub fn short_name(&self) -> &str {
        self.short.as_deref().unwrap_or(&self.name)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Indicators {
    pub all: Vec<Indicator>,
    by_id: HashMap<String, IndicatorId>,
}

impl Indicators {
    pub fn new(all: Vec<Indicator>) -> Self {
        let by_id = all
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.clone(), IndicatorId(i as u32)))
            .collect();
        Indicators { all, by_id }
    }

    pub fn get(&self, id: IndicatorId) -> &Indicator {
        &self.all[id.0 as usize]
    }

    pub fn find(&self, id: &str) -> Option<IndicatorId> {
        self.by_id.get(id).copied()
    }

    pub fn ids(&self) -> impl Iterator<Item = IndicatorId> {
        (0..self.all.len() as u32).map(IndicatorId)
    }

    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }
}
