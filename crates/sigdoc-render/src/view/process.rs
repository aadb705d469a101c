//! What `process.pdf` shows besides the shared header: the prose and the rating tables.

use serde::Serialize;
use sigdoc_model::Deliverables;

use super::alt::risk_matrix_alt;
use super::prose::Prose;
use super::rating::RatingView;
use crate::markdown::to_nodes;

/// The content of `process.pdf`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProcessView {
    /// The process prose.
    pub body: Prose,
    /// The scales, priority levels and matrix the prose defines.
    pub rating: RatingView,
    /// The priority matrix in words (see [`risk_matrix_alt`]).
    pub matrix_alt: String,
}

impl ProcessView {
    /// The view of the process deliverable.
    pub fn new(d: &Deliverables) -> ProcessView {
        let rating = RatingView::new(&d.process, &d.references);
        ProcessView {
            body: to_nodes(&d.process.doc.body.text, &d.references),
            matrix_alt: risk_matrix_alt(&rating, None),
            rating,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::example::example;

    #[test]
    fn the_example_process() {
        let d = example();
        let view = ProcessView::new(&d);
        let data = serde_json::to_value(&view).unwrap_or_default();
        assert_eq!(data["body"][0]["t"], "heading");
        assert_eq!(data["body"][0]["c"][0], "Introduction");
        assert_eq!(view.rating, RatingView::new(&d.process, &d.references));
    }
}
