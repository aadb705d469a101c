//! The arc that marks an AND or SAND gate across its child edges, with SAND's arrowhead.

use sigdoc_model::Gate;

use super::GateMark;

/// An arc of radius `r` around a gate's fan-out point from its first child's edge to
/// its last, and for SAND an arrowhead at the end, pointing in the order of the steps.
pub(super) fn gate_mark(gate: Gate, centre: [f64; 2], ends: &[[f64; 2]], r: f64, cheapest: bool) -> GateMark {
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
