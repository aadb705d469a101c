//! Property tests of Markdown -> nodes: no input panics, and the words of the input,
//! Typst syntax included, reach the output as strings.
//!
//! These stand in for a fuzz target: an instrumented build of this crate would rebuild
//! Typst, which takes too long to be run routinely.

use proptest::prelude::*;
use serde_json::Value;
use sigdoc_model::prose::MAX_NESTING;
use sigdoc_model::{Reference, References};
use sigdoc_render::markdown::{Element, Node, inline_text, to_nodes};

fn references() -> References {
    let mut refs = References::new();
    for (id, title) in [("RFC 6120", "Core"), ("XEP-0178", "SASL EXTERNAL")] {
        refs.insert(id.into(), Reference::new(id, title, "https://example.org"));
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
        strings(&serde_json::to_value(to_nodes(&markdown, &references())).unwrap_or_default(), &mut out);
        for (_, words) in &blocks {
            for word in words {
                prop_assert!(out.contains(word.as_str()), "{word:?} is missing from the output of {markdown:?}:\n{out}");
            }
        }
    }

    #[test]
    fn any_text_converts_without_panicking(text in "\\PC*", pick in any::<u8>()) {
        // Markdown syntax characters are common, so weight them in too.
        let syntax = ["*", "_", "[", "]", "(", ")", "|", "`", "#", "\n", "> ", "- ", "[^a]", "[^a]: ", "\\", "<", "&", "[@", "@"];
        let mixed = format!("{text}{}{text}", syntax[usize::from(pick) % syntax.len()]);
        let nodes = to_nodes(&mixed, &references());
        prop_assert!(serde_json::to_value(&nodes).is_ok_and(|v| v.is_array()));
        let inline = inline_text(&mixed, &references());
        // One-line text is never interpreted: it all comes back, in order, as text and
        // citations (a cite of an unknown id as written).
        let mut back = String::new();
        for node in &inline {
            match node {
                Node::Text(s) => back.push_str(s),
                Node::Element(Element::Cite(cite)) => back.push_str(&cite.text),
                Node::Element(other) => prop_assert!(false, "{other:?} in one-line text"),
            }
        }
        prop_assert_eq!(back, mixed);
    }
}

/// Markdown built from the fragments that open and close containers, links and footnotes.
fn nesting_markdown() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just("> "),
        Just("- "),
        Just("1. "),
        Just("  "),
        Just("*"),
        Just("**"),
        Just("_"),
        Just("~~"),
        Just("["),
        Just("](https://x)"),
        Just("](javascript:x)"),
        Just("]()"),
        Just("!["),
        Just("[^a]"),
        Just("[^b]"),
        Just("\n"),
        Just("\n\n"),
        Just("[^a]: "),
        Just("[^b]: "),
        Just("x"),
        Just(" "),
        Just("`"),
        Just("<https://x>"),
        Just("<a@b>"),
        Just("| a |\n|---|\n| b |"),
        Just("# "),
        Just("RFC 6120"),
    ];
    let fragments = prop::collection::vec(fragment, 0..40).prop_map(|parts| parts.concat());
    // Containers nested around the fragments, up to past the limit: blocks outside,
    // inlines inside, as Markdown allows.
    let blocks = prop::collection::vec(prop_oneof![Just("> "), Just("- "), Just("1. ")], 0..9);
    let inlines = prop::collection::vec(0..5usize, 0..9);
    (blocks, inlines, fragments.clone(), fragments).prop_map(|(blocks, inlines, inner, rest)| {
        let mut text = inner.replace('\n', " ");
        for kind in inlines {
            text = match kind {
                0 => format!("*a {text} a*"),
                1 => format!("**b {text} b**"),
                2 => format!("~~c {text} c~~"),
                3 => format!("[d {text} d](https://x)"),
                _ => format!("![e {text} e](https://x)"),
            };
        }
        format!("{}{text}\n\n{rest}", blocks.concat())
    })
}

/// Every link node's address, walked without recursion.
fn link_urls(nodes: &[Node]) -> Vec<String> {
    let mut urls = Vec::new();
    let mut pending: Vec<&Node> = nodes.iter().collect();
    while let Some(node) = pending.pop() {
        if let Node::Element(element) = node {
            if let Element::Link { url, .. } = element {
                urls.push(url.clone());
            }
            pending.extend(element.children());
        }
    }
    urls
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 5000, ..ProptestConfig::default() })]

    /// The renderer's tree is exactly as deep as the model measures prose that `check`
    /// accepts, never deeper than the limit, and links only live addresses.
    #[test]
    fn the_renderer_nests_as_the_model_measures(markdown in nesting_markdown(), repeat in 1..12usize) {
        let markdown = markdown.repeat(repeat);
        let found = sigdoc_model::prose::examine(&markdown, &references());
        let nodes = to_nodes(&markdown, &references());
        let depth = sigdoc_render::markdown::nesting_depth(&nodes);
        prop_assert!(depth <= MAX_NESTING, "{depth} deep: {markdown:?}");
        if found.depth <= MAX_NESTING {
            prop_assert_eq!(depth, found.depth, "{:?}", markdown);
        }
        // Text shown deeper than the limit is refused (so is a footnote nested too deep that
        // nothing shows).
        let too_deep = found.problems.iter().any(|p| p.message.contains("levels deep"));
        prop_assert!(too_deep || found.depth <= MAX_NESTING, "{:?}", markdown);
        for url in link_urls(&nodes) {
            prop_assert!(sigdoc_model::links::is_live(&url), "{url:?} in {markdown:?}");
        }
    }
}

