//! Issue 13, class 4: the PDF links only http, https, mailto and xmpp addresses that
//! `check` accepts, even when documents that `check` refuses reach the renderer.

use sigdoc_model::links::is_live;
use sigdoc_model::{Deliverables, DocKind, History, Snapshot};
use sigdoc_render::{Passes, RenderOptions, render};

/// The example documents folder with hostile links in prose, references and authors.
fn hostile_documents() -> Snapshot {
    let root = manifest_dir().join("../sigdoc/example");
    let read = |rel: &str| std::fs::read_to_string(root.join(rel)).expect("example file");
    let analysis = format!(
        "{}\n{}",
        read("analysis.md"),
        "Click [here](javascript:alert(1)), [there](JAVASCRIPT:alert(2)), <file:///etc/passwd>,\n\
         [data](data:text/html;base64,PHNjcmlwdD4=), [a page](page.html), [a fragment](#top),\n\
         [nothing](), [vb](vbscript:msgbox) and [long](https://example.org/{long}).\n\n\
         Live: [the XSF](https://xmpp.org/), <security@example.org>, [a room](xmpp:sec@muc.example.org?join).\n\n\
         Mentions: RFC 6120 (a mailto address) and RFC 7525 (a javascript one).\n"
            .replace("{long}", &"a".repeat(5000)),
    );
    let references = read("references.yaml")
        .replace("https://www.rfc-editor.org/rfc/rfc6120", "mailto:editor@example.org")
        .replace("https://www.rfc-editor.org/rfc/rfc7525", "javascript:alert(3)");
    let sig = read("sig.yaml").replace(
        "    email: alice@example.org",
        &format!(
            "    email: {}@example.org\n    jid: alice @example.org\n    uri: javascript:alert(4)",
            "a".repeat(300)
        ),
    );
    Snapshot::from_files(
        "documents",
        [
            ("sig.yaml", sig),
            ("references.yaml", references),
            ("process.md", read("process.md")),
            ("template.yaml", read("template.yaml")),
            ("analysis.md", analysis),
            ("threats/starttls-stripping.yaml", read("threats/starttls-stripping.yaml")),
        ],
    )
}

/// The addresses a PDF links to, as poppler reads them.
fn links(pdf: &[u8]) -> Vec<String> {
    let path = std::env::temp_dir().join(format!("sigdoc-links-{}.pdf", std::process::id()));
    std::fs::write(&path, pdf).expect("write PDF");
    let out = std::process::Command::new("pdftohtml").args(["-xml", "-stdout", "-i"]).arg(&path).output();
    let _ = std::fs::remove_file(&path);
    let xml = String::from_utf8_lossy(&out.expect("pdftohtml (poppler-utils)").stdout).into_owned();
    xml.split("href=\"").skip(1).filter_map(|rest| rest.split('"').next()).map(str::to_owned).collect()
}

#[test]
fn refused_addresses_are_text_and_accepted_ones_are_links() {
    let snapshot = hostile_documents();
    let loaded = Deliverables::load(&snapshot);
    // The check refuses every one of them, each at its place.
    let refused = loaded.diagnostics.iter().filter(|d| d.is_error()).count();
    assert_eq!(refused, 9 + 2 + 3, "{:#?}", loaded.diagnostics);

    let history = History::new(DocKind::Analysis, Vec::new(), false);
    let rendered = render(
        DocKind::Analysis,
        &loaded.deliverables,
        &history,
        Some(&snapshot),
        &RenderOptions::default(),
        Passes::EvictUnused,
    )
    .expect("the renderer shows refused links as text");
    let links = links(&rendered.pdf);
    // Links inside the document (contents, footnotes) are pages of the file itself.
    let external: Vec<&String> = links.iter().filter(|l| !l.contains(".html#")).collect();
    for link in &external {
        assert!(is_live(link), "a live link to {link:?}");
        for refused in ["javascript", "JAVASCRIPT", "file:", "data:", "vbscript", "page.html", "example.org/aaaa"] {
            assert!(!link.contains(refused), "a live link to {link:?}");
        }
    }
    let mut kinds: Vec<&str> = external.iter().map(|l| l.as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    assert_eq!(kinds, ["https://xmpp.org/", "mailto:security@example.org", "xmpp:sec@muc.example.org?join"]);
}

fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| env!("CARGO_MANIFEST_DIR").into(), Into::into)
}
