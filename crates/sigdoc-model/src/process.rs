//! `process.md`: the process prose plus the rating scales and the priority matrix.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_yaml::{Mapping, Value};

use crate::front::MarkdownDoc;
use crate::reader::{Reader, child, describe, index, suggest};
use crate::scale::ScaleName;
use crate::yaml::Seg;

/// One level of a rating scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScaleLevel {
    /// The value threats use: `low`.
    pub level: String,
    /// How it is shown: `Low`.
    pub label: String,
    /// What it means, precisely (Markdown).
    pub meaning: String,
}

/// A rating scale, lowest level first.
pub type Scale = Vec<ScaleLevel>;

/// One priority level: 1 is the most urgent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PriorityLevel {
    /// The number.
    pub level: u32,
    /// Short name.
    pub label: String,
    /// What it means for the group's work (Markdown).
    pub meaning: String,
}

/// The process deliverable.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Process {
    /// Metadata and prose.
    pub doc: MarkdownDoc,
    /// Scales by name (`likelihood`, `damage`).
    pub scales: BTreeMap<String, Scale>,
    /// Priority levels, most urgent first as written.
    pub priorities: Vec<PriorityLevel>,
    /// `matrix[likelihood][damage]` = priority level.
    pub matrix: BTreeMap<String, BTreeMap<String, u32>>,
    /// `review: {max_releases: N}`: every threat is to be revisited (its file changed)
    /// at least once in any N consecutive releases.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_max_releases: Option<u32>,
}

impl Process {
    /// The scale of that name, if the process defines it.
    pub fn scale(&self, name: &ScaleName) -> Option<&Scale> {
        self.scales.get(name.name())
    }

    /// The label of a level of a scale (`High`), or the level itself when the scale
    /// does not define it.
    pub fn level_label<'a>(&'a self, scale: &ScaleName, level: &'a str) -> &'a str {
        self.scale(scale).and_then(|s| s.iter().find(|l| l.level == level)).map_or(level, |l| l.label.as_str())
    }

    /// The priority the matrix gives a likelihood and a damage level.
    pub fn priority(&self, likelihood: &str, damage: &str) -> Option<u32> {
        self.matrix.get(likelihood)?.get(damage).copied()
    }

    /// The priority level entry of a number.
    pub fn priority_level(&self, level: u32) -> Option<&PriorityLevel> {
        self.priorities.iter().find(|p| p.level == level)
    }
}

pub(crate) const PROCESS_KEYS: &[&str] =
    &["title", "abstract", "status", "type", "authors", "scales", "priority", "review"];

/// Reads `review: {max_releases: N}`, the freshness every threat must keep; N ≥ 1.
pub(crate) fn read_review(r: &mut Reader<'_>, map: &Mapping, process: &mut Process) {
    let path = child(&[], "review");
    let Some(value) = map.get("review") else { return };
    let Some(review) = r.mapping(&path, value, "the review rule: {max_releases: N}") else { return };
    r.unknown_keys(&path, review, &["max_releases"], "review");
    let key = child(&path, "max_releases");
    match review.get("max_releases") {
        None => r.error(&path, "\"review\" is missing required key \"max_releases\""),
        Some(n) => match n.as_u64().and_then(|n| u32::try_from(n).ok()).filter(|n| *n >= 1) {
            Some(n) => process.review_max_releases = Some(n),
            None => r.error(
                &key,
                format!("max_releases must be a whole number of releases, 1 or more, not {}", describe(n)),
            ),
        },
    }
}

