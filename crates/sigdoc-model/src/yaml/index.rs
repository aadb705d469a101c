//! The location index: an arena of places, one node per value, and its builder from yaml-rust2's marked events.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use yaml_rust2::parser::Event;

use super::Seg;
use super::position::{Pos, saturate};

/// Where keys and values stand: an arena of nodes, one per value, in document order.
///
/// Each value costs one node and, when a mapping key names it, one map entry keyed by
/// (mapping, interned key name); key names are stored once per distinct name. Node 0 is
/// the document's root.
#[derive(Debug, Clone, Default)]
pub(super) struct LocIndex {
    pub(super) nodes: Vec<Node>,
    names: HashMap<Box<str>, u32>,
    entries: HashMap<(u32, u32), u32>,
}

#[derive(Debug, Clone)]
pub(super) struct Node {
    /// Where the value starts.
    pub(super) value: Pos,
    /// Where its key stands, or [`Pos::NONE`].
    pub(super) key: Pos,
    kind: Kind,
    /// A list's items, or a mapping's values in the order their keys are written.
    pub(super) items: Vec<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Scalar,
    Sequence,
    Mapping,
}

impl LocIndex {
    /// The node at `path`, or its nearest recorded ancestor; and whether it is the node itself.
    pub(super) fn find(&self, path: &[Seg]) -> Option<(&Node, bool)> {
        let mut id = 0;
        let mut node = self.nodes.first()?;
        for seg in path {
            let child = match seg {
                // Only mappings have entries.
                Seg::Key(key) => self.names.get(key.as_str()).and_then(|name| self.entries.get(&(id, *name))).copied(),
                Seg::Index(i) if node.kind == Kind::Sequence => node.items.get(*i).copied(),
                _ => None,
            };
            match child.and_then(|c| Some((c, self.nodes.get(c as usize)?))) {
                Some((c, next)) => (id, node) = (c, next),
                None => return Some((node, false)),
            }
        }
        Some((node, true))
    }
}

/// Builds the location index from the marked event stream.
#[derive(Default)]
pub(super) struct Builder {
    pub(super) index: LocIndex,
    stack: Vec<Frame>,
    /// Interned text of anchored scalars, so that an alias used as a key names it.
    anchors: HashMap<usize, u32>,
    pub(super) duplicate: Option<Pos>,
    pub(super) aliases: bool,
}

/// An open collection.
struct Frame {
    node: u32,
    state: State,
}

#[derive(Clone, Copy)]
enum State {
    Sequence,
    /// A mapping awaiting its next key.
    Key,
    /// A mapping awaiting the value of a key: the key's name (unless it is a collection
    /// or an alias of one) and place.
    Value {
        name: Option<u32>,
        key: Pos,
    },
    /// Inside a key that is itself a collection, `open` collections deep.
    ComplexKey {
        open: usize,
        key: Pos,
    },
}

