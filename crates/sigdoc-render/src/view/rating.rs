//! The process's rating scales, priority levels and matrix, and a threat's place on a scale.

use std::collections::BTreeMap;

use serde::Serialize;
use sigdoc_model::{Process, References, ScaleName};

use super::prose::Prose;
use crate::markdown::to_nodes;

/// The process's rating: its two scales, its priority levels and the matrix that turns a
/// likelihood and a damage level into a priority.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RatingView {
    /// The likelihood scale, lowest level first; empty when the process lacks it.
    pub likelihood: Vec<ScaleLevelView>,
    /// The damage scale, lowest level first; empty when the process lacks it.
    pub damage: Vec<ScaleLevelView>,
    /// The priority levels, as the process lists them.
    pub priorities: Vec<PriorityLevelView>,
    /// `matrix[likelihood][damage]` = priority level.
    pub matrix: BTreeMap<String, BTreeMap<String, u32>>,
}

/// One level of a scale.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScaleLevelView {
    /// The value threats use: `low`.
    pub level: String,
    /// How it is shown: `Low`.
    pub label: String,
    /// What it means.
    pub meaning: Prose,
}

/// One priority level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PriorityLevelView {
    /// The number; 1 is the most urgent.
    pub level: u32,
    /// Short name.
    pub label: String,
    /// What it means for the group's work.
    pub meaning: Prose,
}

/// A level of a scale as a threat is rated: the value and how it is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelView {
    /// The value (`high`).
    pub level: String,
    /// Its label on the scale (`High`), or the value where the scale does not define it.
    pub label: String,
}

impl RatingView {
    /// The view of the process's rating.
    pub fn new(process: &Process, refs: &References) -> RatingView {
        let scale = |name: &ScaleName| -> Vec<ScaleLevelView> {
            process
                .scale(name)
                .map(|levels| {
                    levels
                        .iter()
                        .map(|l| ScaleLevelView {
                            level: l.level.clone(),
                            label: l.label.clone(),
                            meaning: to_nodes(&l.meaning, refs),
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        RatingView {
            likelihood: scale(&ScaleName::Likelihood),
            damage: scale(&ScaleName::Damage),
            priorities: process
                .priorities
                .iter()
                .map(|p| PriorityLevelView {
                    level: p.level,
                    label: p.label.clone(),
                    meaning: to_nodes(&p.meaning, refs),
                })
                .collect(),
            matrix: process.matrix.clone(),
        }
    }
}

impl LevelView {
    /// A level of `scale` with its label from the process.
    pub fn new(process: &Process, scale: &ScaleName, level: &str) -> LevelView {
        LevelView { level: level.to_owned(), label: process.level_label(scale, level).to_owned() }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::view::example::example;

    #[test]
    fn the_example_rating() {
        let d = example();
        let view = RatingView::new(&d.process, &d.references);
        let levels = |s: &[ScaleLevelView]| s.iter().map(|l| (l.level.clone(), l.label.clone())).collect::<Vec<_>>();
        let low_medium_high =
            [("low", "Low"), ("medium", "Medium"), ("high", "High")].map(|(a, b)| (a.to_owned(), b.to_owned()));
        assert_eq!(levels(&view.likelihood), low_medium_high);
        assert_eq!(levels(&view.damage), low_medium_high);
        assert_eq!(
            view.priorities.iter().map(|p| (p.level, p.label.as_str())).collect::<Vec<_>>(),
            [(1, "Address now"), (2, "Address soon"), (3, "Monitor")]
        );
        assert_eq!(view.matrix["high"]["low"], 2);
        let data = serde_json::to_value(&view).unwrap_or_default();
        assert_eq!(
            data["likelihood"][0]["meaning"],
            json!([{"t": "par", "c": ["Needs a capability few attackers have."]}])
        );
        assert_eq!(data["priorities"][2]["meaning"][0]["c"][0], "The threat is documented and watched.");
    }

    #[test]
    fn a_missing_scale_is_empty() {
        let mut d = example();
        d.process.scales.remove("damage");
        let view = RatingView::new(&d.process, &d.references);
        assert!(view.damage.is_empty());
        assert_eq!(view.likelihood.len(), 3);
    }

    #[test]
    fn a_level_shows_its_label_or_itself() {
        let d = example();
        assert_eq!(
            LevelView::new(&d.process, &ScaleName::Damage, "high"),
            LevelView { level: "high".into(), label: "High".into() }
        );
        assert_eq!(
            LevelView::new(&d.process, &ScaleName::Other("impact".into()), "major"),
            LevelView { level: "major".into(), label: "major".into() }
        );
    }
}
