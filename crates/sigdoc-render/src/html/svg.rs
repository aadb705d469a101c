//! Inline SVG: attack trees drawn at the positions the Rust layout computed for the PDF,
//! and the risk matrix. Colours and strokes are classes, styled by the stylesheet.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::out::Out;
use crate::tree_layout::{BoxKind, Diagram, NodeBox, Part};
use crate::view::{RatingView, ThreatView};

/// Every part of a threat's tree, each a figure with its caption when the tree is split.
/// `id` is the threat's anchor: part `n` is `<id>.tree-<n>`.
pub(super) fn attack_tree(out: &mut Out, diagram: &Diagram, id: &str) {
    let count = diagram.parts.len();
    for part in &diagram.parts {
        out.raw("<figure class=\"attack-tree\"");
        out.attr("id", &format!("{id}.tree-{}", part.number));
        out.raw(">");
        if count > 1 {
            out.raw("<figcaption><strong>Part ");
            out.number(part.number);
            out.raw(" of ");
            out.number(count);
            out.raw("</strong>");
            if part.continued {
                out.raw(" (continued)");
            }
            out.raw(": ");
            out.text(&part.goal);
            if let Some(from) = part.from {
                out.raw(" — continued from <a");
                out.attr("href", &format!("#{id}.tree-{from}"));
                out.raw(">part ");
                out.number(from);
                out.raw("</a>");
            }
            out.raw("</figcaption>");
        }
        tree_part(out, part, id);
        out.raw("</figure>");
    }
}

fn tree_part(out: &mut Out, part: &Part, id: &str) {
    out.raw("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tree\" role=\"img\"");
    svg_size(out, part.width, part.height);
    out.attr("aria-label", &format!("Attack tree: {}", part.goal));
    out.raw(">");
    for e in &part.edges {
        let class = if e.cheapest {
            "edge cheapest"
        } else if e.possible {
            "edge"
        } else {
            "edge impossible"
        };
        out.raw("<line");
        out.attr("class", class);
        point(out, "x1", "y1", e.from);
        point(out, "x2", "y2", e.to);
        out.raw("/>");
    }
    for g in &part.gates {
        out.raw("<polyline");
        out.attr("class", if g.cheapest { "gate cheapest" } else { "gate" });
        out.attr("points", &points(&g.points));
        out.raw("/>");
        if let Some(arrow) = &g.arrow {
            out.raw("<polygon");
            out.attr("class", if g.cheapest { "arrow cheapest" } else { "arrow" });
            out.attr("points", &points(arrow));
            out.raw("/>");
        }
    }
    for b in &part.boxes {
        tree_box(out, b, id);
    }
    out.raw("</svg>");
}

fn tree_box(out: &mut Out, b: &NodeBox, id: &str) {
    if let Some(part) = b.part {
        out.raw("<a");
        out.attr("href", &format!("#{id}.tree-{part}"));
        out.raw(">");
    }
    let mut class = vec!["node"];
    class.extend(b.leaf.then_some("leaf"));
    class.extend(b.root.then_some("root"));
    class.extend(b.cheapest.then_some("cheapest"));
    class.extend((!b.possible).then_some("impossible"));
    class.extend(match b.kind {
        BoxKind::Node => None,
        BoxKind::Stub => Some("stub"),
        BoxKind::More => Some("more"),
    });
    out.raw("<g");
    out.attr("class", &class.join(" "));
    out.raw("><rect");
    out.attr("x", &num(b.x));
    out.attr("y", &num(b.y));
    out.attr("width", &num(b.w));
    out.attr("height", &num(b.h));
    if !b.leaf {
        out.raw(" rx=\"2.5\"");
    }
    out.raw("/>");
    let centre = b.x + b.w / 2.0;
    for line in &b.lines {
        // The PDF sets each line in a frame whose top edge is 0.78 em above the baseline.
        out.raw("<text");
        if line.info {
            out.raw(" class=\"info\"");
        }
        out.attr("x", &num(centre));
        out.attr("y", &num(b.y + line.y + 0.78 * line.size));
        out.attr("font-size", &num(line.size));
        out.raw(">");
        out.text(&line.text);
        out.raw("</text>");
    }
    out.raw("</g>");
    if b.part.is_some() {
        out.raw("</a>");
    }
}

