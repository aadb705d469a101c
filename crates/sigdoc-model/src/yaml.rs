//! YAML parsing with source locations: serde_yaml for values, a marked event pass for places.

use std::collections::{HashMap, HashSet};

use serde_yaml::Value;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::Diagnostic;

/// One step of the path from a document's root to a value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    /// A mapping key (as written, for string keys).
    Key(String),
    /// A sequence index.
    Index(usize),
}

/// A path from the document root to a value.
pub type YamlPath = Vec<Seg>;

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Loc {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// A parsed YAML file: its value and where each key and value stands.
#[derive(Debug, Clone)]
pub struct YamlDoc {
    /// The path shown to users.
    pub file: String,
    /// The value, as serde_yaml resolves it.
    pub value: Value,
    keys: HashMap<YamlPath, Loc>,
    values: HashMap<YamlPath, Loc>,
}

impl YamlDoc {
    /// Parses `text`; `line_offset` is added to every line (for front matter).
    pub fn parse(file: &str, text: &str, line_offset: usize) -> Result<YamlDoc, Diagnostic> {
        let value: Value = match serde_yaml::from_str(text) {
            Ok(value) => value,
            Err(err) => {
                let message = clean_yaml_message(&err.to_string());
                let (mut line, mut column) = err.location().map_or((1, 1), |l| (l.line(), l.column()));
                // serde_yaml does not say where a duplicate key is; the event pass does.
                if message.contains("duplicate entry with key") {
                    let mut index = LocIndex::default();
                    let _ = Parser::new_from_str(text).load(&mut index, false);
                    if let Some(loc) = index.duplicate {
                        (line, column) = (loc.line, loc.column);
                    }
                }
                let loc = TextEnd::of(text).clamp(Loc { line, column });
                return Err(Diagnostic::error(file, loc.line + line_offset, loc.column, message));
            }
        };
        let mut index = LocIndex::default();
        // serde_yaml accepted the text, so the event parser will too; should the two
        // disagree, locations fall back to the nearest known ancestor.
        let _ = Parser::new_from_str(text).load(&mut index, false);
        let end = TextEnd::of(text);
        let shift = |mut map: HashMap<YamlPath, Loc>| {
            for loc in map.values_mut() {
                *loc = end.clamp(*loc);
                loc.line += line_offset;
            }
            map
        };
        Ok(YamlDoc { file: file.to_owned(), value, keys: shift(index.keys), values: shift(index.values) })
    }

    /// Where the value at `path` starts, or the nearest ancestor's place.
    pub fn value_loc(&self, path: &[Seg]) -> Loc {
        self.nearest(&self.values, path)
    }

    /// Where the key of the value at `path` stands, or the value's place.
    pub fn key_loc(&self, path: &[Seg]) -> Loc {
        match self.keys.get(path) {
            Some(loc) => *loc,
            None => self.value_loc(path),
        }
    }

    fn nearest(&self, map: &HashMap<YamlPath, Loc>, path: &[Seg]) -> Loc {
        (0..=path.len()).rev().find_map(|n| map.get(&path[..n]).copied()).unwrap_or(Loc { line: 1, column: 1 })
    }

    /// An error at the value of `path`.
    pub fn error_at(&self, path: &[Seg], message: impl Into<String>) -> Diagnostic {
        let loc = self.value_loc(path);
        Diagnostic::error(&self.file, loc.line, loc.column, message)
    }

    /// An error at the key of `path`.
    pub fn error_at_key(&self, path: &[Seg], message: impl Into<String>) -> Diagnostic {
        let loc = self.key_loc(path);
        Diagnostic::error(&self.file, loc.line, loc.column, message)
    }

    /// A warning at the key of `path`.
    pub fn warning_at_key(&self, path: &[Seg], message: impl Into<String>) -> Diagnostic {
        let loc = self.key_loc(path);
        Diagnostic::warning(&self.file, loc.line, loc.column, message)
    }
}

/// The last place in a text, measured once per file: clamping every location by
/// counting lines again made loading quadratic in a file's size.
struct TextEnd {
    line: usize,
    column: usize,
}

impl TextEnd {
    fn of(text: &str) -> TextEnd {
        let line = text.split('\n').count();
        TextEnd { line, column: text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1 }
    }

    /// Keeps a place inside the text: at the end of a text, the parsers name the line
    /// after the last one (found by fuzzing); the end of the last line is where the
    /// problem is.
    fn clamp(&self, loc: Loc) -> Loc {
        if loc.line <= self.line { loc } else { Loc { line: self.line, column: self.column } }
    }
}

/// serde_yaml appends " at line X column Y" to its messages; the location is printed
/// separately, so drop it.
fn clean_yaml_message(message: &str) -> String {
    let cut = message.find(" at line ").unwrap_or(message.len());
    let text = &message[..cut];
    if text.contains("repetition limit exceeded") || text.contains("recursion limit exceeded") {
        format!("{text} (YAML aliases expanding too far are refused)")
    } else {
        text.to_owned()
    }
}

/// Builds the path-to-location maps from the marked event stream.
#[derive(Default)]
struct LocIndex {
    keys: HashMap<YamlPath, Loc>,
    values: HashMap<YamlPath, Loc>,
    stack: Vec<Frame>,
    /// The first key written twice in one mapping.
    duplicate: Option<Loc>,
}

enum Frame {
    Seq { path: YamlPath, next: usize },
    Map { path: YamlPath, pending_key: Option<(String, Loc)>, depth: usize, seen: HashSet<String> },
}

impl LocIndex {
    /// Where a value that starts now belongs, or None when it is a mapping key.
    fn place_value(&mut self) -> Option<YamlPath> {
        match self.stack.last_mut() {
            None => Some(Vec::new()),
            Some(Frame::Seq { path, next }) => {
                let mut p = path.clone();
                p.push(Seg::Index(*next));
                *next += 1;
                Some(p)
            }
            Some(Frame::Map { path, pending_key, .. }) => match pending_key.take() {
                Some((key, key_loc)) => {
                    let mut p = path.clone();
                    p.push(Seg::Key(key));
                    self.keys.insert(p.clone(), key_loc);
                    Some(p)
                }
                None => None,
            },
        }
    }

    /// Records a mapping key: notes duplicates, and moves the mapping's own place to its
    /// first key, since the parser marks a block mapping's start after that key.
    fn key(&mut self, text: String, loc: Loc) {
        let Some(Frame::Map { path, pending_key, seen, .. }) = self.stack.last_mut() else { return };
        if seen.is_empty()
            && let Some(start) = self.values.get_mut(path)
            && (loc.line, loc.column) < (start.line, start.column)
        {
            *start = loc;
        }
        if !seen.insert(text.clone()) && self.duplicate.is_none() {
            self.duplicate = Some(loc);
        }
        *pending_key = Some((text, loc));
    }

    fn is_awaiting_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { pending_key: None, depth: 0, .. }))
    }
}

