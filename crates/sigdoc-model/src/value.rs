//! The values a threat's fields hold, each by its kind, and the statuses a threat may have.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::attack_tree::AttackNode;
use crate::scale::ScaleName;
use crate::template::FieldKind;

/// Where a threat stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ThreatStatus {
    /// Nothing addresses it yet.
    Open,
    /// An approach addresses it.
    Mitigated,
    /// The group accepts it as it is.
    Accepted,
    /// Under discussion: only its name and abstract need be written yet.
    Proposed,
}

impl ThreatStatus {
    /// Every status, in the order documents list them.
    pub const ALL: [ThreatStatus; 4] =
        [ThreatStatus::Open, ThreatStatus::Mitigated, ThreatStatus::Accepted, ThreatStatus::Proposed];

    /// The name as threat files write it.
    pub fn name(self) -> &'static str {
        match self {
            ThreatStatus::Open => "open",
            ThreatStatus::Mitigated => "mitigated",
            ThreatStatus::Accepted => "accepted",
            ThreatStatus::Proposed => "proposed",
        }
    }

    /// The status of a name as threat files write it.
    pub fn from_name(name: &str) -> Option<ThreatStatus> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Every name, comma-separated, for messages: `open, mitigated, accepted`.
    pub fn names() -> String {
        Self::ALL.map(ThreatStatus::name).join(", ")
    }
}

impl fmt::Display for ThreatStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for ThreatStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// A cited reference with an optional note on how it addresses the threat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefUse {
    /// The reference id (`RFC 6120`).
    #[serde(rename = "ref")]
    pub id: String,
    /// How it addresses the threat (Markdown).
    pub note: Option<String>,
}

/// A potential approach and what stands in the way of implementing it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Approach {
    /// The approach (Markdown).
    pub approach: String,
    /// Its implementation issues (Markdown).
    pub implementation_issues: String,
}

/// One of the two texts of an [`Approach`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ApproachPart {
    /// The approach itself.
    Approach,
    /// What stands in the way of implementing it.
    ImplementationIssues,
}

impl ApproachPart {
    /// Both parts, in the order threat files and documents give them.
    pub const ALL: [ApproachPart; 2] = [ApproachPart::Approach, ApproachPart::ImplementationIssues];

    /// The key threat files write the part under.
    pub fn key(self) -> &'static str {
        match self {
            ApproachPart::Approach => "approach",
            ApproachPart::ImplementationIssues => "implementation_issues",
        }
    }

    /// The part of a key as threat files write it.
    pub fn from_key(key: &str) -> Option<ApproachPart> {
        Self::ALL.into_iter().find(|p| p.key() == key)
    }

    /// How documents title the part.
    pub fn label(self) -> &'static str {
        match self {
            ApproachPart::Approach => "Approach",
            ApproachPart::ImplementationIssues => "Implementation issues",
        }
    }
}

impl Approach {
    /// The text of one part.
    pub fn part(&self, part: ApproachPart) -> &str {
        match part {
            ApproachPart::Approach => &self.approach,
            ApproachPart::ImplementationIssues => &self.implementation_issues,
        }
    }

    /// Both parts with their texts, in [`ApproachPart::ALL`] order.
    pub fn parts(&self) -> [(ApproachPart, &str); 2] {
        ApproachPart::ALL.map(|p| (p, self.part(p)))
    }
}

/// The value of one field, by the field's kind.
///
/// It serializes as the data the threat file holds, without its kind: a level as its
/// name, a status as its name, text as the text.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    /// One line of text.
    Text(String),
    /// Markdown prose.
    Markdown(String),
    /// A level of one of the process's scales.
    Level {
        /// The scale.
        scale: ScaleName,
        /// The level's name on it (`high`).
        level: String,
    },
    /// The threat's status.
    Status(ThreatStatus),
    /// A stated priority.
    Priority(u32),
    /// An attack tree.
    AttackTree(AttackNode),
    /// A list of references.
    References(Vec<RefUse>),
    /// A list of approaches.
    Approaches(Vec<Approach>),
    /// A list of Markdown items.
    List(Vec<String>),
}

impl FieldValue {
    /// The kind of field that holds such a value.
    pub fn kind(&self) -> FieldKind {
        match self {
            FieldValue::Text(_) => FieldKind::Text,
            FieldValue::Markdown(_) => FieldKind::Markdown,
            FieldValue::Level { scale, .. } => FieldKind::Level(scale.clone()),
            FieldValue::Status(_) => FieldKind::Status,
            FieldValue::Priority(_) => FieldKind::Priority,
            FieldValue::AttackTree(_) => FieldKind::AttackTree,
            FieldValue::References(_) => FieldKind::References,
            FieldValue::Approaches(_) => FieldKind::Approaches,
            FieldValue::List(_) => FieldKind::List,
        }
    }

    /// The text a value of one string holds as written: text, Markdown, a level's or a
    /// status's name; `None` for structured values.
    pub fn text(&self) -> Option<&str> {
        match self {
            FieldValue::Text(text) | FieldValue::Markdown(text) | FieldValue::Level { level: text, .. } => Some(text),
            FieldValue::Status(status) => Some(status.name()),
            FieldValue::Priority(_)
            | FieldValue::AttackTree(_)
            | FieldValue::References(_)
            | FieldValue::Approaches(_)
            | FieldValue::List(_) => None,
        }
    }

    /// Whether two values hold the same data as written, whatever kind each was read as:
    /// a template may change a field's kind (text to Markdown) while its text stays.
    pub fn same_data(&self, other: &FieldValue) -> bool {
        match (self.text(), other.text()) {
            (Some(a), Some(b)) => a == b,
            _ => self == other,
        }
    }
}

