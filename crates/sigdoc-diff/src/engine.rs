//! The one comparison engine: Myers' diff of two token sequences, bounded by one limit.
//!
//! Every comparison of the crate goes through here: source words, the styled words a
//! reader sees, list items and the words that decide whether two items are one reworded.

use std::collections::HashMap;
use std::hash::Hash;
use std::ops::Range;

use similar::DiffOp;
use similar::algorithms::{Capture, Replace, myers};

/// Above this many tokens on both sides together, a comparison is not made token by token.
///
/// Myers' algorithm takes O((N+M)·D) steps: two texts of 5,000 words each, edited all
/// through, take a quarter of a second per comparison, 10,000 each a second. Longer texts
/// are compared by lines or blocks first, which keeps word diffs inside each changed
/// stretch. A count of tokens rather than `similar`'s deadline: at a deadline similar
/// stops searching and reports what is left as deleted and inserted, and where it stops
/// depends on the machine's speed and load. Measured on two 20,000-word texts, a deadline
/// at 60, 90 and 95 % of the full run gave 2, 84 and 224 operations instead of 288, so
/// the same two revisions would give different reports on a slower or busier machine. A
/// count gives the same answer everywhere.
pub(crate) const TOKEN_LIMIT: usize = 10_000;

/// A token the engine compares; equality may ignore parts of it (the space around a word).
pub(crate) trait Token: Hash + Eq {
    /// Whether the token ends a coarser unit (a line, a block) that long texts are
    /// compared by first.
    fn ends_chunk(&self) -> bool;
}

/// A stretch of both sequences, kept or changed, as index ranges into each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stretch {
    /// Whether the tokens are the same on both sides (else deleted and inserted).
    pub kept: bool,
    /// The range in the old sequence.
    pub old: Range<usize>,
    /// The range in the new sequence.
    pub new: Range<usize>,
}

/// Compares two sequences token by token; above [`TOKEN_LIMIT`] the whole is one change.
///
/// Kept and changed stretches alternate: neighbouring deletions and insertions are one
/// changed stretch.
pub(crate) fn compare<T: PartialEq>(old: &[T], new: &[T]) -> Vec<Stretch> {
    let mut out = Vec::new();
    compare_into(&mut out, old, new, 0, 0);
    out
}

/// Compares two sequences token by token when they are short enough, else by chunks first
/// (each ending at a token that [`Token::ends_chunk`]) and then token by token inside each
/// changed stretch that is short enough; a changed stretch still too long is one change.
pub(crate) fn compare_by_chunks<'a, T: Token>(old: &'a [T], new: &'a [T]) -> Vec<Stretch> {
    if old.len() + new.len() <= TOKEN_LIMIT {
        return compare(old, new);
    }
    let (old_chunks, new_chunks) = (chunks(old), chunks(new));
    let mut out = Vec::new();
    if old_chunks.len() + new_chunks.len() > TOKEN_LIMIT {
        push(&mut out, Stretch { kept: false, old: 0..old.len(), new: 0..new.len() });
        return out;
    }
    // Chunks are compared by an id per distinct chunk: Myers compares them many times.
    let mut ids: HashMap<&'a [T], usize> = HashMap::new();
    let mut id = |range: &Range<usize>, side: &'a [T]| {
        let next = ids.len();
        *ids.entry(&side[range.clone()]).or_insert(next)
    };
    let old_ids: Vec<usize> = old_chunks.iter().map(|r| id(r, old)).collect();
    let new_ids: Vec<usize> = new_chunks.iter().map(|r| id(r, new)).collect();
    // Token ranges of a range of chunks.
    let span = |chunks: &[Range<usize>], r: Range<usize>, len: usize| {
        let start = chunks.get(r.start).map_or(len, |c| c.start);
        let end = if r.is_empty() { start } else { chunks.get(r.end - 1).map_or(len, |c| c.end) };
        start..end
    };
    for s in compare(&old_ids, &new_ids) {
        let (o, n) = (span(&old_chunks, s.old, old.len()), span(&new_chunks, s.new, new.len()));
        if s.kept {
            push(&mut out, Stretch { kept: true, old: o, new: n });
        } else {
            compare_into(&mut out, &old[o.clone()], &new[n.clone()], o.start, n.start);
        }
    }
    out
}

