//! The one comparison engine: Myers' diff of two token sequences, bounded by one limit.
//!
//! Every comparison of the crate goes through here: source words, the styled words a
//! reader sees, list items and the words that decide whether two items are one reworded.

use std::collections::HashMap;
use std::hash::Hash;
use std::ops::Range;

use similar::DiffOp;
use similar::algorithms::{Capture, Replace, myers};

/// Above this many tokens on both sides together, between their common start and end, a
/// comparison is not made token by token.
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

impl Stretch {
    fn kept(old: Range<usize>, new: Range<usize>) -> Stretch {
        Stretch { kept: true, old, new }
    }

    fn changed(old: Range<usize>, new: Range<usize>) -> Stretch {
        Stretch { kept: false, old, new }
    }
}

/// Compares two sequences token by token. Their common start and end are kept; when what
/// lies between has more than [`TOKEN_LIMIT`] tokens on both sides together, it is one change.
///
/// Kept and changed stretches alternate: neighbouring deletions and insertions are one
/// changed stretch.
pub(crate) fn compare<T: PartialEq>(old: &[T], new: &[T]) -> Vec<Stretch> {
    let mut out = Vec::new();
    compare_into(&mut out, old, new, 0, 0);
    out
}

/// Compares two sequences token by token when what lies between their common start and
/// end is short enough, else that middle by chunks first (each ending at a token that
/// [`Token::ends_chunk`]) and then token by token inside each changed stretch of chunks
/// that is short enough; a changed stretch still too long is one change.
pub(crate) fn compare_by_chunks<T: Token>(old: &[T], new: &[T]) -> Vec<Stretch> {
    let mut out = Vec::new();
    let (start, end) = common_ends(old, new);
    let (old_mid, new_mid) = (start..old.len() - end, start..new.len() - end);
    if old_mid.len() + new_mid.len() <= TOKEN_LIMIT {
        compare_into(&mut out, old, new, 0, 0);
        return out;
    }
    push(&mut out, Stretch::kept(0..start, 0..start));
    by_chunks(&mut out, &old[old_mid.clone()], &new[new_mid.clone()], start);
    push(&mut out, Stretch::kept(old_mid.end..old.len(), new_mid.end..new.len()));
    out
}

/// Appends the stretches of two sequences compared chunk by chunk, then token by token
/// inside changed stretches; both start at `at` in the whole sequences.
fn by_chunks<'a, T: Token>(out: &mut Vec<Stretch>, old: &'a [T], new: &'a [T], at: usize) {
    let (old_chunks, new_chunks) = (chunks(old), chunks(new));
    // Chunks are compared by an id per distinct chunk: Myers compares them many times.
    let mut ids: HashMap<&'a [T], usize> = HashMap::new();
    let mut id = |chunk: &'a [T]| {
        let next = ids.len();
        *ids.entry(chunk).or_insert(next)
    };
    let old_ids: Vec<usize> = old_chunks.iter().map(|r| id(&old[r.clone()])).collect();
    let new_ids: Vec<usize> = new_chunks.iter().map(|r| id(&new[r.clone()])).collect();
    // The token range of a range of chunks.
    let span = |chunks: &[Range<usize>], r: Range<usize>, len: usize| {
        let start = chunks.get(r.start).map_or(len, |c| c.start);
        let end = if r.is_empty() { start } else { chunks.get(r.end - 1).map_or(len, |c| c.end) };
        start..end
    };
    for s in compare(&old_ids, &new_ids) {
        let (o, n) = (span(&old_chunks, s.old, old.len()), span(&new_chunks, s.new, new.len()));
        if s.kept {
            push(out, Stretch::kept(o.start + at..o.end + at, n.start + at..n.end + at));
        } else {
            compare_into(out, &old[o.clone()], &new[n.clone()], o.start + at, n.start + at);
        }
    }
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

/// The lengths of the common start and the common end of two sequences, not overlapping.
fn common_ends<T: PartialEq>(old: &[T], new: &[T]) -> (usize, usize) {
    let start = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let (old_rest, new_rest) = (old.get(start..).unwrap_or_default(), new.get(start..).unwrap_or_default());
    let end = old_rest.iter().rev().zip(new_rest.iter().rev()).take_while(|(a, b)| a == b).count();
    (start, end)
}

