//! Threat sections kept between builds, so that a watch rebuilds only the threats that changed.

use std::collections::HashMap;
use std::sync::Mutex;

use sigdoc_model::{Deliverables, Threat};

use crate::view::ThreatView;

/// Each threat's view from the previous build, keyed by the threat's full serialized
/// form; valid while the template, process and references stay the same.
///
/// Building a section lays out its attack tree with real font widths and converts its
/// Markdown: most of sigdoc's own work in a rebuild. Keys are whole serializations, not
/// hashes, so a stale section can never be shown for a changed threat.
#[derive(Debug)]
pub struct ThreatCache<S = ThreatView> {
    inner: Mutex<Generation<S>>,
}

#[derive(Debug)]
struct Generation<S> {
    /// The template, process and references the sections were built against.
    context: Vec<u8>,
    sections: HashMap<Vec<u8>, S>,
}

// By hand: a derived `Default` would ask the same of the sections' type.
impl<S> Default for ThreatCache<S> {
    fn default() -> Self {
        ThreatCache { inner: Mutex::new(Generation::default()) }
    }
}

impl<S> Default for Generation<S> {
    fn default() -> Self {
        Generation { context: Vec::new(), sections: HashMap::new() }
    }
}

impl<S: Clone + Send + Sync> ThreatCache<S> {
    /// The sections of `threats`, in order: from the cache where the threat and its
    /// context are unchanged, else from `build` (run in parallel). Afterwards the cache
    /// holds exactly these threats' sections.
    pub(crate) fn sections(
        &self,
        d: &Deliverables,
        threats: &[&Threat],
        build: impl Fn(&Threat) -> S + Sync,
    ) -> Vec<S> {
        use rayon::prelude::*;
        let context = serde_json::to_vec(&(&d.template, &d.process, &d.references)).unwrap_or_default();
        let keys: Vec<Vec<u8>> = threats.par_iter().map(|t| serde_json::to_vec(t).unwrap_or_default()).collect();
        let previous = {
            let mut inner = self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let generation = std::mem::take(&mut *inner);
            if generation.context == context { generation.sections } else { HashMap::new() }
        };
        let sections: Vec<S> = keys
            .par_iter()
            .zip(threats.par_iter())
            .map(|(key, t)| previous.get(key).cloned().unwrap_or_else(|| build(t)))
            .collect();
        let mut inner = self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        *inner = Generation { context, sections: keys.into_iter().zip(sections.iter().cloned()).collect() };
        sections
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use sigdoc_model::{FieldValue, Reference};

    use super::*;

    /// A stand-in section: what a threat's section would show of it.
    type Section = (String, Option<String>);

    fn threat(id: &str, abstract_text: &str) -> Threat {
        let mut threat = Threat::new(id, format!("documents/threats/{id}.yaml"));
        threat.values.insert("abstract".to_owned(), FieldValue::Markdown(abstract_text.into()));
        threat
    }

    /// Builds the sections of `threats` through `cache`, returning them and how many were built.
    fn build(cache: &ThreatCache<Section>, d: &Deliverables, threats: &[Threat]) -> (Vec<Section>, usize) {
        let built = AtomicUsize::new(0);
        let refs: Vec<&Threat> = threats.iter().collect();
        let sections = cache.sections(d, &refs, |t| {
            built.fetch_add(1, Ordering::Relaxed);
            (t.id.clone(), t.text("abstract").map(str::to_owned))
        });
        (sections, built.into_inner())
    }

    #[test]
    fn only_changed_threats_are_built_again() {
        let cache = ThreatCache::<Section>::default();
        let d = Deliverables::default();
        let mut threats = vec![threat("a", "one"), threat("b", "two"), threat("c", "three")];
        assert_eq!(build(&cache, &d, &threats).1, 3);
        assert_eq!(build(&cache, &d, &threats).1, 0);

        threats[1] = threat("b", "two, edited");
        let (sections, built) = build(&cache, &d, &threats);
        assert_eq!(built, 1);
        assert_eq!(sections[1], ("b".to_owned(), Some("two, edited".to_owned())));
        assert_eq!(sections[0], ("a".to_owned(), Some("one".to_owned())), "order follows the threats given");
    }

    #[test]
    fn a_changed_context_builds_everything_again() {
        let cache = ThreatCache::<Section>::default();
        let mut d = Deliverables::default();
        let threats = vec![threat("a", "one"), threat("b", "two")];
        build(&cache, &d, &threats);
        d.references.insert("RFC 6120".into(), Reference::new("RFC 6120", "Core", "https://example.org"));
        assert_eq!(build(&cache, &d, &threats).1, 2);
    }

    #[test]
    fn removed_threats_leave_the_cache() {
        let cache = ThreatCache::<Section>::default();
        let d = Deliverables::default();
        build(&cache, &d, &[threat("a", "one"), threat("b", "two")]);
        build(&cache, &d, &[threat("a", "one")]);
        assert_eq!(build(&cache, &d, &[threat("a", "one"), threat("b", "two")]).1, 1);
    }
}