/// The example documents folder that `sigdoc init` writes, with `analysis.md`'s body
/// replaced by `markdown`.
fn example_with_analysis(markdown: &str) -> sigdoc_model::Snapshot {
    let root = manifest_dir().join("../sigdoc/example");
    let mut files = Vec::new();
    for rel in ["sig.yaml", "references.yaml", "process.md", "template.yaml", "threats/starttls-stripping.yaml"] {
        files.push((rel.to_owned(), std::fs::read(root.join(rel)).expect("example file")));
    }
    let analysis = std::fs::read_to_string(root.join("analysis.md")).expect("example analysis");
    let end = analysis[3..].find("\n---").expect("front matter") + 3 + 4;
    files.push(("analysis.md".to_owned(), format!("{}\n{markdown}\n", &analysis[..end]).into_bytes()));
    sigdoc_model::Snapshot::from_files("documents", files)
}

/// The text of a PDF as poppler extracts it, without white space or hyphens, which line
/// breaking and justification add.
fn pdf_letters(pdf: &[u8]) -> String {
    static CASE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CASE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("sigdoc-md-{}-{n}.pdf", std::process::id()));
    std::fs::write(&path, pdf).expect("write PDF");
    let out = std::process::Command::new("pdftotext").arg(&path).arg("-").output();
    let _ = std::fs::remove_file(&path);
    let out = out.expect("pdftotext (poppler-utils; `make deps` installs it)");
    squeeze(&String::from_utf8_lossy(&out.stdout))
}

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace() && !matches!(c, '-' | '\u{ad}' | '\u{2010}')).collect()
}

proptest! {
    // Each case typesets a whole document: few cases, but every one is a real compile.
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn markdown_compiles_and_shows_its_words(blocks in prop::collection::vec(block(), 1..5)) {
        let markdown =
            blocks.iter().enumerate().map(|(i, (md, _))| md.replace("[^n]", &format!("[^n{i}]"))).collect::<Vec<_>>().join("\n\n");
        let snapshot = example_with_analysis(&markdown);
        let loaded = sigdoc_model::Deliverables::load(&snapshot);
        prop_assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
        let history = sigdoc_model::History::new(sigdoc_model::DocKind::Analysis, Vec::new(), false);
        let rendered = sigdoc_render::render(
            sigdoc_model::DocKind::Analysis,
            &loaded.deliverables,
            &history,
            Some(&snapshot),
            &sigdoc_render::RenderOptions::default(),
            sigdoc_render::Passes::EvictUnused,
        );
        let rendered = rendered.map_err(|e| TestCaseError::fail(format!("{e}\n{markdown}")))?;
        let text = pdf_letters(&rendered.pdf);
        let fonts = sigdoc_render::shared_fonts();
        for (_, words) in &blocks {
            for word in words.iter().filter(|w| w.chars().all(|c| sigdoc_render::font_covers(fonts, c))) {
                prop_assert!(text.contains(&squeeze(word)), "{word:?} is not in the PDF of {markdown:?}");
            }
        }
    }
}

/// An empty code block reached the template as no text at all, which Typst refused.
#[test]
fn an_empty_code_block_typesets() {
    let snapshot = example_with_analysis("Before.\n\n```\n```\n\nAfter.");
    let loaded = sigdoc_model::Deliverables::load(&snapshot);
    assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
    let history = sigdoc_model::History::new(sigdoc_model::DocKind::Analysis, Vec::new(), false);
    let rendered = sigdoc_render::render(
        sigdoc_model::DocKind::Analysis,
        &loaded.deliverables,
        &history,
        Some(&snapshot),
        &sigdoc_render::RenderOptions::default(),
        sigdoc_render::Passes::EvictUnused,
    );
    let text = pdf_letters(&rendered.expect("typesets").pdf);
    assert!(text.contains("Before.After."), "{text}");
}

/// This crate's folder in the checkout the tests run in: cargo sets it when running
/// tests, while the compile-time value names whichever checkout built the binary first
/// when checkouts share a target folder.
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| env!("CARGO_MANIFEST_DIR").into(), Into::into)
}
