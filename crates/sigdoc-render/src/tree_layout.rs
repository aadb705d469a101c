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

use std::collections::{HashMap, VecDeque};

use serde::Serialize;
use sigdoc_model::{AttackNode, Gate};
use typst::layout::Abs;
use typst::text::{FontInstance, FontVariant, FontVariations};

use crate::data::format_cost;

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

/// Widths of text in the embedded body font (Gentium Plus), in em.
pub struct FontMeasure {
    font: Option<FontInstance>,
}

impl FontMeasure {
    /// The regular face of the body font.
    pub fn body() -> FontMeasure {
        let fonts = crate::world::shared_fonts();
        let font = fonts
            .book()
            .select("gentium plus", FontVariant::default())
            .and_then(|i| fonts.font(i))
            .map(|f| f.instantiate(FontVariant::default(), Abs::pt(10.0), &FontVariations::default()));
        FontMeasure { font }
    }

    /// The sum of the glyphs' advances; kerning only ever narrows it. A character the
    /// body font lacks counts as a wide fallback glyph.
    pub fn width(&self, text: &str) -> f64 {
        text.chars()
            .map(|c| {
                self.font
                    .as_ref()
                    .and_then(|f| f.ttf().glyph_index(c).and_then(|g| f.x_advance(g.0)))
                    .map_or(0.65, |em| em.get())
            })
            .sum()
    }
}

/// Lays out a tree for an area: one part when it fits at the legible minimum scale or
/// larger, else as few parts as the greedy split finds. `measure` gives a text's width
/// in em of the font size.
pub fn layout(tree: &AttackNode, area: Area, style: &Style, measure: &dyn Fn(&str) -> f64) -> Diagram {
    let planner = Planner::new(tree, area, style, measure);
    planner.plan()
}

/// A tree node, flattened, with what its box shows.
struct Flat<'a> {
    node: &'a AttackNode,
    children: Vec<usize>,
    possible: bool,
    cost: Option<f64>,
    partial: bool,
    cheapest: bool,
}

fn flatten(tree: &AttackNode) -> Vec<Flat<'_>> {
    let mut flats: Vec<Flat<'_>> = Vec::new();
    let mut parents: Vec<Option<usize>> = Vec::new();
    let mut cheapest_leaves = Vec::new();
    let cheapest_paths = tree.evaluate().cheapest;
    // Iterative, so that no depth of tree can exhaust the stack.
    let mut stack: Vec<(&AttackNode, Option<usize>, Vec<usize>)> = vec![(tree, None, Vec::new())];
    while let Some((node, parent, path)) = stack.pop() {
        let index = flats.len();
        let eval = node.evaluate();
        if cheapest_paths.contains(&path) {
            cheapest_leaves.push(index);
        }
        flats.push(Flat {
            node,
            children: Vec::new(),
            possible: eval.possible,
            cost: if eval.possible { eval.cost } else { None },
            partial: eval.partial,
            cheapest: false,
        });
        parents.push(parent);
        if let Some(p) = parent {
            flats[p].children.push(index);
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
            if flats[i].cheapest {
                break;
            }
            flats[i].cheapest = true;
            at = parents[i];
        }
    }
    flats
}

/// What a displayed box stands for, during planning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Item {
    Node(usize),
    Stub(usize),
    More { of: usize, count: usize },
}

/// A box of a part being planned.
struct Shown {
    item: Item,
    parent: Option<usize>,
    children: Vec<usize>,
    depth: usize,
}

/// A part's boxes; index 0 is its root, parents come before their children.
struct Display {
    nodes: Vec<Shown>,
}

/// Sizes and positions of a display, unscaled.
struct Geometry {
    box_w: f64,
    width: f64,
    height: f64,
    /// Left edges.
    x: Vec<f64>,
    /// Top edges.
    y: Vec<f64>,
    h: Vec<f64>,
    /// Where each box's first line starts, its text centred in the row's height.
    text_top: Vec<f64>,
    texts: Vec<(Vec<String>, Vec<String>)>,
    width_scale: f64,
    height_scale: f64,
}

