//! The laid-out diagram as the Typst template receives it: parts, boxes, lines, edges and gate marks.

use serde::Serialize;
use sigdoc_model::Gate;

/// A laid-out attack tree: one part, or several when the tree does not fit one page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagram {
    /// The parts in reading order; the first holds the root.
    pub parts: Vec<Part>,
}

/// One drawing: a tree or a subtree, with final positions in points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Part {
    /// 1-based number, as referred to by `see part N`.
    pub number: usize,
    /// The part whose box refers here, if any.
    pub from: Option<usize>,
    /// Whether this part continues the children of a node begun in an earlier part.
    pub continued: bool,
    /// The goal of the part's root.
    pub goal: String,
    /// Width of the drawing.
    pub width: f64,
    /// Height of the drawing.
    pub height: f64,
    /// The factor the drawing was scaled by to fit (1 when it fits at full size).
    pub scale: f64,
    /// The boxes, the root first.
    pub boxes: Vec<NodeBox>,
    /// Lines from a parent's bottom centre to its children's top centres.
    pub edges: Vec<Edge>,
    /// The arcs that mark AND and SAND gates.
    pub gates: Vec<GateMark>,
}

/// What a box stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BoxKind {
    /// A node drawn with its children (or a leaf).
    Node,
    /// A node whose children are drawn in another part.
    Stub,
    /// Further children of the parent, drawn in another part.
    More,
}

/// A box with its text, placed in its part.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeBox {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
    /// The lines of text, goal first, then gate and cost.
    pub lines: Vec<Line>,
    /// What the box stands for.
    pub kind: BoxKind,
    /// Whether the node is a leaf of the tree.
    pub leaf: bool,
    /// Whether this is the part's root.
    pub root: bool,
    /// Whether the box is on the cheapest attack.
    pub cheapest: bool,
    /// Whether the node's goal can be achieved at all.
    pub possible: bool,
    /// Whether the leaf needs special equipment.
    pub equipment: bool,
    /// The part this box continues in (stubs and "more" boxes).
    pub part: Option<usize>,
}

/// One line of text in a box, already broken to fit it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    /// The text, shown as it is.
    pub text: String,
    /// Distance of the line's 1 em tall frame from the box's top.
    pub y: f64,
    /// Font size.
    pub size: f64,
    /// Whether this is the smaller gate and cost line rather than goal text.
    pub info: bool,
}

/// A straight edge between two boxes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Edge {
    /// The parent's bottom centre.
    pub from: [f64; 2],
    /// The child's top centre.
    pub to: [f64; 2],
    /// Whether the edge is on the cheapest attack.
    pub cheapest: bool,
    /// Whether the child is possible.
    pub possible: bool,
}

/// The mark of an AND or SAND gate: an arc across its child edges, with an arrowhead
/// pointing in the order of the steps for SAND.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GateMark {
    /// The gate.
    pub gate: Gate,
    /// The arc as a polyline, from the first child's edge to the last.
    pub points: Vec<[f64; 2]>,
    /// The arrowhead's three corners (SAND only).
    pub arrow: Option<[[f64; 2]; 3]>,
    /// Whether the gate's node is on the cheapest attack.
    pub cheapest: bool,
}
