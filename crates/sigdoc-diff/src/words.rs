//! Word-level diffs of prose, as a sequence of kept, deleted and inserted runs.

use serde::Serialize;
use similar::{Algorithm, ChangeTag, DiffOp, TextDiff, capture_diff_slices};

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

/// Above this many tokens on both sides together, prose is compared line by line first:
/// Myers' algorithm is O((N+M)·D), and a wholesale rewrite of a megabyte file must not
/// take minutes.
const WORD_LIMIT: usize = 20_000;

/// Above this many lines, a rewrite is shown as the old text deleted and the new inserted.
const LINE_LIMIT: usize = 20_000;

/// The word-level diff of two texts; equal texts give one `Equal` run (or none if empty).
///
/// Dropping every `Delete` run gives `new` exactly; dropping every `Insert` run gives
/// `old` up to whitespace (kept words carry the new spacing, so re-wrapping is no change).
pub fn diff_words(old: &str, new: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    if old == new {
        push(&mut out, Op::Equal, old);
        return out;
    }
    if tokens(old) + tokens(new) <= WORD_LIMIT {
        words_into(&mut out, old, new);
    } else if old.lines().count() + new.lines().count() <= LINE_LIMIT {
        // Lines first, then words inside each changed stretch that is small enough.
        let lines = TextDiff::configure().algorithm(Algorithm::Myers).diff_lines(old, new);
        let (mut deleted, mut inserted) = (String::new(), String::new());
        for change in lines.iter_all_changes() {
            match change.tag() {
                ChangeTag::Equal => {
                    flush(&mut out, &mut deleted, &mut inserted);
                    push(&mut out, Op::Equal, change.value());
                }
                ChangeTag::Delete => deleted.push_str(change.value()),
                ChangeTag::Insert => inserted.push_str(change.value()),
            }
        }
        flush(&mut out, &mut deleted, &mut inserted);
    } else {
        push(&mut out, Op::Delete, old);
        push(&mut out, Op::Insert, new);
    }
    out
}

/// Emits a changed stretch of lines: word by word when small, else whole.
fn flush(out: &mut Vec<Segment>, deleted: &mut String, inserted: &mut String) {
    if tokens(deleted) + tokens(inserted) <= WORD_LIMIT {
        words_into(out, deleted, inserted);
    } else {
        push(out, Op::Delete, deleted);
        push(out, Op::Insert, inserted);
    }
    deleted.clear();
    inserted.clear();
}

/// A word and the whitespace after it; words are compared without their whitespace, so
/// that re-wrapping a paragraph is no change.
struct Token<'a> {
    word: &'a str,
    text: &'a str,
}

fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_space = text.starts_with(char::is_whitespace);
    let mut word_end = 0;
    for (i, c) in text.char_indices() {
        let ws = c.is_whitespace();
        if ws && !in_space {
            word_end = i;
        } else if !ws && in_space && i > 0 {
            out.push(Token { word: &text[start..word_end], text: &text[start..i] });
            start = i;
        }
        in_space = ws;
    }
    if start < text.len() {
        let end = if in_space { word_end } else { text.len() };
        out.push(Token { word: &text[start..end.max(start)], text: &text[start..] });
    }
    out
}

fn words_into(out: &mut Vec<Segment>, old: &str, new: &str) {
    let (a, b) = (tokenize(old), tokenize(new));
    let ka: Vec<&str> = a.iter().map(|t| t.word).collect();
    let kb: Vec<&str> = b.iter().map(|t| t.word).collect();
    let (mut del, mut ins) = (String::new(), String::new());
    let join = |t: &[Token<'_>]| t.iter().map(|t| t.text).collect::<String>();
    for op in capture_diff_slices(Algorithm::Myers, &ka, &kb) {
        match op {
            DiffOp::Equal { new_index, len, .. } => {
                change(out, &mut del, &mut ins);
                // Kept words are shown with the new revision's spacing.
                push(out, Op::Equal, &join(&b[new_index..new_index + len]));
            }
            DiffOp::Delete { old_index, old_len, .. } => del.push_str(&join(&a[old_index..old_index + old_len])),
            DiffOp::Insert { new_index, new_len, .. } => ins.push_str(&join(&b[new_index..new_index + new_len])),
            DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                del.push_str(&join(&a[old_index..old_index + old_len]));
                ins.push_str(&join(&b[new_index..new_index + new_len]));
            }
        }
    }
    change(out, &mut del, &mut ins);
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

/// The number of word and whitespace tokens, as the word diff sees them.
fn tokens(text: &str) -> usize {
    let mut n = 0;
    let mut prev: Option<bool> = None;
    for c in text.chars() {
        let ws = c.is_whitespace();
        if prev != Some(ws) {
            n += 1;
            prev = Some(ws);
        }
    }
    n
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
    }

    #[test]
    fn equal_texts_have_no_changes() {
        let d = diff_words("same text\n", "same text\n");
        assert!(!has_changes(&d));
        assert_eq!(d, vec![Segment { op: Op::Equal, text: "same text\n".into() }]);
        assert!(diff_words("", "").is_empty());
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
        assert!(side(&d, false) == old && side(&d, true) == new, "the sides do not rebuild");
    }

    #[test]
    fn long_texts_diff_by_lines_then_words() {
        let mut old: String = (0..6_000).map(|i| format!("line {i}\n")).collect();
        let mut new = old.clone();
        new = new.replace("line 500\n", "line five hundred\n");
        old.push_str("tail\n");
        new.push_str("tail\n");
        let d = diff_words(&old, &new);
        assert!(side(&d, false) == old && side(&d, true) == new, "the sides do not rebuild");
        let changes: Vec<&Segment> = d.iter().filter(|s| s.op != Op::Equal).collect();
        assert_eq!(changes.len(), 2, "{changes:?}");
        assert_eq!(changes[0].text, "500");
        assert_eq!(changes[1].text, "five hundred");
    }
}
