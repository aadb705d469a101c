//! Splitting a tree too big for one page into parts that fit, and numbering the parts.

use std::collections::HashMap;

use sigdoc_model::AttackNode;

use super::flatten::{FlatNode, flatten};
use super::geometry::Geometry;
use super::outline::BoxContent;
use super::{Area, Diagram, Style};

/// A part to draw: a node, and which chunk of its children (0 unless it is chunked).
type PartKey = (usize, usize);

/// The state of one layout: the flattened tree and the split decided so far.
pub(super) struct Planner<'a> {
    /// The tree's nodes in pre-order; every other index refers to this list.
    pub(super) nodes: Vec<FlatNode<'a>>,
    pub(super) area: Area,
    pub(super) style: Style,
    pub(super) measure: &'a dyn Fn(&str) -> f64,
    /// Nodes drawn as a stub in their parent's part and as the root of their own.
    pub(super) cut: Vec<bool>,
    /// Children per part, for nodes with too many children to draw side by side.
    pub(super) chunk: Vec<Option<usize>>,
}

/// Before the parts are numbered, a box that refers to one is sized as if it said
/// `see part 999`.
fn unnumbered(_: BoxContent) -> Option<usize> {
    Some(999)
}

impl<'a> Planner<'a> {
    pub(super) fn new(
        tree: &'a AttackNode,
        area: Area,
        style: &Style,
        measure: &'a dyn Fn(&str) -> f64,
    ) -> Planner<'a> {
        let nodes = flatten(tree);
        let n = nodes.len();
        Planner { nodes, area, style: *style, measure, cut: vec![false; n], chunk: vec![None; n] }
    }

    /// Decides the split, then draws every part.
    pub(super) fn plan(mut self) -> Diagram {
        // Bottom-up: by the time a node is considered, each child's subtree fits alone,
        // so cutting children off always makes progress.
        let order = self.post_order();
        for v in order {
            if self.nodes[v].children.is_empty() {
                continue;
            }
            loop {
                let geometry = self.geometry(&self.outline(v, None), &unnumbered);
                if self.fits(&geometry) {
                    break;
                }
                let too_wide = geometry.width_scale < self.style.min_scale;
                let candidates: Vec<usize> = self.nodes[v]
                    .children
                    .iter()
                    .copied()
                    .filter(|&c| !self.cut[c] && !self.nodes[c].children.is_empty())
                    .collect();
                if candidates.is_empty() {
                    self.chunk[v] = Some(self.chunk_size(v));
                    self.cut[v] = v != 0;
                    break;
                }
                // Cut the child that costs the most room in the direction that overflows;
                // the first such child on ties, so the result follows the file's order.
                let mut best = candidates[0];
                let mut best_size = f64::NEG_INFINITY;
                for c in candidates {
                    let g = self.geometry(&self.outline(c, None), &unnumbered);
                    let size = if too_wide { g.width } else { g.height };
                    if size > best_size {
                        best = c;
                        best_size = size;
                    }
                }
                self.cut[best] = true;
            }
        }
        self.assemble()
    }

    fn post_order(&self) -> Vec<usize> {
        // Flat indices are in pre-order, so reversed they list children before parents.
        (0..self.nodes.len()).rev().collect()
    }

    /// How many children of `v` fit beside each other, with a "more" box, in one part.
    fn chunk_size(&self, v: usize) -> usize {
        let total = self.nodes[v].children.len();
        let mut k = 1;
        while k < total {
            let next = k + 1;
            let g = self.geometry(&self.outline(v, Some((0, next))), &unnumbered);
            if !self.fits(&g) {
                break;
            }
            k = next;
        }
        k
    }

    fn fits(&self, g: &Geometry) -> bool {
        g.scale() >= self.style.min_scale - 1e-9
    }

    /// Numbers the parts breadth-first from the root's, so that a part's references
    /// read in increasing order, and draws each.
    fn assemble(&self) -> Diagram {
        let mut numbers: HashMap<PartKey, usize> = HashMap::new();
        let mut order: Vec<(PartKey, Option<usize>)> = vec![((0, 0), None)];
        numbers.insert((0, 0), 1);
        let mut outlines = Vec::new();
        let mut next = 0;
        while next < order.len() {
            let ((v, j), from) = order[next];
            next += 1;
            let range = self.chunk[v].map(|k| (j * k, (j + 1) * k));
            let outline = self.outline(v, range);
            let here = numbers[&(v, j)];
            for planned in &outline.boxes {
                let key = match planned.content {
                    BoxContent::Stub(c) => (c, 0),
                    BoxContent::More { of, .. } => (of, j + 1),
                    BoxContent::Node(_) => continue,
                };
                if !numbers.contains_key(&key) {
                    numbers.insert(key, numbers.len() + 1);
                    order.push((key, Some(here)));
                }
            }
            outlines.push(((v, j), from, outline));
        }
        let parts = outlines
            .into_iter()
            .map(|((v, j), from, outline)| {
                let continues_in = |content: BoxContent| match content {
                    BoxContent::Stub(c) => numbers.get(&(c, 0)).copied(),
                    BoxContent::More { of, .. } => numbers.get(&(of, j + 1)).copied(),
                    BoxContent::Node(_) => None,
                };
                let geometry = self.geometry(&outline, &continues_in);
                self.draw(numbers[&(v, j)], from, j > 0, v, &outline, &geometry, &continues_in)
            })
            .collect();
        Diagram { parts }
    }
}

