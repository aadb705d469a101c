//! A threat as the analysis shows it: a summary row, a matrix cell and a section of fields.

use serde::Serialize;
use sigdoc_model::{Deliverables, Review, ScaleName, Threat, ThreatStatus};

use super::field::FieldView;
use super::rating::LevelView;
use super::tree::cost_column;

/// One threat of the analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThreatView {
    /// The threat's id, which anchors its section.
    pub id: String,
    /// Its name, which titles its section.
    pub name: String,
    /// Where it stands.
    pub status: Option<ThreatStatus>,
    /// The priority shown: the stated one when explained, else the computed one.
    pub priority: Option<u32>,
    /// The process's name for that priority.
    pub priority_label: Option<String>,
    /// The cost of the cheapest attack in its attack tree, in words (see [`cost_column`]).
    pub cost: Option<String>,
    /// Its level of likelihood, which places it in the risk matrix.
    pub likelihood: Option<LevelView>,
    /// Its level of damage, which places it in the risk matrix.
    pub damage: Option<LevelView>,
    /// The fields its section shows, in the template's order: every field that holds a
    /// value, and the priority, but not the name, which titles the section.
    pub fields: Vec<FieldView>,
    /// When it was last reviewed (version and date), where the history knows.
    pub last_review: Option<Review>,
}

impl ThreatView {
    /// The view of `t`, by the template, process and bibliography of `d`.
    pub fn new(t: &Threat, d: &Deliverables) -> ThreatView {
        let priority = t.priority(&d.process);
        let name_key = d.template.name_field().map(|f| f.key.as_str());
        let level = |scale: ScaleName| t.level(&scale).map(|l| LevelView::new(&d.process, &scale, l));
        ThreatView {
            id: t.id.clone(),
            name: t.name().to_owned(),
            status: t.status,
            priority,
            priority_label: priority.and_then(|p| d.process.priority_level(p)).map(|p| p.label.clone()),
            cost: t.attack_tree().map(|tree| cost_column(&tree.evaluate())),
            likelihood: level(ScaleName::Likelihood),
            damage: level(ScaleName::Damage),
            fields: d
                .template
                .fields
                .iter()
                .filter(|f| Some(f.key.as_str()) != name_key)
                .filter_map(|f| FieldView::new(t, f, d))
                .collect(),
            last_review: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::view::FieldValueView;
    use crate::view::example::{example, example_with};

    fn view(d: &Deliverables, id: &str) -> ThreatView {
        let t = d.threat(id).cloned().unwrap_or_else(|| Threat::new(id, ""));
        ThreatView::new(&t, d)
    }

    #[test]
    fn the_example_threat() {
        let d = example();
        let v = view(&d, "starttls-stripping");
        assert_eq!(v.id, "starttls-stripping");
        assert_eq!(v.name, "STARTTLS stripping");
        assert_eq!(v.status, Some(ThreatStatus::Open));
        assert_eq!((v.priority, v.priority_label.as_deref()), (Some(1), Some("Address now")));
        assert_eq!(v.cost.as_deref(), Some("3"));
        assert_eq!(v.likelihood, Some(LevelView { level: "medium".into(), label: "Medium".into() }));
        assert_eq!(v.damage, Some(LevelView { level: "high".into(), label: "High".into() }));
        let keys: Vec<&str> = v.fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "abstract",
                "definition",
                "attack_tree",
                "likelihood",
                "damage",
                "priority",
                "existing_approaches",
                "gap",
                "potential_approaches",
                "recommended",
                "status",
            ],
            "every field but the name, which titles the section"
        );
        let tree = v.fields.iter().find_map(|f| match &f.value {
            FieldValueView::AttackTree(tree) => Some(tree.summary.as_str()),
            _ => None,
        });
        assert_eq!(tree, Some("Cheapest attack: 3 — Get on the network path, Client does not require TLS"));
        let data = serde_json::to_value(&v).unwrap_or_default();
        assert_eq!(data["status"], "open");
        assert_eq!(data["likelihood"], json!({"level": "medium", "label": "Medium"}));
        assert_eq!(data["fields"][8]["kind"], "approaches");
        assert_eq!(data["fields"][8]["value"][0]["implementation_issues"]["label"], "Implementation issues");
    }

    #[test]
    fn an_unrated_threat_without_a_tree() {
        let d = example_with(&[(
            "threats/bare.yaml",
            "id: bare\nname: Bare\nabstract: A.\ndefinition: D.\nattack_tree: {goal: G, possible: false}\nlikelihood: low\ndamage: high\nexisting_approaches: []\ngap: G.\npotential_approaches: []\nrecommended: R.\n",
        )]);
        let v = view(&d, "bare");
        assert_eq!(v.cost.as_deref(), Some("none"));
        assert_eq!((v.priority, v.priority_label.as_deref()), (Some(2), Some("Address soon")));
        assert_eq!(v.status, None);
        let mut t = d.threat("bare").cloned().unwrap_or_else(|| Threat::new("bare", ""));
        t.values.clear();
        let v = ThreatView::new(&t, &d);
        assert_eq!(v.name, "bare", "without a name the id names it");
        assert_eq!((v.cost, v.likelihood, v.damage, v.priority, v.priority_label), (None, None, None, None, None));
        assert_eq!(v.fields.iter().map(|f| f.key.as_str()).collect::<Vec<_>>(), ["priority"]);
    }
}
