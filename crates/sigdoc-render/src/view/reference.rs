//! A cited reference as a threat's section lists it, with its footnote's words.

use serde::Serialize;
use sigdoc_model::links::reference_link;
use sigdoc_model::{RefUse, References};

use super::prose::Prose;
use crate::markdown::to_nodes;

/// One reference a threat cites, with what its footnote says.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReferenceView {
    /// The reference's id (`RFC 6120`).
    pub id: String,
    /// Its title; `None` for an id the bibliography lacks.
    pub title: Option<String>,
    /// Its address as written; `None` for an id the bibliography lacks.
    pub url: Option<String>,
    /// The address as a live link, where sigdoc makes one.
    pub href: Option<String>,
    /// How it addresses the threat.
    pub note: Option<Prose>,
}

impl ReferenceView {
    /// The view of one citation, looked up in the bibliography.
    pub fn new(cited: &RefUse, refs: &References) -> ReferenceView {
        let known = refs.get(&cited.id);
        ReferenceView {
            id: cited.id.clone(),
            title: known.map(|k| k.title.clone()),
            url: known.map(|k| k.url.clone()),
            href: known.and_then(|k| reference_link(&k.url)).map(str::to_owned),
            note: cited.note.as_ref().map(|n| to_nodes(n, refs)),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use sigdoc_model::Reference;

    use super::*;

    fn refs() -> References {
        let mut refs = References::new();
        for (id, url) in [("RFC 6120", "https://www.rfc-editor.org/rfc/rfc6120"), ("RFC 1", "ftp://x")] {
            refs.insert(id.into(), Reference { id: id.into(), title: format!("{id} title"), url: url.into() });
        }
        refs
    }

    #[test]
    fn a_known_reference_carries_its_footnote_words() {
        let cited = RefUse { id: "RFC 6120".into(), note: Some("Requires *TLS*.".into()) };
        let view = ReferenceView::new(&cited, &refs());
        assert_eq!(view.title.as_deref(), Some("RFC 6120 title"));
        assert_eq!(view.url.as_deref(), Some("https://www.rfc-editor.org/rfc/rfc6120"));
        assert_eq!(view.href, view.url);
        assert_eq!(
            serde_json::to_value(&view.note).ok(),
            Some(json!([{"t": "par", "c": ["Requires ", {"t": "em", "c": ["TLS"]}, "."]}]))
        );
    }

    #[test]
    fn an_unknown_or_unlinkable_reference_is_text() {
        let unknown = ReferenceView::new(&RefUse { id: "XEP-9999".into(), note: None }, &refs());
        assert_eq!(unknown, ReferenceView { id: "XEP-9999".into(), title: None, url: None, href: None, note: None });
        let unlinked = ReferenceView::new(&RefUse { id: "RFC 1".into(), note: None }, &refs());
        assert_eq!(unlinked.url.as_deref(), Some("ftp://x"));
        assert_eq!(unlinked.href, None);
    }
}
