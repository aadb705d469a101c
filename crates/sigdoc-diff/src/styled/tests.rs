//! The runs of real texts: styles, spacing, blocks and lists as a reader sees them, and
//! each side of the runs being that side's words.

use super::tokens::{Seen, markdown_tokens, plain_tokens};
use super::*;

/// Runs as `(op, text, styles)`; a space is `("equal", " ", [])`, a break `("break", "", [])`.
fn runs_of(old: &str, new: &str) -> Vec<(String, String, Vec<String>)> {
    runs(old, new, Markup::Markdown).iter().map(flat_run).collect()
}

fn flat_run(r: &Run) -> (String, String, Vec<String>) {
    match r {
        Run::Words { op, style, text } => {
            let op = match op {
                Op::Equal => "equal",
                Op::Delete => "delete",
                Op::Insert => "insert",
            };
            (op.to_owned(), text.clone(), style.names().into_iter().map(str::to_owned).collect())
        }
        Run::Space => ("equal".to_owned(), " ".to_owned(), Vec::new()),
        Run::Break => ("break".to_owned(), String::new(), Vec::new()),
    }
}

fn run(op: &str, text: &str, style: &[&str]) -> (String, String, Vec<String>) {
    (op.to_owned(), text.to_owned(), style.iter().map(|s| (*s).to_owned()).collect())
}

#[test]
fn emphasis_is_shown_as_style_not_asterisks() {
    let got = runs_of("*Revision 1 of this threat.*", "*Revision 3 of this threat.*");
    assert_eq!(
        got,
        vec![
            run("equal", "Revision", &["emph"]),
            run("equal", " ", &[]),
            run("delete", "1", &["emph"]),
            run("equal", " ", &[]),
            run("insert", "3", &["emph"]),
            run("equal", " ", &[]),
            run("equal", "of this threat.", &["emph"]),
        ]
    );
}

#[test]
fn punctuation_after_a_styled_word_keeps_its_spacing() {
    let got = runs_of("See **RFC 6120**.", "See **RFC 6121**.");
    let text: String = got.iter().filter(|(op, ..)| op != "delete").map(|(_, t, _)| t.as_str()).collect();
    assert_eq!(text.split_whitespace().collect::<Vec<_>>().join(" "), "See RFC 6121.");
    assert!(got.contains(&run("insert", "6121", &["strong"])), "{got:?}");
    assert!(got.contains(&run("equal", ".", &[])), "{got:?}");
}

#[test]
fn a_style_change_alone_replaces_the_word() {
    let got = runs_of("a plain word", "a **plain** word");
    assert!(got.contains(&run("delete", "plain", &[])), "{got:?}");
    assert!(got.contains(&run("insert", "plain", &["strong"])), "{got:?}");
}

#[test]
fn every_style_is_read_and_named() {
    let got = runs_of("", "*e* **s** `c` [l](https://e.org) ***es***");
    let styles: Vec<Vec<String>> = got.iter().filter(|(op, ..)| op == "insert").map(|(.., s)| s.clone()).collect();
    let names = |n: &[&str]| n.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        styles,
        [names(&["emph"]), names(&["strong"]), names(&["code"]), names(&["link"]), names(&["emph", "strong"])]
    );
    assert_eq!(Style::default().names(), Vec::<&str>::new());
    let all = Style { emph: true, strong: true, code: true, link: true };
    assert_eq!(serde_json::to_value(all).ok(), Some(serde_json::json!(["emph", "strong", "code", "link"])));
}

#[test]
fn styles_close_where_their_spans_end() {
    let got = runs_of("", "*a* b **c** d [e](https://e.org) f\n\n# g\n\nh");
    let styled: Vec<(String, Vec<String>)> =
        got.into_iter().filter(|(op, ..)| op == "insert").map(|(_, t, s)| (t, s)).collect();
    let plain = |t: &str| (t.to_owned(), Vec::<String>::new());
    let with = |t: &str, s: &str| (t.to_owned(), vec![s.to_owned()]);
    assert_eq!(
        styled,
        [
            with("a", "emph"),
            plain("b"),
            with("c", "strong"),
            plain("d"),
            with("e", "link"),
            plain("f"),
            with("g", "strong"),
            plain("h")
        ]
    );
}

