//! What `analysis.pdf` shows besides the shared header: the introduction and every threat.

use rayon::prelude::*;
use serde::Serialize;
use sigdoc_model::{Deliverables, Threat};

use super::alt::risk_matrix_alt;
use super::prose::Prose;
use super::rating::RatingView;
use super::threat::ThreatView;
use crate::markdown::to_nodes;
use crate::threat_cache::ThreatCache;

/// The content of `analysis.pdf`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnalysisView {
    /// The introduction.
    pub body: Prose,
    /// The process's rating, for the risk matrix.
    pub rating: RatingView,
    /// Every threat, most urgent first, then by name: the order of the summary table
    /// and of the sections.
    pub threats: Vec<ThreatView>,
    /// The risk matrix in words, with the threats in each cell (see [`risk_matrix_alt`]).
    pub matrix_alt: String,
}

impl AnalysisView {
    /// The view of the analysis; with a `cache`, unchanged threats' views come from it.
    pub fn new(d: &Deliverables, cache: Option<&ThreatCache>) -> AnalysisView {
        let threats = sorted(d);
        let mut view = AnalysisView {
            body: to_nodes(&d.analysis.body.text, &d.references),
            rating: RatingView::new(&d.process, &d.references),
            threats: match cache {
                Some(cache) => cache.sections(d, &threats, |t| ThreatView::new(t, d)),
                None => threats.par_iter().map(|t| ThreatView::new(t, d)).collect(),
            },
            matrix_alt: String::new(),
        };
        view.matrix_alt = risk_matrix_alt(&view.rating, Some(&view.threats));
        view
    }
}

/// The threats most urgent first, then by name (case aside), then by id; a threat without
/// a priority comes last.
fn sorted(d: &Deliverables) -> Vec<&Threat> {
    let mut threats: Vec<&Threat> = d.threats.iter().collect();
    threats.sort_by_cached_key(|t| (t.priority(&d.process).unwrap_or(u32::MAX), t.name().to_lowercase(), t.id.clone()));
    threats
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::example::example_with;

    const RATED: &str = "abstract: A.\ndefinition: D.\nattack_tree: {goal: G, cost: 1}\nexisting_approaches: []\ngap: G.\npotential_approaches: []\nrecommended: R.\n";

    fn threat(id: &str, name: &str, likelihood: &str, damage: &str) -> (String, String) {
        (
            format!("threats/{id}.yaml"),
            format!("id: {id}\nname: {name}\nlikelihood: {likelihood}\ndamage: {damage}\n{RATED}"),
        )
    }

    #[test]
    fn threats_come_most_urgent_first_then_by_name() {
        let files = [
            threat("b-low", "low one", "low", "low"),
            threat("a-low", "Low one", "low", "low"),
            threat("z-top", "zebra", "high", "high"),
            threat("m-mid", "Middle", "medium", "medium"),
        ];
        let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
        let d = example_with(&files);
        let view = AnalysisView::new(&d, None);
        let order: Vec<(&str, Option<u32>)> = view.threats.iter().map(|t| (t.id.as_str(), t.priority)).collect();
        assert_eq!(
            order,
            [
                ("starttls-stripping", Some(1)),
                ("z-top", Some(1)),
                ("m-mid", Some(2)),
                ("a-low", Some(3)),
                ("b-low", Some(3))
            ]
        );
        // The same sections from a cache, built or kept.
        let cache = ThreatCache::default();
        assert_eq!(AnalysisView::new(&d, Some(&cache)), view);
        assert_eq!(AnalysisView::new(&d, Some(&cache)), view);
        let data = serde_json::to_value(&view).unwrap_or_default();
        assert_eq!(data["body"][0]["c"][0], "Introduction");
        assert_eq!(data["threats"].as_array().map(Vec::len), Some(5));
    }

    #[test]
    fn a_threat_without_a_priority_comes_last() {
        let mut d = example_with(&[]);
        let mut unrated = Threat::new("aaa", "threats/aaa.yaml");
        unrated.values.clear();
        d.threats.insert(0, unrated);
        let ids: Vec<&str> = sorted(&d).iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["starttls-stripping", "aaa"]);
    }
}
