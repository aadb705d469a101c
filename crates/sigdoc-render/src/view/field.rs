//! One field of a threat's section, its value shown by the field's kind.

use serde::Serialize;
use sigdoc_model::{Deliverables, Field, FieldKind, FieldValue, Threat};

use super::approach::ApproachView;
use super::prose::Prose;
use super::rating::LevelView;
use super::reference::ReferenceView;
use super::tree::AttackTreeView;
use crate::markdown::{inline_text, to_nodes};

/// A field of a threat's section: its title and its value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldView {
    /// The template's key of the field.
    pub key: String,
    /// How the field is titled.
    pub label: String,
    /// The value, with its kind beside it under `kind`.
    #[serde(flatten)]
    pub value: FieldValueView,
}

/// A field's value by its kind: `kind` names the kind as `template.yaml` does
/// ([`FieldKind::name`]), `value` holds what the section shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "kebab-case")]
pub enum FieldValueView {
    /// One line of text, with citations.
    Text(Prose),
    /// Prose.
    Markdown(Prose),
    /// A level of a scale.
    Level(LevelView),
    /// The priority, computed from the matrix whether or not the threat states it.
    Priority(PriorityView),
    /// An attack tree.
    AttackTree(AttackTreeView),
    /// The cited references.
    References(Vec<ReferenceView>),
    /// The potential approaches.
    Approaches(Vec<ApproachView>),
    /// A list of prose items.
    List(Vec<Prose>),
    /// The threat's status, as text.
    Status(Prose),
}

/// A threat's priority as its section shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PriorityView {
    /// The priority shown: the stated one when explained, else the computed one.
    pub level: Option<u32>,
    /// The process's name for that level.
    pub label: Option<String>,
    /// What the matrix gives.
    pub computed: Option<u32>,
    /// What the threat states in this field.
    pub stated: Option<u32>,
    /// Why a stated priority differs from the matrix.
    pub reason: Option<Prose>,
}

impl FieldView {
    /// The field as `t`'s section shows it; `None` when the threat leaves it empty.
    pub fn new(t: &Threat, field: &Field, d: &Deliverables) -> Option<FieldView> {
        let value = FieldValueView::new(t, field, d)?;
        Some(FieldView { key: field.key.clone(), label: field.label.clone(), value })
    }
}

impl FieldValueView {
    fn new(t: &Threat, field: &Field, d: &Deliverables) -> Option<FieldValueView> {
        let refs = &d.references;
        if field.kind == FieldKind::Priority {
            // Computed from the matrix, so shown whether or not the threat states it.
            let stated = match t.value(&field.key) {
                Some(FieldValue::Priority(p)) => Some(*p),
                _ => None,
            };
            let view = PriorityView::new(t, stated, d);
            // A proposed threat is not rated yet: its section shows only what it has.
            if t.is_proposed() && view.level.is_none() {
                return None;
            }
            return Some(FieldValueView::Priority(view));
        }
        Some(match t.value(&field.key)? {
            FieldValue::Text(s) => FieldValueView::Text(inline_text(s, refs)),
            FieldValue::Status(s) => FieldValueView::Status(inline_text(s.name(), refs)),
            FieldValue::Markdown(s) => FieldValueView::Markdown(to_nodes(s, refs)),
            FieldValue::Level { scale, level } => FieldValueView::Level(LevelView::new(&d.process, scale, level)),
            FieldValue::AttackTree(tree) => FieldValueView::AttackTree(AttackTreeView::new(tree)),
            FieldValue::References(list) => {
                FieldValueView::References(list.iter().map(|r| ReferenceView::new(r, refs)).collect())
            }
            FieldValue::Approaches(list) => {
                FieldValueView::Approaches(list.iter().map(|a| ApproachView::new(a, refs)).collect())
            }
            FieldValue::List(items) => FieldValueView::List(items.iter().map(|i| to_nodes(i, refs)).collect()),
            // Only a priority field holds a priority, and it is shown above.
            FieldValue::Priority(_) => return None,
        })
    }
}