#[test]
fn paragraphs_lists_and_code_keep_their_shape() {
    let got = runs_of("One.\n\n- first\n- `x < y`\n", "One.\n\n- first\n- `x < y`\n- third\n\nTwo.");
    let ops: Vec<&str> = got.iter().map(|(op, ..)| op.as_str()).collect();
    assert_eq!(ops.iter().filter(|op| **op == "break").count(), 4, "{got:?}");
    assert!(got.contains(&run("equal", "x < y", &["code"])), "{got:?}");
    assert!(got.contains(&run("insert", "• third", &[])), "{got:?}");
    assert!(got.contains(&run("insert", "Two.", &[])), "{got:?}");
}

#[test]
fn numbered_items_footnotes_tasks_and_tables_read_as_a_reader_sees_them() {
    let got = runs_of("", "3. a\n4. b\n");
    assert_eq!(got[0], run("insert", "3. a", &[]));
    assert!(got.contains(&run("insert", "4. b", &[])), "{got:?}");
    let got = runs_of("", "See[^n].\n\n[^n]: The note.\n");
    let words: Vec<&str> = got.iter().filter(|(op, ..)| op == "insert").map(|(_, t, _)| t.as_str()).collect();
    assert_eq!(words, ["See[n].", "[n]: The note."]);
    let got = runs_of("", "- [x] done\n- [ ] open\n");
    assert!(got.contains(&run("insert", "• [x] done", &[])), "{got:?}");
    assert!(got.contains(&run("insert", "• [ ] open", &[])), "{got:?}");
    let got = runs_of("", "| a | b |\n|---|---|\n| c | d |\n\n---\n\nafter");
    let text: Vec<&str> = got.iter().map(|(_, t, _)| t.as_str()).collect();
    assert_eq!(text.concat(), "a bc dafter", "{got:?}");
    assert_eq!(got.iter().filter(|(op, ..)| op == "break").count(), 2, "after each row: {got:?}");
}

#[test]
fn nested_lists_number_their_own_items_and_blocks_in_items_start_a_line() {
    let inserted = |new: &str| -> Vec<String> {
        runs_of("", new).into_iter().filter(|(op, ..)| op == "insert").map(|(_, text, _)| text).collect()
    };
    assert_eq!(inserted("1. a\n   - x\n2. b\n"), ["1. a", "• x", "2. b"]);
    assert_eq!(inserted("- a\n  1. x\n- b\n"), ["• a", "1. x", "• b"]);
    assert_eq!(inserted("- text\n  > quote\n"), ["• text", "quote"]);
    assert_eq!(inserted("- text\n\n      code\n"), ["• text", "code"]);
}

#[test]
fn loose_items_keep_their_marker_beside_the_text_and_headings_are_bold() {
    let got = runs_of(
        "## Roles\n\n- **Author** writes.\n\n- Reviewer reads.\n",
        "## Roles\n\n- **Author** writes.\n\n- Reviewer checks.\n",
    );
    assert_eq!(got[0], run("equal", "Roles", &["strong"]));
    assert!(got.contains(&run("equal", "•", &[])), "{got:?}");
    let breaks = got.iter().filter(|(op, ..)| op == "break").count();
    assert_eq!(breaks, 2, "a break after the heading and between the items only: {got:?}");
    assert!(got.contains(&run("insert", "checks.", &[])), "{got:?}");
}

#[test]
fn a_joined_paragraph_shows_a_struck_pilcrow_and_markup_stays_text() {
    let got = runs_of("First.\n\nSecond <b>bold</b>.", "First. Second <b>bold</b>.");
    assert_eq!(
        got[..5],
        [
            run("equal", "First.", &[]),
            run("equal", " ", &[]),
            run("delete", "¶", &[]),
            run("equal", " ", &[]),
            run("equal", "Second", &[])
        ],
        "one space after the pilcrow"
    );
    assert!(got.iter().any(|(_, text, style)| text.contains("<b>") && style == &["code"]), "{got:?}");
}

#[test]
fn words_replaced_at_a_paragraph_start_stay_apart() {
    let got = runs_of("An attacker can.", "A local application can.");
    assert_eq!(
        got[..3],
        [run("delete", "An attacker", &[]), run("equal", " ", &[]), run("insert", "A local application", &[])]
    );
}

