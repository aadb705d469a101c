//! Typed reading of YAML values that collects every problem instead of stopping at one.

use serde_yaml::{Mapping, Value};

use crate::Diagnostic;
use crate::text::escape_controls;
use crate::yaml::{Seg, YamlDoc};

/// Reads values out of one YAML document, pushing located diagnostics.
pub(crate) struct Reader<'a> {
    pub doc: &'a YamlDoc,
    pub diags: &'a mut Vec<Diagnostic>,
}

/// Names a value's shape the way a user would, for "expected X, found Y".
pub(crate) fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

/// The closest of `known` to `word`, if it is close enough to be a likely typo.
pub(crate) fn suggest<'k>(word: &str, known: impl IntoIterator<Item = &'k str>) -> Option<&'k str> {
    known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(word, k), k))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

pub(crate) fn child(path: &[Seg], key: &str) -> Vec<Seg> {
    let mut p = path.to_vec();
    p.push(Seg::Key(key.to_owned()));
    p
}

pub(crate) fn index(path: &[Seg], i: usize) -> Vec<Seg> {
    let mut p = path.to_vec();
    p.push(Seg::Index(i));
    p
}

/// The mapping at `path` in a document's value, as serde_yaml read it.
fn mapping_at<'v>(value: &'v Value, path: &[Seg]) -> Option<&'v Mapping> {
    let value = path.iter().try_fold(value, |value, seg| match seg {
        Seg::Key(key) => value.as_mapping()?.get(key.as_str()),
        Seg::Index(i) => value.as_sequence()?.get(*i),
    })?;
    value.as_mapping()
}

impl<'a> Reader<'a> {
    pub fn new(doc: &'a YamlDoc, diags: &'a mut Vec<Diagnostic>) -> Self {
        Self { doc, diags }
    }

    pub fn error(&mut self, path: &[Seg], message: impl Into<String>) {
        self.diags.push(self.doc.error_at(path, message));
    }

    pub fn error_key(&mut self, path: &[Seg], message: impl Into<String>) {
        self.diags.push(self.doc.error_at_key(path, message));
    }

    pub fn warning(&mut self, path: &[Seg], message: impl Into<String>) {
        self.diags.push(self.doc.warning_at(path, message));
    }

    pub fn warning_key(&mut self, path: &[Seg], message: impl Into<String>) {
        self.diags.push(self.doc.warning_at_key(path, message));
    }