#[cfg(test)]
mod tests {
    use sigdoc_model::{AttackNode, Gate};

    use crate::tree_layout::test_support::{check_part, half_em, leaf, node, plan};
    use crate::tree_layout::{BoxKind, Diagram, NodeBox, PAGE_AREA, Style};

    /// The tree of the end-to-end test: 1 + 3 + 12 + 44 = 60 nodes.
    fn sixty() -> AttackNode {
        let gates = [Gate::Or, Gate::And, Gate::Sand];
        let children = (0..3)
            .map(|i| {
                let subs = (0..4)
                    .map(|j| {
                        let leaves = (0..if (i + j) % 3 == 0 { 3 } else { 4 })
                            .map(|k| {
                                leaf(&format!("Step {i}.{j}.{k}: an action the attacker takes"), Some((k + 1) as f64))
                            })
                            .collect();
                        node(&format!("Subgoal {i}.{j}"), gates[(i + j) % 3], leaves)
                    })
                    .collect();
                node(&format!("Way {i} to the goal"), gates[(i + 1) % 3], subs)
            })
            .collect();
        let tree = node("Read another user's messages", Gate::Or, children);
        assert_eq!(tree.count(), 60);
        tree
    }

    /// Nodes drawn with their children, not counting the repeated root of a continuation.
    fn drawn_nodes(d: &Diagram) -> usize {
        d.parts
            .iter()
            .flat_map(|p| p.boxes.iter().map(move |b| (p, b)))
            .filter(|(p, b)| b.kind == BoxKind::Node && !(b.root && p.continued))
            .count()
    }

    #[test]
    fn a_sixty_node_tree_stays_inside_the_text_area() {
        let tree = sixty();
        let style = Style::default();
        let d = plan(&tree, PAGE_AREA);
        for part in &d.parts {
            check_part(part, PAGE_AREA, &style, &half_em);
        }
        // Every node is drawn exactly once with its children; cut nodes also appear as
        // the stub that refers to their part.
        let drawn = drawn_nodes(&d);
        let stubs: Vec<usize> =
            d.parts.iter().flat_map(|p| &p.boxes).filter(|b| b.kind == BoxKind::Stub).filter_map(|b| b.part).collect();
        assert_eq!(drawn, 60, "every node is drawn in full once");
        assert_eq!(stubs.len(), d.parts.len() - 1, "every part but the first is referred to once");
        let mut referred: Vec<usize> = stubs.clone();
        referred.sort_unstable();
        assert_eq!(referred, (2..=d.parts.len()).collect::<Vec<_>>());
        for part in &d.parts[1..] {
            let from = part.from.expect("a later part says where it comes from");
            let referring = &d.parts[from - 1];
            let goal =
                |b: &NodeBox| b.lines.iter().filter(|l| !l.info).map(|l| l.text.as_str()).collect::<Vec<_>>().join(" ");
            assert!(referring.boxes.iter().any(|b| b.part == Some(part.number) && goal(b) == part.goal));
        }
        // Too wide for one page, but split economically: about one part per 8 leaves.
        assert!(d.parts.len() > 1 && d.parts.len() <= 10, "{} parts", d.parts.len());
    }

