//! Word-level diffs of prose: the source's words as kept, deleted and inserted runs, and
//! a change of prose with both its source words and the words a reader sees.

use serde::Serialize;

use crate::engine;
use crate::styled::{Markup, Run, runs};

/// What happened to a run of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    /// In both revisions.
    Equal,
    /// Only in the old revision.
    Delete,
    /// Only in the new revision.
    Insert,
}

/// A run of text with what happened to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// Kept, deleted or inserted.
    pub op: Op,
    /// The text, whitespace included, so that the runs concatenate to the old or new text.
    pub text: String,
}

/// A change of prose, compared two ways by the one engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Prose {
    /// The source's words, Markdown syntax included: what JSON carries and terminals show.
    pub words: Vec<Segment>,
    /// What a reader of the documents sees (for Markdown, styled words and block ends),
    /// for reports that typeset the change. Not part of the JSON.
    #[serde(skip)]
    pub shown: Vec<Run>,
}

impl Prose {
    /// Compares two texts written in `markup`.
    pub fn compare(old: &str, new: &str, markup: Markup) -> Prose {
        Prose { words: diff_words(old, new), shown: runs(old, new, markup) }
    }

    /// Whether any word changed (spacing alone is no change).
    pub fn has_changes(&self) -> bool {
        has_changes(&self.words)
    }
}

/// The word-level diff of two texts; equal texts give one `Equal` run (or none if empty).
///
/// Dropping every `Delete` run gives `new` exactly; dropping every `Insert` run gives
/// `old` up to whitespace (kept words carry the new spacing, so re-wrapping is no change).
/// Long texts are compared line by line first (see [`engine::compare_by_chunks`]).
pub fn diff_words(old: &str, new: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    if old == new {
        push(&mut out, Op::Equal, old);
        return out;
    }
    // Leading whitespace is spacing too: kept, as the new revision has it.
    let (old, new_words) = (old.trim_start(), new.trim_start());
    push(&mut out, Op::Equal, &new[..new.len() - new_words.len()]);
    let (a, b) = (tokenize(old), tokenize(new_words));
    let (mut del, mut ins) = (String::new(), String::new());
    let join = |t: &[Word<'_>]| t.iter().map(|t| t.text).collect::<String>();
    for s in engine::compare_by_chunks(&a, &b) {
        if s.kept {
            change(&mut out, &mut del, &mut ins);
            // Kept words are shown with the new revision's spacing.
            push(&mut out, Op::Equal, &join(&b[s.new]));
        } else {
            del.push_str(&join(&a[s.old]));
            ins.push_str(&join(&b[s.new]));
        }
    }
    change(&mut out, &mut del, &mut ins);
    out
}

/// A word and the whitespace after it; words are compared without their whitespace, so
/// that re-wrapping a paragraph is no change.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Word<'a> {
    word: &'a str,
    text: &'a str,
}

impl PartialEq for Word<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.word == other.word
    }
}

impl Eq for Word<'_> {}

impl std::hash::Hash for Word<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.word.hash(state);
    }
}

impl engine::Token for Word<'_> {
    /// Long texts are compared by lines first.
    fn ends_chunk(&self) -> bool {
        self.text.contains('\n')
    }
}

/// The words of a text, each with the whitespace after it (a leading run of whitespace
/// is a word of its own, empty).
pub(crate) fn tokenize(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_space = text.starts_with(char::is_whitespace);
    let mut word_end = 0;
    for (i, c) in text.char_indices() {
        let ws = c.is_whitespace();
        if ws && !in_space {
            word_end = i;
        } else if !ws && in_space {
            out.push(Word { word: &text[start..word_end], text: &text[start..i] });
            start = i;
        }
        in_space = ws;
    }
    if start < text.len() {
        let end = if in_space { word_end } else { text.len() };
        out.push(Word { word: &text[start..end.max(start)], text: &text[start..] });
    }
    out
}

/// Emits one change, deletion first, reading like `git diff --word-diff`: the space after
/// a replaced or inserted stretch is kept outside it (`[-a b-]{+c+} d`).
fn change(out: &mut Vec<Segment>, del: &mut String, ins: &mut String) {
    let mut after = "";
    if !ins.is_empty() {
        let trimmed = ins.trim_end().len();
        after = &ins[trimmed..];
        let del_trimmed = if del.trim_end().is_empty() { del.len() } else { del.trim_end().len() };
        push(out, Op::Delete, &del[..del_trimmed]);
        push(out, Op::Insert, &ins[..trimmed]);
    } else {
        push(out, Op::Delete, del);
    }
    push(out, Op::Equal, after);
    del.clear();
    ins.clear();
}

/// Appends text, merging it into the previous run when that has the same op.
fn push(out: &mut Vec<Segment>, op: Op, text: &str) {
    if text.is_empty() {
        return;
    }
    match out.last_mut() {
        Some(last) if last.op == op => last.text.push_str(text),
        _ => out.push(Segment { op, text: text.to_owned() }),
    }
}

