//! YAML parsing with source locations: a bounded event pass for places, then serde_yaml for values.
//!
//! Files come from strangers, so the order matters. yaml-rust2's event parser reads the
//! text first, one event at a time, and refuses a document nested deeper than
//! [`MAX_NESTING`] before libyaml (inside serde_yaml) sees it: libyaml keeps one
//! simple-key entry per open flow collection and scans them all at every token, so a
//! deep nest costs it quadratic time. The same pass records where every key and value
//! stands and counts the values aliases add, which serde_yaml would otherwise build
//! without a useful bound. serde_yaml then resolves the values.

mod index;
mod pass;
mod position;
mod serde_errors;

use std::borrow::Cow;

use serde_yaml::Value;

use crate::Diagnostic;
use crate::text::{check_characters, escape_controls};
use index::LocIndex;
use pass::{Ending, event_pass, redefined_anchor};
use position::{Pos, TextEnd};
use serde_errors::{serde_error, syntax_error};

/// The deepest nesting of collections (lists and mappings) a YAML document may have.
///
/// An attack tree 32 levels deep nests about 66 (a mapping and a `children` list per
/// level); serde_yaml gives up at 128, and libyaml slows down quadratically long before a
/// hostile file runs out of brackets.
pub const MAX_NESTING: usize = 100;

/// The most values aliases may add to a document. serde_yaml builds every expansion, at a
/// few hundred bytes a value, and allows a hundred expansions per event of the text: a
/// megabyte of aliases to a ten-item list took it a gigabyte.
pub const MAX_ALIAS_VALUES: u64 = 100_000;

/// serde_yaml's wording, kept: the documents are single YAML documents.
const MORE_THAN_ONE_DOCUMENT: &str = "deserializing from YAML containing more than one document is not supported";

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
    index: LocIndex,
    end: TextEnd,
    line_offset: usize,
}

impl YamlDoc {
    /// Parses `text`; `line_offset` is added to every line (for front matter).
    ///
    /// Refuses, with a located error, forbidden characters, syntax errors, documents nested
    /// deeper than [`MAX_NESTING`], aliases expanding too far and a second document.
    pub fn parse(file: &str, text: &str, line_offset: usize) -> Result<YamlDoc, Diagnostic> {
        check_characters(file, text, line_offset)?;
        let end = TextEnd::of(text);
        let fail = |at: Pos, message: &str| {
            let loc = end.clamp(at.loc());
            Diagnostic::error(file, loc.line + line_offset, loc.column, escape_controls(message))
        };
        let pass = event_pass(text);
        let second = match pass.ending {
            Ending::End => None,
            Ending::SecondDocument { cut, at } => Some((cut, at)),
            Ending::TooDeep(at) => return Err(fail(at, &too_deep())),
            Ending::TooManyAliases(at) => {
                let message = format!(
                    "aliases add more than {MAX_ALIAS_VALUES} values to the document (YAML aliases expanding too far are refused)"
                );
                return Err(fail(at, &message));
            }
            Ending::Invalid(error) => {
                let (at, message) = syntax_error(text, &error, pass.duplicate, pass.aliases);
                return Err(fail(at, &message));
            }
        };
        // serde_yaml reads the first document only: the event pass has not vetted the rest.
        let first = second.map_or(text, |(cut, _)| &text[..cut]);
        if pass.anchors
            && let Some((at, name)) = redefined_anchor(first)
        {
            return Err(fail(at, &format!("anchor \"{name}\" is defined twice: give each anchor its own name")));
        }
        let value = serde_yaml::from_str(first).map_err(|err| {
            let (at, message) = serde_error(&err, pass.duplicate, pass.aliases);
            fail(at, &message)
        })?;
        if let Some((_, at)) = second {
            return Err(fail(at, MORE_THAN_ONE_DOCUMENT));
        }
        Ok(YamlDoc { file: file.to_owned(), value, index: pass.index, end, line_offset })
    }

