//! Reads the three registries of `content/`: localities.yaml (administrative units and their
//! hierarchy), terms.yaml (terms of office and plan years) and indicators.yaml (the indicator
//! catalogue). Every problem of every entry is reported, at its line.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use serde_yaml::{Mapping, Value};

use super::source::read_text;
use super::yaml::{self, get, scalar_text, string_list, type_name, Lines};
use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::model::locality::display_name;
use crate::model::{
    Direction, Indicator, Indicators, Localities, Locality, LocalityId, LocalityKind, Term, Terms,
};

pub const LOCALITIES: &str = "content/localities.yaml";
pub const TERMS: &str = "content/terms.yaml";
pub const INDICATORS: &str = "content/indicators.yaml";

/// One entry of a registry: its mapping and its place in the list (its lines are found
/// from it only for an error).
struct Entry<'a> {
    map: &'a Mapping,
    index: usize,
    lines: &'a Lines<'a>,
}

impl Entry<'_> {
    /// The file line of the entry's `key`, else of its first line.
    fn key_line(&self, key: &str) -> usize {
        self.lines.key_line(self.lines.top_item(self.index), key)
    }

    /// The file line where the entry starts.
    fn first_line(&self) -> usize {
        self.lines.file_line(self.lines.top_item(self.index).start)
    }
}

/// Whether a registry file was there and readable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    Missing,
    /// Present, but not readable as a list (not UTF-8, malformed YAML, not a list).
    Broken,
    Read,
}

/// What is done with the entries of a registry.
type EntriesFn<'f> = dyn FnMut(&[Entry], &Lines, &mut Vec<Diagnostic>) + 'f;

/// Reads a registry file as a list of mappings and hands them to `f`.
fn read_list(root: &Path, rel: &str, errors: &mut Vec<Diagnostic>, f: &mut EntriesFn) -> Presence {
    let path = root.join(rel);
    if !path.exists() {
        return Presence::Missing;
    }
    let text = match read_text(&path, Path::new(rel)) {
        Ok(t) => t,
        Err(e) => {
            errors.push(e);
            return Presence::Broken;
        }
    };
    let value = match yaml::parse(&text, Path::new(rel), 1) {
        Ok(v) => v,
        Err(e) => {
            errors.push(e);
            return Presence::Broken;
        }
    };
    let lines = Lines::new(&text, 1);
    let items = match &value {
        Value::Sequence(items) => items,
        Value::Null => {
            f(&[], &lines, errors);
            return Presence::Read;
        }
        other => {
            errors.push(
                Diagnostic::at(
                    rel,
                    1,
                    format!(
                        "the registry must be a list of entries, found {}",
                        type_name(other)
                    ),
                )
                .help("start each entry with `- id: …`"),
            );
            return Presence::Broken;
        }
    };
    let mut entries = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item {
            Value::Mapping(map) => entries.push(Entry {
                map,
                index: i,
                lines: &lines,
            }),
            other => errors.push(Diagnostic::at(
                rel,
                lines.file_line(lines.top_item(i).start),
                format!(
                    "entry {} must be a mapping with `id:` and other fields, found {}",
                    i + 1,
                    type_name(other)
                ),
            )),
        }
    }
    f(&entries, &lines, errors);
    Presence::Read
}

/// Required text field.
fn required(e: &Entry, file: &str, key: &str, errors: &mut Vec<Diagnostic>) -> Option<String> {
    match get(e.map, key).map(|v| (v, scalar_text(v))) {
        Some((_, Some(s))) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some((v, _)) if !v.is_string() && scalar_text(v).is_none() => {
            errors.push(Diagnostic::at(
                file,
                e.key_line(key),
                format!("`{key}` must be text, found {}", type_name(v)),
            ));
            None
        }
        _ => {
            errors.push(
                Diagnostic::at(file, e.first_line(), format!("this entry has no `{key}`"))
                    .help(format!("add `{key}: …` to the entry")),
            );
            None
        }
    }
}