pub(crate) fn read_rating(r: &mut Reader<'_>, map: &Mapping, process: &mut Process) {
    let root: Vec<Seg> = Vec::new();
    match map.get("scales") {
        None | Some(Value::Null) => r.error(&root, "process.md front matter is missing required key \"scales\""),
        Some(value) => {
            let path = child(&root, "scales");
            if let Some(scales) = r.mapping(&path, value, "the rating scales") {
                for (name, levels) in scales {
                    let Some(name) = name.as_str() else { continue };
                    let p = child(&path, name);
                    process.scales.insert(name.to_owned(), read_scale(r, &p, levels));
                }
                for needed in ScaleName::MATRIX {
                    if process.scale(&needed).is_none() {
                        r.error(&path, format!("the scale \"{needed}\" is missing"));
                    }
                }
            }
        }
    }
    match map.get("priority") {
        None | Some(Value::Null) => r.error(&root, "process.md front matter is missing required key \"priority\""),
        Some(value) => {
            let path = child(&root, "priority");
            if let Some(priority) = r.mapping(&path, value, "the priority scheme") {
                r.unknown_keys(&path, priority, &["levels", "matrix"], "priority");
                read_priority(r, &path, priority, process);
            }
        }
    }
}

fn read_scale(r: &mut Reader<'_>, path: &[Seg], value: &Value) -> Scale {
    let mut scale = Scale::new();
    let Some(items) = r.sequence(path, value, "a scale: a list of {level, label, meaning}") else { return scale };
    for (i, item) in items.iter().enumerate() {
        let p = index(path, i);
        let Some(map) = r.mapping(&p, item, "a scale level") else { continue };
        r.unknown_keys(&p, map, &["level", "label", "meaning"], "a scale level");
        let Some(level) = r.string(&p, map, "level", true, "a scale level") else { continue };
        if scale.iter().any(|l: &ScaleLevel| l.level == level) {
            r.error(&child(&p, "level"), format!("duplicate level \"{level}\" in this scale"));
            continue;
        }
        let label = r.string(&p, map, "label", false, "a scale level").unwrap_or_else(|| level.clone());
        let meaning = r.string(&p, map, "meaning", true, "a scale level").unwrap_or_default();
        scale.push(ScaleLevel { level, label, meaning });
    }
    if scale.is_empty() {
        r.error(path, "a scale needs at least one level");
    }
    scale
}

