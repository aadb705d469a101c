//! Attack-tree diffs: nodes matched by their path of goals, and the cheapest attack.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Value, json};
use sigdoc_model::{AttackNode, Gate};

/// One node of a tree, as listed when added or removed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeInfo {
    /// The goals from the root down to this node, both included.
    pub path: Vec<String>,
    /// The node's goal.
    pub goal: String,
    /// The gate of an inner node.
    pub gate: Option<Gate>,
    /// A leaf's cost.
    pub cost: Option<f64>,
    /// Whether a leaf is possible.
    pub possible: bool,
    /// Whether a leaf needs special equipment.
    pub equipment: bool,
    /// Whether the node is a leaf.
    pub leaf: bool,
}

/// One attribute of a node that differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttrChange {
    /// `goal`, `gate`, `cost`, `possible`, `equipment`.
    pub attr: String,
    /// The old value.
    pub old: Value,
    /// The new value.
    pub new: Value,
}

/// A node present in both trees whose own attributes differ.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeChange {
    /// The path of goals in the new tree.
    pub path: Vec<String>,
    /// What differs.
    pub changes: Vec<AttrChange>,
}

/// The cheapest attack of one tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cheapest {
    /// Whether any attack achieves the root goal.
    pub possible: bool,
    /// Its cost, when known.
    pub cost: Option<f64>,
    /// True when an alternative's cost is unknown, so the cost may be lower.
    pub partial: bool,
    /// The goals of its leaves.
    pub leaves: Vec<String>,
}

/// How the cheapest attack moved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheapestChange {
    /// Before (`None`: no tree).
    pub old: Option<Cheapest>,
    /// After (`None`: no tree).
    pub new: Option<Cheapest>,
    /// Whether cost, feasibility or the leaves differ.
    pub changed: bool,
}

/// What changed in an attack tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TreeDiff {
    /// Nodes only in the new tree, in its order.
    pub added: Vec<NodeInfo>,
    /// Nodes only in the old tree, in its order.
    pub removed: Vec<NodeInfo>,
    /// Nodes in both whose own attributes differ.
    pub changed: Vec<NodeChange>,
    /// The cheapest attack before and after.
    pub cheapest: CheapestChange,
}

impl TreeDiff {
    /// Whether nothing differs.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty() && !self.cheapest.changed
    }
}

/// A node's cost as the documents write it ([`sigdoc_model::format_cost`]); `unknown`
/// when not estimated.
pub fn format_cost(cost: Option<f64>) -> String {
    cost.map_or_else(|| "unknown".to_owned(), sigdoc_model::format_cost)
}

/// One line of added or removed nodes shown as an outline.
#[derive(Debug, Clone, PartialEq)]
pub struct OutlineLine<'a> {
    /// The node.
    pub node: &'a NodeInfo,
    /// 0 for the first node of a new (or dropped) subtree, named by its path from the
    /// root; for the nodes below it, their depth under it, named by their goals alone, so
    /// that a replaced branch does not repeat its path on every line.
    pub depth: usize,
}

impl OutlineLine<'_> {
    /// What the line names the node by: its path at depth 0, else its goal.
    pub fn label(&self) -> String {
        if self.depth == 0 { self.node.path.join(" › ") } else { self.node.goal.clone() }
    }

    /// ` (cost 3)` after a leaf; nothing after an inner node.
    pub fn cost_suffix(&self) -> String {
        if self.node.leaf { format!(" (cost {})", format_cost(self.node.cost)) } else { String::new() }
    }
}

/// Added or removed nodes, in their order (parents before children), as an outline.
pub fn outline(nodes: &[NodeInfo]) -> Vec<OutlineLine<'_>> {
    let mut subtree: Option<&[String]> = None;
    let mut lines = Vec::with_capacity(nodes.len());
    for node in nodes {
        let depth = subtree
            .filter(|root| node.path.len() > root.len() && node.path.starts_with(root))
            .map(|root| node.path.len() - root.len());
        if depth.is_none() {
            subtree = Some(&node.path);
        }
        lines.push(OutlineLine { node, depth: depth.unwrap_or(0) });
    }
    lines
}

/// Nodes by their match key: the goals below the root (so that a reworded root goal is
/// a change of the root, not a new tree), with `#2`, `#3` for repeated sibling goals.
fn flatten(root: &AttackNode) -> Vec<(Vec<String>, NodeInfo)> {
    let mut out = Vec::new();
    let mut stack: Vec<(Vec<String>, Vec<String>, &AttackNode)> = vec![(Vec::new(), vec![root.goal.clone()], root)];
    while let Some((key, path, node)) = stack.pop() {
        out.push((key.clone(), info(node, path.clone())));
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut children = Vec::with_capacity(node.children.len());
        for child in &node.children {
            let n = seen.entry(child.goal.as_str()).or_insert(0);
            *n += 1;
            let mut k = key.clone();
            k.push(if *n == 1 { child.goal.clone() } else { format!("{}#{n}", child.goal) });
            let mut p = path.clone();
            p.push(child.goal.clone());
            children.push((k, p, child));
        }
        // Reversed so that the stack pops them in document order.
        stack.extend(children.into_iter().rev());
    }
    out
}

