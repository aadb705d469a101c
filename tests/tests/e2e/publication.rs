//! Publication-grade release PDFs: PDF/A-3b and PDF/UA-1 as their metadata and structure
//! declare them, every input attached as a source that rebuilds the document, text in
//! reading order, and `build --pdf-standard` for ordinary builds.

#![cfg(unix)]

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use serde_json::Value;
use sigdoc_render::view::attack_tree_alt;

use crate::support::{Fixture, load_documents, normalise, pdf_text};

const THREATS: [&str; 2] = ["carbon-forging", "dialback-spoofing"];

/// A repository with one release, `v1.0`, of the project's documents and two threats.
fn released() -> Fixture {
    let mut fixture = Fixture::with_threats(&THREATS);
    let commit = fixture.commit("Add the deliverables");
    fixture.tag("v1.0", &commit);
    fixture
}

/// Runs a tool, and returns its standard output; it must succeed.
fn run(tool: &str, args: &[&str], path: &Path) -> String {
    let output = Command::new(tool).args(args).arg(path).output().unwrap_or_else(|e| {
        panic!("cannot run {tool} ({e}); install qpdf and poppler-utils (`make deps` does)");
    });
    let (out, err) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{tool} {args:?} {}: {out}{err}", path.display());
    out.into_owned()
}

/// The XMP metadata stream.
fn xmp(path: &Path) -> String {
    run("pdfinfo", &["-meta"], path)
}

/// Every object of a PDF as qpdf reads it (`qpdf --json=2`): strings as `u:text`, names
/// as `/Name`, references as `N 0 R`.
fn objects(path: &Path) -> Vec<Value> {
    let json: Value = serde_json::from_str(&run("qpdf", &["--json=2", "--json-key=qpdf"], path)).expect("qpdf JSON");
    let objects = json["qpdf"][1].as_object().expect("qpdf lists the objects");
    objects.values().map(|o| o.get("value").cloned().unwrap_or_else(|| o["stream"]["dict"].clone())).collect()
}

/// The document catalog.
fn catalog(objects: &[Value]) -> &Value {
    objects.iter().find(|o| o["/Type"] == "/Catalog").expect("a catalog")
}

/// The alternative texts of the structure elements of type `kind` (`/Figure`).
fn alt_texts(objects: &[Value], kind: &str) -> Vec<String> {
    objects
        .iter()
        .filter(|o| o["/S"] == kind)
        .map(|o| o["/Alt"].as_str().and_then(|a| a.strip_prefix("u:")).unwrap_or("").to_owned())
        .collect()
}

/// The names `pdfdetach -list` prints, without their numbers.
fn attachment_names(pdf: &Path) -> BTreeSet<String> {
    run("pdfdetach", &["-list"], pdf)
        .lines()
        .skip(1)
        .filter_map(|line| line.split_once(": ").map(|(_, name)| name.to_owned()))
        .collect()
}

/// The permission bits of a file.
fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).permissions().mode() & 0o777
}