fn read_priority(r: &mut Reader<'_>, path: &[Seg], map: &Mapping, process: &mut Process) {
    let levels_path = child(path, "levels");
    // When a priority level cannot be read, cells naming it are not errors of their own.
    let mut levels_complete = true;
    match map.get("levels") {
        None | Some(Value::Null) => r.error(path, "\"priority\" is missing required key \"levels\""),
        Some(value) => {
            if let Some(items) = r.sequence(&levels_path, value, "the priority levels") {
                for (i, item) in items.iter().enumerate() {
                    let p = index(&levels_path, i);
                    let Some(m) = r.mapping(&p, item, "a priority level") else { continue };
                    r.unknown_keys(&p, m, &["level", "label", "meaning"], "a priority level");
                    let Some(level) = m.get("level").and_then(Value::as_u64).and_then(|n| u32::try_from(n).ok()) else {
                        r.error(&child(&p, "level"), "a priority level needs \"level\": a whole number such as 1");
                        levels_complete = false;
                        continue;
                    };
                    if process.priorities.iter().any(|l| l.level == level) {
                        r.error(&child(&p, "level"), format!("duplicate priority level {level}"));
                        continue;
                    }
                    let label = r.string(&p, m, "label", true, "a priority level").unwrap_or_default();
                    let meaning = r.string(&p, m, "meaning", false, "a priority level").unwrap_or_default();
                    process.priorities.push(PriorityLevel { level, label, meaning });
                }
            }
        }
    }
    let matrix_path = child(path, "matrix");
    let Some(value) = map.get("matrix").filter(|v| !v.is_null()) else {
        r.error(path, "\"priority\" is missing required key \"matrix\"");
        return;
    };
    let Some(rows) = r.mapping(&matrix_path, value, "the priority matrix: matrix[likelihood][damage]") else { return };
    let names = |scale: Option<&Scale>| -> Vec<String> {
        scale.map(|s| s.iter().map(|l| l.level.clone()).collect()).unwrap_or_default()
    };
    let likelihoods = names(process.scale(&ScaleName::Likelihood));
    let damages = names(process.scale(&ScaleName::Damage));
    for (row_key, row) in rows {
        let Some(likelihood) = row_key.as_str() else { continue };
        let row_path = child(&matrix_path, likelihood);
        if !likelihoods.is_empty() && !likelihoods.iter().any(|l| l == likelihood) {
            let hint = suggest(likelihood, likelihoods.iter().map(String::as_str))
                .map(|s| format!("did you mean \"{s}\"? "))
                .unwrap_or_default();
            r.error_key(
                &row_path,
                format!(
                    "the matrix names unknown likelihood level \"{likelihood}\" ({hint}expected one of: {})",
                    likelihoods.join(", ")
                ),
            );
            continue;
        }
        let Some(cells) = r.mapping(&row_path, row, "a matrix row: damage level -> priority") else { continue };
        let mut out = BTreeMap::new();
        for (cell_key, cell) in cells {
            let Some(damage) = cell_key.as_str() else { continue };
            let cell_path = child(&row_path, damage);
            if !damages.is_empty() && !damages.iter().any(|d| d == damage) {
                let hint = suggest(damage, damages.iter().map(String::as_str))
                    .map(|s| format!("did you mean \"{s}\"? "))
                    .unwrap_or_default();
                r.error_key(
                    &cell_path,
                    format!(
                        "the matrix names unknown damage level \"{damage}\" ({hint}expected one of: {})",
                        damages.join(", ")
                    ),
                );
                continue;
            }
            match cell.as_u64().and_then(|n| u32::try_from(n).ok()) {
                Some(level)
                    if !levels_complete
                        || process.priorities.is_empty()
                        || process.priorities.iter().any(|p| p.level == level) =>
                {
                    out.insert(damage.to_owned(), level);
                }
                Some(level) => r.error(&cell_path, format!("priority {level} is not one of the priority levels")),
                None => r.error(
                    &cell_path,
                    format!("a matrix cell must be a priority level number, found {}", describe(cell)),
                ),
            }
        }
        process.matrix.insert(likelihood.to_owned(), out);
    }
    for likelihood in &likelihoods {
        for damage in &damages {
            // A cell that is there but wrong has its own error already.
            let written = rows
                .get(likelihood.as_str())
                .and_then(Value::as_mapping)
                .is_some_and(|row| row.contains_key(damage.as_str()));
            if !written && process.priority(likelihood, damage).is_none() && process.matrix.contains_key(likelihood) {
                r.error(
                    &child(&matrix_path, likelihood),
                    format!("the matrix has no priority for likelihood \"{likelihood}\" and damage \"{damage}\""),
                );
            }
        }
        if !process.matrix.contains_key(likelihood) && rows.get(likelihood.as_str()).is_none() {
            r.error(&matrix_path, format!("the matrix has no row for likelihood \"{likelihood}\""));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::Deliverables;
    use crate::example::EXAMPLE;
    use crate::snapshot::Snapshot;

    /// The example with `review` set in the process's front matter, and its errors.
    fn with_review(review: &str) -> (Option<u32>, Vec<String>) {
        let files = EXAMPLE.map(|(path, text)| {
            let text = if path == "process.md" {
                text.replacen("---\n", &format!("---\n{review}\n"), 1)
            } else {
                text.to_owned()
            };
            (path, text)
        });
        let loaded = Deliverables::load(&Snapshot::from_files("documents", files));
        let errors = loaded.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.to_string()).collect();
        (loaded.deliverables.process.review_max_releases, errors)
    }

    #[test]
    fn review_freshness_is_a_number_of_releases() {
        assert_eq!(with_review(""), (None, Vec::new()));
        assert_eq!(with_review("review: {max_releases: 3}"), (Some(3), Vec::new()));
        for bad in
            ["review: {max_releases: 0}", "review: {max_releases: -1}", "review: {max_releases: two}", "review: 3"]
        {
            let (n, errors) = with_review(bad);
            assert_eq!((n, errors.len()), (None, 1), "{bad}: {errors:?}");
            assert!(errors[0].starts_with("documents/process.md:2:"), "{bad}: located: {errors:?}");
        }
        let (_, errors) = with_review("review: {max_release: 3}");
        assert!(errors.iter().any(|e| e.contains("max_release")), "{errors:?}");
    }
}
