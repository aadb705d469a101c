//! Issue 13: hostile YAML. Every file of up to a megabyte loads, or is refused with a
//! located error, in linear time and memory; nothing panics.
//!
//! Each case goes through `Deliverables::load`, as a repository's files do. The time
//! bound is only a hang guard (a debug build needs a fraction of it): what the tests
//! assert is the outcome and its place. Memory is measured by the lead's harness.

use std::time::{Duration, Instant};

use sigdoc_model::yaml::{Loc, Seg, YamlDoc};
use sigdoc_model::{Deliverables, Diagnostic, Snapshot};

const HANG_GUARD: Duration = Duration::from_secs(60);

const THREAT: &str = "threats/hostile.yaml";

/// The project's documents folder as a snapshot (files on disk, not git history).
fn documents() -> Snapshot {
    let root = manifest_dir().join("../../documents");
    let mut files = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("documents folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(&root).expect("inside").to_string_lossy().replace('\\', "/");
                files.push((rel, std::fs::read(&path).expect("readable")));
            }
        }
    }
    Snapshot::from_files("documents", files)
}

/// Loads the documents with one file replaced, and returns that file's diagnostics.
fn load_with(path: &str, text: &str) -> Vec<Diagnostic> {
    let mut snapshot = documents();
    snapshot.files.insert(path.to_owned(), text.as_bytes().to_vec());
    let start = Instant::now();
    let loaded = Deliverables::load(&snapshot);
    let took = start.elapsed();
    assert!(took < HANG_GUARD, "{path} ({} bytes) took {took:?}", text.len());
    let file = format!("documents/{path}");
    loaded.diagnostics.into_iter().filter(|d| d.file == file).collect()
}

/// The only error of a file that is refused as a whole.
fn refusal(path: &str, text: &str) -> Diagnostic {
    let diags = load_with(path, text);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    diags.into_iter().next().expect("one")
}

fn at(d: &Diagnostic) -> (usize, usize) {
    (d.line, d.column)
}

const TOO_DEEP: &str = "the YAML is nested more than 100 levels deep";

#[test]
fn a_megabyte_of_open_brackets_is_refused_at_the_101st() {
    let e = refusal(THREAT, &"[".repeat(1 << 20));
    assert_eq!((at(&e), e.message.as_str()), ((1, 101), TOO_DEEP));
    let e = refusal(THREAT, &"{a: ".repeat(1 << 18));
    assert_eq!((at(&e), e.message.as_str()), ((1, 401), TOO_DEEP));
    // Brackets inside a value, after a long first line.
    let text = format!("id: hostile\nname: {}\nabstract: {}", "n".repeat(100_000), "[ ".repeat(400_000));
    let e = refusal(THREAT, &text);
    assert_eq!((at(&e), e.message.as_str()), ((3, 11 + 2 * 99), TOO_DEEP));
}

#[test]
fn a_megabyte_of_nested_block_lists_is_refused() {
    let e = refusal(THREAT, &"- ".repeat(1 << 19));
    assert_eq!((at(&e), e.message.as_str()), ((1, 201), TOO_DEEP));
    // A level every other line: level k starts at line 2k - 1, column k.
    let text: String = (0..120).map(|i| format!("{}- x\n{}-\n", " ".repeat(i), " ".repeat(i))).collect();
    let e = refusal(THREAT, &text);
    assert_eq!(e.message, TOO_DEEP);
    assert_eq!(at(&e), (201, 101), "{e}");
}

/// Issue 13: an 870 KB file of deep and wide mappings took 8 GB to index.
#[test]
fn deep_and_wide_mappings_load() {
    let mut text = String::from("id: hostile\nnotes:\n");
    let depth = 95;
    for level in 0..depth {
        text.push_str(&format!("{}l{level}:\n", "  ".repeat(level + 1)));
    }
    text.push_str(&"  ".repeat(depth + 1));
    text.push('{');
    let mut keys = 0;
    while text.len() < 870_000 {
        text.push_str(&format!("key{keys}: v, "));
        keys += 1;
    }
    text.push_str("last: v}\n");
    let diags = load_with(THREAT, &text);
    let unknown: Vec<_> = diags.iter().filter(|d| d.message.starts_with("unknown key")).collect();
    assert_eq!(unknown.len(), 1, "{diags:#?}");
    assert_eq!(at(unknown[0]), (2, 1));
    // Every one of the keys has its place.
    let doc = YamlDoc::parse("t.yaml", &text, 0).expect("valid YAML");
    let mut path = vec![Seg::Key("notes".into())];
    path.extend((0..depth).map(|level| Seg::Key(format!("l{level}"))));
    path.push(Seg::Key("last".into()));
    let line = depth + 3;
    let column = 2 * (depth + 1)
        + 2
        + text.lines().nth(line - 1).expect("line")[2 * (depth + 1) + 1..].find("last").expect("last");
    assert_eq!(doc.key_loc(&path), Loc { line, column });
    path.pop();
    path.push(Seg::Key(format!("key{}", keys - 1)));
    assert!(doc.value_loc(&path).column > 800_000);
    path.pop();
    path.push(Seg::Key("no such key".into()));
    assert_eq!(doc.key_loc(&path), Loc { line, column: 2 * (depth + 1) + 1 }, "the nearest ancestor");
}