impl MarkedEventReceiver for LocIndex {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let loc = Loc { line: mark.line(), column: mark.col() + 1 };
        // A complex (non-scalar) mapping key: track its nesting so that its contents are
        // not mistaken for values of the mapping.
        if let Some(Frame::Map { depth, .. }) = self.stack.last_mut()
            && *depth > 0
        {
            match event {
                Event::SequenceStart(..) | Event::MappingStart(..) => *depth += 1,
                Event::SequenceEnd | Event::MappingEnd => *depth -= 1,
                _ => {}
            }
            return;
        }
        match event {
            Event::Scalar(text, ..) => {
                if self.is_awaiting_key() {
                    self.key(text, loc);
                } else if let Some(path) = self.place_value() {
                    self.values.insert(path, loc);
                }
            }
            Event::Alias(_) => {
                if self.is_awaiting_key() {
                    if let Some(Frame::Map { pending_key, .. }) = self.stack.last_mut() {
                        *pending_key = Some((String::new(), loc));
                    }
                } else if let Some(path) = self.place_value() {
                    self.values.insert(path, loc);
                }
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if self.is_awaiting_key() {
                    if let Some(Frame::Map { depth, .. }) = self.stack.last_mut() {
                        *depth = 1;
                    }
                    return;
                }
                let Some(path) = self.place_value() else { return };
                self.values.insert(path.clone(), loc);
                self.stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq { path, next: 0 }
                } else {
                    Frame::Map { path, pending_key: None, depth: 0, seen: HashSet::new() }
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Seg {
        Seg::Key(k.to_owned())
    }

    #[test]
    fn locates_nested_keys_and_values() {
        let text = "a: 1\nb:\n  - x\n  - c: {d: 2}\n";
        let doc = YamlDoc::parse("f.yaml", text, 0).unwrap();
        assert_eq!(doc.value_loc(&[key("a")]), Loc { line: 1, column: 4 });
        assert_eq!(doc.key_loc(&[key("b")]), Loc { line: 2, column: 1 });
        assert_eq!(doc.value_loc(&[key("b"), Seg::Index(0)]), Loc { line: 3, column: 5 });
        assert_eq!(doc.key_loc(&[key("b"), Seg::Index(1), key("c"), key("d")]), Loc { line: 4, column: 9 });
        // Unknown paths fall back to the nearest ancestor.
        assert_eq!(doc.value_loc(&[key("b"), Seg::Index(7)]), Loc { line: 3, column: 3 });
    }

    #[test]
    fn front_matter_offset_shifts_lines() {
        let doc = YamlDoc::parse("f.md", "title: x\n", 1).unwrap();
        assert_eq!(doc.key_loc(&[key("title")]).line, 2);
    }

    #[test]
    fn syntax_errors_are_located() {
        let err = YamlDoc::parse("f.yaml", "a: 1\nb: [1, 2\n", 0).unwrap_err();
        assert_eq!(err.file, "f.yaml");
        assert!(err.line >= 2, "{err}");
        assert!(!err.message.contains(" at line "), "{err}");
    }

    /// Found by fuzzing (fuzz target `load`): an error at the end of a file without a
    /// final newline was placed on a line the file does not have.
    #[test]
    fn errors_at_the_end_of_the_text_stay_inside_it() {
        let text = "# The group behind theQQQQQQQQWQQQQQQQQQQ.QQQQQQ\n    - {le: s ";
        let err = YamlDoc::parse("f.yaml", text, 0).unwrap_err();
        assert_eq!(err.line, 2, "{err}");
        assert!(err.column <= 15, "{err}");
        let err = YamlDoc::parse("f.md", "a: [1,\n", 1).unwrap_err();
        assert!(err.line <= 3, "{err}");
        // A document of only a start marker: its (empty) value is on the marker's line.
        let doc = YamlDoc::parse("f.yaml", "---", 0).unwrap();
        assert_eq!(doc.value_loc(&[]), Loc { line: 1, column: 4 });
    }

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

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let start = std::time::Instant::now();
        let err = YamlDoc::parse("bomb.yaml", &text, 0).unwrap_err();
        assert!(start.elapsed().as_secs() < 5);
        assert!(err.message.contains("limit"), "{err}");
    }
}
