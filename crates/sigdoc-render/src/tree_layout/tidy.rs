//! Placing a part's boxes side by side: the Reingold–Tilford tidy tree on subtree contours.

use super::outline::PartOutline;

/// Centre of every box in units of one box plus one gap, the leftmost at 0, by
/// Reingold and Tilford: each subtree is placed as close to its left siblings as their
/// contours allow, and each parent is centred over its first and last child. As in
/// Walker's refinement, small subtrees between two that had to be pushed apart are
/// spread evenly across the gap rather than left packed against the left one.
pub(super) fn tidy(outline: &PartOutline) -> Vec<f64> {
    let n = outline.boxes.len();
    let mut offset = vec![0.0f64; n];
    let mut left: Vec<Vec<f64>> = vec![Vec::new(); n];
    let mut right: Vec<Vec<f64>> = vec![Vec::new(); n];
    // Parents come before their children in `outline.boxes`, so in reverse every child
    // is done before its parent.
    for v in (0..n).rev() {
        let children = &outline.boxes[v].children;
        if children.is_empty() {
            left[v] = vec![0.0];
            right[v] = vec![0.0];
            continue;
        }
        let mut shifts = vec![0.0f64; children.len()];
        for i in 1..children.len() {
            let (acc, owner) = right_contour(&children[..i], &shifts, &right);
            let mut need = f64::NEG_INFINITY;
            let mut binding = i - 1;
            for (depth, (r, l)) in acc.iter().zip(&left[children[i]]).enumerate() {
                if r - l + 1.0 > need + 1e-9 {
                    need = r - l + 1.0;
                    binding = owner[depth];
                }
            }
            shifts[i] = need;
            if binding + 1 < i {
                let (from, to) = (shifts[binding], shifts[i]);
                let mut spread = shifts.clone();
                for (m, shift) in spread.iter_mut().enumerate().take(i).skip(binding + 1) {
                    let even = from + (to - from) * (m - binding) as f64 / (i - binding) as f64;
                    *shift = shift.max(even);
                }
                // Only when the spread subtrees still clear each other at every depth.
                if separated(&children[..=i], &spread, &left, &right) {
                    shifts = spread;
                }
            }
        }
        let (acc_right, _) = right_contour(children, &shifts, &right);
        let acc_left = left_contour(children, &shifts, &left);
        let centre = (shifts[0] + shifts[shifts.len() - 1]) / 2.0;
        for (i, &c) in children.iter().enumerate() {
            offset[c] = shifts[i] - centre;
        }
        left[v] = std::iter::once(0.0).chain(acc_left.iter().map(|l| l - centre)).collect();
        right[v] = std::iter::once(0.0).chain(acc_right.iter().map(|r| r - centre)).collect();
    }
    let mut x = vec![0.0f64; n];
    for v in 1..n {
        let parent = outline.boxes[v].parent.unwrap_or(0);
        x[v] = x[parent] + offset[v];
    }
    let min = x.iter().copied().fold(f64::INFINITY, f64::min);
    x.iter().map(|c| c - min).collect()
}

/// The rightmost position per depth of sibling subtrees placed at `shifts`, and which
/// sibling holds it.
fn right_contour(children: &[usize], shifts: &[f64], right: &[Vec<f64>]) -> (Vec<f64>, Vec<usize>) {
    let mut acc: Vec<f64> = Vec::new();
    let mut owner = Vec::new();
    for (i, &c) in children.iter().enumerate() {
        for (depth, r) in right[c].iter().enumerate() {
            if depth < acc.len() {
                if r + shifts[i] >= acc[depth] {
                    acc[depth] = r + shifts[i];
                    owner[depth] = i;
                }
            } else {
                acc.push(r + shifts[i]);
                owner.push(i);
            }
        }
    }
    (acc, owner)
}

