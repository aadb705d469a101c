//! Typed reading of YAML values that collects every problem instead of stopping at one.

use serde_yaml::{Mapping, Value};

use crate::Diagnostic;
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
    pub fn unknown_keys(&mut self, path: &[Seg], map: &Mapping, known: &[&str], what: &str) {
        for key in map.keys() {
            let Some(name) = key.as_str() else {
                self.error(path, format!("a key of {what} is {}, expected a name", describe(key)));
                continue;
            };
            if known.contains(&name) {
                continue;
            }
            let hint = match suggest(name, known.iter().copied()) {
                Some(s) => format!(" (did you mean \"{s}\"?)"),
                None => format!(" (expected one of: {})", known.join(", ")),
            };
            self.error_key(&child(path, name), format!("unknown key \"{name}\" in {what}{hint}"));
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
