//! Diffs of lists: approaches, Markdown items and references, item by item.

use std::collections::BTreeMap;

use serde::Serialize;
use sigdoc_model::{Approach, RefUse};
use similar::{Algorithm, DiffOp, TextDiff, capture_diff_slices};

use crate::words::{Segment, diff_words};

/// An item that is only on one side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    /// Its position in its list (0-based).
    pub index: usize,
    /// Its parts by name (the keys of an [`Approach`]'s parts; `text` for list items).
    pub parts: BTreeMap<String, String>,
}

/// An item present on both sides whose text differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemChange {
    /// Position in the old list.
    pub old_index: usize,
    /// Position in the new list.
    pub new_index: usize,
    /// Word diffs of every part, by part name (a part that did not change is one equal run).
    pub words: BTreeMap<String, Vec<Segment>>,
}

/// What changed in a list of approaches or items.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ItemChanges {
    /// Items only in the new list.
    pub added: Vec<Item>,
    /// Items only in the old list.
    pub removed: Vec<Item>,
    /// Items in both, reworded.
    pub changed: Vec<ItemChange>,
}

impl ItemChanges {
    /// Whether nothing differs.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// A reference whose note changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoteChange {
    /// The reference id.
    #[serde(rename = "ref")]
    pub id: String,
    /// The old note.
    pub old: Option<String>,
    /// The new note.
    pub new: Option<String>,
    /// Word diff of the notes.
    pub words: Vec<Segment>,
}

/// What changed in a list of references.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RefChanges {
    /// Cited only in the new list.
    pub added: Vec<RefUse>,
    /// Cited only in the old list.
    pub removed: Vec<RefUse>,
    /// Cited in both, with a different note.
    pub notes_changed: Vec<NoteChange>,
}

impl RefChanges {
    /// Whether nothing differs (a reordering alone is no change).
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.notes_changed.is_empty()
    }
}

/// Two reworded items are paired as a change when at least this much of their text is shared;
/// less, and the old one reads as removed and the new one as added.
const PAIRING_RATIO: f32 = 0.4;

/// Compares two lists of items, each a list of named parts; the first part identifies it.
fn diff_items(old: &[Vec<(&str, &str)>], new: &[Vec<(&str, &str)>]) -> ItemChanges {
    let keys_old: Vec<&str> = old.iter().map(|i| i.first().map_or("", |p| p.1)).collect();
    let keys_new: Vec<&str> = new.iter().map(|i| i.first().map_or("", |p| p.1)).collect();
    let mut out = ItemChanges::default();
    let item = |parts: &[(&str, &str)], index: usize| Item {
        index,
        parts: parts.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
    };
    let compare = |o: usize, n: usize| ItemChange {
        old_index: o,
        new_index: n,
        words: old[o].iter().zip(&new[n]).map(|((k, a), (_, b))| ((*k).to_owned(), diff_words(a, b))).collect(),
    };
    for op in capture_diff_slices(Algorithm::Myers, &keys_old, &keys_new) {
        match op {
            DiffOp::Equal { old_index, new_index, len } => {
                for i in 0..len {
                    if old[old_index + i] != new[new_index + i] {
                        out.changed.push(compare(old_index + i, new_index + i));
                    }
                }
            }
            DiffOp::Delete { old_index, old_len, .. } => {
                out.removed.extend((old_index..old_index + old_len).map(|i| item(&old[i], i)));
            }
            DiffOp::Insert { new_index, new_len, .. } => {
                out.added.extend((new_index..new_index + new_len).map(|i| item(&new[i], i)));
            }
            DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                for k in 0..old_len.max(new_len) {
                    let (o, n) = (old_index + k, new_index + k);
                    let similar = k < old_len
                        && k < new_len
                        && TextDiff::from_words(keys_old[o], keys_new[n]).ratio() >= PAIRING_RATIO;
                    if similar {
                        out.changed.push(compare(o, n));
                        continue;
                    }
                    if k < old_len {
                        out.removed.push(item(&old[o], o));
                    }
                    if k < new_len {
                        out.added.push(item(&new[n], n));
                    }
                }
            }
        }
    }
    out
}

/// Compares two lists of approaches; an approach is identified by its text.
pub fn diff_approaches(old: &[Approach], new: &[Approach]) -> ItemChanges {
    fn parts(a: &[Approach]) -> Vec<Vec<(&str, &str)>> {
        a.iter().map(|a| a.parts().iter().map(|(part, text)| (part.key(), *text)).collect()).collect()
    }
    diff_items(&parts(old), &parts(new))
}