/// The text of one side: `old` keeps equal and deleted runs, `new` equal and inserted.
pub fn side(segments: &[Segment], new: bool) -> String {
    let drop = if new { Op::Delete } else { Op::Insert };
    segments.iter().filter(|s| s.op != drop).map(|s| s.text.as_str()).collect()
}

/// Whether any run is a change.
pub fn has_changes(segments: &[Segment]) -> bool {
    segments.iter().any(|s| s.op != Op::Equal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(segments: &[Segment]) -> String {
        segments
            .iter()
            .map(|s| match s.op {
                Op::Equal => s.text.clone(),
                Op::Delete => format!("[-{}-]", s.text),
                Op::Insert => format!("{{+{}+}}", s.text),
            })
            .collect()
    }

    #[test]
    fn changed_words_are_marked_and_both_sides_rebuild() {
        let old = "The client does not check the sender.";
        let new = "The client never checks the sender of carbons.";
        let d = diff_words(old, new);
        assert_eq!(side(&d, false), old);
        assert_eq!(side(&d, true), new);
        assert_eq!(render(&d), "The client [-does not check-]{+never checks+} the [-sender.-]{+sender of carbons.+}");
    }

    #[test]
    fn rewrapping_is_no_change_and_deletions_keep_their_space() {
        let d = diff_words("one two\nthree", "one two three");
        assert!(!has_changes(&d), "{d:?}");
        assert_eq!(side(&d, true), "one two three");
        let d = diff_words("keep not this", "keep this");
        assert_eq!(render(&d), "keep [-not -]this");
        let d = diff_words("keep this", "keep also this");
        assert_eq!(render(&d), "keep {+also+} this");
        let d = diff_words("one  two\n\n  three ", "one two three");
        assert!(!has_changes(&d), "runs of whitespace are spacing too: {d:?}");
    }

    #[test]
    fn runs_of_the_same_kind_are_one_segment() {
        let seg = |op, text: &str| Segment { op, text: text.into() };
        let d = diff_words("a b c", "a x c");
        assert_eq!(d, [seg(Op::Equal, "a "), seg(Op::Delete, "b"), seg(Op::Insert, "x"), seg(Op::Equal, " c")]);
        assert_eq!(diff_words(" lead", "lead"), [seg(Op::Equal, "lead")]);
        assert_eq!(diff_words("lead", "\n lead"), [seg(Op::Equal, "\n lead")]);
        assert_eq!(diff_words(" gone", "  "), [seg(Op::Equal, "  "), seg(Op::Delete, "gone")]);
    }

    #[test]
    fn equal_texts_have_no_changes() {
        let d = diff_words("same text\n", "same text\n");
        assert!(!has_changes(&d));
        assert_eq!(d, vec![Segment { op: Op::Equal, text: "same text\n".into() }]);
        assert!(diff_words("", "").is_empty());
        assert!(tokenize("").is_empty(), "no text has no words");
    }

    #[test]
    fn insertion_into_empty_text() {
        let d = diff_words("", "new words");
        assert_eq!(d, vec![Segment { op: Op::Insert, text: "new words".into() }]);
    }

    #[test]
    fn huge_rewrites_stay_fast_and_exact() {
        let old: String = (0..30_000).map(|i| format!("w{i} ")).collect();
        let new: String = (0..30_000).map(|i| format!("v{i}\n")).collect();
        let started = std::time::Instant::now();
        let d = diff_words(&old, &new);
        assert!(started.elapsed().as_secs() < 5, "took {:?}", started.elapsed());
        assert!(side(&d, true) == new, "the new side does not rebuild");
        let words = |t: &str| t.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
        assert!(words(&side(&d, false)) == words(&old), "the old side's words do not rebuild");
        // Too long to compare word by word, and one line against thirty thousand: one change.
        let ops: Vec<Op> = d.iter().map(|s| s.op).collect();
        assert_eq!(ops, [Op::Delete, Op::Insert, Op::Equal]);
    }

    #[test]
    fn long_texts_diff_by_lines_then_words() {
        // Two words a line, changed near both ends and in the middle: above the limit in
        // words between the common ends, within it in lines.
        let old: String = (0..engine::TOKEN_LIMIT * 3 / 10).map(|i| format!("line {i}\n")).collect();
        let new = old.replacen("line 0\n", "line zero\n", 1).replace("line 500\n", "line five hundred\n");
        let (old, new) = (format!("{old}tail\n"), format!("{new}end\n"));
        let d = diff_words(&old, &new);
        assert!(side(&d, false) == old && side(&d, true) == new, "the sides do not rebuild");
        let changes: Vec<(Op, &str)> =
            d.iter().filter(|s| s.op != Op::Equal).map(|s| (s.op, s.text.as_str())).collect();
        assert_eq!(
            changes,
            [
                (Op::Delete, "0"),
                (Op::Insert, "zero"),
                (Op::Delete, "500"),
                (Op::Insert, "five hundred"),
                (Op::Delete, "tail"),
                (Op::Insert, "end")
            ]
        );
    }
}
