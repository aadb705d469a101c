//! The tree as a flat list in pre-order, each node with its evaluation and cheapest-attack flag.

use sigdoc_model::AttackNode;

/// A tree node, flattened, with what its box shows.
pub(super) struct FlatNode<'a> {
    /// The node as read.
    pub(super) source: &'a AttackNode,
    /// Indices of the children in the flat list, in the tree's order.
    pub(super) children: Vec<usize>,
    /// Whether the node's goal can be achieved at all.
    pub(super) possible: bool,
    /// The cost of its cheapest attack, when possible and known.
    pub(super) cost: Option<f64>,
    /// Whether some alternative below lacks a cost, so the cost is an upper bound.
    pub(super) partial: bool,
    /// Whether the node is on the tree's cheapest attack.
    pub(super) cheapest: bool,
}

/// The nodes of `tree` in pre-order (the root at index 0, parents before children).
pub(super) fn flatten(tree: &AttackNode) -> Vec<FlatNode<'_>> {
    let mut nodes: Vec<FlatNode<'_>> = Vec::new();
    let mut parents: Vec<Option<usize>> = Vec::new();
    let mut cheapest_leaves = Vec::new();
    let cheapest_paths = tree.evaluate().cheapest;
    // Iterative, so that no depth of tree can exhaust the stack.
    let mut stack: Vec<(&AttackNode, Option<usize>, Vec<usize>)> = vec![(tree, None, Vec::new())];
    while let Some((node, parent, path)) = stack.pop() {
        let index = nodes.len();
        let eval = node.evaluate();
        if cheapest_paths.contains(&path) {
            cheapest_leaves.push(index);
        }
        nodes.push(FlatNode {
            source: node,
            children: Vec::new(),
            possible: eval.possible,
            cost: if eval.possible { eval.cost } else { None },
            partial: eval.partial,
            cheapest: false,
        });
        parents.push(parent);
        if let Some(p) = parent {
            nodes[p].children.push(index);
        }
        for (i, child) in node.children.iter().enumerate().rev() {
            let mut child_path = path.clone();
            child_path.push(i);
            stack.push((child, Some(index), child_path));
        }
    }
    for leaf in cheapest_leaves {
        let mut at = Some(leaf);
        while let Some(i) = at {
            if nodes[i].cheapest {
                break;
            }
            nodes[i].cheapest = true;
            at = parents[i];
        }
    }
    nodes
}

#[cfg(test)]
mod tests {
    use sigdoc_model::Gate;

    use crate::tree_layout::PAGE_AREA;
    use crate::tree_layout::test_support::{leaf, node, plan};

    #[test]
    fn the_cheapest_path_and_impossible_leaves_are_flagged() {
        let mut impossible = leaf("Break the cipher", None);
        impossible.possible = false;
        let mut tool = leaf("Use a radio", Some(3.0));
        tool.equipment = true;
        let tree = node(
            "Goal",
            Gate::Or,
            vec![leaf("Expensive", Some(9.0)), node("Cheap", Gate::And, vec![tool]), impossible],
        );
        let part = &plan(&tree, PAGE_AREA).parts[0];
        let flags: Vec<(&str, bool, bool)> =
            part.boxes.iter().map(|b| (b.lines[0].text.as_str(), b.cheapest, b.possible)).collect();
        assert_eq!(
            flags,
            [
                ("Goal", true, true),
                ("Expensive", false, true),
                ("Cheap", true, true),
                ("Break the cipher", false, false),
                ("Use a radio", true, true)
            ]
        );
        let info = |i: usize| part.boxes[i].lines.iter().filter(|l| l.info).map(|l| l.text.clone()).collect::<Vec<_>>();
        assert_eq!(info(0), ["OR · cost 3"]);
        assert_eq!(info(3), ["impossible"]);
        assert_eq!(info(4).join(" "), "cost 3 · special equipment");
        let red: Vec<bool> = part.edges.iter().map(|e| e.cheapest).collect();
        assert_eq!(red, [false, true, false, true]);
    }
}