impl Serialize for FieldValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            FieldValue::Text(text) | FieldValue::Markdown(text) | FieldValue::Level { level: text, .. } => {
                serializer.serialize_str(text)
            }
            FieldValue::Status(status) => status.serialize(serializer),
            FieldValue::Priority(priority) => serializer.serialize_u32(*priority),
            FieldValue::AttackTree(tree) => tree.serialize(serializer),
            FieldValue::References(refs) => refs.serialize(serializer),
            FieldValue::Approaches(approaches) => approaches.serialize(serializer),
            FieldValue::List(items) => items.serialize(serializer),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn statuses_have_names() {
        assert_eq!(ThreatStatus::names(), "open, mitigated, accepted, proposed");
        for status in ThreatStatus::ALL {
            assert_eq!(ThreatStatus::from_name(status.name()), Some(status));
            assert_eq!(status.to_string(), status.name());
            assert_eq!(serde_json::to_value(status).ok(), Some(json!(status.name())));
        }
        assert_eq!(ThreatStatus::from_name("Open"), None);
        assert_eq!(ThreatStatus::from_name("closed"), None);
    }

    #[test]
    fn approach_parts_have_keys_and_labels() {
        let a = Approach { approach: "Pin keys.".into(), implementation_issues: "Deployment.".into() };
        assert_eq!(
            a.parts(),
            [(ApproachPart::Approach, "Pin keys."), (ApproachPart::ImplementationIssues, "Deployment.")]
        );
        assert_eq!(ApproachPart::ALL.map(ApproachPart::key), ["approach", "implementation_issues"]);
        assert_eq!(ApproachPart::ALL.map(ApproachPart::label), ["Approach", "Implementation issues"]);
        for part in ApproachPart::ALL {
            assert_eq!(ApproachPart::from_key(part.key()), Some(part));
        }
        assert_eq!(ApproachPart::from_key("issues"), None);
        let value = serde_json::to_value(&a).ok();
        assert_eq!(value, Some(json!({"approach": "Pin keys.", "implementation_issues": "Deployment."})));
    }

    fn leaf(goal: &str) -> AttackNode {
        AttackNode {
            goal: goal.into(),
            gate: None,
            children: Vec::new(),
            cost: Some(1.0),
            possible: true,
            equipment: false,
        }
    }

    fn level(scale: ScaleName, level: &str) -> FieldValue {
        FieldValue::Level { scale, level: level.into() }
    }

    #[test]
    fn values_say_their_kind_and_serialize_as_written() {
        let tree = leaf("Win");
        let cases = [
            (FieldValue::Text("a".into()), FieldKind::Text, json!("a")),
            (FieldValue::Markdown("*b*".into()), FieldKind::Markdown, json!("*b*")),
            (level(ScaleName::Damage, "high"), FieldKind::Level(ScaleName::Damage), json!("high")),
            (FieldValue::Status(ThreatStatus::Mitigated), FieldKind::Status, json!("mitigated")),
            (FieldValue::Priority(2), FieldKind::Priority, json!(2)),
            (
                FieldValue::AttackTree(tree.clone()),
                FieldKind::AttackTree,
                serde_json::to_value(&tree).unwrap_or_default(),
            ),
            (
                FieldValue::References(vec![RefUse { id: "RFC 6120".into(), note: None }]),
                FieldKind::References,
                json!([{"ref": "RFC 6120", "note": null}]),
            ),
            (
                FieldValue::Approaches(vec![Approach { approach: "x".into(), implementation_issues: "y".into() }]),
                FieldKind::Approaches,
                json!([{"approach": "x", "implementation_issues": "y"}]),
            ),
            (FieldValue::List(vec!["one".into()]), FieldKind::List, json!(["one"])),
        ];
        for (value, kind, data) in cases {
            assert_eq!(value.kind(), kind, "{value:?}");
            assert_eq!(serde_json::to_value(&value).ok(), Some(data), "{value:?}");
        }
    }

    #[test]
    fn text_is_what_a_one_string_value_holds() {
        assert_eq!(FieldValue::Text("a".into()).text(), Some("a"));
        assert_eq!(FieldValue::Markdown("b".into()).text(), Some("b"));
        assert_eq!(level(ScaleName::Likelihood, "low").text(), Some("low"));
        assert_eq!(FieldValue::Status(ThreatStatus::Accepted).text(), Some("accepted"));
        assert_eq!(FieldValue::Priority(1).text(), None);
        assert_eq!(FieldValue::List(vec!["a".into()]).text(), None);
        assert_eq!(FieldValue::References(Vec::new()).text(), None);
        assert_eq!(FieldValue::Approaches(Vec::new()).text(), None);
        assert_eq!(FieldValue::AttackTree(leaf("Win")).text(), None);
    }

    #[test]
    fn same_data_ignores_the_kind_of_text() {
        let text = FieldValue::Text("low".into());
        assert!(text.same_data(&FieldValue::Markdown("low".into())));
        assert!(text.same_data(&level(ScaleName::Likelihood, "low")));
        assert!(!text.same_data(&FieldValue::Markdown("high".into())));
        assert!(FieldValue::Status(ThreatStatus::Open).same_data(&FieldValue::Text("open".into())));
        assert!(FieldValue::Priority(1).same_data(&FieldValue::Priority(1)));
        assert!(!FieldValue::Priority(1).same_data(&FieldValue::Priority(2)));
        assert!(!FieldValue::List(vec!["1".into()]).same_data(&FieldValue::Text("1".into())));
        assert!(!FieldValue::Text("1".into()).same_data(&FieldValue::List(vec!["1".into()])));
    }
}
