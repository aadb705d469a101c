//! Attack trees: reading them, and evaluating feasibility and the cheapest attack.
//!
//! Semantics as Schneier and ADTool define them: an OR node is possible when any child
//! is and costs the cheapest possible child; AND and SAND (sequential AND) nodes are
//! possible when all children are and cost the sum. A leaf without a cost is possible
//! with an unknown cost, which makes every sum containing it unknown rather than zero.

use serde::Serialize;
use serde_yaml::{Mapping, Value};

use crate::reader::{Reader, child, describe, index};
use crate::text::escape_controls;
use crate::yaml::Seg;

/// How a node combines its children.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Gate {
    /// Any one child achieves the goal.
    Or,
    /// All children are needed.
    And,
    /// All children are needed, in the order written.
    Sand,
}

/// One node of an attack tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttackNode {
    /// What the attacker achieves at this node.
    pub goal: String,
    /// The gate of an inner node; `None` for a leaf.
    pub gate: Option<Gate>,
    /// The children of an inner node.
    pub children: Vec<AttackNode>,
    /// A leaf's cost in the group's relative units.
    pub cost: Option<f64>,
    /// Whether a leaf is possible at all.
    pub possible: bool,
    /// Whether a leaf needs special equipment.
    pub equipment: bool,
}

/// Limits that keep a hostile file from exhausting memory or the stack.
pub const MAX_NODES: usize = 1000;
/// The deepest tree accepted.
pub const MAX_DEPTH: usize = 32;
/// The largest leaf cost accepted: the sum of [`MAX_NODES`] such costs stays below 2^53,
/// where an `f64` still counts in whole units, let alone overflowing to infinity.
pub const MAX_COST: f64 = 1e12;

/// The result of evaluating a (sub)tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// Whether any attack achieves the goal.
    pub possible: bool,
    /// The cost of the cheapest attack, when known.
    pub cost: Option<f64>,
    /// True when some possible alternative's cost is unknown, so the cost may be lower.
    pub partial: bool,
    /// The leaves of the cheapest attack, as paths of child indices from the root.
    pub cheapest: Vec<Vec<usize>>,
}

/// A cost as the documents write it: `5`, not `5.0`; `2.5`; never with an exponent.
///
/// Costs are numbers that YAML may write as `1` or `1.0`: both show alike, as `f64`'s
/// `Display` writes whole numbers without a fraction and never in exponent form. Every
/// presenter (PDF, terminal, JSON report) words a cost through this one function.
pub fn format_cost(cost: f64) -> String {
    cost.to_string()
}

impl AttackNode {
    /// Whether this node is a leaf.
    pub fn is_leaf(&self) -> bool {
        self.children.is_empty()
    }

    /// Number of nodes in the tree.
    pub fn count(&self) -> usize {
        1 + self.children.iter().map(AttackNode::count).sum::<usize>()
    }

    /// The node at a path of child indices.
    pub fn at(&self, path: &[usize]) -> Option<&AttackNode> {
        path.iter().try_fold(self, |node, &i| node.children.get(i))
    }

    /// Evaluates feasibility, cost and the cheapest attack.
    pub fn evaluate(&self) -> Evaluation {
        self.evaluate_at(&mut Vec::new())
    }

    fn evaluate_at(&self, path: &mut Vec<usize>) -> Evaluation {
        if self.is_leaf() {
            // A tree built by hand may hold costs the reader refuses: they count as unknown.
            let cost = self.cost.filter(|c| c.is_finite() && *c >= 0.0);
            return Evaluation {
                possible: self.possible,
                cost: if self.possible { cost } else { None },
                partial: false,
                cheapest: if self.possible { vec![path.clone()] } else { Vec::new() },
            };
        }
        let children: Vec<Evaluation> = self
            .children
            .iter()
            .enumerate()
            .map(|(i, c)| {
                path.push(i);
                let e = c.evaluate_at(path);
                path.pop();
                e
            })
            .collect();
        match self.gate.unwrap_or(Gate::Or) {
            Gate::Or => {
                let possible: Vec<&Evaluation> = children.iter().filter(|e| e.possible).collect();
                if possible.is_empty() {
                    return Evaluation { possible: false, cost: None, partial: false, cheapest: Vec::new() };
                }
                // Ties go to the child written first: min_by keeps the first minimum.
                let best_known = possible
                    .iter()
                    .filter(|e| e.cost.is_some())
                    .min_by(|a, b| a.cost.unwrap_or(0.0).total_cmp(&b.cost.unwrap_or(0.0)));
                let unknown = possible.iter().any(|e| e.cost.is_none() || e.partial);
                let chosen = best_known.copied().unwrap_or(possible[0]);
                Evaluation { possible: true, cost: chosen.cost, partial: unknown, cheapest: chosen.cheapest.clone() }
            }
            Gate::And | Gate::Sand => {
                let possible = children.iter().all(|e| e.possible);
                if !possible {
                    return Evaluation { possible: false, cost: None, partial: false, cheapest: Vec::new() };
                }
                let cost = children.iter().try_fold(0.0, |sum, e| e.cost.map(|c| saturating_add(sum, c)));
                Evaluation {
                    possible: true,
                    cost,
                    partial: children.iter().any(|e| e.partial),
                    cheapest: children.into_iter().flat_map(|e| e.cheapest).collect(),
                }
            }
        }
    }
}

