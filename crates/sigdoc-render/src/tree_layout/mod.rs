//! Tidy top-down layout of attack-tree diagrams, split into parts that each fit the page.
//!
//! Rust decides everything geometric — box widths, where each goal's lines break, box
//! and row heights, positions, edges, gate marks and the scale — so that the Typst
//! template only draws what it is given and a diagram can be checked in unit tests.
//! Positions come from a Reingold–Tilford layout on subtree contours: siblings one box
//! plus one gap apart, every parent centred over its first and last child. A tree too
//! wide or too tall for the page even at the legible minimum scale is split: whole
//! subtrees move to parts of their own (shown in their parent's part as a box that says
//! where they continue), and a node with more children than fit side by side continues
//! in further parts.
//!
//! The steps, one module each: `flatten` numbers the tree's nodes and marks the
//! cheapest attack; `split` decides which subtrees and children move to parts of their
//! own and numbers the parts; `outline` lists the boxes one part shows; `labels` says
//! what each box reads and `wrap` breaks it into lines; `tidy` places the boxes and
//! `geometry` sizes them; `draw` turns all that into the `diagram` handed to the
//! template, with `gates` marking AND and SAND.

mod diagram;
mod draw;
mod flatten;
mod gates;
mod geometry;
mod labels;
mod measure;
mod outline;
mod split;
#[cfg(test)]
mod test_support;
mod tidy;
mod wrap;

use sigdoc_model::AttackNode;

pub use diagram::{BoxKind, Diagram, Edge, GateMark, Line, NodeBox, Part};
pub use measure::FontMeasure;

/// Sizes of a diagram at full scale, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    /// Size of the goal text.
    pub font: f64,
    /// Size of the gate and cost line under the goal.
    pub info_font: f64,
    /// Line pitch as a multiple of the font size.
    pub leading: f64,
    /// Space between a box's border and its text, left and right.
    pub pad_x: f64,
    /// Space between a box's border and its text, above and below.
    pub pad_y: f64,
    /// Space between two neighbouring boxes of a row.
    pub gap_x: f64,
    /// Space between rows, where the edges and gate marks are drawn.
    pub gap_y: f64,
    /// The narrowest box.
    pub min_box: f64,
    /// The widest box.
    pub max_box: f64,
    /// The smallest scale a part is drawn at before it is split: the legible minimum.
    pub min_scale: f64,
    /// The most lines of goal text in a box; a longer goal ends in an ellipsis.
    pub max_lines: usize,
}

impl Default for Style {
    fn default() -> Style {
        Style {
            font: 8.0,
            info_font: 6.8,
            leading: 1.22,
            pad_x: 4.0,
            pad_y: 3.5,
            gap_x: 8.0,
            gap_y: 24.0,
            min_box: 64.0,
            max_box: 116.0,
            min_scale: 0.75,
            max_lines: 8,
        }
    }
}

/// The room a diagram has, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    /// The text width.
    pub width: f64,
    /// The most height one part may take, leaving room on its page for a caption.
    pub height: f64,
}

/// The text area of the house style's A4 page (2.4 cm side, 2.6 cm top and bottom
/// margins), less room for a caption and the `Cheapest attack:` line.
pub const PAGE_AREA: Area = Area { width: 459.0, height: 600.0 };

/// Lays out a tree for an area: one part when it fits at the legible minimum scale or
/// larger, else as few parts as the greedy split finds. `measure` gives a text's width
/// in em of the font size.
pub fn layout(tree: &AttackNode, area: Area, style: &Style, measure: &dyn Fn(&str) -> f64) -> Diagram {
    let planner = split::Planner::new(tree, area, style, measure);
    planner.plan()
}