    /// The value as a mapping, or an error naming what was found.
    pub fn mapping<'v>(&mut self, path: &[Seg], value: &'v Value, what: &str) -> Option<&'v Mapping> {
        match value {
            Value::Mapping(m) => Some(m),
            other => {
                let shape = if what.contains("mapping") || what.contains('{') { "" } else { " (a mapping)" };
                self.error(path, format!("expected {what}{shape}, found {}", describe(other)));
                None
            }
        }
    }

    /// The value as a list, or an error naming what was found.
    pub fn sequence<'v>(&mut self, path: &[Seg], value: &'v Value, what: &str) -> Option<&'v [Value]> {
        match value {
            Value::Sequence(s) => Some(s),
            other => {
                let shape = if what.contains("list") { "" } else { " (a list)" };
                self.error(path, format!("expected {what}{shape}, found {}", describe(other)));
                None
            }
        }
    }

    /// Reports keys of `map` that are not in `known`, suggesting the closest known key.
    ///
    /// Each problem is located at its key, keys that are not names included: `map` is the
    /// document's mapping at `path`, or a copy with some keys left out, and serde_yaml keeps
    /// keys in the order written, so a key's position among the document's keys finds it.
    pub fn unknown_keys(&mut self, path: &[Seg], map: &Mapping, known: &[&str], what: &str) {
        let written = mapping_at(&self.doc.value, path).into_iter().flat_map(Mapping::keys);
        // One walk over the written keys for all of `map`'s: they come in the same order.
        let mut written = written.enumerate();
        for key in map.keys() {
            let n = written.by_ref().find(|(_, k)| *k == key).map(|(n, _)| n);
            let message = match key.as_str() {
                None => format!("a key of {what} is {}, expected a name", describe(key)),
                Some(name) if known.contains(&name) => continue,
                Some(name) => {
                    let hint = match suggest(name, known.iter().copied()) {
                        Some(s) => format!(" (did you mean \"{s}\"?)"),
                        None => format!(" (expected one of: {})", known.join(", ")),
                    };
                    format!("unknown key \"{}\" in {what}{hint}", escape_controls(name))
                }
            };
            let diagnostic = match (n, key.as_str()) {
                (Some(n), _) => self.doc.error_at_nth_key(path, n, message),
                (None, Some(name)) => self.doc.error_at_key(&child(path, name), message),
                (None, None) => self.doc.error_at(path, message),
            };
            self.diags.push(diagnostic);
        }
    }

    /// A string value at `map[key]`; numbers and booleans are accepted as written.
    pub fn string(&mut self, path: &[Seg], map: &Mapping, key: &str, required: bool, what: &str) -> Option<String> {
        let p = child(path, key);
        match map.get(key) {
            None | Some(Value::Null) => {
                if required {
                    self.error(path, format!("{what} is missing required key \"{key}\""));
                }
                None
            }
            Some(value) => self.scalar_text(&p, value, key),
        }
    }

    /// Text of a scalar: strings as they are, numbers and booleans as written.
    pub fn scalar_text(&mut self, path: &[Seg], value: &Value, key: &str) -> Option<String> {
        match value {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            other => {
                self.error(path, format!("\"{key}\" must be text, found {}", describe(other)));
                None
            }
        }
    }

    /// A boolean at `map[key]`.
    pub fn boolean(&mut self, path: &[Seg], map: &Mapping, key: &str) -> Option<bool> {
        match map.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(other) => {
                self.error(&child(path, key), format!("\"{key}\" must be true or false, found {}", describe(other)));
                None
            }
        }
    }
}