/// The leftmost position per depth of sibling subtrees placed at `shifts`.
fn left_contour(children: &[usize], shifts: &[f64], left: &[Vec<f64>]) -> Vec<f64> {
    let mut acc: Vec<f64> = Vec::new();
    for (i, &c) in children.iter().enumerate() {
        for (depth, l) in left[c].iter().enumerate() {
            if depth < acc.len() {
                acc[depth] = acc[depth].min(l + shifts[i]);
            } else {
                acc.push(l + shifts[i]);
            }
        }
    }
    acc
}

/// Whether every sibling subtree clears all those before it by one unit at every depth.
fn separated(children: &[usize], shifts: &[f64], left: &[Vec<f64>], right: &[Vec<f64>]) -> bool {
    (1..children.len()).all(|i| {
        let (acc, _) = right_contour(&children[..i], shifts, right);
        acc.iter().zip(&left[children[i]]).all(|(r, l)| l + shifts[i] >= r + 1.0 - 1e-9)
    })
}

#[cfg(test)]
mod tests {
    use sigdoc_model::Gate;

    use crate::tree_layout::test_support::{check_part, half_em, leaf, node, plan};
    use crate::tree_layout::{Area, PAGE_AREA, Style};

    #[test]
    fn a_small_tree_is_one_part_at_full_size_with_parents_centred() {
        let tree = node(
            "Goal",
            Gate::Or,
            vec![node("A", Gate::And, vec![leaf("a1", Some(1.0)), leaf("a2", Some(2.0))]), leaf("b", Some(5.0))],
        );
        let d = plan(&tree, PAGE_AREA);
        assert_eq!(d.parts.len(), 1);
        let part = &d.parts[0];
        assert_eq!(part.scale, 1.0);
        check_part(part, PAGE_AREA, &Style::default(), &half_em);
        // Boxes in breadth-first order: Goal, A, b, a1, a2.
        let centre = |i: usize| part.boxes[i].x + part.boxes[i].w / 2.0;
        let goals: Vec<&str> = part.boxes.iter().map(|b| b.lines[0].text.as_str()).collect();
        assert_eq!(goals, ["Goal", "A", "b", "a1", "a2"]);
        assert!((centre(0) - (centre(1) + centre(2)) / 2.0).abs() < 1e-9, "the root is centred over its children");
        assert!((centre(1) - (centre(3) + centre(4)) / 2.0).abs() < 1e-9, "A is centred over a1 and a2");
        // Siblings are exactly one box and one gap apart; a row reads left to right.
        let pitch = part.boxes[0].w + Style::default().gap_x;
        assert!((centre(4) - centre(3) - pitch).abs() < 1e-9);
        assert!(centre(1) < centre(2));
        // The widest boxes are used, as the tree is narrow.
        assert_eq!(part.boxes[0].w, Style::default().max_box);
        // Children sit in a lower row than their parent, with room for the edges.
        assert!(part.boxes[1].y >= part.boxes[0].y + part.boxes[0].h + Style::default().gap_y - 1e-9);
    }

    #[test]
    fn small_subtrees_between_wide_ones_are_spread_evenly() {
        let wide = |name: &str| node(name, Gate::Or, (0..5).map(|i| leaf(&format!("{name}{i}"), Some(1.0))).collect());
        let tree = node("Goal", Gate::Or, vec![wide("A"), leaf("x", Some(1.0)), leaf("y", Some(1.0)), wide("B")]);
        let part = &plan(&tree, Area { width: 5000.0, height: 600.0 }).parts[0];
        check_part(part, Area { width: 5000.0, height: 600.0 }, &Style::default(), &half_em);
        let centre = |i: usize| part.boxes[i].x + part.boxes[i].w / 2.0;
        let (a, x, y, b) = (centre(1), centre(2), centre(3), centre(4));
        assert!(x - a > part.boxes[0].w + Style::default().gap_x + 1.0, "x is not packed against A");
        assert!((x - a - (y - x)).abs() < 1e-6 && (y - x - (b - y)).abs() < 1e-6, "{a} {x} {y} {b}");
    }
}