#[test]
fn plain_text_is_words_and_blank_lines_and_asterisks_stay() {
    let got: Vec<_> = runs("a *b*\nc\n\nd", "a *b* c\n\n\ne", Markup::Plain).iter().map(flat_run).collect();
    assert_eq!(
        got,
        [
            run("equal", "a *b* c", &[]),
            run("break", "", &[]),
            run("delete", "d", &[]),
            run("equal", " ", &[]),
            run("insert", "e", &[])
        ]
    );
    assert!(runs("", "", Markup::Plain).is_empty());
    let got: Vec<_> = runs("  lead", "lead  ", Markup::Plain).iter().map(flat_run).collect();
    assert_eq!(got, [run("equal", "lead", &[])]);
}

#[test]
fn long_markdown_is_compared_block_by_block_then_word_by_word() {
    let paragraph = |i: usize| format!("Paragraph {i} has *several* words that stay the same.\n\n");
    let old: String = (0..2_500).map(paragraph).collect();
    // Changed near both ends and in the middle, so that what lies between the common
    // ends is above the limit.
    let new = old
        .replacen("Paragraph 0 has", "Paragraph 0 first has", 1)
        .replace("Paragraph 1200 has", "Paragraph 1200 now has")
        .replace("Paragraph 2499 has", "Paragraph 2499 last has");
    let got = runs(&old, &new, Markup::Markdown);
    let changes: Vec<&str> = got
        .iter()
        .filter_map(|r| match r {
            Run::Words { op: Op::Insert, text, .. } => Some(text.as_str()),
            Run::Words { op: Op::Delete, .. } => Some("deleted"),
            _ => None,
        })
        .collect();
    assert_eq!(changes, ["first", "now", "last"]);
}

/// Markdown made of pieces that open and close styles, blocks and lists.
fn markdown() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let piece = prop_oneof![
        "[a-z]{1,6}",
        Just(" ".to_owned()),
        Just("\n".to_owned()),
        Just("\n\n".to_owned()),
        Just("*".to_owned()),
        Just("**".to_owned()),
        Just("`".to_owned()),
        Just("- ".to_owned()),
        Just("1. ".to_owned()),
        Just("# ".to_owned()),
        Just("<b>".to_owned()),
        Just("[x](https://e.org)".to_owned()),
        Just("| a | b |\n|---|---|\n".to_owned()),
        Just("[^n]".to_owned()),
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|p| p.concat())
}

/// The words of the runs of one side, in order, with their styles.
fn side_words(runs: &[Run], skip: Op) -> Vec<(String, Style)> {
    let kept = runs.iter().filter_map(|r| match r {
        Run::Words { op, style, text } if *op != skip && text != "¶" => Some((text, *style)),
        _ => None,
    });
    kept.flat_map(|(text, style)| text.split_whitespace().map(move |w| (w.to_owned(), style))).collect()
}

fn token_words(text: &str, markup: Markup) -> Vec<(String, Style)> {
    let tokens = match markup {
        Markup::Plain => plain_tokens(text),
        Markup::Markdown => markdown_tokens(text),
    };
    let words = tokens.into_iter().filter_map(|t| match t.token {
        Seen::Word { text, style } => Some((text, style)),
        Seen::Break => None,
    });
    words.flat_map(|(text, style)| text.split_whitespace().map(|w| (w.to_owned(), style)).collect::<Vec<_>>()).collect()
}

proptest::proptest! {
    #[test]
    fn each_side_of_the_runs_is_that_side_s_words(old in markdown(), new in markdown()) {
        for markup in [Markup::Markdown, Markup::Plain] {
            let runs = runs(&old, &new, markup);
            proptest::prop_assert_eq!(side_words(&runs, Op::Insert), token_words(&old, markup));
            proptest::prop_assert_eq!(side_words(&runs, Op::Delete), token_words(&new, markup));
        }
    }
}

#[test]
fn re_wrapping_is_no_change() {
    let got = runs_of("a b\nc", "a\nb c");
    assert!(got.iter().all(|(op, ..)| op == "equal"), "{got:?}");
}