    /// Where the value at `path` starts, or the nearest ancestor's place.
    pub fn value_loc(&self, path: &[Seg]) -> Loc {
        self.index.find(path).map_or(Loc { line: 1, column: 1 }, |(node, _)| self.shift(node.value))
    }

    /// Where the key of the value at `path` stands, or the value's place.
    pub fn key_loc(&self, path: &[Seg]) -> Loc {
        match self.index.find(path) {
            Some((node, true)) if node.key != Pos::NONE => self.shift(node.key),
            _ => self.value_loc(path),
        }
    }

    /// Where the `n`-th key (0-based, in the order written, which serde_yaml's mappings
    /// keep) of the mapping at `path` stands, or the mapping's place. Unlike
    /// [`key_loc`](Self::key_loc), this finds keys that are not strings.
    pub fn nth_key_loc(&self, path: &[Seg], n: usize) -> Loc {
        match self.index.find(path) {
            // A list's items have no key place, so they fall back to the list too.
            Some((node, true)) => {
                let key = node.items.get(n).and_then(|&id| self.index.nodes.get(id as usize)).map(|entry| entry.key);
                self.shift(key.filter(|&key| key != Pos::NONE).unwrap_or(node.value))
            }
            _ => self.value_loc(path),
        }
    }

    fn shift(&self, pos: Pos) -> Loc {
        let loc = self.end.clamp(pos.loc());
        Loc { line: loc.line + self.line_offset, column: loc.column }
    }

    /// An error at the value of `path`.
    ///
    /// Like every diagnostic made here, its message has its control characters escaped
    /// (see [`escape_controls`]): messages quote the file's text, and are printed to terminals.
    pub fn error_at(&self, path: &[Seg], message: impl Into<String>) -> Diagnostic {
        let loc = self.value_loc(path);
        Diagnostic::error(&self.file, loc.line, loc.column, escaped(message))
    }

    /// An error at the key of `path`.
    pub fn error_at_key(&self, path: &[Seg], message: impl Into<String>) -> Diagnostic {
        let loc = self.key_loc(path);
        Diagnostic::error(&self.file, loc.line, loc.column, escaped(message))
    }

    /// An error at the `n`-th key of the mapping at `path` (see [`nth_key_loc`](Self::nth_key_loc)).
    pub fn error_at_nth_key(&self, path: &[Seg], n: usize, message: impl Into<String>) -> Diagnostic {
        let loc = self.nth_key_loc(path, n);
        Diagnostic::error(&self.file, loc.line, loc.column, escaped(message))
    }

    /// A warning at the value of `path`.
    pub fn warning_at(&self, path: &[Seg], message: impl Into<String>) -> Diagnostic {
        let loc = self.value_loc(path);
        Diagnostic::warning(&self.file, loc.line, loc.column, escaped(message))
    }

    /// A warning at the key of `path`.
    pub fn warning_at_key(&self, path: &[Seg], message: impl Into<String>) -> Diagnostic {
        let loc = self.key_loc(path);
        Diagnostic::warning(&self.file, loc.line, loc.column, escaped(message))
    }
}

/// A message without raw control characters; escaping twice changes nothing.
fn escaped(message: impl Into<String>) -> String {
    let message = message.into();
    match escape_controls(&message) {
        Cow::Borrowed(_) => message,
        Cow::Owned(escaped) => escaped,
    }
}

fn too_deep() -> String {
    format!("the YAML is nested more than {MAX_NESTING} levels deep")
}

#[cfg(test)]
mod tests {
    use super::*;

    // The helpers are shared with the submodules' tests.
    pub(super) fn key(k: &str) -> Seg {
        Seg::Key(k.to_owned())
    }

    pub(super) fn err(text: &str) -> Diagnostic {
        YamlDoc::parse("f.yaml", text, 0).unwrap_err()
    }

