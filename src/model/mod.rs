//! The archive's model: what the loaded content means, independent of files and pages.
//! Registries (localities, terms, indicators) and bulletins refer to each other by small
//! integer handles into the registries' vectors, so grouping and rendering never look up
//! strings in hot loops.

pub mod body;
pub mod bulletin;
pub mod figure;
pub mod indicator;
pub mod locality;
pub mod photo;
pub mod settings;
pub mod stored;
pub mod term;
pub mod units;
pub mod value;

pub use body::{BodyRef, BodyStore};
pub use bulletin::{Bulletin, BulletinId, Extras, Source, Summary, Topic};
pub use indicator::{Direction, Indicator, IndicatorId, Indicators};
pub use locality::{Localities, Locality, LocalityId, LocalityKind};
pub use term::{Term, TermId, Terms};
pub use value::{Basis, IndicatorValue, Kind, Part, Period, PeriodError, Qualifier, Quote, Rare};

use settings::Settings;

/// Everything a build knows once the content is loaded and validated. Bulletins are sorted
/// newest first (then by slug), values by locality, indicator, period, kind, article date.
#[derive(Debug)]
pub struct Archive {
    pub settings: Settings,
    pub localities: Localities,
    pub terms: Terms,
    pub indicators: Indicators,
    pub bulletins: Vec<Bulletin>,
    pub values: Vec<IndicatorValue>,
    /// The bodies' HTML, read back when their pages are rendered.
    pub bodies: std::sync::Arc<BodyStore>,
}

impl Archive {
    /// The value at `ix` of [`Archive::values`] (the groups keep 32-bit indexes: half the
    /// room of `usize` in lists that together name every value four times).
    pub fn value(&self, ix: u32) -> &IndicatorValue {
        &self.values[ix as usize]
    }

    /// Value `v`'s quote, read back from the body store; `None` when it has none.
    pub fn quote(&self, v: &IndicatorValue) -> std::io::Result<Option<String>> {
        v.quote.text().map(|r| self.bodies.get(r)).transpose()
    }

    /// Bulletin `b`'s summary, read back from the body store.
    pub fn summary(&self, b: &Bulletin) -> Result<String, crate::diagnostics::Diagnostic> {
        self.bodies.get(b.summary.text).map_err(|e| {
            crate::diagnostics::Diagnostic::new(
                &b.file,
                format!("cannot read the summary back from the temporary folder: {e}"),
            )
            .help("make sure the temporary folder (TMPDIR) is not cleaned while a build runs")
        })
    }
}