/// Compares two lists of Markdown items.
pub fn diff_list(old: &[String], new: &[String]) -> ItemChanges {
    fn parts(a: &[String]) -> Vec<Vec<(&str, &str)>> {
        a.iter().map(|t| vec![("text", t.as_str())]).collect()
    }
    diff_items(&parts(old), &parts(new))
}

/// Compares two lists of cited references, by reference id (a repeated id by occurrence).
pub fn diff_references(old: &[RefUse], new: &[RefUse]) -> RefChanges {
    let keyed = |list: &[RefUse]| -> Vec<((String, usize), RefUse)> {
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        list.iter()
            .map(|r| {
                let n = seen.entry(r.id.as_str()).or_insert(0);
                *n += 1;
                ((r.id.clone(), *n), r.clone())
            })
            .collect()
    };
    let (old, new) = (keyed(old), keyed(new));
    let old_map: BTreeMap<&(String, usize), &RefUse> = old.iter().map(|(k, r)| (k, r)).collect();
    let new_map: BTreeMap<&(String, usize), &RefUse> = new.iter().map(|(k, r)| (k, r)).collect();
    let mut out = RefChanges::default();
    for (k, r) in &new {
        match old_map.get(k) {
            None => out.added.push(r.clone()),
            Some(o) if o.note != r.note => out.notes_changed.push(NoteChange {
                id: r.id.clone(),
                old: o.note.clone(),
                new: r.note.clone(),
                words: diff_words(o.note.as_deref().unwrap_or(""), r.note.as_deref().unwrap_or("")),
            }),
            Some(_) => {}
        }
    }
    out.removed = old.iter().filter(|(k, _)| !new_map.contains_key(k)).map(|(_, r)| r.clone()).collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::words::side;

    fn refuse(id: &str, note: Option<&str>) -> RefUse {
        RefUse { id: id.into(), note: note.map(Into::into) }
    }

    #[test]
    fn references_added_removed_and_notes_changed() {
        let old = vec![refuse("RFC 6120", Some("stamps from")), refuse("XEP-0280", None)];
        let new = vec![refuse("XEP-0280", None), refuse("RFC 6120", Some("stamps the from")), refuse("RFC 7590", None)];
        let d = diff_references(&old, &new);
        assert_eq!(d.added, vec![refuse("RFC 7590", None)]);
        assert!(d.removed.is_empty());
        assert_eq!(d.notes_changed.len(), 1);
        assert_eq!(d.notes_changed[0].id, "RFC 6120");
        assert_eq!(side(&d.notes_changed[0].words, true), "stamps the from");
        let d = diff_references(&new, &old);
        assert_eq!(d.removed, vec![refuse("RFC 7590", None)]);
        assert!(diff_references(&new, &new).is_empty());
        let mut reordered = new.clone();
        reordered.reverse();
        assert!(diff_references(&new, &reordered).is_empty(), "order alone is no change");
    }

    fn approach(a: &str, i: &str) -> Approach {
        Approach { approach: a.into(), implementation_issues: i.into() }
    }

    #[test]
    fn approaches_added_removed_and_reworded() {
        let old = vec![
            approach("Servers drop forged carbons from strangers.", "Must not break real carbons."),
            approach("Libraries validate wrappers centrally.", "Needs library changes."),
            approach("Something entirely different.", "None."),
        ];
        let new = vec![
            approach("Servers drop forged carbons from any stranger.", "Must not break real carbons."),
            approach("Libraries validate wrappers centrally.", "Needs library design changes."),
            approach("A brand new idea about pinning keys.", "Deployment."),
        ];
        let d = diff_approaches(&old, &new);
        let changed: Vec<(usize, usize)> = d.changed.iter().map(|c| (c.old_index, c.new_index)).collect();
        assert_eq!(changed, [(0, 0), (1, 1)]);
        assert_eq!(d.removed.len(), 1);
        assert_eq!(d.removed[0].parts["approach"], "Something entirely different.");
        assert_eq!(d.added.len(), 1);
        assert_eq!(d.added[0].index, 2);
        assert!(!crate::words::has_changes(&d.changed[1].words["approach"]));
        assert!(crate::words::has_changes(&d.changed[1].words["implementation_issues"]));
    }

    #[test]
    fn list_items_inserted_in_the_middle() {
        let old = vec!["one".to_owned(), "three".into()];
        let new = vec!["one".to_owned(), "two".into(), "three".into()];
        let d = diff_list(&old, &new);
        assert_eq!(d.added.len(), 1);
        assert_eq!(d.added[0].index, 1);
        assert!(d.removed.is_empty() && d.changed.is_empty());
    }
}