/// The share of tokens the two sequences have in common: 1 when equal, 0 when nothing
/// is shared or they are too long to compare.
pub(crate) fn ratio<T: PartialEq>(old: &[T], new: &[T]) -> f32 {
    let total = old.len() + new.len();
    if total == 0 {
        return 1.0;
    }
    let kept: usize = compare(old, new).iter().filter(|s| s.kept).map(|s| s.old.len()).sum();
    // Token counts stay far below f32's exact integers (2^24) under the limit.
    (2 * kept) as f32 / total as f32
}

/// Appends the stretches of one comparison, its ranges moved by the given offsets.
fn compare_into<T: PartialEq>(out: &mut Vec<Stretch>, old: &[T], new: &[T], old_at: usize, new_at: usize) {
    if old.len() + new.len() > TOKEN_LIMIT {
        push(out, Stretch { kept: false, old: old_at..old_at + old.len(), new: new_at..new_at + new.len() });
        return;
    }
    // Capturing cannot fail: its error type has no values.
    let mut capture = Replace::new(Capture::new());
    let Ok(()) = myers::diff(&mut capture, old, 0..old.len(), new, 0..new.len());
    for op in capture.into_inner().into_ops() {
        let (kept, o, n) = match op {
            DiffOp::Equal { old_index, new_index, len } => {
                (true, old_index..old_index + len, new_index..new_index + len)
            }
            DiffOp::Delete { old_index, old_len, new_index } => {
                (false, old_index..old_index + old_len, new_index..new_index)
            }
            DiffOp::Insert { old_index, new_index, new_len } => {
                (false, old_index..old_index, new_index..new_index + new_len)
            }
            DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                (false, old_index..old_index + old_len, new_index..new_index + new_len)
            }
        };
        push(out, Stretch { kept, old: o.start + old_at..o.end + old_at, new: n.start + new_at..n.end + new_at });
    }
}

/// Appends a stretch, joining it to the last one when both are kept or both changed.
fn push(out: &mut Vec<Stretch>, s: Stretch) {
    if s.old.is_empty() && s.new.is_empty() {
        return;
    }
    match out.last_mut() {
        Some(last) if last.kept == s.kept && last.old.end == s.old.start && last.new.end == s.new.start => {
            last.old.end = s.old.end;
            last.new.end = s.new.end;
        }
        _ => out.push(s),
    }
}

