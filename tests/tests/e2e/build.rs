//! Building the project's real documents: three PDFs that open, embed their fonts and say what the sources say.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use sigdoc_model::{FieldValue, Loaded, ScaleName};

use crate::support::{self, EPOCH, Fixture, Font, contains, contains_ignoring_spaces, count, excerpt, normalise};

/// One PDF of the build, read back.
struct Pdf {
    pages: usize,
    fonts: Vec<Font>,
    info: BTreeMap<String, String>,
    /// The extracted text, normalised for searching.
    text: String,
}

/// The result of `sigdoc build` on a fixture repository holding the project's documents.
struct ProjectBuild {
    code: u8,
    stdout: String,
    stderr: String,
    pdfs: BTreeMap<&'static str, Pdf>,
    /// The same documents loaded by the model: what the PDFs must say.
    expected: Loaded,
}

const DOCS: [&str; 3] = ["process", "template", "analysis"];

/// Builds once for every test of this module (a build of the real documents takes seconds),
/// reads everything needed, and removes the repository.
fn project() -> &'static ProjectBuild {
    static BUILD: OnceLock<ProjectBuild> = OnceLock::new();
    BUILD.get_or_init(|| {
        let mut fixture = Fixture::with_project_documents();
        fixture.commit("Import the Security SIG's deliverables");
        let (code, stdout, stderr) = fixture.sigdoc(&["build", "-o", "out"]);
        let mut pdfs = BTreeMap::new();
        if code == 0 {
            for doc in DOCS {
                let path = fixture.path().join("out").join(format!("{doc}.pdf"));
                pdfs.insert(
                    doc,
                    Pdf {
                        pages: support::pdf_pages(&path),
                        fonts: support::pdf_fonts(&path),
                        info: support::pdf_info(&path),
                        text: normalise(&support::pdf_text(&path)),
                    },
                );
            }
        }
        let expected = support::load_documents(&fixture.path().join("documents"));
        ProjectBuild { code, stdout, stderr, pdfs, expected }
    })
}

fn pdf(doc: &str) -> &'static Pdf {
    let build = project();
    assert_eq!(build.code, 0, "sigdoc build failed:\n{}", build.stderr);
    &build.pdfs[doc]
}

#[test]
fn the_project_documents_are_valid() {
    let build = project();
    let errors: Vec<String> =
        build.expected.diagnostics.iter().filter(|d| d.is_error()).map(|d| format!("{d:?}")).collect();
    assert!(errors.is_empty(), "documents/ has errors: {errors:#?}");
    assert!(build.expected.deliverables.threats.len() >= 5, "documents/ should hold at least 5 threats");
}

#[test]
fn build_exits_0_and_prints_the_three_paths() {
    let build = project();
    assert_eq!(build.code, 0, "stderr:\n{}", build.stderr);
    let mut printed: Vec<&str> = build.stdout.lines().collect();
    printed.sort_unstable();
    let mut expected: Vec<String> =
        DOCS.iter().map(|d| Path::new("out").join(format!("{d}.pdf")).display().to_string()).collect();
    expected.sort();
    assert_eq!(printed, expected, "stdout:\n{}", build.stdout);
}

#[test]
fn every_pdf_opens_with_a_plausible_page_count_and_metadata() {
    let expected = &project().expected.deliverables;
    let titles = [
        ("process", &expected.process.doc.meta.title),
        ("template", &expected.template.meta.title),
        ("analysis", &expected.analysis.meta.title),
    ];
    for (doc, title) in titles {
        let pdf = pdf(doc);
        assert!(pdf.pages > 3, "{doc}.pdf has only {} pages", pdf.pages);
        let info_title = pdf.info.get("Title").map(String::as_str).unwrap_or_default();
        assert!(info_title.contains(title.as_str()), "{doc}.pdf's Title is {info_title:?}, expected {title:?}");
        assert!(pdf.info.get("Page size").is_some_and(|s| s.contains("A4")), "{doc}.pdf is not A4: {:?}", pdf.info);
        // Dated with HEAD's commit (the clean working tree), never the clock.
        if std::env::var_os("SOURCE_DATE_EPOCH").is_none() {
            let created = pdf.info.get("CreationDate").map(String::as_str).unwrap_or_default();
            assert!(created.starts_with("2025-01-01T00:00:00"), "{doc}.pdf was created {created:?}, not at {EPOCH}");
        }
    }
    let analysis = pdf("analysis");
    assert!(
        analysis.pages > pdf("template").pages,
        "analysis.pdf ({} pages) should be longer than template.pdf",
        analysis.pages
    );
}

#[test]
fn every_font_is_embedded() {
    for doc in DOCS {
        let fonts = &pdf(doc).fonts;
        assert!(!fonts.is_empty(), "pdffonts lists no font in {doc}.pdf");
        let missing: Vec<&Font> = fonts.iter().filter(|f| !f.embedded).collect();
        assert!(missing.is_empty(), "fonts not embedded in {doc}.pdf: {missing:?}");
        assert!(fonts.iter().any(|f| f.name.contains("Gentium")), "{doc}.pdf is not set in Gentium: {fonts:?}");
    }
}

