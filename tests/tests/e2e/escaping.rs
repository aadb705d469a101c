//! User text is data: Typst and Markdown syntax in a threat appears literally and is never evaluated.

use crate::support::{Fixture, contains, excerpt, normalise, pdf_text};

const NAME: &str = r"Injection #set text(red) $y$ @name <lbl> ] \ // end";

/// A valid threat whose every prose field is full of Typst syntax.
const THREAT: &str = r#"id: typst-injection
name: 'Injection #set text(red) $y$ @name <lbl> ] \ // end'
abstract: |
  Typst code #read("/etc/passwd") and math $x^2$ and a reference @ref and a
  label <label> and a star a * b and snake_case_name and a lone ` backtick and
  a backslash C:\path and a bracket ] and a comment // not a comment.
definition: |
  Escaped Markdown: \*not emphasis\* and \_not emphasis\_ and \`no code\`.

  Code span: `#read("/etc/passwd")` and `$z$`.

  #image("/etc/passwd")

  ```
  #read("/etc/hostname") ] // $ @x <y>
  ```
attack_tree:
  goal: 'Root goal #emph[x]'
  gate: or
  children:
    - {goal: 'Leaf $a$ @b', cost: 1}
    - {goal: 'Leaf #read("/etc/passwd")', cost: 2}
likelihood: low
damage: low
existing_approaches:
  - ref: RFC 6120
    note: |
      Note with #strong[bold] and $m$.
gap: |
  Gap #panic("boom").
potential_approaches:
  - approach: |
      Approach ] [ #sym.arrow
    implementation_issues: |
      Issues \ and //.
recommended: |
  Do nothing #pagebreak() at this time.
"#;

/// What the PDF must show, as Markdown renders the fields above.
const LITERALS: &[&str] = &[
    NAME,
    r#"Typst code #read("/etc/passwd") and math $x^2$ and a reference @ref and a label <label> and a star a * b and snake_case_name and a lone ` backtick and a backslash C:\path and a bracket ] and a comment // not a comment."#,
    "Escaped Markdown: *not emphasis* and _not emphasis_ and `no code`.",
    r#"Code span: #read("/etc/passwd") and $z$."#,
    r#"#image("/etc/passwd")"#,
    r#"#read("/etc/hostname") ] // $ @x <y>"#,
    "Root goal #emph[x]",
    "Leaf $a$ @b",
    r#"Leaf #read("/etc/passwd")"#,
    "Note with #strong[bold] and $m$.",
    r#"Gap #panic("boom")."#,
    "Approach ] [ #sym.arrow",
    r"Issues \ and //.",
    "Do nothing #pagebreak() at this time.",
];

#[test]
fn typst_syntax_in_prose_appears_literally_and_reads_no_file() {
    let mut fixture = Fixture::with_threats(&["carbon-forging"]);
    fixture.write("documents/threats/typst-injection.yaml", THREAT);
    fixture.commit("A threat full of Typst syntax");

    let (code, stdout, stderr) = fixture.sigdoc(&["check"]);
    assert_eq!(code, 0, "the threat should be valid: {stdout}{stderr}");
    let (code, _, stderr) = fixture.sigdoc(&["build", "--only", "analysis", "-o", "out"]);
    assert_eq!(code, 0, "build failed:\n{stderr}");
    let raw = pdf_text(&fixture.path().join("out/analysis.pdf"));
    let text = normalise(&raw);

    let missing: Vec<&&str> = LITERALS.iter().filter(|l| !contains(&text, l)).collect();
    assert!(missing.is_empty(), "not rendered literally: {missing:#?}\n\nsection:\n{}", excerpt(&text, "Typst code"));
    // Had `#read("/etc/passwd")` been evaluated, its first line would be in the PDF.
    assert!(!raw.contains("root:x:0:0"), "the PDF contains /etc/passwd");
}
