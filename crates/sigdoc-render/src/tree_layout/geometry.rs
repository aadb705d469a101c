//! Sizes and positions of a part's boxes at full size, and the scale the part needs to fit.

use super::outline::{BoxContent, PartOutline};
use super::split::Planner;
use super::tidy::tidy;
use super::wrap::wrap;

/// Lines are broken a little short of the box, for the shaper's rounding.
const TEXT_SAFETY: f64 = 0.96;

/// Sizes and positions of an outline's boxes, unscaled.
pub(super) struct Geometry {
    /// The width every box of the part shares.
    pub(super) box_w: f64,
    pub(super) width: f64,
    pub(super) height: f64,
    /// Left edges.
    pub(super) x: Vec<f64>,
    /// Top edges.
    pub(super) y: Vec<f64>,
    /// Heights: each box is as tall as its row.
    pub(super) h: Vec<f64>,
    /// Where each box's first line starts, its text centred in the row's height.
    pub(super) text_top: Vec<f64>,
    /// Each box's goal lines and its gate and cost lines, broken to fit.
    pub(super) lines: Vec<(Vec<String>, Vec<String>)>,
    /// The factor that fits the width in the area, at most 1.
    pub(super) width_scale: f64,
    /// The factor that fits the height in the area, at most 1.
    pub(super) height_scale: f64,
}

impl Geometry {
    /// The factor the part is drawn at: the smaller of the two.
    pub(super) fn scale(&self) -> f64 {
        self.width_scale.min(self.height_scale)
    }
}

impl Planner<'_> {
    /// Sizes and places an outline's boxes; `continues_in` gives the part a stub or
    /// "more" box refers to, which its text names.
    pub(super) fn geometry(
        &self,
        outline: &PartOutline,
        continues_in: &dyn Fn(BoxContent) -> Option<usize>,
    ) -> Geometry {
        let s = &self.style;
        let centres = tidy(outline);
        let span = centres.iter().copied().fold(0.0, f64::max);
        let fitted = (self.area.width - span * s.gap_x) / (span + 1.0);
        let box_w = fitted.clamp(s.min_box, s.max_box);
        let width = span * (box_w + s.gap_x) + box_w;
        let text_em = |size: f64| (box_w - 2.0 * s.pad_x) / size * TEXT_SAFETY;
        let mut lines = Vec::with_capacity(outline.boxes.len());
        let mut h = Vec::with_capacity(outline.boxes.len());
        for planned in &outline.boxes {
            let (goal, info) = self.box_texts(planned.content, continues_in(planned.content));
            let goal_lines = wrap(&goal, text_em(s.font), s.max_lines, self.measure);
            let info_lines =
                if info.is_empty() { Vec::new() } else { wrap(&info, text_em(s.info_font), 3, self.measure) };
            h.push(
                2.0 * s.pad_y
                    + goal_lines.len() as f64 * s.font * s.leading
                    + info_lines.len() as f64 * s.info_font * s.leading,
            );
            lines.push((goal_lines, info_lines));
        }
        let rows = outline.boxes.iter().map(|b| b.depth).max().unwrap_or(0) + 1;
        let mut row_h = vec![0.0f64; rows];
        for (planned, &bh) in outline.boxes.iter().zip(&h) {
            row_h[planned.depth] = row_h[planned.depth].max(bh);
        }
        let mut row_y = Vec::with_capacity(rows);
        let mut top = 0.0;
        for rh in &row_h {
            row_y.push(top);
            top += rh + s.gap_y;
        }
        let height = top - s.gap_y;
        // A row's boxes share its height, their text centred in it: rows read as rows.
        let text_top: Vec<f64> =
            outline.boxes.iter().zip(&h).map(|(b, &bh)| (row_h[b.depth] - bh) / 2.0 + s.pad_y).collect();
        let h = outline.boxes.iter().map(|b| row_h[b.depth]).collect();
        Geometry {
            text_top,
            box_w,
            width,
            height,
            x: centres.iter().map(|c| c * (box_w + s.gap_x)).collect(),
            y: outline.boxes.iter().map(|b| row_y[b.depth]).collect(),
            h,
            lines,
            width_scale: (self.area.width / width).min(1.0),
            height_scale: (self.area.height / height).min(1.0),
        }
    }
}