impl Geometry {
    fn scale(&self) -> f64 {
        self.width_scale.min(self.height_scale)
    }
}

/// A part to draw: a node, and which chunk of its children (0 unless it is chunked).
type PartKey = (usize, usize);

struct Planner<'a> {
    flats: Vec<Flat<'a>>,
    area: Area,
    style: Style,
    measure: &'a dyn Fn(&str) -> f64,
    /// Nodes drawn as a stub in their parent's part and as the root of their own.
    cut: Vec<bool>,
    /// Children per part, for nodes with too many children to draw side by side.
    chunk: Vec<Option<usize>>,
}

impl<'a> Planner<'a> {
    fn new(tree: &'a AttackNode, area: Area, style: &Style, measure: &'a dyn Fn(&str) -> f64) -> Planner<'a> {
        let flats = flatten(tree);
        let n = flats.len();
        Planner { flats, area, style: *style, measure, cut: vec![false; n], chunk: vec![None; n] }
    }

    fn plan(mut self) -> Diagram {
        // Bottom-up: by the time a node is considered, each child's subtree fits alone,
        // so cutting children off always makes progress.
        let order = self.post_order();
        for v in order {
            if self.flats[v].children.is_empty() {
                continue;
            }
            loop {
                let geometry = self.geometry(&self.display(v, None), &|_| Some(999));
                if self.fits(&geometry) {
                    break;
                }
                let too_wide = geometry.width_scale < self.style.min_scale;
                let candidates: Vec<usize> = self.flats[v]
                    .children
                    .iter()
                    .copied()
                    .filter(|&c| !self.cut[c] && !self.flats[c].children.is_empty())
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
                    let g = self.geometry(&self.display(c, None), &|_| Some(999));
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
        (0..self.flats.len()).rev().collect()
    }

    /// How many children of `v` fit beside each other, with a "more" box, in one part.
    fn chunk_size(&self, v: usize) -> usize {
        let total = self.flats[v].children.len();
        let mut k = 1;
        while k < total {
            let next = k + 1;
            let g = self.geometry(&self.display(v, Some((0, next))), &|_| Some(999));
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

    /// The boxes of the part rooted at `root`; `range` limits the root's children to a
    /// chunk, followed by a "more" box when children remain.
    fn display(&self, root: usize, range: Option<(usize, usize)>) -> Display {
        let mut nodes = vec![Shown { item: Item::Node(root), parent: None, children: Vec::new(), depth: 0 }];
        let mut queue = VecDeque::from([0usize]);
        while let Some(at) = queue.pop_front() {
            let Item::Node(v) = nodes[at].item else { continue };
            let all = &self.flats[v].children;
            let (start, end) = if at == 0 { range.unwrap_or((0, all.len())) } else { (0, all.len()) };
            let end = end.min(all.len());
            let depth = nodes[at].depth + 1;
            for &c in &all[start..end] {
                let item = if self.cut[c] { Item::Stub(c) } else { Item::Node(c) };
                let index = nodes.len();
                nodes.push(Shown { item, parent: Some(at), children: Vec::new(), depth });
                nodes[at].children.push(index);
                if matches!(item, Item::Node(_)) {
                    queue.push_back(index);
                }
            }
            if end < all.len() {
                let index = nodes.len();
                let item = Item::More { of: v, count: all.len() - end };
                nodes.push(Shown { item, parent: Some(at), children: Vec::new(), depth });
                nodes[at].children.push(index);
            }
        }
        Display { nodes }
    }

    fn gate_name(&self, v: usize) -> &'static str {
        match self.flats[v].node.gate.unwrap_or(Gate::Or) {
            Gate::Or => "OR",
            Gate::And => "AND",
            Gate::Sand => "SAND",
        }
    }

    /// The goal text and the gate and cost text of a box.
    fn texts(&self, item: Item, part: Option<usize>) -> (String, String) {
        let see = |text: String| match part {
            Some(p) => format!("{text} · see part {p}"),
            None => text,
        };
        match item {
            Item::Node(v) | Item::Stub(v) => {
                let f = &self.flats[v];
                let cost = if !f.possible {
                    "impossible".to_owned()
                } else {
                    match f.cost {
                        Some(c) if f.partial => format!("cost ≤ {}", format_cost(c)),
                        Some(c) => format!("cost {}", format_cost(c)),
                        None => "cost unknown".to_owned(),
                    }
                };
                let info = if f.children.is_empty() {
                    if f.node.equipment { format!("{cost} · special equipment") } else { cost }
                } else {
                    format!("{} · {cost}", self.gate_name(v))
                };
                let info = if matches!(item, Item::Stub(_)) { see(info) } else { info };
                (f.node.goal.clone(), info)
            }
            Item::More { of, count } => {
                let what = match self.flats[of].node.gate.unwrap_or(Gate::Or) {
                    Gate::Or => {
                        if count == 1 {
                            "alternative"
                        } else {
                            "alternatives"
                        }
                    }
                    Gate::And | Gate::Sand => {
                        if count == 1 {
                            "further step"
                        } else {
                            "further steps"
                        }
                    }
                };
                (format!("… and {count} {what}"), part.map(|p| format!("see part {p}")).unwrap_or_default())
            }
        }
    }

    fn geometry(&self, d: &Display, part_of: &dyn Fn(Item) -> Option<usize>) -> Geometry {
        let s = &self.style;
        let centres = tidy(d);
        let span = centres.iter().copied().fold(0.0, f64::max);
        let fitted = (self.area.width - span * s.gap_x) / (span + 1.0);
        let box_w = fitted.clamp(s.min_box, s.max_box);
        let width = span * (box_w + s.gap_x) + box_w;
        let text_em = |size: f64| (box_w - 2.0 * s.pad_x) / size * TEXT_SAFETY;
        let mut texts = Vec::with_capacity(d.nodes.len());
        let mut h = Vec::with_capacity(d.nodes.len());
        for shown in &d.nodes {
            let (goal, info) = self.texts(shown.item, part_of(shown.item));
            let goal_lines = wrap(&goal, text_em(s.font), s.max_lines, self.measure);
            let info_lines =
                if info.is_empty() { Vec::new() } else { wrap(&info, text_em(s.info_font), 3, self.measure) };
            h.push(
                2.0 * s.pad_y
                    + goal_lines.len() as f64 * s.font * s.leading
                    + info_lines.len() as f64 * s.info_font * s.leading,
            );
            texts.push((goal_lines, info_lines));
        }
        let rows = d.nodes.iter().map(|n| n.depth).max().unwrap_or(0) + 1;
        let mut row_h = vec![0.0f64; rows];
        for (shown, &bh) in d.nodes.iter().zip(&h) {
            row_h[shown.depth] = row_h[shown.depth].max(bh);
        }
        let mut row_y = Vec::with_capacity(rows);
        let mut top = 0.0;
        for rh in &row_h {
            row_y.push(top);
            top += rh + s.gap_y;
        }
        let height = top - s.gap_y;
        // A row's boxes share its height, their text centred in it: rows read as rows.
        let text_top: Vec<f64> = d.nodes.iter().zip(&h).map(|(n, &bh)| (row_h[n.depth] - bh) / 2.0 + s.pad_y).collect();
        let h = d.nodes.iter().map(|n| row_h[n.depth]).collect();
        Geometry {
            text_top,
            box_w,
            width,
            height,
            x: centres.iter().map(|c| c * (box_w + s.gap_x)).collect(),
            y: d.nodes.iter().map(|n| row_y[n.depth]).collect(),
            h,
            texts,
            width_scale: (self.area.width / width).min(1.0),
            height_scale: (self.area.height / height).min(1.0),
        }
    }

    /// Numbers the parts breadth-first from the root's, so that a part's references
    /// read in increasing order, and draws each.
    fn assemble(&self) -> Diagram {
        let mut numbers: HashMap<PartKey, usize> = HashMap::new();
        let mut order: Vec<(PartKey, Option<usize>)> = vec![((0, 0), None)];
        numbers.insert((0, 0), 1);
        let mut displays = Vec::new();
        let mut next = 0;
        while next < order.len() {
            let ((v, j), from) = order[next];
            next += 1;
            let range = self.chunk[v].map(|k| (j * k, (j + 1) * k));
            let display = self.display(v, range);
            let here = numbers[&(v, j)];
            for shown in &display.nodes {
                let key = match shown.item {
                    Item::Stub(c) => (c, 0),
                    Item::More { of, .. } => (of, j + 1),
                    Item::Node(_) => continue,
                };
                if !numbers.contains_key(&key) {
                    numbers.insert(key, numbers.len() + 1);
                    order.push((key, Some(here)));
                }
            }
            displays.push(((v, j), from, display));
        }
        let parts = displays
            .into_iter()
            .map(|((v, j), from, display)| {
                let part_of = |item: Item| match item {
                    Item::Stub(c) => numbers.get(&(c, 0)).copied(),
                    Item::More { of, .. } => numbers.get(&(of, j + 1)).copied(),
                    Item::Node(_) => None,
                };
                let geometry = self.geometry(&display, &part_of);
                self.draw(numbers[&(v, j)], from, j > 0, v, &display, &geometry, &part_of)
            })
            .collect();
        Diagram { parts }
    }

    #[allow(clippy::too_many_arguments)]
    fn draw(
        &self,
        number: usize,
        from: Option<usize>,
        continued: bool,
        root: usize,
        d: &Display,
        g: &Geometry,
        part_of: &dyn Fn(Item) -> Option<usize>,
    ) -> Part {
        let s = &self.style;
        let k = g.scale();
        let mut boxes = Vec::with_capacity(d.nodes.len());
        for (i, shown) in d.nodes.iter().enumerate() {
            let (goal_lines, info_lines) = &g.texts[i];
            let mut lines = Vec::new();
            let mut top = g.text_top[i];
            for (text, size, info) in
                goal_lines.iter().map(|t| (t, s.font, false)).chain(info_lines.iter().map(|t| (t, s.info_font, true)))
            {
                let pitch = size * s.leading;
                lines.push(Line { text: text.clone(), y: (top + (pitch - size) / 2.0) * k, size: size * k, info });
                top += pitch;
            }
            let (kind, flat) = match shown.item {
                Item::Node(v) => (BoxKind::Node, Some(&self.flats[v])),
                Item::Stub(v) => (BoxKind::Stub, Some(&self.flats[v])),
                Item::More { .. } => (BoxKind::More, None),
            };
            // A "more" box stands for further children: on the cheapest attack when the
            // parent is an AND (all children count) or when the chosen one is among them.
            let more_cheapest = |of: usize, count: usize| {
                let children = &self.flats[of].children;
                children[children.len() - count..].iter().any(|&c| self.flats[c].cheapest)
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
                cheapest: match shown.item {
                    Item::More { of, count } => more_cheapest(of, count),
                    _ => flat.is_some_and(|f| f.cheapest),
                },
                possible: flat.is_none_or(|f| f.possible),
                equipment: flat.is_some_and(|f| f.node.equipment),
                part: part_of(shown.item),
            });
        }
        let mut edges = Vec::new();
        let mut gates = Vec::new();
        for (i, shown) in d.nodes.iter().enumerate() {
            if shown.children.is_empty() {
                continue;
            }
            let parent = &boxes[i];
            let from = [parent.x + parent.w / 2.0, parent.y + parent.h];
            let mut ends = Vec::new();
            for &c in &shown.children {
                let child = &boxes[c];
                let to = [child.x + child.w / 2.0, child.y];
                edges.push(Edge { from, to, cheapest: parent.cheapest && child.cheapest, possible: child.possible });
                ends.push(to);
            }
            let Item::Node(v) = shown.item else { continue };
            let gate = self.flats[v].node.gate.unwrap_or(Gate::Or);
            if gate != Gate::Or {
                gates.push(gate_mark(gate, from, &ends, (s.gap_y * 0.42).min(10.0) * k, parent.cheapest));
            }
        }
        let root_flat = &self.flats[root];
        Part {
            number,
            from,
            continued,
            goal: root_flat.node.goal.clone(),
            width: g.width * k,
            height: g.height * k,
            scale: k,
            boxes,
            edges,
            gates,
        }
    }
}

/// Lines are broken a little short of the box, for the shaper's rounding.
const TEXT_SAFETY: f64 = 0.96;

/// Centre of every box in units of one box plus one gap, the leftmost at 0, by
/// Reingold and Tilford: each subtree is placed as close to its left siblings as their
/// contours allow, and each parent is centred over its first and last child. As in
/// Walker's refinement, small subtrees between two that had to be pushed apart are
/// spread evenly across the gap rather than left packed against the left one.
fn tidy(d: &Display) -> Vec<f64> {
    let n = d.nodes.len();
    let mut offset = vec![0.0f64; n];
    let mut left: Vec<Vec<f64>> = vec![Vec::new(); n];
    let mut right: Vec<Vec<f64>> = vec![Vec::new(); n];
    // Parents come before their children in `d.nodes`, so in reverse every child is
    // done before its parent.
    for v in (0..n).rev() {
        let children = &d.nodes[v].children;
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
        let parent = d.nodes[v].parent.unwrap_or(0);
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

/// Breaks text into lines no wider than `max_em`, between words where it can and
/// between characters in a word that is too long alone; more than `max_lines` lines
/// end in an ellipsis.
fn wrap(text: &str, max_em: f64, max_lines: usize, measure: &dyn Fn(&str) -> f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        // Stop early: a hostile goal may be megabytes long.
        if lines.len() > max_lines {
            break;
        }
        let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
        if measure(&candidate) <= max_em {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if measure(word) <= max_em {
            line = word.to_owned();
            continue;
        }
        for ch in word.chars() {
            line.push(ch);
            if measure(&line) > max_em && line.chars().count() > 1 {
                line.pop();
                lines.push(std::mem::take(&mut line));
                line.push(ch);
                if lines.len() > max_lines {
                    break;
                }
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines.max(1));
        if let Some(last) = lines.last_mut() {
            while !last.is_empty() && measure(&format!("{last}…")) > max_em {
                last.pop();
            }
            last.push('…');
        }
    }
    lines
}

/// An arc of radius `r` around a gate's fan-out point from its first child's edge to
/// its last, and for SAND an arrowhead at the end, pointing in the order of the steps.
fn gate_mark(gate: Gate, centre: [f64; 2], ends: &[[f64; 2]], r: f64, cheapest: bool) -> GateMark {
    let angle = |p: &[f64; 2]| (p[1] - centre[1]).atan2(p[0] - centre[0]);
    let mut start = ends.first().map_or(std::f64::consts::FRAC_PI_2, angle);
    let mut end = ends.last().map_or(std::f64::consts::FRAC_PI_2, angle);
    // A single child gets a short arc, so that the gate is still visible.
    let least = 0.3;
    if start - end < least {
        let mid = (start + end) / 2.0;
        start = mid + least / 2.0;
        end = mid - least / 2.0;
    }
    let at = |a: f64| [centre[0] + r * a.cos(), centre[1] + r * a.sin()];
    const STEPS: usize = 16;
    let points = (0..=STEPS).map(|i| at(start + (end - start) * i as f64 / STEPS as f64)).collect();
    let arrow = (gate == Gate::Sand).then(|| {
        // The arc runs clockwise on the page (decreasing angle); its direction at the end.
        let tangent = [end.sin(), -end.cos()];
        let radial = [end.cos(), end.sin()];
        let tip = at(end);
        let size = r * 0.5;
        let back = [tip[0] - tangent[0] * size, tip[1] - tangent[1] * size];
        [
            [tip[0] + tangent[0] * size * 0.3, tip[1] + tangent[1] * size * 0.3],
            [back[0] + radial[0] * size * 0.45, back[1] + radial[1] * size * 0.45],
            [back[0] - radial[0] * size * 0.45, back[1] - radial[1] * size * 0.45],
        ]
    });
    GateMark { gate, points, arrow, cheapest }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character half an em wide: simple to reason about, like a real font.
    fn half_em(text: &str) -> f64 {
        text.chars().count() as f64 * 0.5
    }

    fn leaf(goal: &str, cost: Option<f64>) -> AttackNode {
        AttackNode { goal: goal.into(), gate: None, children: vec![], cost, possible: true, equipment: false }
    }

    fn node(goal: &str, gate: Gate, children: Vec<AttackNode>) -> AttackNode {
        AttackNode { goal: goal.into(), gate: Some(gate), children, cost: None, possible: true, equipment: false }
    }

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

    fn plan(tree: &AttackNode, area: Area) -> Diagram {
        layout(tree, area, &Style::default(), &half_em)
    }

    /// Nodes drawn with their children, not counting the repeated root of a continuation.
    fn drawn_nodes(d: &Diagram) -> usize {
        d.parts
            .iter()
            .flat_map(|p| p.boxes.iter().map(move |b| (p, b)))
            .filter(|(p, b)| b.kind == BoxKind::Node && !(b.root && p.continued))
            .count()
    }

    fn overlaps(a: &NodeBox, b: &NodeBox) -> bool {
        a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
    }

    /// The properties every part must have, whatever the tree.
    fn check_part(part: &Part, area: Area, style: &Style, measure: &dyn Fn(&str) -> f64) {
        let eps = 1e-6;
        assert!(
            part.width <= area.width + eps,
            "part {} is {} wide, more than {}",
            part.number,
            part.width,
            area.width
        );
        assert!(part.height <= area.height + eps, "part {} is {} high", part.number, part.height);
        for (i, b) in part.boxes.iter().enumerate() {
            assert!(b.x >= -eps && b.y >= -eps, "box {i} starts outside the part: {b:?}");
            assert!(b.x + b.w <= part.width + eps && b.y + b.h <= part.height + eps, "box {i} ends outside: {b:?}");
            assert!(b.w >= style.min_box * part.scale - eps, "box {i} is narrower than the minimum");
            for other in &part.boxes[i + 1..] {
                assert!(!overlaps(b, other), "boxes overlap:\n{b:?}\n{other:?}");
            }
            for line in &b.lines {
                let width = measure(&line.text) * line.size;
                assert!(
                    width <= b.w - 2.0 * style.pad_x * part.scale + eps,
                    "line {:?} is wider than its box",
                    line.text
                );
                assert!(
                    line.y >= 0.0 && line.y + line.size <= b.h + eps,
                    "line {:?} leaves its box vertically",
                    line.text
                );
            }
        }
        assert!(
            part.scale >= style.min_scale - eps,
            "part {} is drawn at {}, below the legible minimum",
            part.number,
            part.scale
        );
    }

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

    #[test]
    fn long_goals_wrap_inside_their_boxes_and_hostile_ones_end_in_an_ellipsis() {
        let long = "Obtain a certificate for the victim's domain from a certificate authority that validates \
                    control of the domain over an unauthenticated channel";
        let word = "x".repeat(10_000);
        let huge = "word ".repeat(200_000);
        let tree = node("Goal", Gate::Or, vec![leaf(long, Some(1.0)), leaf(&word, Some(2.0)), leaf(&huge, None)]);
        let style = Style::default();
        let part = &plan(&tree, PAGE_AREA).parts[0];
        check_part(part, PAGE_AREA, &style, &half_em);
        let goal =
            |i: usize| part.boxes[i].lines.iter().filter(|l| !l.info).map(|l| l.text.as_str()).collect::<Vec<_>>();
        assert!(goal(1).len() > 2, "a long goal takes several lines");
        assert_eq!(goal(1).join(" "), long, "wrapping keeps every word");
        assert_eq!(goal(2).len(), style.max_lines);
        assert!(goal(2).last().unwrap().ends_with('…'));
        assert_eq!(goal(3).len(), style.max_lines);
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

    #[test]
    fn the_body_font_measures_text() {
        let font = FontMeasure::body();
        let narrow = font.width("iiiiiiiiii");
        let wide = font.width("MMMMMMMMMM");
        assert!(narrow > 1.0 && narrow < wide && wide < 10.0, "{narrow} {wide}");
        assert!(font.font.is_some(), "Gentium Plus is embedded");
    }
}
