//! Diffs of lists: approaches, Markdown items and references, item by item.

use std::collections::BTreeMap;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use sigdoc_model::{Approach, ApproachPart, RefUse};

use crate::engine;
use crate::styled::Markup;
use crate::words::{Prose, tokenize};

/// A part of a list item: a Markdown item's one text, or one part of an approach.
///
/// An item's parts come in the model's order ([`ApproachPart::ALL`]: the approach before
/// its implementation issues), and every presenter shows them in that order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemPart {
    /// The text of an item of a list.
    Text,
    /// A part of an approach.
    Approach(ApproachPart),
}

impl ItemPart {
    /// The key the JSON names the part by: `text`, or the key threat files write.
    pub fn key(self) -> &'static str {
        match self {
            ItemPart::Text => "text",
            ItemPart::Approach(part) => part.key(),
        }
    }

    /// How documents title the part; a list item's one text has no title.
    pub fn label(self) -> Option<&'static str> {
        match self {
            ItemPart::Text => None,
            ItemPart::Approach(part) => Some(part.label()),
        }
    }
}

/// Serializes parts as a map from their keys, in their order.
fn part_map<S: Serializer>(parts: &[(ItemPart, String)], serializer: S) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(parts.len()))?;
    for (part, text) in parts {
        map.serialize_entry(part.key(), text)?;
    }
    map.end()
}

/// Serializes the parts of a change as a map from their keys to their source word runs.
fn part_words<S: Serializer>(parts: &[(ItemPart, Prose)], serializer: S) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(parts.len()))?;
    for (part, prose) in parts {
        map.serialize_entry(part.key(), &prose.words)?;
    }
    map.end()
}

/// An item that is only on one side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    /// Its position in its list (0-based).
    pub index: usize,
    /// Its parts in order, with their texts (JSON: a map from part keys).
    #[serde(serialize_with = "part_map")]
    pub parts: Vec<(ItemPart, String)>,
}

/// An item present on both sides whose text differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemChange {
    /// Position in the old list.
    pub old_index: usize,
    /// Position in the new list.
    pub new_index: usize,
    /// Every part in order with its change (a part that did not change is one kept run).
    /// JSON: `words`, a map from part keys to source word runs.
    #[serde(rename = "words", serialize_with = "part_words")]
    pub parts: Vec<(ItemPart, Prose)>,
}

/// What changed in a list of approaches or items.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoteChange {
    /// The reference id.
    #[serde(rename = "ref")]
    pub id: String,
    /// The old note.
    pub old: Option<String>,
    /// The new note.
    pub new: Option<String>,
    /// The notes compared (JSON: `words`, the source word runs).
    #[serde(flatten)]
    pub prose: Prose,
}

/// What changed in a list of references.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
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

/// Whether two item texts read as one reworded: the share of words they keep.
fn similar_texts(old: &str, new: &str) -> bool {
    engine::ratio(&tokenize(old), &tokenize(new)) >= PAIRING_RATIO
}

