//! An attack tree as a threat's section shows it, and the words for its costs.

use serde::Serialize;
use sigdoc_model::{AttackNode, Evaluation};

use super::alt::attack_tree_alt;
use crate::tree_layout::{self, Diagram, FontMeasure, PAGE_AREA, Style};

/// An attack-tree field: the drawing and the line under it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttackTreeView {
    /// The drawing, laid out for the house style's page.
    pub diagram: Diagram,
    /// `Cheapest attack: 3 — Get on the network path, Client does not require TLS`.
    pub summary: String,
    /// The tree in words, for readers who cannot see the drawing (see [`attack_tree_alt`]).
    pub alt: String,
}

impl AttackTreeView {
    /// Lays out a tree with the body font's real widths and words its cheapest attack.
    pub fn new(tree: &AttackNode) -> AttackTreeView {
        let font = FontMeasure::body();
        let diagram = tree_layout::layout(tree, PAGE_AREA, &Style::default(), &|text| font.width(text));
        AttackTreeView { diagram, summary: cheapest_attack_line(tree), alt: attack_tree_alt(tree) }
    }
}

pub use sigdoc_model::format_cost;

/// The `Cheapest attack:` line under a tree.
pub fn cheapest_attack_line(tree: &AttackNode) -> String {
    let eval = tree.evaluate();
    if !eval.possible {
        return "Cheapest attack: none feasible".into();
    }
    let leaves: Vec<&str> = eval.cheapest.iter().filter_map(|p| tree.at(p)).map(|n| n.goal.as_str()).collect();
    let cost = match eval.cost {
        Some(c) if eval.partial => format!("{} (some alternatives have no cost estimate)", format_cost(c)),
        Some(c) => format_cost(c),
        None => "unknown".into(),
    };
    format!("Cheapest attack: {cost} — {}", leaves.join(", "))
}

/// The cost of a tree's cheapest attack in one word, as the summary table's column
/// shows it: a number, `none` when no attack is feasible, `unknown` when no cost is known.
pub fn cost_column(eval: &Evaluation) -> String {
    if !eval.possible {
        return "none".into();
    }
    eval.cost.map_or_else(|| "unknown".into(), format_cost)
}

#[cfg(test)]
mod tests {
    use sigdoc_model::Gate;

    use super::*;

    fn leaf(goal: &str, cost: Option<f64>, possible: bool) -> AttackNode {
        AttackNode { goal: goal.into(), gate: None, children: Vec::new(), cost, possible, equipment: false }
    }

    fn node(goal: &str, gate: Gate, children: Vec<AttackNode>) -> AttackNode {
        AttackNode { goal: goal.into(), gate: Some(gate), children, cost: None, possible: true, equipment: false }
    }

    #[test]
    fn costs_are_written_as_the_documents_write_them() {
        assert_eq!(format_cost(5.0), "5");
        assert_eq!(format_cost(0.0), "0");
        assert_eq!(format_cost(2.5), "2.5");
        assert_eq!(format_cost(-3.0), "-3");
        assert_eq!(format_cost(0.1 + 0.2), "0.30000000000000004", "the shortest form that reads back the same");
        assert_eq!(format_cost(1e15), "1000000000000000");
        assert_eq!(format_cost(1e16), "10000000000000000");
        assert_eq!(format_cost(1e-7), "0.0000001");
        assert_eq!(format_cost(f64::INFINITY), "inf");
    }

    #[test]
    fn the_cheapest_attack_line_names_cost_and_leaves() {
        let tree = node(
            "Read traffic",
            Gate::And,
            vec![
                leaf("Get on the path", Some(2.0), true),
                node(
                    "Continue without TLS",
                    Gate::Or,
                    vec![leaf("No TLS required", Some(1.0), true), leaf("Accept warning", Some(3.0), true)],
                ),
            ],
        );
        assert_eq!(cheapest_attack_line(&tree), "Cheapest attack: 3 — Get on the path, No TLS required");
        assert_eq!(cost_column(&tree.evaluate()), "3");
    }

    #[test]
    fn unknown_partial_and_impossible_costs_are_said_in_words() {
        let partial = node("Root", Gate::Or, vec![leaf("Unknown", None, true), leaf("Known", Some(4.0), true)]);
        assert_eq!(
            cheapest_attack_line(&partial),
            "Cheapest attack: 4 (some alternatives have no cost estimate) — Known"
        );
        assert_eq!(cost_column(&partial.evaluate()), "4");
        let unknown = leaf("Guess", None, true);
        assert_eq!(cheapest_attack_line(&unknown), "Cheapest attack: unknown — Guess");
        assert_eq!(cost_column(&unknown.evaluate()), "unknown");
        let impossible = node("Root", Gate::Or, vec![leaf("No", None, false), leaf("Nor", Some(1.0), false)]);
        assert_eq!(cheapest_attack_line(&impossible), "Cheapest attack: none feasible");
        assert_eq!(cost_column(&impossible.evaluate()), "none");
    }

    #[test]
    fn the_view_carries_the_drawing_and_its_summary() {
        let tree = node("Root", Gate::Sand, vec![leaf("First", Some(1.5), true), leaf("Second", Some(1.0), true)]);
        let view = AttackTreeView::new(&tree);
        assert_eq!(view.summary, "Cheapest attack: 2.5 — First, Second");
        assert_eq!(view.diagram.parts.len(), 1);
        let data = serde_json::to_value(&view).unwrap_or_default();
        assert_eq!(data["summary"], "Cheapest attack: 2.5 — First, Second");
        assert!(data["diagram"]["parts"][0]["boxes"].is_array(), "{data}");
    }
}