fn optional(e: &Entry, key: &str) -> Option<String> {
    get(e.map, key)
        .and_then(scalar_text)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// What every registry entry starts with: its keys checked, its `id` (well-formed) and
/// `name`, and the line of the `id`.
struct Head {
    id: Option<String>,
    name: Option<String>,
}

fn head(e: &Entry, file: &str, keys: &[&str], what: &str, errors: &mut Vec<Diagnostic>) -> Head {
    yaml::check_keys(
        e.map,
        keys,
        what,
        &|key| e.key_line(key),
        Path::new(file),
        errors,
    );
    let id = required(e, file, "id", errors);
    if let Some(Err(msg)) = id.as_deref().map(check_id) {
        errors.push(Diagnostic::at(file, e.key_line("id"), msg));
    }
    let name = required(e, file, "name", errors);
    Head { id, name }
}

/// Checks an id: `[a-z0-9-]+`, as used in addresses.
pub fn check_id(id: &str) -> Result<(), String> {
    if !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        Ok(())
    } else {
        Err(format!(
            "`{id}` can only be made of a-z, 0-9 and `-`, as it is used in addresses; try `{}`",
            crate::vi::slugify(id)
        ))
    }
}

fn date(e: &Entry, file: &str, key: &str, errors: &mut Vec<Diagnostic>) -> Option<NaiveDate> {
    let s = optional(e, key)?;
    match NaiveDate::parse_from_str(&s, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(
                Diagnostic::at(file, e.key_line(key), format!("`{key}: {s}` is not a date"))
                    .help("write dates as YYYY-MM-DD, e.g. 2025-07-01"),
            );
            None
        }
    }
}

/// Ids must be unique: the second use names the first. `ids` holds the entry of each id.
fn unique(
    ids: &mut HashMap<String, usize>,
    id: &str,
    e: &Entry,
    file: &str,
    errors: &mut Vec<Diagnostic>,
) -> bool {
    if let Some(&first) = ids.get(id) {
        let first_line = e.lines.key_line(e.lines.top_item(first), "id");
        errors.push(
            Diagnostic::at(
                file,
                e.key_line("id"),
                format!("the id `{id}` is used twice (first at line {first_line})"),
            )
            .help("give each entry its own id"),
        );
        false
    } else {
        ids.insert(id.to_string(), e.index);
        true
    }
}

const LOCALITY_KEYS: &[&str] = &[
    "id",
    "name",
    "kind",
    "code",
    "parent",
    "aliases",
    "established",
    "dissolved",
    "successor",
    "website",
];

/// Whether `host` is a host name as a portal's address has it (`thanhphoyenbai.yenbai.gov.vn`):
/// dot-separated labels of a-z, 0-9 and `-`, none starting or ending with `-`, at least two.
fn check_host(host: &str) -> Result<(), String> {
    let labels: Vec<&str> = host.split('.').collect();
    let good_label = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    if labels.len() >= 2 && labels.iter().all(good_label) && host.len() <= 253 {
        return Ok(());
    }
    // Say what to write instead: the host of an address, in lower case.
    let bare = host
        .trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .split(['/', ':', '?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    Err(if bare != host && labels_ok(&bare) {
        format!("write the host name alone: `{bare}`")
    } else {
        "write a host name such as `dongson.thanhhoa.gov.vn` (letters a-z, digits, `-` and dots)"
            .to_string()
    })
}

fn labels_ok(host: &str) -> bool {
    host.contains('.')
        && host
            .split('.')
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}

/// A locality read from its entry, with the references still to resolve once every entry
/// is read.
struct Pending {
    parent: Option<String>,
    successors: Vec<String>,
    /// The entry's place in the file, for the lines of errors.
    entry: usize,
}

