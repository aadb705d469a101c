//! `references.yaml`: the bibliography that mentions and `ref:`s resolve against.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::links::{reference_url_problem, shorten};
use crate::reader::{Reader, child};
use crate::text::escape_controls;
use crate::yaml::Seg;

/// One entry of the bibliography.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
    /// `XEP-0178`, `RFC 6120`.
    pub id: String,
    /// The specification's title.
    pub title: String,
    /// Its canonical address.
    pub url: String,
}

impl Reference {
    /// The footnote text as XEPs word it: `XEP-0178: Title <url>.`
    pub fn footnote(&self) -> String {
        format!("{}: {} <{}>.", self.id, self.title, self.url)
    }
}

/// All references by id.
pub type References = BTreeMap<String, Reference>;

pub(crate) fn read_references(r: &mut Reader<'_>) -> References {
    let mut refs = References::new();
    let root: Vec<Seg> = Vec::new();
    let value = r.doc.value.clone();
    if value.is_null() {
        return refs;
    }
    let Some(map) = r.mapping(&root, &value, "the references (id: {title, url})") else { return refs };
    for (key, entry) in map {
        let Some(id) = key.as_str() else {
            r.error(&root, "a reference id must be text such as \"RFC 6120\"");
            continue;
        };
        let path = child(&root, id);
        let Some(fields) = r.mapping(&path, entry, &format!("reference \"{id}\"")) else { continue };
        r.unknown_keys(&path, fields, &["title", "url"], &format!("reference \"{id}\""));
        let title = r.string(&path, fields, "title", true, &format!("reference \"{id}\""));
        let url = r.string(&path, fields, "url", true, &format!("reference \"{id}\""));
        if let Some(problem) = url.as_deref().and_then(reference_url_problem) {
            let shown = escape_controls(&shorten(url.as_deref().unwrap_or_default())).into_owned();
            r.error(
                &child(&path, "url"),
                format!("the address \"{shown}\" of reference \"{id}\" cannot be a link: {problem}"),
            );
        }
        if let (Some(title), Some(url)) = (title, url) {
            refs.insert(id.to_owned(), Reference { id: id.to_owned(), title, url });
        }
    }
    refs
}
