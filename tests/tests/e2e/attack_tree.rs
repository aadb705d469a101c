//! Attack-tree diagrams in analysis.pdf: a 60-node tree is drawn inside the margins, every goal shown, its cheapest attack stated.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use crate::support::{Fixture, contains, excerpt, normalise, pdf_pages, pdf_text};

/// The house style's A4 page and side margins (2.4 cm), in points.
const PAGE_WIDTH: f64 = 595.28;
const SIDE_MARGIN: f64 = 68.03;

/// A 60-node tree, 1 + 3 + 12 + 44, as YAML under `attack_tree:`. Every goal carries a
/// token (`W1`, `N12`, `L123`) that is one word, so it can be found in the PDF's text
/// whatever the line breaks. All leaves cost 10 except L212, which costs 3: way W2 is an
/// OR of ORs, so the cheapest attack is L212 alone, at 3. W1 holds an impossible step, W0
/// a step that needs special equipment.
fn sixty_node_tree() -> (String, Vec<String>) {
    let mut yaml = String::from("attack_tree:\n  goal: R0 Read another user's messages\n  gate: or\n  children:\n");
    let mut tokens = vec!["R0".to_owned()];
    let way_gates = ["and", "sand", "or"];
    for (i, way_gate) in way_gates.iter().enumerate() {
        let _ = writeln!(yaml, "    - goal: W{i} A way to the goal\n      gate: {way_gate}\n      children:");
        tokens.push(format!("W{i}"));
        for j in 0..4 {
            let gate = if i == 2 || j % 2 == 0 { "or" } else { "and" };
            let _ = writeln!(
                yaml,
                "        - goal: N{i}{j} Subgoal of the way\n          gate: {gate}\n          children:"
            );
            tokens.push(format!("N{i}{j}"));
            let leaves = if (i + j) % 3 == 0 { 3 } else { 4 };
            for k in 0..leaves {
                let token = format!("L{i}{j}{k}");
                let extra = match (i, j, k) {
                    (2, 1, 2) => "cost: 3".to_owned(),
                    (1, 0, 0) => "possible: false".to_owned(),
                    (0, 1, 1) => "cost: 10, equipment: true".to_owned(),
                    _ => "cost: 10".to_owned(),
                };
                let _ = writeln!(yaml, "            - {{goal: '{token} An action the attacker takes', {extra}}}");
                tokens.push(token);
            }
        }
    }
    assert_eq!(tokens.len(), 60, "the tree has 60 nodes");
    (yaml, tokens)
}

/// A copy of a project threat under a new id, with its attack tree replaced.
fn threat_with_tree(fixture: &Fixture, template_id: &str, id: &str, tree_yaml: &str) -> String {
    let source = fixture.read(&format!("documents/threats/{template_id}.yaml"));
    let start = source.find("attack_tree:\n").expect("the threat has an attack tree");
    let end = start + source[start..].find("\nlikelihood:").expect("likelihood follows the tree") + 1;
    let text = format!("{}{}{}", &source[..start], tree_yaml, &source[end..]);
    text.replacen(&format!("id: {template_id}\n"), &format!("id: {id}\n"), 1).replacen(
        "name: STARTTLS stripping on client-to-server streams",
        "name: A very large attack tree",
        1,
    )
}

/// Every word pdftotext finds, with its page and horizontal extent.
fn word_boxes(pdf: &Path) -> Vec<(usize, f64, f64, String)> {
    let output = Command::new("pdftotext").args(["-bbox"]).arg(pdf).arg("-").output().expect("run pdftotext -bbox");
    assert!(output.status.success(), "pdftotext -bbox failed");
    let html = String::from_utf8_lossy(&output.stdout);
    let attr = |tag: &str, name: &str| -> f64 {
        let at = tag.find(&format!("{name}=\"")).expect("attribute") + name.len() + 2;
        tag[at..].split('"').next().and_then(|v| v.parse().ok()).expect("number")
    };
    let mut page = 0;
    let mut words = Vec::new();
    for piece in html.split('<').skip(1) {
        if piece.starts_with("page ") {
            page += 1;
        } else if let Some(tag) = piece.strip_prefix("word ") {
            let (attrs, text) = tag.split_once('>').unwrap_or((tag, ""));
            words.push((page, attr(attrs, "xMin"), attr(attrs, "xMax"), text.to_owned()));
        }
    }
    words
}

#[test]
fn a_sixty_node_tree_is_drawn_inside_the_margins_with_its_cheapest_attack() {
    let fixture = Fixture::with_threats(&["c2s-starttls-stripping"]);
    let (tree, tokens) = sixty_node_tree();
    let threat = threat_with_tree(&fixture, "c2s-starttls-stripping", "large-attack-tree", &tree);
    fixture.write("documents/threats/large-attack-tree.yaml", threat);
    let (code, _, stderr) = fixture.sigdoc(&["build", "-o", "out", "--only", "analysis"]);
    assert_eq!(code, 0, "build failed:\n{stderr}");
    let pdf = fixture.path().join("out/analysis.pdf");

    let text = normalise(&pdf_text(&pdf));
    let line = "Cheapest attack: 3 — L212 An action the attacker takes";
    assert!(contains(&text, line), "no {line:?} in:\n{}", excerpt(&text, "Cheapest attack"));
    assert!(contains(&text, "Cheapest attack: 6 — Gain an on-path position"), "the other threat keeps its line");

    // Every node's goal is drawn; the split parts say where they continue.
    let words: Vec<(usize, f64, f64, String)> = word_boxes(&pdf);
    for token in &tokens {
        assert!(words.iter().any(|w| &w.3 == token), "goal {token} is not in the PDF");
    }
    // Too wide for one page even scaled to the legible minimum: split into parts, each
    // captioned, every later one saying which part it continues.
    let parts: usize = text
        .split("Part 1 of ")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no \"Part 1 of N\" caption in:\n{}", excerpt(&text, "Attack tree")));
    assert!(parts > 1, "{parts} parts");
    for k in 2..=parts {
        assert!(contains(&text, &format!("Part {k} of {parts}")), "no caption of part {k}");
    }
    assert_eq!(text.matches("— continued from part").count(), parts - 1);
    assert_eq!(words.iter().filter(|w| w.3 == "see").count(), parts - 1, "every later part is referred to once");

    // No word of any page runs into a side margin (a box leaving the page would). The
    // slack is for punctuation that Typst hangs into the margin of justified lines.
    for (page, min, max, word) in &words {
        assert!(
            *min >= SIDE_MARGIN - 4.0 && *max <= PAGE_WIDTH - SIDE_MARGIN + 4.0,
            "{word:?} on page {page} spans {min:.1}..{max:.1}, outside the text column"
        );
    }
    // Two threats and a split tree: a handful of pages more than the one-threat build.
    let pages = pdf_pages(&pdf);
    assert!((8..=20).contains(&pages), "{pages} pages");
}
