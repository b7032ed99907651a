//! The report of an import: for each input, the draft written or the error, the locality
//! and how it was found, the title and date, every figure proposed and every number with a
//! unit left as text. Printed as a short table; written as JSON with `--report`.

use serde::Serialize;

use super::place::How;
use super::recognise::{LeftAsText, Proposal};

/// What became of one input.
#[derive(Debug, Clone, Default, Serialize)]
pub struct InputReport {
    pub input: String,
    /// The draft's path, relative to the site root, when written.
    pub draft: Option<String>,
    pub error: Option<String>,
    pub locality: Option<String>,
    pub locality_found_by: Option<How>,
    pub title: Option<String>,
    pub date: Option<String>,
    pub figures: Vec<Proposal>,
    pub left_as_text: Vec<LeftAsText>,
}

/// The whole import.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub drafts_written: usize,
    pub failed: usize,
    pub figures_proposed: usize,
    pub left_as_text: usize,
    pub inputs: Vec<InputReport>,
}

impl Report {
    pub fn new(inputs: Vec<InputReport>) -> Report {
        Report {
            drafts_written: inputs.iter().filter(|i| i.draft.is_some()).count(),
            failed: inputs.iter().filter(|i| i.error.is_some()).count(),
            figures_proposed: inputs.iter().map(|i| i.figures.len()).sum(),
            left_as_text: inputs.iter().map(|i| i.left_as_text.len()).sum(),
            inputs,
        }
    }

    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    /// The short table printed on stdout: one line per input, then the totals.
    pub fn table(&self) -> String {
        let mut out = String::new();
        out.push_str("status  figures  left  date        locality (found by)             input → draft or error\n");
        for i in &self.inputs {
            let status = if i.error.is_some() { "FAILED" } else { "ok" };
            let loc = match (&i.locality, &i.locality_found_by) {
                (Some(l), Some(h)) => format!("{l} ({h})"),
                (Some(l), None) => l.clone(),
                _ => "-".into(),
            };
            let date = i.date.as_deref().map_or("-", |d| d.get(..10).unwrap_or(d));
            let outcome = match (&i.draft, &i.error) {
                (_, Some(e)) => format!("error: {e}"),
                (Some(d), None) => d.clone(),
                _ => String::new(),
            };
            out.push_str(&format!(
                "{status:<7} {:>7}  {:>4}  {date:<10}  {loc:<30}  {} → {outcome}\n",
                i.figures.len(),
                i.left_as_text.len(),
                i.input
            ));
        }
        out.push_str(&format!(
            "{} drafts written, {} failed; {} figures proposed, {} numbers with a unit left as text{}\n",
            self.drafts_written,
            self.failed,
            self.figures_proposed,
            self.left_as_text,
            if self.left_as_text > 0 { " (see --report FILE for each, with the words before it)" } else { "" }
        ));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_and_json() {
        let r = Report::new(vec![
            InputReport {
                input: "a.txt".into(),
                draft: Some("content/nhap/2020/a.md".into()),
                locality: Some("x".into()),
                locality_found_by: Some(How::Option),
                date: Some("2020-01-07".into()),
                ..InputReport::default()
            },
            InputReport {
                input: "b.txt".into(),
                error: Some("no date".into()),
                ..InputReport::default()
            },
        ]);
        let t = r.table();
        assert!(t.contains("a.txt → content/nhap/2020/a.md"), "{t}");
        assert!(t.contains("FAILED"), "{t}");
        assert!(t.contains("1 drafts written, 1 failed"), "{t}");
        let j: serde_json::Value = serde_json::from_str(&r.json()).unwrap();
        assert_eq!(j["failed"], 1);
        assert_eq!(j["inputs"][1]["error"], "no date");
    }
}