fn info(node: &AttackNode, path: Vec<String>) -> NodeInfo {
    NodeInfo {
        path,
        goal: node.goal.clone(),
        gate: node.gate,
        cost: if node.is_leaf() { node.cost } else { None },
        possible: node.possible,
        equipment: node.equipment,
        leaf: node.is_leaf(),
    }
}

fn cheapest(tree: &AttackNode) -> Cheapest {
    let e = tree.evaluate();
    Cheapest {
        possible: e.possible,
        cost: e.cost,
        partial: e.partial,
        leaves: e.cheapest.iter().filter_map(|p| tree.at(p)).map(|n| n.goal.clone()).collect(),
    }
}

/// Compares two attack trees (either may be absent).
pub fn diff_trees(old: Option<&AttackNode>, new: Option<&AttackNode>) -> TreeDiff {
    let old_nodes = old.map(flatten).unwrap_or_default();
    let new_nodes = new.map(flatten).unwrap_or_default();
    let old_by_key: HashMap<&Vec<String>, &NodeInfo> = old_nodes.iter().map(|(k, n)| (k, n)).collect();
    let new_by_key: HashMap<&Vec<String>, &NodeInfo> = new_nodes.iter().map(|(k, n)| (k, n)).collect();
    let added = new_nodes.iter().filter(|(k, _)| !old_by_key.contains_key(k)).map(|(_, n)| n.clone()).collect();
    let removed = old_nodes.iter().filter(|(k, _)| !new_by_key.contains_key(k)).map(|(_, n)| n.clone()).collect();
    let mut changed = Vec::new();
    for (key, n) in &new_nodes {
        let Some(o) = old_by_key.get(key) else { continue };
        let mut changes = Vec::new();
        let mut attr = |name: &str, old: Value, new: Value| {
            if old != new {
                changes.push(AttrChange { attr: name.to_owned(), old, new });
            }
        };
        attr("goal", json!(o.goal), json!(n.goal));
        attr("gate", json!(o.gate), json!(n.gate));
        attr("cost", json!(o.cost), json!(n.cost));
        attr("possible", json!(o.possible), json!(n.possible));
        attr("equipment", json!(o.equipment), json!(n.equipment));
        if !changes.is_empty() {
            changed.push(NodeChange { path: n.path.clone(), changes });
        }
    }
    let (old_c, new_c) = (old.map(cheapest), new.map(cheapest));
    let cheapest_changed = old_c != new_c;
    TreeDiff { added, removed, changed, cheapest: CheapestChange { old: old_c, new: new_c, changed: cheapest_changed } }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(goal: &str, cost: f64) -> AttackNode {
        AttackNode {
            goal: goal.into(),
            gate: None,
            children: vec![],
            cost: Some(cost),
            possible: true,
            equipment: false,
        }
    }

    fn node(goal: &str, gate: Gate, children: Vec<AttackNode>) -> AttackNode {
        AttackNode { goal: goal.into(), gate: Some(gate), children, cost: None, possible: true, equipment: false }
    }

    #[test]
    fn added_subtrees_are_outlined_under_their_first_node() {
        let info = |path: &[&str], leaf: bool| NodeInfo {
            path: path.iter().map(|g| g.to_string()).collect(),
            goal: path.last().map_or_else(String::new, |g| g.to_string()),
            gate: None,
            cost: leaf.then_some(2.5),
            possible: true,
            equipment: false,
            leaf,
        };
        let nodes = [
            info(&["r", "b"], false),
            info(&["r", "b", "c"], false),
            info(&["r", "b", "c", "d"], true),
            info(&["r", "bb"], true),
            info(&["r", "e", "f"], false),
            info(&["r", "e", "f", "g"], false),
            info(&["r", "e", "f", "g", "h"], true),
        ];
        let lines: Vec<(usize, String, String)> =
            outline(&nodes).iter().map(|l| (l.depth, l.label(), l.cost_suffix())).collect();
        let line = |depth, label: &str, suffix: &str| (depth, label.to_owned(), suffix.to_owned());
        assert_eq!(
            lines,
            [
                line(0, "r › b", ""),
                line(1, "c", ""),
                line(2, "d", " (cost 2.5)"),
                // A sibling whose goal begins like the subtree's root is not under it.
                line(0, "r › bb", " (cost 2.5)"),
                // Depths count from the subtree's root, however deep it starts.
                line(0, "r › e › f", ""),
                line(1, "g", ""),
                line(2, "h", " (cost 2.5)"),
            ]
        );
    }

    #[test]
    fn an_added_leaf_and_the_cheaper_attack_it_opens() {
        let old =
            node("root", Gate::Or, vec![leaf("a", 5.0), node("b", Gate::And, vec![leaf("c", 1.0), leaf("d", 9.0)])]);
        let mut new = old.clone();
        new.children[1].children.push(leaf("e", 1.0));
        new.children.push(leaf("f", 2.0));
        let d = diff_trees(Some(&old), Some(&new));
        let added: Vec<&Vec<String>> = d.added.iter().map(|n| &n.path).collect();
        assert_eq!(added, [&vec!["root".to_owned(), "b".into(), "e".into()], &vec!["root".to_owned(), "f".into()]]);
        assert!(d.removed.is_empty());
        assert!(d.changed.is_empty());
        assert!(d.cheapest.changed);
        assert_eq!(d.cheapest.old.as_ref().and_then(|c| c.cost), Some(5.0));
        assert_eq!(d.cheapest.new.as_ref().map(|c| (c.cost, c.leaves.clone())), Some((Some(2.0), vec!["f".into()])));
    }

    #[test]
    fn changed_costs_gates_and_a_reworded_root_are_changes_not_new_nodes() {
        let old = node("root", Gate::Or, vec![leaf("a", 5.0), leaf("b", 6.0)]);
        let mut new = node("the root", Gate::And, vec![leaf("a", 3.0), leaf("b", 6.0)]);
        new.children[1].equipment = true;
        let d = diff_trees(Some(&old), Some(&new));
        assert!(d.added.is_empty() && d.removed.is_empty(), "{d:?}");
        let summary: Vec<(Vec<String>, Vec<&str>)> =
            d.changed.iter().map(|c| (c.path.clone(), c.changes.iter().map(|a| a.attr.as_str()).collect())).collect();
        assert_eq!(
            summary,
            [
                (vec!["the root".to_owned()], vec!["goal", "gate"]),
                (vec!["the root".to_owned(), "a".into()], vec!["cost"]),
                (vec!["the root".to_owned(), "b".into()], vec!["equipment"]),
            ]
        );
        assert_eq!(d.changed[1].changes[0].old, json!(5.0));
        assert_eq!(d.changed[1].changes[0].new, json!(3.0));
    }

    #[test]
    fn costs_are_written_as_the_documents_write_them() {
        assert_eq!(format_cost(Some(5.0)), "5");
        assert_eq!(format_cost(Some(-3.0)), "-3");
        assert_eq!(format_cost(Some(0.5)), "0.5");
        assert_eq!(format_cost(Some(999_999_999_999_999.0)), "999999999999999");
        assert_eq!(format_cost(Some(1e15)), "1000000000000000");
        assert_eq!(format_cost(Some(1e300)), 1e300.to_string());
        assert_eq!(format_cost(Some(f64::INFINITY)), "inf");
        assert_eq!(format_cost(None), "unknown");
    }

    #[test]
    fn repeated_goals_and_missing_trees() {
        let old = node("r", Gate::Or, vec![leaf("x", 1.0), leaf("x", 2.0)]);
        let new = node("r", Gate::Or, vec![leaf("x", 1.0)]);
        let d = diff_trees(Some(&old), Some(&new));
        assert_eq!(d.removed.len(), 1);
        assert_eq!(d.removed[0].cost, Some(2.0));
        let d = diff_trees(None, Some(&new));
        assert_eq!(d.added.len(), 2);
        assert!(d.cheapest.changed && d.cheapest.old.is_none());
        let d = diff_trees(Some(&new), Some(&new));
        assert!(d.is_empty());
        assert!(diff_trees(None, None).is_empty());
    }

    #[test]
    fn any_one_change_makes_a_tree_diff_non_empty() {
        let tree = node("r", Gate::Or, vec![leaf("a", 1.0), leaf("b", 2.0)]);
        let mut dearer = tree.clone();
        dearer.children[1].cost = Some(3.0);
        let mut more = tree.clone();
        more.children.push(leaf("c", 5.0));
        for (old, new, what) in [(&tree, &more, "added"), (&more, &tree, "removed"), (&tree, &dearer, "changed")] {
            let d = diff_trees(Some(old), Some(new));
            assert!(!d.is_empty(), "{what}: {d:?}");
            assert!(!d.cheapest.changed, "{what}: the cheapest attack stays a for 1");
        }
        let mut cheaper = tree.clone();
        cheaper.children[1].cost = Some(0.5);
        cheaper.children[1].goal = "b".into();
        let mut d = diff_trees(Some(&tree), Some(&cheaper));
        d.changed.clear();
        assert!(d.cheapest.changed && !d.is_empty(), "the cheapest attack alone: {d:?}");
    }
}
