//! What `template.pdf` shows besides the shared header: the fields every threat fills.

use serde::Serialize;
use sigdoc_model::{Deliverables, Field, References};

use super::prose::Prose;
use super::rating::RatingView;
use crate::markdown::to_nodes;

/// The content of `template.pdf`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TemplateView {
    /// The template's introduction.
    pub body: Prose,
    /// The fields, in the template's order.
    pub fields: Vec<TemplateFieldView>,
    /// The process's rating, which level fields name.
    pub rating: RatingView,
}

/// One field of the template, as the template document describes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TemplateFieldView {
    /// The key threats use.
    pub key: String,
    /// How the field is titled.
    pub label: String,
    /// The kind, with a level's scale: `level (damage)`.
    pub kind: String,
    /// Whether every threat must fill it.
    pub required: bool,
    /// Instructions for authors.
    pub guidance: Prose,
}

impl TemplateView {
    /// The view of the template deliverable.
    pub fn new(d: &Deliverables) -> TemplateView {
        let refs = &d.references;
        TemplateView {
            body: to_nodes(&d.template.intro.text, refs),
            fields: d.template.fields.iter().map(|f| TemplateFieldView::new(f, refs)).collect(),
            rating: RatingView::new(&d.process, refs),
        }
    }
}

impl TemplateFieldView {
    /// The view of one field.
    pub fn new(field: &Field, refs: &References) -> TemplateFieldView {
        TemplateFieldView {
            key: field.key.clone(),
            label: field.label.clone(),
            kind: field.kind.describe(),
            required: field.required,
            guidance: to_nodes(&field.guidance, refs),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::example::example;

    #[test]
    fn the_example_template() {
        let d = example();
        let view = TemplateView::new(&d);
        let fields: Vec<(&str, &str, bool)> =
            view.fields.iter().map(|f| (f.key.as_str(), f.kind.as_str(), f.required)).collect();
        assert_eq!(fields[0], ("name", "text", true));
        assert_eq!(fields[3], ("attack_tree", "attack-tree", true));
        assert_eq!(fields[4], ("likelihood", "level (likelihood)", true));
        assert_eq!(fields[5], ("damage", "level (damage)", true));
        assert_eq!(fields.len(), d.template.fields.len());
        assert_eq!(view.fields[0].label, "Name");
        let data = serde_json::to_value(&view).unwrap_or_default();
        assert_eq!(
            data["fields"][0]["guidance"][0]["c"][0],
            "A short noun phrase naming the attack and where it applies."
        );
        assert_eq!(data["body"][0]["t"], "par");
        assert_eq!(view.rating, RatingView::new(&d.process, &d.references));
    }
}
