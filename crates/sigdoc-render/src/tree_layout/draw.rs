//! Drawing one part: its boxes, lines and edges at their final scale, and its gate marks.

use sigdoc_model::Gate;

use super::gates::gate_mark;
use super::geometry::Geometry;
use super::outline::{BoxContent, PartOutline};
use super::split::Planner;
use super::{BoxKind, Edge, Line, NodeBox, Part};

impl Planner<'_> {
    /// The part numbered `number`, rooted at node `root`, from its outline and geometry;
    /// `continues_in` gives the part a stub or "more" box refers to.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn draw(
        &self,
        number: usize,
        from: Option<usize>,
        continued: bool,
        root: usize,
        outline: &PartOutline,
        g: &Geometry,
        continues_in: &dyn Fn(BoxContent) -> Option<usize>,
    ) -> Part {
        let s = &self.style;
        let k = g.scale();
        let mut boxes = Vec::with_capacity(outline.boxes.len());
        for (i, planned) in outline.boxes.iter().enumerate() {
            let (goal_lines, info_lines) = &g.lines[i];
            let mut lines = Vec::new();
            let mut top = g.text_top[i];
            for (text, size, info) in
                goal_lines.iter().map(|t| (t, s.font, false)).chain(info_lines.iter().map(|t| (t, s.info_font, true)))
            {
                let pitch = size * s.leading;
                lines.push(Line { text: text.clone(), y: (top + (pitch - size) / 2.0) * k, size: size * k, info });
                top += pitch;
            }
            let (kind, flat) = match planned.content {
                BoxContent::Node(v) => (BoxKind::Node, Some(&self.nodes[v])),
                BoxContent::Stub(v) => (BoxKind::Stub, Some(&self.nodes[v])),
                BoxContent::More { .. } => (BoxKind::More, None),
            };
            // A "more" box stands for further children: on the cheapest attack when the
            // parent is an AND (all children count) or when the chosen one is among them.
            let more_cheapest = |of: usize, count: usize| {
                let children = &self.nodes[of].children;
                children[children.len() - count..].iter().any(|&c| self.nodes[c].cheapest)
            };
            boxes.push(NodeBox {
                x: g.x[i] * k,
                y: g.y[i] * k,
                w: g.box_w * k,
                h: g.h[i] * k,
                lines,
                kind,
                leaf: flat.is_some_and(|f| f.children.is_empty()),
                root: i == 0,
                cheapest: match planned.content {
                    BoxContent::More { of, count } => more_cheapest(of, count),
                    _ => flat.is_some_and(|f| f.cheapest),
                },
                possible: flat.is_none_or(|f| f.possible),
                equipment: flat.is_some_and(|f| f.source.equipment),
                part: continues_in(planned.content),
            });
        }
        let mut edges = Vec::new();
        let mut gates = Vec::new();
        for (i, planned) in outline.boxes.iter().enumerate() {
            if planned.children.is_empty() {
                continue;
            }
            let parent = &boxes[i];
            let from = [parent.x + parent.w / 2.0, parent.y + parent.h];
            let mut ends = Vec::new();
            for &c in &planned.children {
                let child = &boxes[c];
                let to = [child.x + child.w / 2.0, child.y];
                edges.push(Edge { from, to, cheapest: parent.cheapest && child.cheapest, possible: child.possible });
                ends.push(to);
            }
            let BoxContent::Node(v) = planned.content else { continue };
            let gate = self.nodes[v].source.gate.unwrap_or(Gate::Or);
            if gate != Gate::Or {
                gates.push(gate_mark(gate, from, &ends, (s.gap_y * 0.42).min(10.0) * k, parent.cheapest));
            }
        }
        let root_node = &self.nodes[root];
        Part {
            number,
            from,
            continued,
            goal: root_node.source.goal.clone(),
            width: g.width * k,
            height: g.height * k,
            scale: k,
            boxes,
            edges,
            gates,
        }
    }
}

#[cfg(test)]
mod tests {
    use sigdoc_model::Gate;

    use crate::tree_layout::PAGE_AREA;
    use crate::tree_layout::test_support::{leaf, node, plan};

    #[test]
    fn edges_join_bottom_centres_to_top_centres_and_gates_are_marked() {
        let tree = node(
            "Goal",
            Gate::Sand,
            vec![node("A", Gate::And, vec![leaf("a1", Some(1.0)), leaf("a2", Some(2.0))]), leaf("b", Some(5.0))],
        );
        let part = &plan(&tree, PAGE_AREA).parts[0];
        assert_eq!(part.edges.len(), 4);
        let root = &part.boxes[0];
        assert_eq!(part.edges[0].from, [root.x + root.w / 2.0, root.y + root.h]);
        let a = &part.boxes[1];
        assert_eq!(part.edges[0].to, [a.x + a.w / 2.0, a.y]);
        let gates: Vec<(Gate, bool)> = part.gates.iter().map(|g| (g.gate, g.arrow.is_some())).collect();
        assert_eq!(gates, [(Gate::Sand, true), (Gate::And, false)]);
        // The arc runs from the first child's edge to the last, below the parent.
        let arc = &part.gates[0].points;
        assert!(arc.first().unwrap()[0] < arc.last().unwrap()[0]);
        assert!(arc.iter().all(|p| p[1] > root.y + root.h));
        // Everything is on the cheapest attack: SAND needs all its steps.
        assert!(part.boxes.iter().all(|b| b.cheapest) && part.edges.iter().all(|e| e.cheapest));
    }
}