/// Reads localities.yaml; `Ok(None)` when the file does not exist.
pub fn localities(root: &Path, errors: &mut Vec<Diagnostic>) -> (Presence, Option<Localities>) {
    let file = LOCALITIES;
    let mut result = None;
    let presence = read_list(root, file, errors, &mut |entries, lines, errors| {
        let mut ids = HashMap::new();
        // Each portal's host name, with the unit and entry that first named it.
        let mut hosts: HashMap<String, (String, usize)> = HashMap::new();
        // First pass: the entries themselves.
        let (mut list, pending): (Vec<Locality>, Vec<Pending>) = entries
            .iter()
            .filter_map(|e| locality_entry(e, &mut ids, &mut hosts, errors))
            .unzip();
        // Second pass: references, then the hierarchy's cycles.
        resolve_references(&mut list, &pending, lines, errors);
        report_cycles(&list, &pending, lines, errors);
        break_cycles(&mut list);
        result = Some(Localities::new(list));
    });
    (presence, result)
}

/// One entry of localities.yaml, checked on its own.
fn locality_entry(
    e: &Entry,
    ids: &mut HashMap<String, usize>,
    hosts: &mut HashMap<String, (String, usize)>,
    errors: &mut Vec<Diagnostic>,
) -> Option<(Locality, Pending)> {
    let file = LOCALITIES;
    let website = websites(e, hosts, errors);
    let Head { id, name } = head(e, file, LOCALITY_KEYS, "locality", errors);
    let kind_word = required(e, file, "kind", errors);
    let kind = kind_word.as_deref().and_then(|w| {
        LocalityKind::parse(w).or_else(|| {
            let words: Vec<&str> = LocalityKind::ALL.iter().map(|k| k.word()).collect();
            errors.push(
                Diagnostic::at(
                    file,
                    e.key_line("kind"),
                    format!("unknown kind of unit `{w}`"),
                )
                .help(format!("use one of: {}", words.join(", "))),
            );
            None
        })
    });
    let aliases = get(e.map, "aliases").map(|v| {
        string_list(v).unwrap_or_else(|| {
            errors.push(Diagnostic::at(
                file,
                e.key_line("aliases"),
                "`aliases` must be a list of names",
            ));
            Vec::new()
        })
    });
    let successors = get(e.map, "successor")
        .map(|v| {
            string_list(v).unwrap_or_else(|| {
                errors.push(Diagnostic::at(
                    file,
                    e.key_line("successor"),
                    "`successor` must be an id or a list of ids",
                ));
                Vec::new()
            })
        })
        .unwrap_or_default();
    let established = date(e, file, "established", errors);
    let dissolved = date(e, file, "dissolved", errors);
    if let (Some(a), Some(b)) = (established, dissolved) {
        if b < a {
            errors.push(Diagnostic::at(
                file,
                e.key_line("dissolved"),
                "the unit is dissolved before it was established",
            ));
        }
    }
    if !successors.is_empty() && dissolved.is_none() {
        errors.push(
            Diagnostic::at(
                file,
                e.key_line("successor"),
                "a unit with a `successor` needs a `dissolved` date",
            )
            .help("add `dissolved: YYYY-MM-DD`, the day the unit ceased to exist"),
        );
    }
    let (Some(id), Some(name), Some(kind)) = (id, name, kind) else {
        return None;
    };
    if !unique(ids, &id, e, file, errors) {
        return None;
    }
    let pending = Pending {
        parent: optional(e, "parent"),
        successors,
        entry: e.index,
    };
    let locality = Locality {
        display_name: display_name(kind, &name),
        id,
        name,
        kind,
        code: optional(e, "code"),
        parent: None,
        aliases: aliases.unwrap_or_default(),
        website,
        established,
        dissolved,
        successors: Vec::new(),
        predecessors: Vec::new(),
        children: Vec::new(),
    };
    Some((locality, pending))
}

