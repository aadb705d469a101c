//! Property tests of Markdown -> nodes: no input panics, and the words of the input,
//! Typst syntax included, reach the output as strings.
//!
//! These stand in for a fuzz target: an instrumented build of this crate would rebuild
//! Typst, which takes too long to be run routinely.

use proptest::prelude::*;
use serde_json::Value;
use sigdoc_model::{Reference, References};
use sigdoc_render::markdown::{inline_text, to_nodes};

fn references() -> References {
    let mut refs = References::new();
    for (id, title) in [("RFC 6120", "Core"), ("XEP-0178", "SASL EXTERNAL")] {
        refs.insert(id.into(), Reference { id: id.into(), title: title.into(), url: "https://example.org".into() });
    }
    refs
}

/// Every string of the output except node types, joined by newlines.
fn strings(value: &Value, out: &mut String) {
    match value {
        Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        Value::Object(map) => map.iter().filter(|(k, _)| k.as_str() != "t").for_each(|(_, v)| strings(v, out)),
        _ => {}
    }
}

/// A word: letters, digits and characters that mean something to Typst (never to Markdown
/// inside a word), such as `#read("/etc/passwd")`, `$x$`, `@ref`, `<label>`, `//`.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9]{1,8}",
        "[A-Za-z0-9#$@%=+/;,.?'\"{}()^-]{1,10}[A-Za-z0-9]",
        Just("#read(\"/etc/passwd\")".to_owned()),
        Just("#set".to_owned()),
        Just("$x^2$".to_owned()),
        Just("@ref".to_owned()),
        Just("<label>".to_owned()),
        Just("//".to_owned()),
        Just("RFC 6120".to_owned()),
        Just("XEP-0178".to_owned()),
        Just("Grüße-日本語".to_owned()),
    ]
}

fn words() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(word(), 1..6)
}

/// One block of Markdown built from words, and the words it shows.
fn block() -> impl Strategy<Value = (String, Vec<String>)> {
    let join = |w: &Vec<String>| w.join(" ");
    prop_oneof![
        words().prop_map(move |w| (join(&w), w)),
        (1..=6usize, words()).prop_map(move |(n, w)| (format!("{} {}", "#".repeat(n), join(&w)), w)),
        (words(), words())
            .prop_map(move |(a, b)| (format!("{} *{}* **{}**", join(&a), join(&b), join(&b)), [a, b].concat())),
        words().prop_map(move |w| (format!("- {}\n- {}", join(&w), join(&w)), w)),
        words().prop_map(move |w| (format!("1. {}\n2. {}", join(&w), join(&w)), w)),
        words().prop_map(move |w| (format!("> {}", join(&w)), w)),
        words().prop_map(move |w| (format!("`{}`", join(&w)), w)),
        words().prop_map(move |w| (format!("```\n{}\n```", join(&w)), w)),
        (words(), words()).prop_map(move |(a, b)| (
            format!("| {} | x |\n|---|:-:|\n| {} | y |", join(&a), join(&b)),
            [a, b].concat()
        )),
        words().prop_map(move |w| (format!("[{}](https://example.org/a)", join(&w)), w)),
        (words(), words()).prop_map(move |(a, b)| (format!("{}[^n]\n\n[^n]: {}", join(&a), join(&b)), [a, b].concat())),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn words_reach_the_output(blocks in prop::collection::vec(block(), 1..6)) {
        // Footnote names are unique per block: a repeated definition replaces the first.
        let markdown =
            blocks.iter().enumerate().map(|(i, (md, _))| md.replace("[^n]", &format!("[^n{i}]"))).collect::<Vec<_>>().join("\n\n");
        let mut out = String::new();
        strings(&to_nodes(&markdown, &references()), &mut out);
        for (_, words) in &blocks {
            for word in words {
                prop_assert!(out.contains(word.as_str()), "{word:?} is missing from the output of {markdown:?}:\n{out}");
            }
        }
    }

    #[test]
    fn any_text_converts_without_panicking(text in "\\PC*", pick in any::<u8>()) {
        // Markdown syntax characters are common, so weight them in too.
        let syntax = ["*", "_", "[", "]", "(", ")", "|", "`", "#", "\n", "> ", "- ", "[^a]", "[^a]: ", "\\", "<", "&"];
        let mixed = format!("{text}{}{text}", syntax[usize::from(pick) % syntax.len()]);
        let nodes = to_nodes(&mixed, &references());
        prop_assert!(nodes.is_array());
        let inline = inline_text(&mixed, &references());
        // One-line text is never interpreted: it all comes back, in order.
        let mut back = String::new();
        for node in inline.as_array().into_iter().flatten() {
            match node {
                Value::String(s) => back.push_str(s),
                other => back.push_str(other["v"].as_str().unwrap_or_default()),
            }
        }
        prop_assert_eq!(back, mixed);
    }
}
