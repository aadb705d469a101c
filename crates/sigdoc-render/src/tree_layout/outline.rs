//! Which boxes one part shows and how they connect, before any size or position.

use std::collections::VecDeque;

use super::split::Planner;

/// What a box stands for, during planning; indices are into the flat node list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum BoxContent {
    /// A node drawn with its children in this part (or a leaf).
    Node(usize),
    /// A node cut off into a part of its own.
    Stub(usize),
    /// The last `count` children of node `of`, continued in another part.
    More { of: usize, count: usize },
}

/// A box of a part being planned.
pub(super) struct OutlineBox {
    pub(super) content: BoxContent,
    /// Index of the parent box in the outline.
    pub(super) parent: Option<usize>,
    /// Indices of the child boxes in the outline.
    pub(super) children: Vec<usize>,
    /// The row, 0 for the part's root.
    pub(super) depth: usize,
}

/// A part's boxes in breadth-first order; index 0 is its root, parents come before
/// their children.
pub(super) struct PartOutline {
    pub(super) boxes: Vec<OutlineBox>,
}

impl Planner<'_> {
    /// The boxes of the part rooted at `root`; `range` limits the root's children to a
    /// chunk, followed by a "more" box when children remain.
    pub(super) fn outline(&self, root: usize, range: Option<(usize, usize)>) -> PartOutline {
        let mut boxes =
            vec![OutlineBox { content: BoxContent::Node(root), parent: None, children: Vec::new(), depth: 0 }];
        let mut queue = VecDeque::from([0usize]);
        while let Some(at) = queue.pop_front() {
            let BoxContent::Node(v) = boxes[at].content else { continue };
            let all = &self.nodes[v].children;
            let (start, end) = if at == 0 { range.unwrap_or((0, all.len())) } else { (0, all.len()) };
            let end = end.min(all.len());
            let depth = boxes[at].depth + 1;
            for &c in &all[start..end] {
                let content = if self.cut[c] { BoxContent::Stub(c) } else { BoxContent::Node(c) };
                let index = boxes.len();
                boxes.push(OutlineBox { content, parent: Some(at), children: Vec::new(), depth });
                boxes[at].children.push(index);
                if matches!(content, BoxContent::Node(_)) {
                    queue.push_back(index);
                }
            }
            if end < all.len() {
                let index = boxes.len();
                let content = BoxContent::More { of: v, count: all.len() - end };
                boxes.push(OutlineBox { content, parent: Some(at), children: Vec::new(), depth });
                boxes[at].children.push(index);
            }
        }
        PartOutline { boxes }
    }
}
