//! `references.yaml`: the bibliography that mentions, cites and `ref:`s resolve against,
//! and the words of each reference's footnote.

mod kind;
mod read;

use std::collections::BTreeMap;

use serde::Serialize;

pub use kind::{IdForm, ReferenceKind};
pub(crate) use read::{Bibliography, read_references};

/// One entry of the bibliography.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
    /// `XEP-0178`, `RFC 6120`, `CVE-2017-5589`, `jabber-ru-mitm-2023`.
    pub id: String,
    /// What it is: stated, or guessed from the id.
    pub kind: ReferenceKind,
    /// Its title.
    pub title: String,
    /// Its canonical address.
    pub url: String,
    /// When it was published: `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
    pub date: Option<String>,
    /// Who published it.
    pub publisher: Option<String>,
    /// Who wrote it.
    pub authors: Vec<String>,
}

impl Reference {
    /// A reference with a title and an address only, its kind guessed from its id (a web
    /// page for an id of no known form).
    pub fn new(id: impl Into<String>, title: impl Into<String>, url: impl Into<String>) -> Reference {
        let id = id.into();
        let kind = IdForm::of(&id).map_or(ReferenceKind::Web, ReferenceKind::guess);
        Reference { id, kind, title: title.into(), url: url.into(), date: None, publisher: None, authors: Vec::new() }
    }

    /// What the footnote says before the address, as XEPs word it for specifications
    /// (`XEP-0178: Title`, `CVE-2017-5589: Title`) and as a bibliography does for the rest
    /// (`Title, Publisher, 2023-10-21`; absent parts left out).
    pub fn lead(&self) -> String {
        if self.kind.id_form().is_shown() {
            return format!("{}: {}", self.id, self.title);
        }
        let parts = [Some(self.title.clone()), self.by(), self.date.clone()];
        parts.into_iter().flatten().filter(|p| !p.trim().is_empty()).collect::<Vec<_>>().join(", ")
    }

    /// The whole footnote: `XEP-0178: Title <https://...>.`
    pub fn footnote(&self) -> String {
        format!("{} <{}>.", self.lead(), self.url)
    }

    /// The publisher, or else the authors (`A`, `A and B`, `A, B and C`).
    fn by(&self) -> Option<String> {
        if let Some(publisher) = self.publisher.as_ref().filter(|p| !p.trim().is_empty()) {
            return Some(publisher.clone());
        }
        let authors: Vec<&str> = self.authors.iter().map(String::as_str).filter(|a| !a.trim().is_empty()).collect();
        match authors.split_last() {
            None => None,
            Some((last, [])) => Some((*last).to_owned()),
            Some((last, rest)) => Some(format!("{} and {last}", rest.join(", "))),
        }
    }
}

/// All references by id.
pub type References = BTreeMap<String, Reference>;

#[cfg(test)]
mod tests {
    use super::*;

    fn web(publisher: Option<&str>, authors: &[&str], date: Option<&str>) -> Reference {
        Reference {
            publisher: publisher.map(str::to_owned),
            authors: authors.iter().map(|a| (*a).to_owned()).collect(),
            date: date.map(str::to_owned),
            ..Reference::new("jabber-ru-mitm-2023", "A report", "https://example.org/r")
        }
    }

    #[test]
    fn specifications_and_cves_are_named_by_their_id() {
        let xep = Reference::new("XEP-0178", "Best Practices", "https://xmpp.org/extensions/xep-0178.html");
        assert_eq!(xep.kind, ReferenceKind::Xep);
        assert_eq!(xep.footnote(), "XEP-0178: Best Practices <https://xmpp.org/extensions/xep-0178.html>.");
        let rfc = Reference::new("RFC 6120", "Core", "https://www.rfc-editor.org/rfc/rfc6120");
        assert_eq!((rfc.kind, rfc.lead().as_str()), (ReferenceKind::Rfc, "RFC 6120: Core"));
        // A CVE names itself even where a publisher and a date are known.
        let cve = Reference {
            publisher: Some("MITRE".into()),
            date: Some("2017-02-08".into()),
            ..Reference::new("CVE-2017-5589", "Impersonation", "https://x.example/cve")
        };
        assert_eq!(cve.kind, ReferenceKind::Cve);
        assert_eq!(cve.footnote(), "CVE-2017-5589: Impersonation <https://x.example/cve>.");
    }

    #[test]
    fn other_sources_are_worded_with_the_parts_they_have() {
        let cases = [
            (web(Some("Snikket"), &["A"], Some("2023-10-21")), "A report, Snikket, 2023-10-21"),
            (web(None, &["A"], Some("2023")), "A report, A, 2023"),
            (web(None, &["A", "B"], None), "A report, A and B"),
            (web(None, &["A", "B", "C"], Some("2023-10")), "A report, A, B and C, 2023-10"),
            (web(None, &[], Some("2023-10-20")), "A report, 2023-10-20"),
            (web(None, &[], None), "A report"),
            (web(Some(" "), &["", "B"], None), "A report, B"),
        ];
        for (reference, lead) in cases {
            assert_eq!(reference.lead(), lead);
            assert_eq!(reference.footnote(), format!("{lead} <https://example.org/r>."));
        }
        // The slug never shows, whatever the kind among those named by title.
        for kind in [ReferenceKind::Paper, ReferenceKind::Post] {
            assert_eq!(Reference { kind, ..web(Some("P"), &[], None) }.lead(), "A report, P");
        }
    }

    #[test]
    fn a_reference_of_no_known_id_form_is_a_web_page() {
        assert_eq!(Reference::new("Not An Id", "T", "https://x").kind, ReferenceKind::Web);
    }
}
