//! Places in a text: compact 1-based positions, the text's last place, and byte offsets of characters.

use yaml_rust2::scanner::Marker;

use super::Loc;

/// The last place in a text, measured once per file: clamping every location by
/// counting lines again made loading quadratic in a file's size.
#[derive(Debug, Clone)]
pub(super) struct TextEnd {
    line: usize,
    column: usize,
}

impl TextEnd {
    pub(super) fn of(text: &str) -> TextEnd {
        let line = text.split('\n').count();
        TextEnd { line, column: text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1 }
    }

    /// Keeps a place inside the text: at the end of a text, the parsers name the line
    /// after the last one (found by fuzzing); the end of the last line is where the
    /// problem is.
    pub(super) fn clamp(&self, loc: Loc) -> Loc {
        if loc.line <= self.line { loc } else { Loc { line: self.line, column: self.column } }
    }
}

/// A 1-based line and column in eight bytes: the index holds one per key and value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Pos {
    line: u32,
    column: u32,
}

impl Pos {
    pub(super) const START: Pos = Pos { line: 1, column: 1 };
    /// The key place of a value that no key names (the root, a list item).
    pub(super) const NONE: Pos = Pos { line: 0, column: 0 };

    pub(super) fn new(line: usize, column: usize) -> Pos {
        Pos { line: saturate(line), column: saturate(column) }
    }

    /// yaml-rust2's lines are 1-based, its columns 0-based.
    pub(super) fn of(mark: &Marker) -> Pos {
        Pos::new(mark.line(), mark.col() + 1)
    }

    pub(super) fn loc(self) -> Loc {
        Loc { line: self.line as usize, column: self.column as usize }
    }
}

pub(super) fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The byte offset of the character with index `chars` (yaml-rust2 counts characters).
pub(super) fn byte_offset(text: &str, chars: usize) -> usize {
    text.char_indices().nth(chars).map_or(text.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use crate::yaml::{Loc, YamlDoc};

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
}