/// The `website` of an entry: host names only, each belonging to one unit.
fn websites(
    e: &Entry,
    hosts: &mut HashMap<String, (String, usize)>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let file = LOCALITIES;
    let website_line = || e.key_line("website");
    let website: Vec<String> = get(e.map, "website")
        .map(|v| {
            string_list(v).unwrap_or_else(|| {
                errors.push(Diagnostic::at(
                    file,
                    website_line(),
                    "`website` must be a host name or a list of host names",
                ));
                Vec::new()
            })
        })
        .unwrap_or_default()
        .into_iter()
        .filter(|host| match check_host(host) {
            Ok(()) => true,
            Err(help) => {
                errors.push(
                    Diagnostic::at(
                        file,
                        website_line(),
                        format!("`{host}` in `website` is not a host name"),
                    )
                    .help(help),
                );
                false
            }
        })
        .collect();
    for host in &website {
        if let Some((other, other_entry)) = hosts.get(host) {
            let other_line = e.lines.key_line(e.lines.top_item(*other_entry), "website");
            errors.push(
                Diagnostic::at(
                    file,
                    website_line(),
                    format!("the website `{host}` is already the portal of `{other}` (line {other_line})"),
                )
                .help("a host name belongs to one unit: remove it from one of them"),
            );
        } else if let Some(id) = optional(e, "id") {
            hosts.insert(host.clone(), (id, e.index));
        }
    }
    website
}

/// Parents and successors by id, now that every unit is known.
fn resolve_references(
    list: &mut [Locality],
    pending: &[Pending],
    lines: &Lines,
    errors: &mut Vec<Diagnostic>,
) {
    let file = LOCALITIES;
    let index: HashMap<String, LocalityId> = list
        .iter()
        .enumerate()
        .map(|(i, l)| (l.id.clone(), LocalityId(i as u32)))
        .collect();
    let known_ids: Vec<String> = list.iter().map(|l| l.id.clone()).collect();
    let known: Vec<&str> = known_ids.iter().map(String::as_str).collect();
    let resolve =
        |id: &str, entry: usize, what: &str, errors: &mut Vec<Diagnostic>| -> Option<LocalityId> {
            let found = index.get(id).copied();
            if found.is_none() {
                errors.push(
                    Diagnostic::at(
                        file,
                        lines.key_line(lines.top_item(entry), what),
                        format!("the {what} `{id}` is not a locality of this registry"),
                    )
                    .maybe_help(did_you_mean(id, &known).map(|k| format!("did you mean `{k}`?")))
                    .help_or("add that unit to localities.yaml, or correct the id"),
                );
            }
            found
        };
    for (i, p) in pending.iter().enumerate() {
        if let Some(parent) = &p.parent {
            list[i].parent = resolve(parent, p.entry, "parent", errors);
        }
        let succ: Vec<LocalityId> = p
            .successors
            .iter()
            .filter_map(|s| resolve(s, p.entry, "successor", errors))
            .collect();
        list[i].successors = succ;
    }
}

/// An error for each unit whose parents go round in a circle.
fn report_cycles(
    list: &[Locality],
    pending: &[Pending],
    lines: &Lines,
    errors: &mut Vec<Diagnostic>,
) {
    let file = LOCALITIES;
    for i in 0..list.len() {
        let mut seen = vec![i];
        let mut cur = list[i].parent;
        while let Some(LocalityId(p)) = cur {
            let p = p as usize;
            if p == i {
                let chain: Vec<&str> = seen.iter().map(|&j| list[j].id.as_str()).collect();
                errors.push(
                    Diagnostic::at(
                        file,
                        lines.key_line(lines.top_item(pending[i].entry), "id"),
                        format!(
                            "the parents of `{}` go round in a circle: {} → {}",
                            list[i].id,
                            chain.join(" → "),
                            list[i].id
                        ),
                    )
                    .help("a unit's parent must be a larger unit that contains it"),
                );
                break;
            }
            if seen.contains(&p) {
                break; // a cycle above this unit, reported for its own members
            }
            seen.push(p);
            cur = list[p].parent;
        }
    }
}

/// Units in a cycle lose their parent, so that the model stays a tree (the error is
/// reported).
fn break_cycles(list: &mut [Locality]) {
    for i in 0..list.len() {
        let mut cycle = false;
        let mut cur = list[i].parent;
        let mut steps = 0;
        while let Some(LocalityId(p)) = cur {
            steps += 1;
            if steps > list.len() {
                cycle = true;
                break;
            }
            cur = list[p as usize].parent;
        }
        if cycle {
            list[i].parent = None; // keep the model a tree; the error is reported
        }
    }
}