#[test]
fn release_pdfs_declare_pdf_a_3b_and_pdf_ua_1_and_check_clean() {
    let fixture = released();
    let (code, _, err) = fixture.sigdoc(&["release", "v1.0", "-o", "rel"]);
    assert_eq!(code, 0, "{err}");
    fixture.write("usual.txt", "x");
    let usual = mode(&fixture.path().join("usual.txt"));
    assert_ne!(usual & 0o044, 0, "the test's umask hides group and other bits; nothing to compare");
    for doc in ["process", "template", "analysis"] {
        let pdf = fixture.path().join(format!("rel/v1.0/secsig-{doc}-1.0.pdf"));
        let meta = xmp(&pdf);
        for declared in [
            "<pdfaid:part>3</pdfaid:part>",
            "<pdfaid:conformance>B</pdfaid:conformance>",
            "<pdfuaid:part>1</pdfuaid:part>",
            "<dc:language><rdf:Bag><rdf:li>en</rdf:li></rdf:Bag></dc:language>",
        ] {
            assert!(meta.contains(declared), "{doc}: {declared} missing from {meta}");
        }
        assert!(meta.contains("<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">Security SIG: "), "{doc}: {meta}");
        let check = run("qpdf", &["--check"], &pdf);
        assert!(check.contains("No syntax or stream encoding errors found"), "{doc}: {check}");
        let objects = objects(&pdf);
        let root = catalog(&objects);
        assert_eq!(root["/Lang"], "u:en", "{doc}");
        assert_eq!(root["/MarkInfo"]["/Marked"], true, "{doc}: tagged");
        assert_eq!(root["/ViewerPreferences"]["/DisplayDocTitle"], true, "{doc}: the title, not the file name");
        // Header rows are marked: the title page's at least, and every table with one.
        assert!(objects.iter().filter(|o| o["/S"] == "/TH").count() >= 3, "{doc}: header cells");
        // Each attachment is a source of the document, with its type, as PDF/A-3 asks.
        let specs: Vec<&Value> = objects.iter().filter(|o| o["/Type"] == "/Filespec").collect();
        assert!(!specs.is_empty(), "{doc}: attachments");
        for spec in &specs {
            assert_eq!(spec["/AFRelationship"], "/Source", "{doc}: {spec}");
        }
        let streams = objects.iter().filter(|o| o["/Type"] == "/EmbeddedFile");
        let types: BTreeSet<&str> = streams.filter_map(|s| s["/Subtype"].as_str()).collect();
        assert_eq!(types, BTreeSet::from(["/application/yaml", "/text/markdown"]), "{doc}");
        assert_eq!(mode(&pdf), usual, "{doc}: the user's usual mode");
    }
    assert_eq!(mode(&fixture.path().join("rel/v1.0/SHA256SUMS")), usual);
}

#[test]
fn every_drawing_of_a_release_says_in_words_what_it_shows() {
    let fixture = released();
    let (code, _, err) = fixture.sigdoc(&["release", "v1.0", "-o", "rel"]);
    assert_eq!(code, 0, "{err}");
    let objects = objects(&fixture.path().join("rel/v1.0/secsig-analysis-1.0.pdf"));
    let figures = alt_texts(&objects, "/Figure");
    assert_eq!(figures.len(), THREATS.len() + 1, "one tree per threat and the matrix: {figures:#?}");
    // Each tree's text is the one the views word from the threat file.
    let loaded = load_documents(&fixture.path().join("documents"));
    for id in THREATS {
        let tree = loaded.deliverables.threat(id).and_then(|t| t.attack_tree()).expect("a tree");
        let words = attack_tree_alt(tree);
        assert!(words.starts_with(&format!("Attack tree. Goal: “{}”", tree.goal)), "{words}");
        assert!(words.contains("Cheapest attack: "), "{words}");
        assert!(figures.contains(&words), "{id}: {words} not among {figures:#?}");
    }
    let matrix = figures.iter().find(|f| f.starts_with("Risk matrix of likelihood")).expect("the matrix");
    assert!(matrix.contains("(rows: High, Medium, Low) by damage (columns: Low, Medium, High)"), "{matrix}");
    for id in THREATS {
        assert_eq!(matrix.matches(id).count(), 1, "{id} stands in one cell: {matrix}");
    }
    let process = objects_of(&fixture, "process");
    let process_figures = alt_texts(&process, "/Figure");
    assert_eq!(process_figures.len(), 1, "{process_figures:#?}");
    assert!(process_figures[0].contains("High likelihood, High damage: priority 1."), "{process_figures:#?}");
}

fn objects_of(fixture: &Fixture, doc: &str) -> Vec<Value> {
    objects(&fixture.path().join(format!("rel/v1.0/secsig-{doc}-1.0.pdf")))
}

#[test]
fn release_text_reads_in_document_order() {
    let fixture = released();
    let (code, _, err) = fixture.sigdoc(&["release", "v1.0", "-o", "rel"]);
    assert_eq!(code, 0, "{err}");
    let text = normalise(&pdf_text(&fixture.path().join("rel/v1.0/secsig-analysis-1.0.pdf")));
    let loaded = load_documents(&fixture.path().join("documents"));
    let names: Vec<String> = THREATS
        .iter()
        .map(|id| loaded.deliverables.threat(id).map(|t| t.name().to_owned()).expect("a threat"))
        .collect();
    // The title page, legal page, contents, summary, matrix, each threat's section with
    // its fields in the template's order, then the appendices.
    let mut expected = vec!["Security SIG: Threat Analysis", "Legal", "Contents", "Summary of Threats", "Risk Matrix"];
    let threats_at = text.rfind("Threats Each threat's attack tree").expect("the Threats section");
    let mut sections: Vec<(usize, &str)> =
        names.iter().map(|n| (text[threats_at..].find(n.as_str()).map_or(0, |i| i + threats_at), n.as_str())).collect();
    sections.sort();
    for (_, name) in &sections {
        expected.extend([*name, "Abstract", "Definition", "Attack tree", "Likelihood", "Potential damage", "Priority"]);
    }
    expected.extend(["Appendix A: Document Information", "Appendix E: Revision History"]);
    let mut at = 0;
    for part in expected {
        let found = text[at..].find(part).unwrap_or_else(|| panic!("{part:?} does not follow: {}", &text[at..]));
        at += found + part.len();
    }
}

#[test]
fn the_attachments_are_every_input_and_rebuild_the_same_pdf() {
    let fixture = released();
    let (code, _, err) = fixture.sigdoc(&["release", "v1.0", "-o", "rel"]);
    assert_eq!(code, 0, "{err}");
    let group = ["sig.yaml", "references.yaml", "process.md"];
    let threats: Vec<String> = THREATS.iter().map(|id| format!("threats/{id}.yaml")).collect();
    let expected =
        |extra: &[&str]| -> BTreeSet<String> { group.iter().chain(extra).map(|s| (*s).to_owned()).collect() };
    let pdf = |doc: &str| fixture.path().join(format!("rel/v1.0/secsig-{doc}-1.0.pdf"));
    assert_eq!(attachment_names(&pdf("process")), expected(&[]));
    assert_eq!(attachment_names(&pdf("template")), expected(&["template.yaml"]));
    let mut analysis_inputs = expected(&["template.yaml", "analysis.md"]);
    analysis_inputs.extend(threats.iter().cloned());
    assert_eq!(attachment_names(&pdf("analysis")), analysis_inputs);

    // Detach every file of the analysis into an empty folder under its path, as a reader
    // of the archived PDF would; they are the files of the release, byte for byte.
    let mut rebuilt = Fixture::empty();
    for name in &analysis_inputs {
        let target = rebuilt.path().join("documents").join(name);
        std::fs::create_dir_all(target.parent().expect("a folder")).expect("create folder");
        let target_arg = target.to_str().expect("UTF-8 path");
        run("pdfdetach", &["-savefile", name, "-o", target_arg], &pdf("analysis"));
        assert_eq!(
            std::fs::read(&target).expect("detached"),
            std::fs::read(fixture.path().join("documents").join(name)).expect("source"),
            "{name}"
        );
    }
    // The same commit message, date and tag: sigdoc rebuilds the very same PDF.
    let commit = rebuilt.commit("Add the deliverables");
    rebuilt.tag("v1.0", &commit);
    let (code, _, err) = rebuilt.sigdoc(&["release", "v1.0", "-o", "rel"]);
    assert_eq!(code, 0, "{err}");
    let again = rebuilt.path().join("rel/v1.0/secsig-analysis-1.0.pdf");
    // The threat sections first, for a readable failure; then every byte.
    let sections = |path: &Path| {
        let text = normalise(&pdf_text(path));
        let start = text.rfind("Threats Each threat's attack tree").expect("the Threats section");
        let end = text.find("Appendix A").expect("the appendices");
        text[start..end].to_owned()
    };
    assert_eq!(sections(&again), sections(&pdf("analysis")));
    assert!(std::fs::read(&again).expect("rebuilt") == std::fs::read(pdf("analysis")).expect("released"));
}

#[test]
fn ordinary_builds_conform_only_when_asked() {
    let mut fixture = Fixture::with_threats(&THREATS[..1]);
    fixture.commit("Add the deliverables");
    let build = |out: &str, extra: &[&str]| {
        let mut args = vec!["build", "--only", "analysis", "-o", out];
        args.extend(extra);
        let (code, _, err) = fixture.sigdoc(&args);
        assert_eq!(code, 0, "{args:?}: {err}");
        fixture.path().join(out).join("analysis.pdf")
    };
    let plain = build("plain", &[]);
    let archival = build("archival", &["--pdf-standard", "a-3b"]);
    let both = build("both", &["--pdf-standard", "ua-1", "--pdf-standard", "a-3b"]);
    let listed = build("listed", &["--pdf-standard", "a-3b,ua-1"]);
    let meta = xmp(&plain);
    assert!(!meta.contains("pdfaid:part") && !meta.contains("pdfuaid:part"), "{meta}");
    let meta = xmp(&archival);
    assert!(meta.contains("<pdfaid:part>3</pdfaid:part>") && !meta.contains("<pdfuaid:part>"), "{meta}");
    assert!(xmp(&both).contains("<pdfuaid:part>1</pdfuaid:part>"));
    assert!(std::fs::read(&both).expect("both") == std::fs::read(&listed).expect("listed"), "one set, however named");
    // The pages read the same: the standards change the file's structure, not its text.
    assert_eq!(pdf_text(&both), pdf_text(&plain));
    assert!(alt_texts(&objects(&plain), "/Figure").is_empty(), "no figures in an ordinary build");
    assert_eq!(alt_texts(&objects(&both), "/Figure").len(), 2, "the tree and the matrix");
    // No attachments without a release.
    assert!(attachment_names(&both).is_empty());
    let (code, _, err) = fixture.sigdoc(&["build", "--pdf-standard", "a-2b"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("a-3b") && err.contains("ua-1"), "the choices are named: {err}");
}
