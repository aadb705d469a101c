//! Parts of a page kept between writes of it, so that a watch rewrites only what an edit changed.

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;

use super::out::{Heading, Mark};

/// A written part of a page: its markup, and what it added to the page's contents and
/// notes and left in its section counters.
#[derive(Debug)]
pub(super) struct Fragment {
    pub html: String,
    pub headings: Vec<Heading>,
    pub notes: Vec<String>,
    pub counters_after: [u32; 6],
}

/// The fragments of the last write of one page (a threat's section, the summary, the
/// risk matrix, the contents), each under the fingerprint of what it shows and the
/// place it starts at (section numbers, notes so far): a fragment is reused only where
/// it would be written the same.
#[derive(Debug, Default)]
pub struct PageCache {
    inner: Mutex<Generations>,
    built: AtomicUsize,
}

#[derive(Debug, Default)]
struct Generations {
    /// The last write's fragments, to take from.
    previous: HashMap<(u64, Mark), Arc<Fragment>>,
    /// This write's, kept for the next.
    current: HashMap<(u64, Mark), Arc<Fragment>>,
}

impl PageCache {
    /// Starts a write of the page: the fragments of the last write become the ones to
    /// reuse, and those the new write leaves unused are dropped when it ends.
    pub(super) fn begin(&self) {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.previous = std::mem::take(&mut inner.current);
        self.built.store(0, Ordering::Relaxed);
    }

    /// The fragment written last time for `key` at `mark`, now kept for the next write.
    pub(super) fn take(&self, key: u64, mark: Mark) -> Option<Arc<Fragment>> {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let fragment = inner.previous.remove(&(key, mark)).or_else(|| inner.current.get(&(key, mark)).cloned())?;
        inner.current.insert((key, mark), fragment.clone());
        Some(fragment)
    }

    /// Keeps a fragment just written.
    pub(super) fn put(&self, key: u64, mark: Mark, fragment: Fragment) {
        self.built.fetch_add(1, Ordering::Relaxed);
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.current.insert((key, mark), Arc::new(fragment));
    }

    /// How many fragments the last write built anew rather than reused.
    pub fn built(&self) -> usize {
        self.built.load(Ordering::Relaxed)
    }
}

/// A hasher fed by serialization, so that a view is fingerprinted without being copied.
struct HashWriter<'h>(&'h mut DefaultHasher);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.write(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The fingerprint of a fragment of kind `kind` showing `shown`: the same exactly when
/// the serialized form is (with overwhelming likelihood).
pub(super) fn fingerprint(kind: &str, shown: &impl Serialize) -> u64 {
    let mut h = DefaultHasher::new();
    kind.hash(&mut h);
    // Serializing views holds no failure but a writer's, and this writer never fails.
    let _ = serde_json::to_writer(HashWriter(&mut h), shown);
    h.finish()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use sigdoc_model::{DocKind, History, Review};

    use super::PageCache;
    use crate::html::{SiteLinks, page, page_cached};
    use crate::view::example::example_with;
    use crate::view::{PageView, Revision};

    fn threat(id: &str, name: &str, definition: &str) -> (String, String) {
        (
            format!("threats/{id}.yaml"),
            format!(
                "id: {id}\nname: {name}\nlikelihood: low\ndamage: high\nabstract: A.\ndefinition: {definition}\n\
                 attack_tree: {{goal: G, cost: 2}}\nexisting_approaches: []\ngap: G.\npotential_approaches: []\n\
                 recommended: R.\n"
            ),
        )
    }

    /// The analysis page of the example documents with `threats` added, written with and
    /// without `cache`: they must be the same.
    fn analysis(threats: &[(String, String)], reviewed: &str, cache: &PageCache) -> String {
        let files: Vec<(&str, &str)> = threats.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
        let d = example_with(&files);
        let mut history = History::new(DocKind::Analysis, Vec::new(), false);
        history.reviews =
            BTreeMap::from([("b".to_owned(), Review { version: reviewed.into(), date: "2025-03-01".into() })]);
        let revision = Revision::from_history(&history, "2025-01-02");
        let view = PageView::new(DocKind::Analysis, &d, &history, &revision, None, &[]);
        let links = SiteLinks { pdfs: false };
        let cached = page_cached(&view, &links, Some(cache));
        assert_eq!(cached, page(&view, &links), "a cached write is the write");
        cached
    }

    #[test]
    fn an_edit_rewrites_its_threat_and_only_what_shows_what_changed() {
        let cache = PageCache::default();
        let mut threats =
            vec![threat("a", "Alpha", "One."), threat("b", "Bravo", "Two."), threat("c", "Charlie", "Three.")];
        // Four threats (the example has one), the summary, the matrix, the contents.
        analysis(&threats, "0.1", &cache);
        assert_eq!(cache.built(), 7);
        analysis(&threats, "0.1", &cache);
        assert_eq!(cache.built(), 0, "nothing changed, nothing is written");

        // A field only the threat's section shows: that section alone.
        threats[1] = threat("b", "Bravo", "Two, edited.");
        assert!(analysis(&threats, "0.1", &cache).contains("Two, edited."));
        assert_eq!(cache.built(), 1);

        // The review shows in the summary too.
        assert!(analysis(&threats, "0.2", &cache).contains("0.2, 2025-03-01"));
        assert_eq!(cache.built(), 2);

        // A new name shows in the section, the summary and the contents, and keeps the
        // threat in its place among the others (sorted by name).
        threats[1] = threat("b", "Bravo renamed", "Two, edited.");
        assert!(analysis(&threats, "0.2", &cache).contains("Bravo renamed"));
        assert_eq!(cache.built(), 3);

        // A footnote more renumbers the notes of every later section: those are rewritten.
        threats[0] = threat("a", "Alpha", "One[^n].\n\n  [^n]: A note.");
        threats[0].1 = threats[0].1.replace("definition: One", "definition: |\n  One");
        let page = analysis(&threats, "0.2", &cache);
        assert!(page.contains("A note."), "{page}");
        assert!(cache.built() >= 1);
    }
}