const TERM_KEYS: &[&str] = &["id", "name", "body", "start", "end", "years"];

pub fn terms(root: &Path, errors: &mut Vec<Diagnostic>) -> (Presence, Option<Terms>) {
    let file = TERMS;
    let mut result = None;
    let presence = read_list(root, file, errors, &mut |entries, _, errors| {
        let mut ids = HashMap::new();
        let mut list = Vec::new();
        for e in entries {
            let Head { id, name } = head(e, file, TERM_KEYS, "term", errors);
            let start = date(e, file, "start", errors);
            let end = date(e, file, "end", errors);
            for key in ["start", "end"] {
                if optional(e, key).is_none() {
                    errors.push(
                        Diagnostic::at(
                            file,
                            e.first_line(),
                            format!("this term has no `{key}` date"),
                        )
                        .help(format!("add `{key}: YYYY-MM-DD`")),
                    );
                }
            }
            let (Some(id), Some(name), Some(start), Some(end)) = (id, name, start, end) else {
                continue;
            };
            if end < start {
                errors.push(Diagnostic::at(
                    file,
                    e.key_line("end"),
                    format!("the term `{id}` ends before it starts"),
                ));
                continue;
            }
            use chrono::Datelike;
            let years = match optional(e, "years") {
                None => (start.year() + 1, end.year()),
                Some(y) => match crate::model::Period::parse(&y) {
                    Some(p) if !p.is_part_year() => (p.start, p.end),
                    _ => {
                        errors.push(
                            Diagnostic::at(
                                file,
                                e.key_line("years"),
                                format!("`years: {y}` is not a span of years"),
                            )
                            .help("write it like \"2016-2020\""),
                        );
                        continue;
                    }
                },
            };
            if !unique(&mut ids, &id, e, file, errors) {
                continue;
            }
            list.push(Term {
                id,
                name,
                body: optional(e, "body"),
                start,
                end,
                years,
            });
        }
        result = Some(Terms::new(list));
    });
    if presence == Presence::Missing {
        errors.push(
            Diagnostic::new(file, "the terms registry is missing")
                .help("create content/terms.yaml with at least one term (`- id: \"2020-2025\"`, `name`, `start`, `end`)"),
        );
    }
    (presence, result)
}

const INDICATOR_KEYS: &[&str] = &[
    "id",
    "name",
    "short",
    "unit",
    "category",
    "direction",
    "aliases",
];

pub fn indicators(root: &Path, errors: &mut Vec<Diagnostic>) -> (Presence, Option<Indicators>) {
    let file = INDICATORS;
    let mut result = None;
    let presence = read_list(root, file, errors, &mut |entries, _, errors| {
        let mut ids = HashMap::new();
        let mut list = Vec::new();
        for e in entries {
            let Head { id, name } = head(e, file, INDICATOR_KEYS, "indicator", errors);
            let unit = required(e, file, "unit", errors);
            let direction = match optional(e, "direction").as_deref() {
                None | Some("none") => Some(Direction::None),
                Some("up") => Some(Direction::Up),
                Some("down") => Some(Direction::Down),
                Some(other) => {
                    errors.push(
                        Diagnostic::at(
                            file,
                            e.key_line("direction"),
                            format!("unknown direction `{other}`"),
                        )
                        .help("use `up` (higher is better), `down` (lower is better) or `none`"),
                    );
                    None
                }
            };
            let aliases = get(e.map, "aliases")
                .and_then(string_list)
                .unwrap_or_default();
            let (Some(id), Some(name), Some(unit), Some(direction)) = (id, name, unit, direction)
            else {
                continue;
            };
            if !unique(&mut ids, &id, e, file, errors) {
                continue;
            }
            list.push(Indicator {
                id,
                name,
                short: optional(e, "short"),
                unit: crate::model::units::normalize(&unit).into(),
                category: optional(e, "category"),
                direction,
                aliases,
            });
        }
        result = Some(Indicators::new(list));
    });
    (presence, result)
}
