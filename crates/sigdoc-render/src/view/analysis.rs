//! What `analysis.pdf` shows besides the shared header: the introduction and every threat.

use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

use sigdoc_model::{Deliverables, Review, Threat};

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
    /// Every analysed threat, most urgent first, then by name: the order of the summary
    /// table and of the sections.
    pub threats: Vec<ThreatView>,
    /// The proposed threats, by name: a section of their own after the analysed ones,
    /// outside the summary and the matrix.
    pub proposed: Vec<ThreatView>,
    /// The risk matrix in words, with the threats in each cell (see [`risk_matrix_alt`]).
    pub matrix_alt: String,
}

impl AnalysisView {
    /// The view of the analysis, each threat with its last review from `reviews`; with
    /// a `cache`, unchanged threats' views come from it.
    pub fn new(d: &Deliverables, reviews: &BTreeMap<String, Review>, cache: Option<&ThreatCache>) -> AnalysisView {
        let threats = sorted(d);
        let mut sections = match cache {
            Some(cache) => cache.sections(d, &threats, |t| ThreatView::new(t, d)),
            None => threats.par_iter().map(|t| ThreatView::new(t, d)).collect(),
        };
        // Reviews come from git, not from the threat, so they are set after the cache:
        // a section kept for an unchanged file may have a newer review.
        for section in &mut sections {
            section.last_review = reviews.get(&section.id).cloned();
        }
        let (proposed, threats) = threats.iter().zip(sections).partition(|(t, _)| t.is_proposed());
        let rating = RatingView::new(&d.process, &d.references);
        let threats = only_views(threats);
        // Proposed threats have no rating, so the matrix's words name analysed ones only.
        let matrix_alt = risk_matrix_alt(&rating, Some(&threats));
        AnalysisView {
            body: to_nodes(&d.analysis.body.text, &d.references),
            rating,
            threats,
            proposed: only_views(proposed),
            matrix_alt,
        }
    }
}

fn only_views(pairs: Vec<(&&Threat, ThreatView)>) -> Vec<ThreatView> {
    pairs.into_iter().map(|(_, view)| view).collect()
}

/// The threats most urgent first, then by name (case aside), then by id; a threat without
/// a priority comes last. Proposed threats are not rated, so they come by name.
fn sorted(d: &Deliverables) -> Vec<&Threat> {
    let mut threats: Vec<&Threat> = d.threats.iter().collect();
    threats.sort_by_cached_key(|t| {
        let priority = if t.is_proposed() { None } else { t.priority(&d.process) };
        (priority.unwrap_or(u32::MAX), t.name().to_lowercase(), t.id.clone())
    });
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
        let view = AnalysisView::new(&d, &BTreeMap::new(), None);
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
        assert_eq!(AnalysisView::new(&d, &BTreeMap::new(), Some(&cache)), view);
        assert_eq!(AnalysisView::new(&d, &BTreeMap::new(), Some(&cache)), view);
        let data = serde_json::to_value(&view).unwrap_or_default();
        assert_eq!(data["body"][0]["c"][0], "Introduction");
        assert_eq!(data["threats"].as_array().map(Vec::len), Some(5));
    }

    #[test]
    fn proposed_threats_stand_apart_by_name_and_reviews_follow_the_id() {
        let proposed = |id: &str, name: &str, extra: &str| {
            (format!("threats/{id}.yaml"), format!("id: {id}\nname: {name}\nstatus: proposed\nabstract: A.\n{extra}"))
        };
        let files = [
            proposed("p-zed", "Zed", "likelihood: high\ndamage: high\n"),
            proposed("p-alpha", "alpha", ""),
            threat("rated", "Rated", "low", "low"),
        ];
        let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
        let d = example_with(&files);
        let review = |version: &str| Review { version: version.into(), date: "2025-03-01".into() };
        let reviews = BTreeMap::from([("p-zed".to_owned(), review("0.2")), ("rated".to_owned(), review("0.1+1"))]);
        let cache = ThreatCache::default();
        for cache in [None, Some(&cache), Some(&cache)] {
            let view = AnalysisView::new(&d, &reviews, cache);
            let ids = |list: &[ThreatView]| list.iter().map(|t| t.id.clone()).collect::<Vec<_>>();
            assert_eq!(ids(&view.threats), ["starttls-stripping", "rated"]);
            // By name, though Zed's levels would rate it first.
            assert_eq!(ids(&view.proposed), ["p-alpha", "p-zed"]);
            let reviewed: Vec<Option<String>> =
                view.threats.iter().chain(&view.proposed).map(|t| t.last_review.as_ref().map(Review::label)).collect();
            let label = |s: &str| Some(s.to_owned());
            assert_eq!(reviewed, [None, label("0.1+1, 2025-03-01"), None, label("0.2, 2025-03-01")]);
            // A proposed threat shows a priority only when it has one.
            let keys = |t: &ThreatView| t.fields.iter().map(|f| f.key.clone()).collect::<Vec<_>>();
            assert!(!keys(&view.proposed[0]).contains(&"priority".to_owned()));
            assert!(keys(&view.proposed[1]).contains(&"priority".to_owned()));
            assert!(keys(&view.threats[1]).contains(&"priority".to_owned()));
            // The matrix's words name the rated threats, not Zed's proposed levels.
            assert!(
                view.matrix_alt.contains("threat rated") && !view.matrix_alt.contains("p-zed"),
                "{}",
                view.matrix_alt
            );
        }
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