impl Builder {
    pub(super) fn on_event(&mut self, event: Event, at: Pos) {
        if matches!(event, Event::Alias(_)) {
            self.aliases = true;
        }
        if self.in_complex_key(&event) {
            return;
        }
        let awaiting_key = matches!(self.stack.last(), Some(Frame { state: State::Key, .. }));
        match event {
            Event::Scalar(text, _, anchor, _) => {
                let name = (awaiting_key || anchor != 0).then(|| self.intern(text));
                if let Some(name) = name.filter(|_| anchor != 0) {
                    self.anchors.insert(anchor, name);
                }
                if awaiting_key {
                    self.key(State::Value { name, key: at }, at);
                } else {
                    self.place(at, Kind::Scalar);
                }
            }
            Event::Alias(anchor) => {
                if awaiting_key {
                    let name = self.anchors.get(&anchor).copied();
                    self.key(State::Value { name, key: at }, at);
                } else {
                    self.place(at, Kind::Scalar);
                }
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if awaiting_key {
                    self.key(State::ComplexKey { open: 1, key: at }, at);
                    return;
                }
                let (kind, state) = match event {
                    Event::SequenceStart(..) => (Kind::Sequence, State::Sequence),
                    _ => (Kind::Mapping, State::Key),
                };
                let node = self.place(at, kind);
                self.stack.push(Frame { node, state });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }

    /// Follows the nesting inside a complex key (whose contents no path names); true
    /// while inside one.
    fn in_complex_key(&mut self, event: &Event) -> bool {
        let Some(frame) = self.stack.last_mut() else { return false };
        let State::ComplexKey { open, key } = &mut frame.state else { return false };
        match event {
            Event::SequenceStart(..) | Event::MappingStart(..) => *open += 1,
            Event::SequenceEnd | Event::MappingEnd => {
                *open -= 1;
                if *open == 0 {
                    frame.state = State::Value { name: None, key: *key };
                }
            }
            _ => {}
        }
        true
    }

    /// Notes a key of the innermost mapping. The parser marks a block mapping's start
    /// after its first key, so the mapping's place moves to that key.
    fn key(&mut self, state: State, at: Pos) {
        let Some(frame) = self.stack.last_mut() else { return };
        frame.state = state;
        if let Some(map) = self.index.nodes.get_mut(frame.node as usize)
            && map.items.is_empty()
        {
            map.value = map.value.min(at);
        }
    }

    /// Adds a value starting at `at` to the innermost collection; returns its node.
    fn place(&mut self, at: Pos, kind: Kind) -> u32 {
        // Ids outside u32 would need a text of billions of values; they only blur places.
        let id = saturate(self.index.nodes.len());
        let mut key = Pos::NONE;
        if let Some(frame) = self.stack.last_mut() {
            let name = match frame.state {
                State::Value { name, key: place } => {
                    frame.state = State::Key;
                    key = place;
                    name
                }
                _ => None,
            };
            let parent = frame.node;
            if let Some(node) = self.index.nodes.get_mut(parent as usize) {
                node.items.push(id);
            }
            if let Some(name) = name {
                match self.index.entries.entry((parent, name)) {
                    Entry::Occupied(_) => {
                        self.duplicate.get_or_insert(key);
                    }
                    Entry::Vacant(entry) => {
                        entry.insert(id);
                    }
                }
            }
        }
        self.index.nodes.push(Node { value: at, key, kind, items: Vec::new() });
        id
    }

    fn intern(&mut self, text: String) -> u32 {
        if let Some(&id) = self.index.names.get(text.as_str()) {
            return id;
        }
        let id = saturate(self.index.names.len());
        self.index.names.insert(text.into_boxed_str(), id);
        id
    }
}

#[cfg(test)]
mod tests {
    use crate::yaml::tests::{at, err, key};
    use crate::yaml::{Loc, Seg, YamlDoc};

    #[test]
    fn duplicate_keys_are_located() {
        let err = YamlDoc::parse("f.yaml", "a: 1\nb:\n  c: 1\n  c: 2\n", 0).unwrap_err();
        assert!(err.message.contains("duplicate"), "{err}");
        assert_eq!((err.line, err.column), (4, 3), "{err}");
    }

    #[test]
    fn a_block_mapping_starts_at_its_first_key() {
        let doc = YamlDoc::parse("f.yaml", "# comment\nname: x\nlegal:\n  copyright: y\n", 0).unwrap();
        assert_eq!(doc.value_loc(&[]), Loc { line: 2, column: 1 });
        assert_eq!(doc.value_loc(&[key("legal")]), Loc { line: 4, column: 3 });
        let doc = YamlDoc::parse("f.yaml", "a: {b: 1}\n", 0).unwrap();
        assert_eq!(doc.value_loc(&[key("a")]), Loc { line: 1, column: 4 });
    }

    /// Issue 13: the index stored a whole key path per value, and an 870 KB file took 8 GB.
    #[test]
    fn the_index_holds_one_node_per_value_and_each_name_once() {
        let mut text = String::new();
        for i in 0..200 {
            text.push_str(&format!("k{i}:\n  goal: g\n  children:\n    - {{goal: a, cost: 1}}\n    - [x, y]\n"));
        }
        let doc = YamlDoc::parse("f.yaml", &text, 0).unwrap();
        // The root; per entry its mapping, the goal, the list, the flow mapping and its
        // two values, the inner list and its two items.
        assert_eq!(doc.index.nodes.len(), 1 + 200 * 9);
        // k0..k199, goal, children, cost: names are interned, not stored per path.
        assert_eq!(doc.index.names.len(), 203);
        assert_eq!(doc.index.entries.len(), 200 * 5);
        let path = [key("k199"), key("children"), Seg::Index(1), Seg::Index(1)];
        assert_eq!(doc.value_loc(&path), Loc { line: 1000, column: 11 });
        assert_eq!(
            doc.key_loc(&[key("k199"), key("children"), Seg::Index(0), key("cost")]),
            Loc { line: 999, column: 17 }
        );
        // A key is not an index, nor an index a key.
        assert_eq!(doc.value_loc(&[key("k0"), Seg::Index(0)]), Loc { line: 2, column: 3 });
        assert_eq!(doc.value_loc(&[key("k0"), key("children"), key("0")]), Loc { line: 4, column: 5 });
    }

    /// A complex key's contents are not values of the mapping, and the value after it is
    /// not a key.
    #[test]
    fn complex_keys_keep_the_entries_after_them_in_place() {
        let doc = YamlDoc::parse("f.yaml", "? [a, {b: c}]\n: v\nd: e\n", 0).unwrap();
        assert_eq!(doc.key_loc(&[key("d")]), Loc { line: 3, column: 1 });
        assert_eq!(doc.value_loc(&[key("d")]), Loc { line: 3, column: 4 });
        assert_eq!(doc.nth_key_loc(&[], 0), Loc { line: 1, column: 3 });
        assert_eq!(doc.nth_key_loc(&[], 1), Loc { line: 3, column: 1 });
        assert_eq!(doc.value_loc(&[key("b")]), Loc { line: 1, column: 1 }, "b is inside a key");
        assert_eq!(doc.index.entries.len(), 1);
    }

    #[test]
    fn duplicate_keys_through_aliases_are_located() {
        let e = err("&x a: 1\n*x : 2\n");
        assert_eq!((at(&e), e.message.as_str()), ((2, 1), "duplicate entry with key \"a\""));
    }
}
