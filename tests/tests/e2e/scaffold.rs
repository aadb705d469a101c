//! `sigdoc init`, `sigdoc new threat` and `sigdoc schema`: starting a project, a threat, an editor.

use crate::support::{Fixture, load_documents, project_documents};

#[test]
fn init_then_build_works_without_a_commit() {
    let fixture = Fixture::empty();
    let (code, stdout, stderr) = fixture.sigdoc(&["init", "."]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.lines().any(|l| l.ends_with("documents/template.yaml")), "{stdout}");
    let (code, stdout, stderr) = fixture.sigdoc(&["build", "-o", "out"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    for doc in ["process", "template", "analysis"] {
        let pdf = std::fs::read(fixture.path().join(format!("out/{doc}.pdf"))).expect("PDF written");
        assert!(pdf.starts_with(b"%PDF-"), "{doc}.pdf is not a PDF");
    }
}

#[test]
fn init_into_a_subfolder_and_never_over_existing_documents() {
    let fixture = Fixture::empty();
    let (code, _, stderr) = fixture.sigdoc(&["init", "demo"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("cd demo"), "{stderr}");
    let sig = fixture.read("demo/documents/sig.yaml");
    fixture.write("demo/documents/sig.yaml", "name: Mine\n");
    let (code, stdout, stderr) = fixture.sigdoc(&["init", "demo"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("not empty"), "{stderr}");
    assert_eq!(fixture.read("demo/documents/sig.yaml"), "name: Mine\n");
    assert_ne!(sig, "name: Mine\n");
}

#[test]
fn a_new_threat_lists_every_field_and_check_reports_what_is_missing() {
    let fixture = Fixture::with_threats(&["carbon-forging"]);
    let (code, stdout, stderr) = fixture.sigdoc(&["new", "threat", "x"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.trim(), "documents/threats/x.yaml");
    let text = fixture.read("documents/threats/x.yaml");
    assert!(text.contains("\nid: x\n"), "{text}");
    let loaded = load_documents(&project_documents());
    for field in &loaded.deliverables.template.fields {
        assert!(text.contains(&format!("\n{}:\n", field.key)), "no {} in:\n{text}", field.key);
        let first = field.guidance.lines().next().unwrap_or_default().trim_end();
        assert!(text.contains(&format!("# {first}")), "no guidance for {}:\n{text}", field.key);
    }

    let (code, stdout, stderr) = fixture.sigdoc(&["check", "--format", "json"]);
    assert_eq!(code, 1, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    let errors: Vec<&serde_json::Value> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["file"] == "documents/threats/x.yaml")
        .collect();
    let required = loaded.deliverables.template.fields.iter().filter(|f| f.required).count();
    assert_eq!(errors.len(), required, "one error per required field: {errors:#?}");
    for e in &errors {
        assert!(e["line"].as_u64().is_some_and(|l| l > 1), "not located at its key: {e}");
        assert!(e["message"].as_str().is_some_and(|m| m.contains("is empty")), "{e}");
    }

    // Never over an existing file.
    fixture.write("documents/threats/x.yaml", "mine\n");
    let (code, stdout, stderr) = fixture.sigdoc(&["new", "threat", "x"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty() && stderr.contains("never overwrites"), "{stderr}");
    assert_eq!(fixture.read("documents/threats/x.yaml"), "mine\n");
    let (code, _, stderr) = fixture.sigdoc(&["new", "threat", "carbon-forging"]);
    assert_eq!(code, 1, "{stderr}");
}

#[test]
fn a_new_threat_needs_a_slug() {
    let fixture = Fixture::with_threats(&["carbon-forging"]);
    for id in ["Bad_Id", "-x", "x-", "", "a/b", "../x"] {
        let (code, _, stderr) = fixture.sigdoc(&["new", "threat", "--", id]);
        assert_eq!(code, 2, "{id}: {stderr}");
        assert!(stderr.contains("not a valid threat id"), "{stderr}");
    }
    assert!(!fixture.path().join("documents/threats/Bad_Id.yaml").exists());
}

#[test]
fn the_schema_follows_the_template_and_the_scales() {
    let fixture = Fixture::with_threats(&["carbon-forging"]);
    let (code, stdout, stderr) = fixture.sigdoc(&["schema"]);
    assert_eq!(code, 0, "{stderr}");
    let schema: serde_json::Value = serde_json::from_str(&stdout).expect("the schema is JSON");
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    let loaded = load_documents(&project_documents());
    let d = &loaded.deliverables;
    let properties = schema["properties"].as_object().expect("properties");
    for field in &d.template.fields {
        assert!(properties.contains_key(&field.key), "no property {}", field.key);
        // An analysed threat needs every required field; a proposed one only some.
        let required = schema["else"]["required"].as_array().expect("required").contains(&field.key.clone().into());
        assert_eq!(required, field.required, "{} required", field.key);
    }
    let likelihoods: Vec<&str> = d.process.scales["likelihood"].iter().map(|l| l.level.as_str()).collect();
    assert_eq!(properties["likelihood"]["enum"], serde_json::json!(likelihoods));
    assert_eq!(schema["additionalProperties"], false);
    // A cited id is one of references.yaml's, written alone or as `ref:`.
    let ids: Vec<&str> = d.references.keys().map(String::as_str).collect();
    let items = &properties["existing_approaches"]["items"]["oneOf"];
    assert_eq!(items[0]["enum"], serde_json::json!(ids));
    assert_eq!(items[1]["properties"]["ref"]["enum"], serde_json::json!(ids));
    assert!(ids.contains(&"CVE-2017-5589") && ids.contains(&"jabber-ru-mitm-2023"), "{ids:?}");
    // Every key of every project threat is a property the schema knows.
    for threat in std::fs::read_dir(project_documents().join("threats")).expect("threats") {
        let text = std::fs::read_to_string(threat.expect("entry").path()).expect("read threat");
        for line in text.lines().filter(|l| !l.starts_with([' ', '#', '-']) && l.contains(':')) {
            let key = line.split(':').next().unwrap_or_default();
            assert!(properties.contains_key(key), "the schema lacks {key}");
        }
    }
    // A broken template gives no schema but its errors.
    fixture.replace("documents/template.yaml", "kind: attack-tree", "kind: attack-trie");
    let (code, stdout, stderr) = fixture.sigdoc(&["schema"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("documents/template.yaml:") && stderr.contains("attack-trie"), "{stderr}");
}