/// Appends the stretches of one comparison, its ranges moved by the given offsets. The
/// limit bounds what lies between the common start and end, where Myers spends its time.
fn compare_into<T: PartialEq>(out: &mut Vec<Stretch>, old: &[T], new: &[T], old_at: usize, new_at: usize) {
    let (start, end) = common_ends(old, new);
    push(out, Stretch::kept(old_at..old_at + start, new_at..new_at + start));
    let (old_mid, new_mid) = (&old[start..old.len() - end], &new[start..new.len() - end]);
    let (old_at, new_at) = (old_at + start, new_at + start);
    let (old_end, new_end) = (old_at + old_mid.len(), new_at + new_mid.len());
    if old_mid.len() + new_mid.len() > TOKEN_LIMIT {
        push(out, Stretch::changed(old_at..old_end, new_at..new_end));
    } else {
        // Capturing cannot fail: its error type has no values.
        let mut capture = Replace::new(Capture::new());
        let Ok(()) = myers::diff(&mut capture, old_mid, 0..old_mid.len(), new_mid, 0..new_mid.len());
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
            let (o, n) = (o.start + old_at..o.end + old_at, n.start + new_at..n.end + new_at);
            push(out, Stretch { kept, old: o, new: n });
        }
    }
    push(out, Stretch::kept(old_end..old_end + end, new_end..new_end + end));
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

    fn tokens(list: Vec<String>) -> Vec<S> {
        list.into_iter().map(S).collect()
    }

    #[test]
    fn above_the_limit_chunks_come_first_then_words_inside_changed_chunks() {
        // Above the limit between the common ends: a word changed near each end and one
        // in the middle.
        let n = TOKEN_LIMIT / 2 + 10;
        let old = tokens(many("w", n, 10));
        let mut new = tokens(many("w", n, 10));
        let at = n / 20 * 10 + 5;
        for i in [1, at, n - 2] {
            new[i] = S(format!("changed {i}"));
        }
        let got = compare_by_chunks(&old, &new);
        assert_eq!(
            got,
            [
                kept(0..1, 0..1),
                changed(1..2, 1..2),
                kept(2..at, 2..at),
                changed(at..at + 1, at..at + 1),
                kept(at + 1..n - 2, at + 1..n - 2),
                changed(n - 2..n - 1, n - 2..n - 1),
                kept(n - 1..n, n - 1..n),
            ]
        );
    }

    #[test]
    fn the_common_start_and_end_are_kept_however_long() {
        let old = tokens(many("w", TOKEN_LIMIT * 2, TOKEN_LIMIT * 3));
        let mut new = tokens(many("w", TOKEN_LIMIT * 2, TOKEN_LIMIT * 3));
        new[TOKEN_LIMIT] = S("changed".into());
        let (l, n) = (TOKEN_LIMIT, TOKEN_LIMIT * 2);
        let expected = [kept(0..l, 0..l), changed(l..l + 1, l..l + 1), kept(l + 1..n, l + 1..n)];
        assert_eq!(compare(&old, &new), expected);
        assert_eq!(compare_by_chunks(&old, &new), expected);
    }

    /// `k` common tokens after `x` on the old side, before `y` on the new one: no common
    /// start or end, 2k + 2 tokens in all.
    fn shifted(k: usize) -> (Vec<S>, Vec<S>) {
        let mut old = tokens(vec!["x".into()]);
        old.extend(tokens(many("c", k, k + 1)));
        let mut new = tokens(many("c", k, k + 1));
        new.push(S("y".into()));
        (old, new)
    }

    #[test]
    fn the_limit_bounds_what_lies_between_the_common_ends() {
        let k = TOKEN_LIMIT / 2 - 1;
        let (old, new) = shifted(k);
        let exact = [changed(0..1, 0..0), kept(1..k + 1, 0..k), changed(k + 1..k + 1, k..k + 1)];
        assert_eq!(compare(&old, &new), exact, "at the limit");
        assert_eq!(compare_by_chunks(&old, &new), exact, "at the limit");
        let (old, new) = shifted(k + 1);
        assert_eq!(compare(&old, &new), [changed(0..k + 2, 0..k + 2)], "above the limit");
    }

    #[test]
    fn within_the_limit_no_chunk_hides_a_longer_match() {
        // Compared by lines first, the two one-token lines would be kept and the long line
        // replaced; compared word by word, the long line is kept.
        for k in [100, TOKEN_LIMIT / 2 - 2] {
            let short = || tokens(vec!["z1;".into(), "z2;".into()]);
            let mut old = tokens(many("x", k, k));
            old.extend(short());
            let mut new = short();
            new.extend(tokens(many("x", k, k)));
            let got = compare_by_chunks(&old, &new);
            assert_eq!(got, [changed(0..0, 0..2), kept(0..k, 2..k + 2), changed(k..k + 2, k + 2..k + 2)], "k = {k}");
        }
    }

    #[test]
    fn above_the_limit_without_chunks_the_whole_is_one_change() {
        let old = tokens(many("w", TOKEN_LIMIT, TOKEN_LIMIT + 1));
        let new = tokens(many("w", 1, 1));
        assert_eq!(compare_by_chunks(&old, &new), [changed(0..TOKEN_LIMIT, 0..1)]);
        // Too many chunks: one change as well.
        let old = tokens(many("w", TOKEN_LIMIT, 1));
        let new = tokens(many("v", 2, 1));
        assert_eq!(compare_by_chunks(&old, &new), [changed(0..TOKEN_LIMIT, 0..2)]);
        assert_eq!(compare(&old, &new), [changed(0..TOKEN_LIMIT, 0..2)]);
    }

    #[test]
    fn a_changed_run_of_chunks_too_long_for_words_is_one_change() {
        // A common start, a run of chunks too long, kept chunks, a short changed chunk.
        let side = |prefix: &str| {
            let mut list = tokens(vec!["s".into()]);
            list.extend(tokens(many(prefix, TOKEN_LIMIT, 10)));
            list.extend(tokens(many("c", 3, 1)));
            list.extend(tokens(many(&format!("{prefix}-end"), 5, 10)));
            list
        };
        let (old, new) = (side("o"), side("n"));
        let (l, n) = (TOKEN_LIMIT + 1, TOKEN_LIMIT + 9);
        let got = compare_by_chunks(&old, &new);
        assert_eq!(got, [kept(0..1, 0..1), changed(1..l, 1..l), kept(l..l + 3, l..l + 3), changed(l + 3..n, l + 3..n)]);
    }

    #[test]
    fn common_ends_do_not_overlap() {
        assert_eq!(common_ends(&words("a b a"), &words("a b a")), (3, 0));
        assert_eq!(common_ends(&words("a b"), &words("a x b")), (1, 1));
        assert_eq!(common_ends(&words("a a"), &words("a")), (1, 0));
        assert_eq!(common_ends::<W>(&[], &words("a")), (0, 0));
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