/// Compares two lists of items, each a list of parts; the first part identifies it.
fn diff_items(old: &[Vec<(ItemPart, &str)>], new: &[Vec<(ItemPart, &str)>]) -> ItemChanges {
    let keys_old: Vec<&str> = old.iter().map(|i| i.first().map_or("", |p| p.1)).collect();
    let keys_new: Vec<&str> = new.iter().map(|i| i.first().map_or("", |p| p.1)).collect();
    let mut out = ItemChanges::default();
    let item = |parts: &[(ItemPart, &str)], index: usize| Item {
        index,
        parts: parts.iter().map(|(part, text)| (*part, (*text).to_owned())).collect(),
    };
    let compare = |o: usize, n: usize| ItemChange {
        old_index: o,
        new_index: n,
        // Every part of an item is Markdown.
        parts: old[o]
            .iter()
            .zip(&new[n])
            .map(|((part, a), (_, b))| (*part, Prose::compare(a, b, Markup::Markdown)))
            .collect(),
    };
    for s in engine::compare(&keys_old, &keys_new) {
        let (old_len, new_len) = (s.old.len(), s.new.len());
        if s.kept {
            for (o, n) in s.old.zip(s.new) {
                if old[o] != new[n] {
                    out.changed.push(compare(o, n));
                }
            }
            continue;
        }
        // Replaced items are paired in order while they read as reworded.
        for k in 0..old_len.max(new_len) {
            let (o, n) = (s.old.start + k, s.new.start + k);
            if k < old_len && k < new_len && similar_texts(keys_old[o], keys_new[n]) {
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
    out
}

/// Compares two lists of approaches; an approach is identified by its text.
pub fn diff_approaches(old: &[Approach], new: &[Approach]) -> ItemChanges {
    fn parts(a: &[Approach]) -> Vec<Vec<(ItemPart, &str)>> {
        a.iter().map(|a| a.parts().iter().map(|(part, text)| (ItemPart::Approach(*part), *text)).collect()).collect()
    }
    diff_items(&parts(old), &parts(new))
}

/// Compares two lists of Markdown items.
pub fn diff_list(old: &[String], new: &[String]) -> ItemChanges {
    fn parts(a: &[String]) -> Vec<Vec<(ItemPart, &str)>> {
        a.iter().map(|t| vec![(ItemPart::Text, t.as_str())]).collect()
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
                prose: Prose::compare(
                    o.note.as_deref().unwrap_or(""),
                    r.note.as_deref().unwrap_or(""),
                    Markup::Markdown,
                ),
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
        assert_eq!(side(&d.notes_changed[0].prose.words, true), "stamps the from");
        assert!(!d.notes_changed[0].prose.shown.is_empty());
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
        assert_eq!(
            d.removed[0].parts[0],
            (ItemPart::Approach(ApproachPart::Approach), "Something entirely different.".into())
        );
        assert_eq!(d.added.len(), 1);
        assert_eq!(d.added[0].index, 2);
        let parts: Vec<(ItemPart, bool)> = d.changed[1].parts.iter().map(|(p, w)| (*p, w.has_changes())).collect();
        assert_eq!(
            parts,
            [
                (ItemPart::Approach(ApproachPart::Approach), false),
                (ItemPart::Approach(ApproachPart::ImplementationIssues), true)
            ],
            "the approach before its implementation issues"
        );
    }

    #[test]
    fn parts_serialize_as_maps_in_the_model_s_order() {
        let old = vec![approach("Check centrally.", "Library changes.")];
        let new = vec![approach("Check centrally.", "Library design changes."), approach("Pin keys.", "Deployment.")];
        let d = serde_json::to_value(diff_approaches(&old, &new)).expect("serialises");
        assert_eq!(
            d["added"],
            serde_json::json!([{"index": 1, "parts": {"approach": "Pin keys.", "implementation_issues": "Deployment."}}])
        );
        let words = &d["changed"][0]["words"];
        assert_eq!(words["approach"], serde_json::json!([{"op": "equal", "text": "Check centrally."}]));
        assert_eq!(words["implementation_issues"][1], serde_json::json!({"op": "insert", "text": "design"}));
        let keys: Vec<&String> = words.as_object().map(|m| m.keys().collect()).unwrap_or_default();
        assert_eq!(keys.len(), 2);
        let list = serde_json::to_value(diff_list(&[], &["An item.".to_owned()])).expect("serialises");
        assert_eq!(list["added"], serde_json::json!([{"index": 0, "parts": {"text": "An item."}}]));
    }

    #[test]
    fn parts_have_keys_and_labels() {
        assert_eq!((ItemPart::Text.key(), ItemPart::Text.label()), ("text", None));
        let issues = ItemPart::Approach(ApproachPart::ImplementationIssues);
        assert_eq!((issues.key(), issues.label()), ("implementation_issues", Some("Implementation issues")));
    }

    #[test]
    fn items_pair_by_shared_words_not_shared_spaces() {
        // Nothing in common but the spaces between the words: an item removed and one added.
        let d = diff_list(&["a b c d".to_owned()], &["e f g h".to_owned()]);
        assert_eq!((d.removed.len(), d.added.len(), d.changed.len()), (1, 1, 0), "{d:?}");
        // Two words of five kept on each side (ratio 0.4): a reworded item.
        let d = diff_list(&["a b c d e".to_owned()], &["a b x y z".to_owned()]);
        assert_eq!((d.removed.len(), d.added.len(), d.changed.len()), (0, 0, 1), "{d:?}");
        // One of five: below the ratio.
        let d = diff_list(&["a b c d e".to_owned()], &["a w x y z".to_owned()]);
        assert_eq!((d.removed.len(), d.added.len(), d.changed.len()), (1, 1, 0), "{d:?}");
    }

    #[test]
    fn an_unchanged_list_has_no_changes_and_a_removed_run_is_removed() {
        let old = vec!["one".to_owned(), "two".into(), "three".into()];
        assert!(diff_list(&old, &old).is_empty());
        let d = diff_list(&old, &old[..1]);
        let removed: Vec<usize> = d.removed.iter().map(|i| i.index).collect();
        assert_eq!(removed, [1, 2]);
        assert!(d.added.is_empty() && d.changed.is_empty());
    }

    #[test]
    fn replaced_items_pair_in_order_after_kept_ones() {
        let list = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let old = list(&["kept one", "kept two", "alpha beta gamma", "delta epsilon zeta"]);
        let new = list(&["kept one", "kept two", "alpha beta gamma eta", "delta epsilon zeta theta"]);
        let d = diff_list(&old, &new);
        let pairs: Vec<(usize, usize)> = d.changed.iter().map(|c| (c.old_index, c.new_index)).collect();
        assert_eq!(pairs, [(2, 2), (3, 3)], "{d:?}");
        assert!(d.added.is_empty() && d.removed.is_empty(), "{d:?}");
    }

    #[test]
    fn any_one_change_makes_item_changes_non_empty() {
        let one = vec!["one".to_owned()];
        let reworded = vec!["one more".to_owned()];
        for (old, new, what) in [(&[][..], &one[..], "added"), (&one, &[], "removed"), (&one, &reworded, "changed")] {
            assert!(!diff_list(old, new).is_empty(), "{what}");
        }
    }

    #[test]
    fn a_repeated_reference_is_matched_by_occurrence() {
        let old = vec![refuse("RFC 6120", None), refuse("RFC 6120", Some("again"))];
        let d = diff_references(&old, &old[..1]);
        assert_eq!(d.removed, [refuse("RFC 6120", Some("again"))]);
        assert!(d.added.is_empty() && d.notes_changed.is_empty(), "{d:?}");
        assert!(!d.is_empty());
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
