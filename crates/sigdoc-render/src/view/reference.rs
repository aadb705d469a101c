//! References as documents show them: a threat's cited references, and the footnotes that
//! mentions and cites in prose make, each with its words computed once by the model.

use serde::Serialize;
use sigdoc_model::cites::Cite;
use sigdoc_model::links::reference_link;
use sigdoc_model::{RefUse, Reference, References};

use super::prose::{Citation, Prose};
use crate::markdown::to_nodes;

/// What a footnote says of one reference: `<lead> <url>`, the address linked where
/// sigdoc makes it live. Several are joined with `; `, and the footnote ends with `.`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReferenceNote {
    /// The reference's id.
    pub id: String,
    /// The words before the address (`RFC 6120: Title`, `Title, Publisher, 2023-10-21`).
    pub lead: String,
    /// The reference's address as written.
    pub url: String,
    /// The address as a live link, or `None` where sigdoc makes no link of it.
    pub href: Option<String>,
}

impl ReferenceNote {
    /// The note of a reference of the bibliography.
    pub fn new(reference: &Reference) -> ReferenceNote {
        ReferenceNote {
            id: reference.id.clone(),
            lead: reference.lead(),
            url: reference.url.clone(),
            href: reference_link(&reference.url).map(str::to_owned),
        }
    }
}

impl Citation {
    /// A mention of a known reference, as written.
    pub fn mention(written: &str, reference: &Reference) -> Citation {
        Citation { text: written.to_owned(), refs: vec![ReferenceNote::new(reference)] }
    }

    /// A cite, which shows its footnote's mark only; `None` where an id is unknown, which
    /// `check` refuses.
    pub fn cite(cite: &Cite, refs: &References) -> Option<Citation> {
        let notes = cite.ids.iter().map(|c| refs.get(&c.id).map(ReferenceNote::new)).collect::<Option<Vec<_>>>()?;
        Some(Citation { text: String::new(), refs: notes })
    }

    /// The footnote's whole text, for writers that do not link the address:
    /// `RFC 6120: Title <https://...>; Title, Publisher <https://...>.`
    pub fn footnote(&self) -> String {
        let notes: Vec<String> = self.refs.iter().map(|n| format!("{} <{}>", n.lead, n.url)).collect();
        format!("{}.", notes.join("; "))
    }
}

/// One reference a threat cites, with what its footnote says.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReferenceView {
    /// The reference's id (`RFC 6120`).
    pub id: String,
    /// Its title; `None` for an id the bibliography lacks.
    pub title: Option<String>,
    /// What its footnote says before the address; `None` for an id the bibliography lacks.
    pub lead: Option<String>,
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
            lead: known.map(Reference::lead),
            url: known.map(|k| k.url.clone()),
            href: known.and_then(|k| reference_link(&k.url)).map(str::to_owned),
            note: cited.note.as_ref().map(|n| to_nodes(n, refs)),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use sigdoc_model::cites::find_cites_in_plain;

    use super::*;

    fn refs() -> References {
        let mut refs = References::new();
        for (id, url) in [("RFC 6120", "https://www.rfc-editor.org/rfc/rfc6120"), ("RFC 1", "ftp://x")] {
            refs.insert(id.into(), Reference::new(id, format!("{id} title"), url));
        }
        let report = Reference {
            publisher: Some("Snikket".into()),
            date: Some("2023-10-21".into()),
            ..Reference::new("a-report", "On it", "https://snikket.org/x")
        };
        refs.insert(report.id.clone(), report);
        refs
    }

    #[test]
    fn a_known_reference_carries_its_footnote_words() {
        let cited = RefUse { id: "RFC 6120".into(), note: Some("Requires *TLS*.".into()) };
        let view = ReferenceView::new(&cited, &refs());
        assert_eq!(view.title.as_deref(), Some("RFC 6120 title"));
        assert_eq!(view.lead.as_deref(), Some("RFC 6120: RFC 6120 title"));
        assert_eq!(view.url.as_deref(), Some("https://www.rfc-editor.org/rfc/rfc6120"));
        assert_eq!(view.href, view.url);
        assert_eq!(
            serde_json::to_value(&view.note).ok(),
            Some(json!([{"t": "par", "c": ["Requires ", {"t": "em", "c": ["TLS"]}, "."]}]))
        );
        let web = ReferenceView::new(&RefUse { id: "a-report".into(), note: None }, &refs());
        assert_eq!(web.lead.as_deref(), Some("On it, Snikket, 2023-10-21"));
    }

    #[test]
    fn an_unknown_or_unlinkable_reference_is_text() {
        let unknown = ReferenceView::new(&RefUse { id: "XEP-9999".into(), note: None }, &refs());
        assert_eq!(
            unknown,
            ReferenceView { id: "XEP-9999".into(), title: None, lead: None, url: None, href: None, note: None }
        );
        let unlinked = ReferenceView::new(&RefUse { id: "RFC 1".into(), note: None }, &refs());
        assert_eq!(unlinked.url.as_deref(), Some("ftp://x"));
        assert_eq!(unlinked.href, None);
    }

    #[test]
    fn a_cite_names_every_reference_in_one_footnote() {
        let cites = find_cites_in_plain("[@a-report; @RFC 6120] [@a-report; @nowhere]");
        let citation = Citation::cite(&cites[0], &refs()).expect("known ids");
        assert_eq!(citation.text, "");
        assert_eq!(citation.refs.iter().map(|n| n.id.as_str()).collect::<Vec<_>>(), ["a-report", "RFC 6120"]);
        assert_eq!(
            citation.footnote(),
            "On it, Snikket, 2023-10-21 <https://snikket.org/x>; RFC 6120: RFC 6120 title <https://www.rfc-editor.org/rfc/rfc6120>."
        );
        assert_eq!(Citation::cite(&cites[1], &refs()), None);
        let mention = Citation::mention("RFC 1", &refs()["RFC 1"]);
        assert_eq!((mention.text.as_str(), mention.footnote().as_str()), ("RFC 1", "RFC 1: RFC 1 title <ftp://x>."));
        assert_eq!(mention.refs[0].href, None);
    }
}
