//! What a box says: the goal, and the gate, cost and `see part N` line under it.

use sigdoc_model::Gate;

use super::outline::BoxContent;
use super::split::Planner;
use crate::data::format_cost;

impl Planner<'_> {
    fn gate_name(&self, v: usize) -> &'static str {
        match self.nodes[v].source.gate.unwrap_or(Gate::Or) {
            Gate::Or => "OR",
            Gate::And => "AND",
            Gate::Sand => "SAND",
        }
    }

    /// The goal text and the gate and cost text of a box; `continues_in` is the part a
    /// stub or "more" box refers to.
    pub(super) fn box_texts(&self, content: BoxContent, continues_in: Option<usize>) -> (String, String) {
        let see = |text: String| match continues_in {
            Some(p) => format!("{text} · see part {p}"),
            None => text,
        };
        match content {
            BoxContent::Node(v) | BoxContent::Stub(v) => {
                let f = &self.nodes[v];
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
                    if f.source.equipment { format!("{cost} · special equipment") } else { cost }
                } else {
                    format!("{} · {cost}", self.gate_name(v))
                };
                let info = if matches!(content, BoxContent::Stub(_)) { see(info) } else { info };
                (f.source.goal.clone(), info)
            }
            BoxContent::More { of, count } => {
                let what = match self.nodes[of].source.gate.unwrap_or(Gate::Or) {
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
                (format!("… and {count} {what}"), continues_in.map(|p| format!("see part {p}")).unwrap_or_default())
            }
        }
    }
}