/// Runs `read` over one YAML text as file `file`: what it read, and its problems as
/// `line:column: message`, for the readers' unit tests.
#[cfg(test)]
pub(crate) fn read_text<T>(file: &str, text: &str, read: impl FnOnce(&mut Reader<'_>) -> T) -> (T, Vec<String>) {
    let doc = YamlDoc::parse(file, text, 0).expect("valid YAML");
    let mut diags = Vec::new();
    let value = read(&mut Reader::new(&doc, &mut diags));
    (value, diags.iter().map(|d| format!("{}:{}: {}", d.line, d.column, d.message)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unknown(text: &str, path: &[Seg]) -> Vec<Diagnostic> {
        let doc = YamlDoc::parse("f.yaml", text, 0).unwrap();
        let mut diags = Vec::new();
        let mut value = &doc.value;
        for seg in path {
            if let Seg::Key(k) = seg {
                value = &value[k.as_str()];
            }
        }
        let map = value.as_mapping().unwrap();
        Reader::new(&doc, &mut diags).unknown_keys(path, map, &["name", "title"], "the thing");
        diags
    }

    fn places(diags: &[Diagnostic]) -> Vec<(usize, usize)> {
        diags.iter().map(|d| (d.line, d.column)).collect()
    }

    /// Issue 13: keys that are not names were reported at the mapping (often 1:1).
    #[test]
    fn keys_that_are_not_names_are_located_at_the_key() {
        let text = "# c\nname: x\n? [a, b]\n: 1\n3: y\n? {k: v}\n: 2\ntrue: z\n~: n\n";
        let diags = unknown(text, &[]);
        assert_eq!(places(&diags), [(3, 3), (5, 1), (6, 3), (8, 1), (9, 1)]);
        assert_eq!(diags[0].message, "a key of the thing is a list, expected a name");
        assert_eq!(diags[1].message, "a key of the thing is a number, expected a name");
        assert_eq!(diags[2].message, "a key of the thing is a mapping, expected a name");
        assert_eq!(diags[3].message, "a key of the thing is a boolean, expected a name");
        assert_eq!(diags[4].message, "a key of the thing is nothing, expected a name");
    }

    #[test]
    fn unknown_keys_are_located_and_named_safely() {
        let text = "outer:\n  name: x\n  titel: y\n  \"a\\e[2J\": z\n";
        let diags = unknown(text, &[Seg::Key("outer".into())]);
        assert_eq!(places(&diags), [(3, 3), (4, 3)]);
        assert_eq!(diags[0].message, "unknown key \"titel\" in the thing (did you mean \"title\"?)");
        assert_eq!(diags[1].message, "unknown key \"a\\u{1b}[2J\" in the thing (expected one of: name, title)");
    }

    /// A threat's keys are checked on a copy without the keys of broken template fields:
    /// the keys after a left-out one keep their places.
    #[test]
    fn a_filtered_copy_of_the_mapping_is_located_by_the_written_keys() {
        let text = "m:\n  gone: 1\n  ? [k]\n  : 2\n  other: 3\n  4: x\n";
        let doc = YamlDoc::parse("f.yaml", text, 0).unwrap();
        let mut copy = doc.value["m"].as_mapping().unwrap().clone();
        copy.retain(|k, _| k.as_str() != Some("gone"));
        let mut diags = Vec::new();
        Reader::new(&doc, &mut diags).unknown_keys(&[Seg::Key("m".into())], &copy, &["name"], "m");
        assert_eq!(places(&diags), [(3, 5), (5, 3), (6, 3)]);
        // A mapping that is no copy of the document's: names are still found by name.
        let mut other = Mapping::new();
        other.insert(Value::from("other"), Value::Null);
        other.insert(Value::from(7), Value::Null);
        let mut diags = Vec::new();
        Reader::new(&doc, &mut diags).unknown_keys(&[Seg::Key("m".into())], &other, &["name"], "m");
        assert_eq!(places(&diags), [(5, 3), (2, 3)]);
    }

    #[test]
    fn problems_at_keys_and_shapes_are_worded_and_placed() {
        let doc = YamlDoc::parse("f.yaml", "a:\n  b: 1\n", 0).unwrap();
        let mut diags = Vec::new();
        let mut r = Reader::new(&doc, &mut diags);
        let path = [Seg::Key("a".into()), Seg::Key("b".into())];
        r.error_key(&path, "e");
        r.warning_key(&path, "w");
        let b = &doc.value["a"]["b"];
        assert!(r.mapping(&path, b, "a thing").is_none());
        assert!(r.mapping(&path, b, "a {goal} node").is_none());
        assert!(r.mapping(&path, b, "the mapping").is_none());
        assert!(r.sequence(&path, b, "a thing").is_none());
        let found: Vec<_> = diags.iter().map(|d| (d.line, d.column, d.is_error(), d.message.as_str())).collect();
        assert_eq!(
            found,
            [
                (2, 3, true, "e"),
                (2, 3, false, "w"),
                (2, 6, true, "expected a thing (a mapping), found a number"),
                (2, 6, true, "expected a {goal} node, found a number"),
                (2, 6, true, "expected the mapping, found a number"),
                (2, 6, true, "expected a thing (a list), found a number"),
            ]
        );
    }

    /// Issue 13: 20,000 unknown keys in 220 KB must load in well under a second.
    #[test]
    fn many_unknown_keys_are_one_pass() {
        let text: String = (0..20_000).map(|i| format!("unknown_key_{i}: v\n")).collect();
        let diags = unknown(&text, &[]);
        assert_eq!(diags.len(), 20_000);
        assert_eq!(places(&diags[19_999..]), [(20_000, 1)]);
    }
}