impl PriorityView {
    /// `t`'s priority, with what the field states.
    fn new(t: &Threat, stated: Option<u32>, d: &Deliverables) -> PriorityView {
        let level = t.priority(&d.process);
        PriorityView {
            level,
            label: level.and_then(|p| d.process.priority_level(p)).map(|p| p.label.clone()),
            computed: t.computed_priority(&d.process),
            stated,
            reason: t.priority_reason.as_ref().map(|r| to_nodes(r, &d.references)),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};
    use sigdoc_model::{Approach, AttackNode, RefUse, ScaleName, ThreatStatus};

    use super::*;
    use crate::view::example::{example, example_with};

    /// One value of each kind a field can hold, with the kind it is read as.
    fn values() -> Vec<(FieldKind, FieldValue)> {
        let leaf = AttackNode {
            goal: "Win".into(),
            gate: None,
            children: Vec::new(),
            cost: Some(1.0),
            possible: true,
            equipment: false,
        };
        vec![
            (FieldKind::Text, FieldValue::Text("a".into())),
            (FieldKind::Markdown, FieldValue::Markdown("*b*".into())),
            (FieldKind::Level(ScaleName::Damage), FieldValue::Level { scale: ScaleName::Damage, level: "high".into() }),
            (FieldKind::Priority, FieldValue::Priority(2)),
            (FieldKind::AttackTree, FieldValue::AttackTree(leaf)),
            (FieldKind::References, FieldValue::References(vec![RefUse { id: "RFC 6120".into(), note: None }])),
            (
                FieldKind::Approaches,
                FieldValue::Approaches(vec![Approach { approach: "x".into(), implementation_issues: "y".into() }]),
            ),
            (FieldKind::List, FieldValue::List(vec!["one".into()])),
            (FieldKind::Status, FieldValue::Status(ThreatStatus::Mitigated)),
        ]
    }

    fn field(key: &str, kind: FieldKind) -> Field {
        Field { key: key.into(), label: format!("The {key}"), kind, required: false, guidance: String::new() }
    }

    #[test]
    fn every_kind_is_named_as_template_files_name_it() {
        let d = example();
        let all = values();
        assert_eq!(all.len(), FieldKind::names().count(), "one value of every kind");
        for (kind, value) in all {
            let mut t = Threat::new("t", "threats/t.yaml");
            t.values.insert("k".into(), value);
            let view = FieldView::new(&t, &field("k", kind.clone()), &d);
            let data = serde_json::to_value(&view).unwrap_or_default();
            assert_eq!(data["kind"], kind.name(), "{data}");
            assert_eq!(data["key"], "k");
            assert_eq!(data["label"], "The k");
            assert!(!data["value"].is_null(), "{data}");
        }
    }

    #[test]
    fn values_are_shown_by_kind() {
        let d = example();
        let show = |value: FieldValue, kind: FieldKind| -> Value {
            let mut t = Threat::new("t", "threats/t.yaml");
            t.values.insert("k".into(), value);
            serde_json::to_value(FieldView::new(&t, &field("k", kind), &d)).unwrap_or_default()["value"].clone()
        };
        assert_eq!(
            show(FieldValue::Text("See RFC 6120 *now*".into()), FieldKind::Text)[1]["t"],
            "cite",
            "one line of text is cited but not Markdown"
        );
        assert_eq!(show(FieldValue::Text("*x*".into()), FieldKind::Text), json!(["*x*"]));
        assert_eq!(show(FieldValue::Status(ThreatStatus::Accepted), FieldKind::Status), json!(["accepted"]));
        assert_eq!(
            show(FieldValue::Markdown("*x*".into()), FieldKind::Markdown),
            json!([{"t": "par", "c": [{"t": "em", "c": ["x"]}]}])
        );
        assert_eq!(
            show(
                FieldValue::Level { scale: ScaleName::Likelihood, level: "medium".into() },
                FieldKind::Level(ScaleName::Likelihood)
            ),
            json!({"level": "medium", "label": "Medium"})
        );
        assert_eq!(
            show(FieldValue::List(vec!["a".into(), "b".into()]), FieldKind::List),
            json!([[{"t": "par", "c": ["a"]}], [{"t": "par", "c": ["b"]}]])
        );
        let refs = show(
            FieldValue::References(vec![RefUse { id: "RFC 6120".into(), note: Some("n".into()) }]),
            FieldKind::References,
        );
        assert_eq!(refs[0]["title"], "Extensible Messaging and Presence Protocol (XMPP): Core");
        assert_eq!(refs[0]["note"], json!([{"t": "par", "c": ["n"]}]));
        let approaches = show(
            FieldValue::Approaches(vec![Approach { approach: "a".into(), implementation_issues: "i".into() }]),
            FieldKind::Approaches,
        );
        assert_eq!(approaches[0]["implementation_issues"]["text"], json!([{"t": "par", "c": ["i"]}]));
    }

    #[test]
    fn an_empty_field_is_left_out_but_the_priority_is_always_shown() {
        let d = example();
        let t = Threat::new("t", "threats/t.yaml");
        assert_eq!(FieldView::new(&t, &field("k", FieldKind::Markdown), &d), None);
        let priority = FieldView::new(&t, &field("p", FieldKind::Priority), &d).map(|f| f.value);
        assert_eq!(
            priority,
            Some(FieldValueView::Priority(PriorityView {
                level: None,
                label: None,
                computed: None,
                stated: None,
                reason: None
            }))
        );
        // A stated priority outside a priority field is not a value to show.
        let mut t = Threat::new("t", "threats/t.yaml");
        t.values.insert("k".into(), FieldValue::Priority(1));
        assert_eq!(FieldView::new(&t, &field("k", FieldKind::Text), &d), None);
    }

    #[test]
    fn the_priority_shows_the_computed_level_the_stated_one_and_the_reason() {
        let d = example_with(&[(
            "threats/stated.yaml",
            "id: stated\nname: Stated\nabstract: A.\ndefinition: D.\nattack_tree: {goal: G, cost: 1}\nlikelihood: low\ndamage: low\npriority: 1\npriority_reason: Because of RFC 6120.\nexisting_approaches: []\ngap: G.\npotential_approaches: []\nrecommended: R.\n",
        )]);
        let t = d.threat("stated").cloned().unwrap_or_else(|| Threat::new("missing", ""));
        let field =
            d.template.field_of_kind(&FieldKind::Priority).cloned().unwrap_or_else(|| field("p", FieldKind::Priority));
        let Some(FieldValueView::Priority(p)) = FieldView::new(&t, &field, &d).map(|f| f.value) else {
            panic!("a priority field shows a priority")
        };
        assert_eq!((p.level, p.computed, p.stated), (Some(1), Some(3), Some(1)));
        assert_eq!(p.label.as_deref(), Some("Address now"));
        let reason = serde_json::to_value(&p.reason).unwrap_or_default();
        assert_eq!(reason[0]["c"][1]["refs"][0]["id"], "RFC 6120");
        // The example threat states none: the matrix decides.
        let t = d.threat("starttls-stripping").cloned().unwrap_or_else(|| Threat::new("missing", ""));
        let Some(FieldValueView::Priority(p)) = FieldView::new(&t, &field, &d).map(|f| f.value) else {
            panic!("a priority field shows a priority")
        };
        assert_eq!((p.level, p.computed, p.stated, p.label.as_deref()), (Some(1), Some(1), None, Some("Address now")));
        assert_eq!(p.reason, None);
    }
}