/// The ranges of the chunks of a sequence; the last may lack its ending token.
fn chunks<T: Token>(tokens: &[T]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, t) in tokens.iter().enumerate() {
        if t.ends_chunk() {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < tokens.len() {
        out.push(start..tokens.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A word; `;` ends a chunk.
    #[derive(Debug, PartialEq, Eq, Hash)]
    struct W(&'static str);

    impl Token for W {
        fn ends_chunk(&self) -> bool {
            self.0.ends_with(';')
        }
    }

    fn words(text: &'static str) -> Vec<W> {
        text.split(' ').filter(|w| !w.is_empty()).map(W).collect()
    }

    fn kept(old: Range<usize>, new: Range<usize>) -> Stretch {
        Stretch { kept: true, old, new }
    }

    fn changed(old: Range<usize>, new: Range<usize>) -> Stretch {
        Stretch { kept: false, old, new }
    }

    #[test]
    fn stretches_alternate_and_cover_both_sides() {
        let got = compare(&words("a b c d"), &words("a x y d e"));
        assert_eq!(got, [kept(0..1, 0..1), changed(1..3, 1..3), kept(3..4, 3..4), changed(4..4, 4..5)]);
        assert_eq!(compare(&words("a b"), &words("a b")), [kept(0..2, 0..2)]);
        assert_eq!(compare::<W>(&[], &[]), []);
        assert_eq!(compare(&[], &words("a")), [changed(0..0, 0..1)]);
    }

    #[test]
    fn a_deletion_next_to_an_insertion_is_one_change() {
        let mut out = Vec::new();
        push(&mut out, changed(0..2, 0..0));
        push(&mut out, changed(2..2, 0..3));
        push(&mut out, kept(2..3, 3..4));
        push(&mut out, kept(3..3, 4..4));
        assert_eq!(out, [changed(0..2, 0..3), kept(2..3, 3..4)]);
        // Stretches that do not touch stay apart.
        push(&mut out, kept(4..5, 5..6));
        assert_eq!(out.len(), 3);
    }

    /// `n` distinct tokens, each ending a chunk every `every` tokens.
    fn many(prefix: &str, n: usize, every: usize) -> Vec<String> {
        (0..n).map(|i| format!("{prefix}{i}{}", if (i + 1) % every == 0 { ";" } else { "" })).collect()
    }

    #[derive(PartialEq, Eq, Hash)]
    struct S(String);

    impl Token for S {
        fn ends_chunk(&self) -> bool {
            self.0.ends_with(';')
        }
    }

    #[test]
    fn above_the_limit_chunks_come_first_then_words_inside_changed_chunks() {
        // Just above the limit on both sides together, one word changed in the middle.
        let n = TOKEN_LIMIT / 2 + 1;
        let old: Vec<S> = many("w", n, 10).into_iter().map(S).collect();
        let mut new: Vec<S> = many("w", n, 10).into_iter().map(S).collect();
        let at = n / 20 * 10 + 5;
        new[at] = S("changed".into());
        let got = compare_by_chunks(&old, &new);
        assert_eq!(got, [kept(0..at, 0..at), changed(at..at + 1, at..at + 1), kept(at + 1..n, at + 1..n)]);
        // The same below the limit, where no chunks are needed.
        let got = compare_by_chunks(&old[..100], &new[..100]);
        assert_eq!(got, [kept(0..100, 0..100)]);
    }

    #[test]
    fn above_the_limit_without_chunks_the_whole_is_one_change() {
        let old: Vec<S> = many("w", TOKEN_LIMIT, TOKEN_LIMIT + 1).into_iter().map(S).collect();
        let new: Vec<S> = many("w", 1, 1).into_iter().map(S).collect();
        assert_eq!(compare_by_chunks(&old, &new), [changed(0..TOKEN_LIMIT, 0..1)]);
        // Too many chunks: one change as well.
        let old: Vec<S> = many("w", TOKEN_LIMIT, 1).into_iter().map(S).collect();
        let new: Vec<S> = many("v", 2, 1).into_iter().map(S).collect();
        assert_eq!(compare_by_chunks(&old, &new), [changed(0..TOKEN_LIMIT, 0..2)]);
        assert_eq!(compare(&old, &new), [changed(0..TOKEN_LIMIT, 0..2)]);
    }

    #[test]
    fn a_changed_run_of_chunks_too_long_for_words_is_one_change() {
        // Few chunks, but the changed stretch between the kept ones has too many words.
        let mut old: Vec<S> = many("c", 3, 1).into_iter().map(S).collect();
        let mut new: Vec<S> = many("c", 3, 1).into_iter().map(S).collect();
        old.extend(many("o", TOKEN_LIMIT, 10).into_iter().map(S));
        new.extend(many("n", TOKEN_LIMIT, 10).into_iter().map(S));
        let got = compare_by_chunks(&old, &new);
        assert_eq!(got, [kept(0..3, 0..3), changed(3..old.len(), 3..new.len())]);
    }

    #[test]
    fn chunks_end_at_their_tokens_and_the_last_may_be_open() {
        assert_eq!(chunks(&words("a b; c; d")), [0..2, 2..3, 3..4]);
        assert_eq!(chunks(&words("a;")).len(), 1);
        assert_eq!(chunks(&words("a;"))[0], 0..1);
        assert_eq!(chunks::<W>(&[]), Vec::<Range<usize>>::new());
    }

    #[test]
    fn the_ratio_is_the_share_of_kept_tokens() {
        assert!((ratio(&words("a b c d"), &words("a b x y")) - 0.5).abs() < 1e-6);
        assert!((ratio(&words("a b"), &words("a b")) - 1.0).abs() < 1e-6);
        assert!(ratio(&words("a b"), &words("c d")).abs() < 1e-6);
        assert!((ratio::<W>(&[], &[]) - 1.0).abs() < 1e-6);
    }
}