    #[test]
    fn a_tree_that_fits_when_scaled_is_scaled_not_split() {
        // Eight leaves side by side do not fit at the narrowest box, but do when scaled.
        let tree = node("Goal", Gate::Or, (0..8).map(|i| leaf(&format!("Leaf {i}"), Some(1.0))).collect());
        let d = plan(&tree, PAGE_AREA);
        assert_eq!(d.parts.len(), 1);
        let part = &d.parts[0];
        assert!(part.scale < 1.0 && part.scale >= Style::default().min_scale, "scale {}", part.scale);
        assert!((part.width - PAGE_AREA.width).abs() < 1e-6, "a scaled part fills the width");
        check_part(part, PAGE_AREA, &Style::default(), &half_em);
    }

    #[test]
    fn a_node_with_too_many_children_continues_in_further_parts() {
        let tree = node("Goal", Gate::And, (0..40).map(|i| leaf(&format!("Step {i}"), Some(1.0))).collect());
        let d = plan(&tree, PAGE_AREA);
        assert!(d.parts.len() > 1);
        let style = Style::default();
        let mut leaves = Vec::new();
        for (i, part) in d.parts.iter().enumerate() {
            check_part(part, PAGE_AREA, &style, &half_em);
            assert_eq!(part.continued, i > 0);
            assert_eq!(part.goal, "Goal");
            let more: Vec<&NodeBox> = part.boxes.iter().filter(|b| b.kind == BoxKind::More).collect();
            if i + 1 < d.parts.len() {
                assert_eq!(more.len(), 1);
                assert_eq!(more[0].part, Some(i + 2));
                assert!(more[0].cheapest, "every step of an AND is on the cheapest attack");
            } else {
                assert!(more.is_empty());
            }
            leaves.extend(
                part.boxes.iter().filter(|b| b.kind == BoxKind::Node && b.leaf).map(|b| b.lines[0].text.clone()),
            );
        }
        assert_eq!(leaves, (0..40).map(|i| format!("Step {i}")).collect::<Vec<_>>(), "each step once, in order");
    }

    #[test]
    fn a_deep_chain_is_split_by_height() {
        let mut tree = leaf("Bottom", Some(1.0));
        for i in 0..40 {
            tree = node(&format!("Level {i}"), Gate::Or, vec![tree]);
        }
        let d = plan(&tree, PAGE_AREA);
        assert!(d.parts.len() > 1);
        for part in &d.parts {
            check_part(part, PAGE_AREA, &Style::default(), &half_em);
        }
        let drawn = drawn_nodes(&d);
        assert_eq!(drawn, 41);
    }

    #[test]
    fn a_thousand_nodes_lay_out_quickly() {
        // 1 + 10 + 100 + 889: wide and bushy, the worst shape for splitting.
        let mut children = Vec::new();
        let mut left = 999;
        for i in 0..10 {
            let mut subs = Vec::new();
            left -= 1;
            for j in 0..10 {
                left -= 1;
                let count = (left / ((10 - i) * 10 - j)).max(1).min(left);
                left -= count;
                subs.push(node(
                    &format!("Sub {i}.{j}"),
                    Gate::Or,
                    (0..count).map(|k| leaf(&format!("Leaf {i}.{j}.{k}"), Some(k as f64))).collect(),
                ));
            }
            children.push(node(&format!("Way {i}"), Gate::And, subs));
        }
        let tree = node("Root", Gate::Or, children);
        assert!(tree.count() >= 990 && tree.count() <= 1000, "{} nodes", tree.count());
        let started = std::time::Instant::now();
        let d = plan(&tree, PAGE_AREA);
        assert!(started.elapsed().as_secs_f64() < 5.0, "took {:?}", started.elapsed());
        for part in &d.parts {
            check_part(part, PAGE_AREA, &Style::default(), &half_em);
        }
        let drawn = drawn_nodes(&d);
        assert_eq!(drawn, tree.count());
    }
}