#[test]
fn analysis_names_every_threat() {
    let d = &project().expected.deliverables;
    let text = &pdf("analysis").text;
    for threat in &d.threats {
        let name = threat.name();
        assert_ne!(name, threat.id, "threat {} has no name", threat.id);
        // Once in the contents, once as the heading of the threat's section.
        assert!(
            count(text, name) >= 2,
            "analysis.pdf names threat {} {name:?} {} times:\n{}",
            threat.id,
            count(text, name),
            excerpt(text, name)
        );
        assert!(contains(text, &threat.id), "analysis.pdf does not show the id {}", threat.id);
    }
}

#[test]
fn analysis_footnotes_every_reference_a_threat_cites() {
    let d = &project().expected.deliverables;
    let text = &pdf("analysis").text;
    let mut cited = std::collections::BTreeSet::new();
    for threat in &d.threats {
        for value in threat.values.values() {
            if let FieldValue::References(refs) = value {
                cited.extend(refs.iter().map(|r| r.id.clone()));
            }
        }
    }
    assert!(cited.len() >= 5, "the threats cite only {cited:?}");
    let mut missing = Vec::new();
    for id in &cited {
        let reference = d.references.get(id).unwrap_or_else(|| panic!("{id} is not in references.yaml"));
        // `XEP-0178: Best Practices for Use of SASL EXTERNAL with Certificates <https://...>.`;
        // the words as written, the URL (which breaks anywhere) whatever its line breaks.
        let footnote = reference.footnote();
        let wording = format!("{}: {} <", reference.id, reference.title);
        if !contains(text, &wording) || !contains_ignoring_spaces(text, &footnote) {
            missing.push(footnote);
        }
    }
    assert!(missing.is_empty(), "analysis.pdf lacks the footnotes {missing:#?}");
}

#[test]
fn analysis_shows_the_cheapest_attack_of_every_tree() {
    let d = &project().expected.deliverables;
    let text = &pdf("analysis").text;
    let trees: Vec<_> = d.threats.iter().filter_map(|t| t.attack_tree()).collect();
    assert!(!trees.is_empty(), "no threat has an attack tree");
    let shown: Vec<&str> =
        text.split("Cheapest attack:").skip(1).map(|rest| rest.split_whitespace().next().unwrap_or("")).collect();
    assert_eq!(shown.len(), trees.len(), "one \"Cheapest attack:\" line per attack tree; costs shown: {shown:?}");
    // Where every cost is known, the costs shown are exactly those the model computes.
    let computed: Option<Vec<String>> = trees
        .iter()
        .map(|t| {
            let e = t.evaluate();
            match (e.possible, e.cost, e.partial) {
                (true, Some(c), false) if c.fract() == 0.0 => Some(format!("{c:.0}")),
                _ => None,
            }
        })
        .collect();
    if let Some(mut computed) = computed {
        let mut shown: Vec<String> = shown.iter().map(|s| (*s).to_owned()).collect();
        computed.sort();
        shown.sort();
        assert_eq!(shown, computed, "cheapest-attack costs shown differ from the computed ones");
    }
}

#[test]
fn process_renders_the_scales_and_the_priority_matrix() {
    let p = &project().expected.deliverables.process;
    let text = &pdf("process").text;
    assert!(text.contains("Priority Matrix"), "process.pdf has no Priority Matrix");
    for scale in ["likelihood", "damage"] {
        let levels =
            p.scale(&ScaleName::from_name(scale)).unwrap_or_else(|| panic!("the process has no {scale} scale"));
        assert!(!levels.is_empty());
        for level in levels {
            // The label beside the first words of its meaning: a row of the scale's table.
            let opening: Vec<&str> = level.meaning.split_whitespace().take(6).collect();
            let row = format!("{} {}", level.label, opening.join(" "));
            assert!(contains(text, &row), "process.pdf lacks the {scale} row {row:?}:\n{}", excerpt(text, "Meaning"));
        }
    }
    assert!(!p.priorities.is_empty());
    for level in &p.priorities {
        assert!(contains(text, &level.label), "process.pdf lacks the priority label {:?}", level.label);
    }
}

#[test]
fn template_renders_every_field() {
    let t = &project().expected.deliverables.template;
    let text = &pdf("template").text;
    assert!(t.fields.len() >= 10, "the template has only {} fields", t.fields.len());
    for field in &t.fields {
        assert!(contains(text, &field.label), "template.pdf lacks the field label {:?}", field.label);
        // The guidance's opening words, up to the first Markdown markup.
        let opening: Vec<&str> = field
            .guidance
            .split_whitespace()
            .take_while(|w| !w.contains(['*', '`', '_', '[', '"']) && !w.ends_with('.'))
            .take(6)
            .collect();
        if opening.len() >= 3 {
            let words = opening.join(" ");
            assert!(contains(text, &words), "template.pdf lacks the guidance of {:?}: {words:?}", field.key);
        }
    }
}