/// A sum of costs that stays finite: the reader's limits keep sums far from overflowing,
/// but a tree built by hand has no limits.
fn saturating_add(a: f64, b: f64) -> f64 {
    let sum = a + b;
    if sum.is_finite() { sum } else { f64::MAX }
}

const NODE_KEYS: &[&str] = &["goal", "gate", "children", "cost", "possible", "equipment"];

/// The nodes a tree being read may still have.
struct Budget {
    left: usize,
    /// Whether a node beyond [`MAX_NODES`] was met.
    exceeded: bool,
}

/// Reads an attack tree, enforcing the size and depth limits.
pub(crate) fn read_tree(r: &mut Reader<'_>, path: &[Seg], value: &Value) -> Option<AttackNode> {
    let mut budget = Budget { left: MAX_NODES, exceeded: false };
    let node = read_node(r, path, value, 0, &mut budget);
    if budget.exceeded {
        r.error(path, format!("the attack tree has more than {MAX_NODES} nodes"));
        return None;
    }
    node
}

fn read_node(r: &mut Reader<'_>, path: &[Seg], value: &Value, depth: usize, budget: &mut Budget) -> Option<AttackNode> {
    if budget.left == 0 {
        budget.exceeded = true;
        return None;
    }
    budget.left -= 1;
    if depth >= MAX_DEPTH {
        r.error(path, format!("the attack tree is deeper than {MAX_DEPTH} levels"));
        return None;
    }
    let map: &Mapping = r.mapping(path, value, "an attack-tree node: {goal, gate, children} or a leaf {goal, cost}")?;
    r.unknown_keys(path, map, NODE_KEYS, "an attack-tree node");
    let goal = r.string(path, map, "goal", true, "an attack-tree node");
    let gate = match r.string(path, map, "gate", false, "an attack-tree node").as_deref() {
        None => None,
        Some("or") => Some(Gate::Or),
        Some("and") => Some(Gate::And),
        Some("sand") => Some(Gate::Sand),
        Some(other) => {
            let other = escape_controls(other);
            r.error(&child(path, "gate"), format!("unknown gate \"{other}\" (expected one of: or, and, sand)"));
            None
        }
    };
    let mut children = Vec::new();
    if let Some(value) = map.get("children").filter(|v| !v.is_null()) {
        let cp = child(path, "children");
        if let Some(items) = r.sequence(&cp, value, "the children of a node") {
            for (i, item) in items.iter().enumerate() {
                if budget.exceeded {
                    break;
                }
                if let Some(c) = read_node(r, &index(&cp, i), item, depth + 1, budget) {
                    children.push(c);
                }
            }
            if items.is_empty() {
                r.error(&cp, "\"children\" is empty: give the node children or make it a leaf");
            }
        }
    }
    if map.contains_key("gate") && !map.contains_key("children") {
        r.error(path, "a node with a gate needs \"children\"");
    }
    if map.contains_key("children") && !map.contains_key("gate") {
        r.error(path, "a node with children needs a \"gate\" (or, and, sand)");
    }
    let cost = match map.get("cost") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => match n.as_f64() {
            Some(c) if c > MAX_COST => {
                r.error(&child(path, "cost"), format!("cost must be at most {MAX_COST}, found {n}"));
                None
            }
            // Not NaN either.
            Some(c) if c >= 0.0 => Some(c),
            _ => {
                r.error(&child(path, "cost"), format!("cost must be a number of at least 0, found {n}"));
                None
            }
        },
        Some(other) => {
            r.error(&child(path, "cost"), format!("cost must be a number of at least 0, found {}", describe(other)));
            None
        }
    };
    if !children.is_empty() {
        for key in ["cost", "possible", "equipment"] {
            if map.contains_key(key) {
                r.warning_key(
                    &child(path, key),
                    format!("\"{key}\" applies to leaves only; an inner node's value is computed from its children"),
                );
            }
        }
    }
    Some(AttackNode {
        goal: goal?,
        gate,
        children,
        cost,
        possible: r.boolean(path, map, "possible").unwrap_or(true),
        equipment: r.boolean(path, map, "equipment").unwrap_or(false),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(goal: &str, cost: Option<f64>) -> AttackNode {
        AttackNode { goal: goal.into(), gate: None, children: vec![], cost, possible: true, equipment: false }
    }

    fn gate(gate: Gate, children: Vec<AttackNode>) -> AttackNode {
        AttackNode { goal: "g".into(), gate: Some(gate), children, cost: None, possible: true, equipment: false }
    }

    #[test]
    fn or_takes_the_cheapest_and_and_sums() {
        let tree = gate(
            Gate::Or,
            vec![gate(Gate::And, vec![leaf("a", Some(2.0)), leaf("b", Some(3.0))]), leaf("c", Some(4.0))],
        );
        let e = tree.evaluate();
        assert_eq!(e.cost, Some(4.0));
        assert_eq!(e.cheapest, vec![vec![1]]);
        let tree = gate(Gate::Sand, vec![leaf("a", Some(2.0)), leaf("b", Some(3.0))]);
        assert_eq!(tree.evaluate().cost, Some(5.0));
        assert_eq!(tree.evaluate().cheapest, vec![vec![0], vec![1]]);
    }

    #[test]
    fn unknown_costs_are_not_zero() {
        let tree = gate(Gate::And, vec![leaf("a", Some(2.0)), leaf("b", None)]);
        let e = tree.evaluate();
        assert!(e.possible);
        assert_eq!(e.cost, None);
        let tree = gate(Gate::Or, vec![leaf("a", None), leaf("b", Some(7.0))]);
        let e = tree.evaluate();
        assert_eq!(e.cost, Some(7.0));
        assert!(e.partial, "an OR with an unknown alternative says so");
    }

    #[test]
    fn impossible_leaves_never_count() {
        let mut impossible = leaf("x", Some(0.0));
        impossible.possible = false;
        let tree = gate(Gate::Or, vec![impossible.clone(), leaf("b", Some(9.0))]);
        assert_eq!(tree.evaluate().cost, Some(9.0));
        let tree = gate(Gate::And, vec![impossible.clone(), leaf("b", Some(9.0))]);
        assert!(!tree.evaluate().possible);
        let tree = gate(Gate::Or, vec![impossible]);
        assert!(!tree.evaluate().possible);
        assert!(tree.evaluate().cheapest.is_empty());
    }

    #[test]
    fn ties_go_to_the_first_child() {
        let tree = gate(Gate::Or, vec![leaf("a", Some(1.0)), leaf("b", Some(1.0))]);
        assert_eq!(tree.evaluate().cheapest, vec![vec![0]]);
    }

    fn read(text: &str) -> (Option<AttackNode>, Vec<crate::Diagnostic>) {
        let doc = crate::yaml::YamlDoc::parse("t.yaml", text, 0).unwrap();
        let mut diags = Vec::new();
        let path = [Seg::Key("tree".into())];
        let tree = read_tree(&mut Reader::new(&doc, &mut diags), &path, &doc.value["tree"]);
        (tree, diags)
    }

    /// A tree of `n` nodes: a root over an AND node of `n - 3` leaves and one more leaf,
    /// so that the budget runs out inside a subtree.
    fn tree_of(n: usize) -> String {
        let mut text = String::from("x: 1\ntree:\n  goal: root\n  gate: or\n  children:\n");
        text.push_str("    - goal: half\n      gate: and\n      children:\n");
        for i in 0..n - 3 {
            text.push_str(&format!("        - {{goal: leaf {i}, cost: 1}}\n"));
        }
        text.push_str("    - {goal: last, cost: 2}\n");
        text
    }

    /// Issue 13: a tree of exactly MAX_NODES nodes was refused.
    #[test]
    fn the_node_limit_is_inclusive() {
        let (tree, diags) = read(&tree_of(MAX_NODES));
        assert!(diags.is_empty(), "{diags:?}");
        let tree = tree.unwrap();
        assert_eq!(tree.count(), MAX_NODES);
        assert_eq!(tree.evaluate().cost, Some(2.0));
        let (tree, diags) = read(&tree_of(MAX_NODES + 1));
        assert_eq!(tree, None);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(
            (diags[0].line, diags[0].column, diags[0].message.as_str()),
            (3, 3, "the attack tree has more than 1000 nodes")
        );
    }

    /// Issue 13: two AND costs of 1.7e308 summed to infinity.
    #[test]
    fn costs_are_bounded_where_they_are_written() {
        let text = "tree:\n  goal: g\n  gate: and\n  children:\n    - {goal: a, cost: 1.7e308}\n    - {goal: b, cost: 1000000000000}\n    - {goal: c, cost: .inf}\n";
        let (tree, diags) = read(text);
        let found: Vec<_> = diags.iter().map(|d| (d.line, d.column, d.message.as_str())).collect();
        assert_eq!(
            found,
            [
                (5, 23, "cost must be at most 1000000000000, found 1.7e308"),
                (7, 23, "cost must be at most 1000000000000, found .inf"),
            ]
        );
        let tree = tree.unwrap();
        assert_eq!(tree.children[1].cost, Some(MAX_COST));
        assert_eq!(tree.evaluate().cost, None, "refused costs are unknown");
        let (_, diags) = read("tree: {goal: g, cost: .nan}\n");
        assert_eq!(diags[0].message, "cost must be a number of at least 0, found .nan");
    }

    #[test]
    fn sums_of_the_largest_costs_stay_exact() {
        let tree = gate(Gate::And, (0..999).map(|_| leaf("l", Some(MAX_COST))).collect());
        assert_eq!(tree.evaluate().cost, Some(999e12));
        assert_eq!(999e12 + 1.0 - 999e12, 1.0, "whole units still count");
    }

    #[test]
    fn evaluation_of_a_tree_built_by_hand_never_yields_inf_or_nan() {
        let tree = gate(Gate::And, vec![leaf("a", Some(1.7e308)), leaf("b", Some(1.7e308))]);
        assert_eq!(tree.evaluate().cost, Some(f64::MAX));
        for bad in [f64::INFINITY, f64::NAN, -1.0, f64::NEG_INFINITY] {
            let tree = gate(Gate::Or, vec![leaf("a", Some(bad)), leaf("b", Some(3.0))]);
            let e = tree.evaluate();
            assert_eq!(e.cost, Some(3.0), "{bad}");
            assert!(e.partial, "{bad} counts as unknown");
            assert_eq!(gate(Gate::And, vec![leaf("a", Some(bad))]).evaluate().cost, None, "{bad}");
        }
    }

    #[test]
    fn gates_are_quoted_escaped() {
        let (_, diags) = read("tree: {goal: g, gate: \"x\\e]0;\", children: [{goal: a}]}\n");
        assert_eq!(diags[0].message, "unknown gate \"x\\u{1b}]0;\" (expected one of: or, and, sand)");
    }

    /// A chain of `levels` nodes, each the only child of the one before.
    fn chain_of(levels: usize) -> String {
        let mut text = String::from("tree:\n");
        for level in 0..levels - 1 {
            let indent = "  ".repeat(2 * level + 1);
            text.push_str(&format!("{indent}goal: level {level}\n{indent}gate: and\n{indent}children:\n{indent}-\n"));
        }
        text.push_str(&format!("{}goal: leaf\n{0}cost: 3\n", "  ".repeat(2 * levels - 1)));
        text
    }

    #[test]
    fn the_depth_limit_is_inclusive_and_located() {
        let (tree, diags) = read(&chain_of(MAX_DEPTH));
        assert!(diags.is_empty(), "{diags:?}");
        let tree = tree.unwrap();
        assert_eq!(tree.count(), MAX_DEPTH);
        assert_eq!(tree.at(&[0; MAX_DEPTH - 1]).map(|n| n.goal.as_str()), Some("leaf"));
        assert_eq!(tree.at(&[0, 1]), None);
        assert_eq!(tree.evaluate().cost, Some(3.0));
        // The branch that goes too deep is dropped; the error stops the build.
        let (tree, diags) = read(&chain_of(MAX_DEPTH + 1));
        assert_eq!(tree.map(|t| t.count()), Some(MAX_DEPTH));
        let found: Vec<_> = diags.iter().map(|d| (d.line, d.column, d.message.as_str())).collect();
        assert_eq!(
            found,
            [(2 + 4 * MAX_DEPTH, 2 * (2 * MAX_DEPTH + 1) + 1, "the attack tree is deeper than 32 levels")]
        );
    }

    #[test]
    fn a_thousand_nodes_evaluate() {
        let tree = gate(Gate::Or, (0..999).map(|i| leaf("l", Some(f64::from(1000 - i)))).collect());
        assert_eq!(tree.count(), 1000);
        assert_eq!(tree.evaluate().cost, Some(2.0));
        assert_eq!(tree.evaluate().cheapest, vec![vec![998]]);
    }
}
