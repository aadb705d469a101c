//! Trees and checks shared by the layout's unit tests.

use sigdoc_model::{AttackNode, Gate};

use super::{Area, Diagram, NodeBox, Part, Style, layout};

/// Every character half an em wide: simple to reason about, like a real font.
pub(super) fn half_em(text: &str) -> f64 {
    text.chars().count() as f64 * 0.5
}

pub(super) fn leaf(goal: &str, cost: Option<f64>) -> AttackNode {
    AttackNode { goal: goal.into(), gate: None, children: vec![], cost, possible: true, equipment: false }
}

pub(super) fn node(goal: &str, gate: Gate, children: Vec<AttackNode>) -> AttackNode {
    AttackNode { goal: goal.into(), gate: Some(gate), children, cost: None, possible: true, equipment: false }
}

/// The layout in the default style, with [`half_em`] as the font.
pub(super) fn plan(tree: &AttackNode, area: Area) -> Diagram {
    layout(tree, area, &Style::default(), &half_em)
}

fn overlaps(a: &NodeBox, b: &NodeBox) -> bool {
    a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
}

/// The properties every part must have, whatever the tree.
pub(super) fn check_part(part: &Part, area: Area, style: &Style, measure: &dyn Fn(&str) -> f64) {
    let eps = 1e-6;
    assert!(part.width <= area.width + eps, "part {} is {} wide, more than {}", part.number, part.width, area.width);
    assert!(part.height <= area.height + eps, "part {} is {} high", part.number, part.height);
    for (i, b) in part.boxes.iter().enumerate() {
        assert!(b.x >= -eps && b.y >= -eps, "box {i} starts outside the part: {b:?}");
        assert!(b.x + b.w <= part.width + eps && b.y + b.h <= part.height + eps, "box {i} ends outside: {b:?}");
        assert!(b.w >= style.min_box * part.scale - eps, "box {i} is narrower than the minimum");
        for other in &part.boxes[i + 1..] {
            assert!(!overlaps(b, other), "boxes overlap:\n{b:?}\n{other:?}");
        }
        for line in &b.lines {
            let width = measure(&line.text) * line.size;
            assert!(width <= b.w - 2.0 * style.pad_x * part.scale + eps, "line {:?} is wider than its box", line.text);
            assert!(line.y >= 0.0 && line.y + line.size <= b.h + eps, "line {:?} leaves its box vertically", line.text);
        }
    }
    assert!(
        part.scale >= style.min_scale - eps,
        "part {} is drawn at {}, below the legible minimum",
        part.number,
        part.scale
    );
}