    pub(super) fn at(d: &Diagnostic) -> (usize, usize) {
        (d.line, d.column)
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
    fn values_without_keys_have_their_own_place_as_key() {
        let doc = YamlDoc::parse("f.md", "- a\n- b: 1\n", 1).unwrap();
        assert_eq!(doc.key_loc(&[Seg::Index(1)]), Loc { line: 3, column: 3 });
        assert_eq!(doc.key_loc(&[]), Loc { line: 2, column: 1 });
        assert_eq!(doc.key_loc(&[Seg::Index(1), key("b")]), Loc { line: 3, column: 3 });
        assert_eq!(doc.value_loc(&[Seg::Index(1), key("b")]), Loc { line: 3, column: 6 });
    }

    #[test]
    fn front_matter_offset_shifts_lines() {
        let doc = YamlDoc::parse("f.md", "title: x\n", 1).unwrap();
        assert_eq!(doc.key_loc(&[key("title")]).line, 2);
    }

    /// Issue 13: libyaml names a control character's byte position, not its line.
    #[test]
    fn control_characters_are_located_before_parsing() {
        let e = err("a: 1\nb: x\0y\n");
        assert_eq!(at(&e), (2, 5), "{e}");
        assert!(e.message.contains("U+0000") && !e.message.contains('\0'), "{e}");
        let e = YamlDoc::parse("f.md", "a: 1\nb: \u{9b}\n", 1).unwrap_err();
        assert_eq!(at(&e), (3, 4), "{e}");
    }

    #[test]
    fn nth_keys_are_found_whatever_they_are() {
        let text = "m:\n  1: a\n  ? [x]\n  : b\n  *k : c\n  true: d\n  n: &k e\n";
        let doc = YamlDoc::parse("f.yaml", text, 0).unwrap_err();
        // `*k` names an anchor defined later: not YAML.
        assert!(doc.message.contains("anchor"), "{doc}");
        let text = "n: &k e\nm:\n  1: a\n  ? [x]\n  : b\n  *k : c\n  true: d\n";
        let doc = YamlDoc::parse("f.yaml", text, 0).unwrap();
        let m = [key("m")];
        let keys: Vec<Loc> = (0..5).map(|n| doc.nth_key_loc(&m, n)).collect();
        let expected = [(3, 3), (4, 5), (6, 3), (7, 3), (3, 3)];
        assert_eq!(keys, expected.map(|(line, column)| Loc { line, column }), "the fifth falls back to the mapping");
        assert_eq!(doc.key_loc(&[key("m"), key("e")]), Loc { line: 6, column: 3 }, "an alias names its anchor's text");
        assert_eq!(doc.nth_key_loc(&[key("n")], 0), Loc { line: 1, column: 7 }, "not a mapping");
        assert_eq!(doc.nth_key_loc(&[key("x")], 0), Loc { line: 1, column: 1 }, "no such mapping");
    }

    #[test]
    fn messages_quote_file_text_escaped() {
        let e = err("m:\n  \"a\\e\": 1\n  \"a\\e\": 2\n");
        assert_eq!(at(&e), (3, 3), "{e}");
        assert!(!e.message.contains('\u{1b}'), "{e}");
    }

    #[test]
    fn diagnostics_made_here_never_carry_control_characters() {
        let doc = YamlDoc::parse("f.yaml", "a: \"x\\e[2Jy\"\n", 0).unwrap();
        let text = doc.value["a"].as_str().unwrap();
        assert!(text.contains('\u{1b}'));
        let path = [key("a")];
        for d in [
            doc.error_at(&path, format!("bad \"{text}\"")),
            doc.error_at_key(&path, format!("bad \"{text}\"")),
            doc.error_at_nth_key(&[], 0, format!("bad \"{text}\"")),
            doc.warning_at_key(&path, format!("bad \"{text}\"")),
        ] {
            assert_eq!(d.message, "bad \"x\\u{1b}[2Jy\"");
        }
        assert_eq!(escaped("already \\u{1b} escaped"), "already \\u{1b} escaped");
    }

    #[test]
    fn empty_texts_have_a_place() {
        for text in ["", "# only a comment\n", "---\n"] {
            let doc = YamlDoc::parse("f.yaml", text, 0).unwrap();
            assert_eq!(doc.value, Value::Null);
            assert!(doc.value_loc(&[key("a")]).line >= 1);
        }
    }
}