/// Issue 13: twenty thousand unknown keys in a 220 KB file.
#[test]
fn twenty_thousand_unknown_keys_are_each_located() {
    let mut text = String::from("id: hostile\n");
    for i in 0..20_000 {
        text.push_str(&format!("unknown{i}: x\n"));
    }
    assert!(text.len() > 200_000);
    let diags = load_with(THREAT, &text);
    let unknown: Vec<_> = diags.iter().filter(|d| d.message.starts_with("unknown key")).collect();
    assert_eq!(unknown.len(), 20_000);
    assert!(unknown.iter().all(|d| d.column == 1));
    assert_eq!(unknown.last().map(|d| d.line), Some(20_001));
}

#[test]
fn a_megabyte_wide_flow_list_loads() {
    let text = format!("id: hostile\nnotes: [{}x]\n", "x, ".repeat(340_000));
    let diags = load_with(THREAT, &text);
    assert!(diags.iter().any(|d| at(d) == (2, 1) && d.message.starts_with("unknown key \"notes\"")), "{diags:#?}");
}

/// A megabyte of aliases to a ten-item list took serde_yaml a gigabyte.
#[test]
fn a_megabyte_of_aliases_is_refused_where_they_add_too_much() {
    let mut text = String::from("id: hostile\nnotes:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n  b: [");
    text.push_str(&"*a, ".repeat(250_000));
    text.push_str("*a]\n");
    let e = refusal(THREAT, &text);
    assert_eq!(at(&e), (4, 7 + 4 * 10_000), "the alias that adds the 100,001st value");
    assert!(e.message.contains("aliases add more than 100000 values"), "{e}");
}

#[test]
fn a_hundred_thousand_documents_are_refused_at_the_second() {
    let e = refusal(THREAT, &"---\nid: hostile\n".repeat(100_000));
    assert_eq!(at(&e), (3, 1));
    assert!(e.message.contains("more than one document"), "{e}");
}

#[test]
fn front_matter_problems_are_located_in_the_markdown_file() {
    let text = format!("---\ntitle: x\nscales: {}\n---\nBody\n", "[".repeat(500_000));
    let e = refusal("process.md", &text);
    assert_eq!((at(&e), e.message.as_str()), ((3, 9 + 99), TOO_DEEP));
    let e = refusal("analysis.md", "---\ntitle: x\n---\nBody\n---\nmore\n\u{1}\n");
    assert_eq!(at(&e), (7, 1), "the whole file is checked, body included");
}

/// Issue 13: a NUL byte was reported at 1:1 "at position 792", printing the byte.
#[test]
fn control_characters_are_located_and_named_everywhere() {
    let cases = [
        ("sig.yaml", "name: x\nshortname: \0\n", (2, 12), "U+0000"),
        (THREAT, "id: hostile\nname: \u{1b}]0;title\u{7}\n", (2, 7), "U+001B"),
        ("process.md", "---\ntitle: x\n---\n# Intro\nText\u{7f}\n", (5, 5), "U+007F"),
        ("analysis.md", "---\ntitle: \u{e9}\u{9b}31m\n---\n", (2, 9), "U+009B"),
    ];
    for (path, text, place, name) in cases {
        let e = refusal(path, text);
        assert_eq!(at(&e), place, "{path}: {e}");
        assert!(e.message.contains(name), "{e}");
        assert!(!e.message.chars().any(|c| c.is_control()), "{e:?}");
    }
}

#[test]
fn no_message_carries_a_control_character_from_the_file() {
    let text = "id: hostile\n\"\\e[2J\": 1\nattack_tree: {goal: \"g\", gate: \"\\x9b\", children: [{goal: a}]}\n";
    let diags = load_with(THREAT, text);
    assert!(diags.iter().any(|d| d.message.contains("\\u{1b}[2J")), "{diags:#?}");
    assert!(diags.iter().any(|d| d.message.contains("\\u{9b}")), "{diags:#?}");
    assert!(diags.iter().all(|d| !d.message.chars().any(|c| c.is_control())), "{diags:#?}");
}

#[test]
fn keys_that_are_not_names_are_located() {
    let diags = load_with(THREAT, "id: hostile\n? [a, b]\n: x\n12: y\n");
    let places: Vec<_> = diags.iter().filter(|d| d.message.contains("expected a name")).map(at).collect();
    assert_eq!(places, [(2, 3), (4, 1)]);
}

/// This crate's folder in the checkout the tests run in (see tests/load.rs).
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| env!("CARGO_MANIFEST_DIR").into(), Into::into)
}
