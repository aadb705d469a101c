//! A potential approach with its implementation issues, keyed by the model's part names.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use sigdoc_model::{Approach, ApproachPart, References};

use super::prose::Prose;
use crate::markdown::to_nodes;

/// One potential approach: each of its parts under the key threat files write it under
/// (`approach`, `implementation_issues`; see [`ApproachPart::key`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ApproachView {
    /// Every part, in [`ApproachPart::ALL`] order.
    pub parts: Vec<ApproachPartView>,
}

/// One part of an approach: how documents title it, and its text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApproachPartView {
    /// Which part.
    #[serde(skip)]
    pub part: ApproachPart,
    /// How documents title the part (`Implementation issues`).
    pub label: &'static str,
    /// The part's text.
    pub text: Prose,
}

impl ApproachView {
    /// The view of one approach.
    pub fn new(approach: &Approach, refs: &References) -> ApproachView {
        let parts = approach
            .parts()
            .into_iter()
            .map(|(part, text)| ApproachPartView { part, label: part.label(), text: to_nodes(text, refs) })
            .collect();
        ApproachView { parts }
    }

    /// The view of one part.
    pub fn part(&self, part: ApproachPart) -> Option<&ApproachPartView> {
        self.parts.iter().find(|p| p.part == part)
    }
}

impl Serialize for ApproachView {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.parts.len()))?;
        for part in &self.parts {
            map.serialize_entry(part.part.key(), part)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn parts_are_keyed_and_titled_as_the_model_names_them() {
        let approach = Approach { approach: "Pin *keys*.".into(), implementation_issues: "Deployment.".into() };
        let view = ApproachView::new(&approach, &References::new());
        assert_eq!(view.parts.iter().map(|p| p.part).collect::<Vec<_>>(), ApproachPart::ALL);
        assert_eq!(view.part(ApproachPart::ImplementationIssues).map(|p| p.label), Some("Implementation issues"));
        assert_eq!(
            serde_json::to_value(&view).ok(),
            Some(json!({
                "approach": {"label": "Approach", "text": [{"t": "par", "c": ["Pin ", {"t": "em", "c": ["keys"]}, "."]}]},
                "implementation_issues": {"label": "Implementation issues", "text": [{"t": "par", "c": ["Deployment."]}]},
            }))
        );
    }
}