/// The risk matrix: likelihood rows from the highest, damage columns, each cell in the
/// colour of its priority, holding the ids of the threats it rates (linked to them).
pub(super) fn risk_matrix(out: &mut Out, rating: &RatingView, threats: &[ThreatView]) {
    let mut cells: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
    for t in threats {
        if let (Some(l), Some(d)) = (&t.likelihood, &t.damage) {
            cells.entry((l.level.as_str(), d.level.as_str())).or_default().push(&t.id);
        }
    }
    let longest = threats.iter().map(|t| t.id.chars().count()).max().unwrap_or(0);
    // In CSS pixels: ids are 11px Inconsolata, whose advance is half an em.
    let (head_w, head_h, line) = (130.0, 34.0, 15.0);
    let col_w = f64::max(120.0, 5.5 * longest as f64 + 16.0);
    let columns = rating.damage.len();
    let row_h = |l: &str| {
        let most = rating.damage.iter().map(|d| cells.get(&(l, d.level.as_str())).map_or(0, Vec::len)).max();
        f64::max(44.0, 30.0 + line * most.unwrap_or(0) as f64)
    };
    let rows: Vec<(&str, &str, f64)> =
        rating.likelihood.iter().rev().map(|l| (l.level.as_str(), l.label.as_str(), row_h(&l.level))).collect();
    let width = head_w + col_w * columns as f64;
    let height = head_h + rows.iter().map(|r| r.2).sum::<f64>();
    out.raw("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"matrix\" role=\"img\"");
    // Drawn in CSS pixels, unlike the trees (laid out in points), so that the text keeps
    // its size wherever the matrix fits the column.
    out.attr("viewBox", &format!("0 0 {} {}", num(width), num(height)));
    out.attr("width", &num(width));
    out.attr("height", &num(height));
    out.attr("aria-label", "Risk matrix: likelihood by potential damage");
    out.raw(">");
    cell(out, 0.0, 0.0, head_w, head_h, "head");
    label(out, head_w / 2.0, head_h / 2.0 + 4.0, "axis", "Likelihood ↓ / Damage →");
    for (i, d) in rating.damage.iter().enumerate() {
        let x = head_w + col_w * i as f64;
        cell(out, x, 0.0, col_w, head_h, "head");
        label(out, x + col_w / 2.0, head_h / 2.0 + 4.0, "level", &d.label);
    }
    let mut y = head_h;
    for (level, name, h) in rows {
        cell(out, 0.0, y, head_w, h, "head");
        label(out, head_w / 2.0, y + h / 2.0 + 4.0, "level", name);
        for (i, d) in rating.damage.iter().enumerate() {
            let x = head_w + col_w * i as f64;
            let priority = rating.matrix.get(level).and_then(|row| row.get(&d.level));
            let class = priority.map_or_else(|| "cell".to_owned(), |p| format!("cell p{}", (*p).clamp(1, 5)));
            cell(out, x, y, col_w, h, &class);
            let text = priority.map_or_else(|| "—".to_owned(), |p| format!("Priority {p}"));
            label(out, x + col_w / 2.0, y + 18.0, "priority", &text);
            for (k, id) in cells.get(&(level, d.level.as_str())).into_iter().flatten().enumerate() {
                out.raw("<a");
                out.attr("href", &format!("#{id}"));
                out.raw(">");
                label(out, x + col_w / 2.0, y + 18.0 + line * (k + 1) as f64, "id", id);
                out.raw("</a>");
            }
        }
        y += h;
    }
    out.raw("</svg>");
}

fn cell(out: &mut Out, x: f64, y: f64, w: f64, h: f64, class: &str) {
    out.raw("<rect");
    out.attr("class", class);
    out.attr("x", &num(x));
    out.attr("y", &num(y));
    out.attr("width", &num(w));
    out.attr("height", &num(h));
    out.raw("/>");
}

fn label(out: &mut Out, x: f64, y: f64, class: &str, text: &str) {
    out.raw("<text");
    out.attr("class", class);
    out.attr("x", &num(x));
    out.attr("y", &num(y));
    out.raw(">");
    out.text(text);
    out.raw("</text>");
}

/// The drawing's size in CSS pixels at the PDF's size in points, scaled down to fit
/// narrower screens by the stylesheet.
fn svg_size(out: &mut Out, width: f64, height: f64) {
    out.attr("viewBox", &format!("0 0 {} {}", num(width), num(height)));
    out.attr("width", &num(width * 4.0 / 3.0));
    out.attr("height", &num(height * 4.0 / 3.0));
}

fn point(out: &mut Out, x: &str, y: &str, p: [f64; 2]) {
    out.attr(x, &num(p[0]));
    out.attr(y, &num(p[1]));
}

fn points(list: &[[f64; 2]]) -> String {
    let mut s = String::new();
    for (i, p) in list.iter().enumerate() {
        let sep = if i == 0 { "" } else { " " };
        let _ = write!(s, "{sep}{},{}", num(p[0]), num(p[1]));
    }
    s
}

/// A coordinate with two decimals at most, the same on every machine; a number that
/// is not finite (never computed by the layout) draws at 0.
fn num(x: f64) -> String {
    if !x.is_finite() {
        return "0".into();
    }
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(2.456), "2.46");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(f64::NAN), "0");
        assert_eq!(points(&[[1.0, 2.5], [3.0, 4.0]]), "1,2.5 3,4");
    }
}
