//! `check --format sarif`: the diagnostics as one SARIF 2.1.0 run, for code-scanning views.
//!
//! Only the handful of SARIF objects a located problem needs are written, as typed
//! structs; a test validates the output against the OASIS schema.

use std::collections::BTreeMap;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use sigdoc::model::{Diagnostic, Severity};

use super::kind_of;

/// The schema the log declares: the OASIS standard with its approved errata.
const SCHEMA: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Where paths are relative to: the repository's working tree, as code-scanning tools expect.
const SOURCE_ROOT: &str = "%SRCROOT%";

/// Characters left as they are in a relative URI: RFC 3986's unreserved ones, and `/`
/// between path segments.
const URI_PATH: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b'/');

/// Longest rule id: a kind of message cut to its first words.
const RULE_ID_WORDS: usize = 8;

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    /// Columns count characters, as sigdoc's diagnostics do, not UTF-16 units.
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
struct Driver {
    name: &'static str,
    version: &'static str,
    rules: Vec<Rule>,
}

/// A kind of problem: messages that differ only in their particulars share one.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    short_description: Text,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A stable id for a kind of message: its words, lower case, joined by `-`
/// (`unknown key … in sig.yaml` → `unknown-key-in-sig-yaml`).
pub(crate) fn rule_id(kind: &str) -> String {
    let words: Vec<String> = kind
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(RULE_ID_WORDS)
        .map(str::to_ascii_lowercase)
        .collect();
    if words.is_empty() { "problem".to_owned() } else { words.join("-") }
}

/// Where a diagnostic is, if it names a file: line 0 is the whole file, column 0 the
/// whole line, as sigdoc's diagnostics say.
fn location(d: &Diagnostic) -> Option<Location> {
    if d.file.is_empty() {
        return None;
    }
    let region = (d.line > 0).then(|| Region { start_line: d.line, start_column: (d.column > 0).then_some(d.column) });
    Some(Location {
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: utf8_percent_encode(&d.file, URI_PATH).to_string(),
                uri_base_id: SOURCE_ROOT,
            },
            region,
        },
    })
}

/// The SARIF log of the diagnostics, pretty-printed.
pub fn sarif(diagnostics: &[Diagnostic]) -> String {
    // One rule per kind of message, in order of first appearance; its level is that of
    // its first result (the message decides the severity, so all agree in practice).
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let mut rules = Vec::new();
    let mut ids = Vec::with_capacity(diagnostics.len());
    for d in diagnostics {
        let kind = kind_of(&d.message);
        let id = rule_id(&kind);
        let next = rules.len();
        let i = *index.entry(id.clone()).or_insert(next);
        if i == next {
            rules.push(Rule {
                id: id.clone(),
                short_description: Text { text: kind },
                default_configuration: Configuration { level: level(d.severity) },
            });
        }
        ids.push((id, i));
    }
    let results = diagnostics
        .iter()
        .zip(&ids)
        .map(|(d, (id, i))| SarifResult {
            rule_id: id,
            rule_index: *i,
            level: level(d.severity),
            message: Text { text: d.message.clone() },
            locations: location(d).into_iter().collect(),
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool { driver: Driver { name: "sigdoc", version: env!("CARGO_PKG_VERSION"), rules } },
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    serde_json::to_string_pretty(&log).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    fn parse(text: &str) -> Value {
        serde_json::from_str(text).unwrap_or_default()
    }

    #[test]
    fn rule_ids_are_the_words_of_a_kind() {
        assert_eq!(rule_id(&kind_of(r#"unknown key "a1" in sig.yaml"#)), "unknown-key-in-sig-yaml");
        assert_eq!(rule_id(&kind_of(r#"unknown key "zz" in sig.yaml"#)), "unknown-key-in-sig-yaml");
        assert_eq!(rule_id("…"), "problem");
        assert_eq!(rule_id("a b c d e f g h i j"), "a-b-c-d-e-f-g-h");
    }

    #[test]
    fn results_are_located_by_line_and_character_column() {
        let diagnostics = [
            Diagnostic::error("documents/threats/a b.yaml", 12, 3, r#"unknown likelihood level "hihg""#),
            Diagnostic::warning("documents/process.md", 4, 0, "XEP-0001 is mentioned but not in references.yaml"),
            Diagnostic::error("documents/sig.yaml", 0, 0, "the file is not UTF-8"),
            Diagnostic::error("documents/threats/b.yaml", 2, 1, r#"unknown likelihood level "x""#),
        ];
        let log = parse(&sarif(&diagnostics));
        let run = &log["runs"][0];
        assert_eq!(log["version"], "2.1.0");
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        let results = run["results"].as_array().cloned().unwrap_or_default();
        assert_eq!(results.len(), 4);
        let first = &results[0]["locations"][0]["physicalLocation"];
        assert_eq!(first["artifactLocation"]["uri"], "documents/threats/a%20b.yaml");
        assert_eq!(first["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(first["region"], serde_json::json!({"startLine": 12, "startColumn": 3}));
        assert_eq!(results[0]["level"], "error");
        assert_eq!(results[0]["message"]["text"], r#"unknown likelihood level "hihg""#);
        assert_eq!(results[1]["level"], "warning");
        assert_eq!(results[1]["locations"][0]["physicalLocation"]["region"], serde_json::json!({"startLine": 4}));
        assert!(results[2]["locations"][0]["physicalLocation"].get("region").is_none());
        // Two messages of one kind share a rule; each rule is listed once.
        assert_eq!(results[0]["ruleId"], results[3]["ruleId"]);
        assert_eq!(results[3]["ruleIndex"], 0);
        assert_eq!(results[1]["ruleIndex"], 1);
        let rules = run["tool"]["driver"]["rules"].as_array().cloned().unwrap_or_default();
        assert_eq!(rules.len(), 3);
        assert_eq!(rules[0]["id"], "unknown-likelihood-level");
        assert_eq!(rules[1]["defaultConfiguration"]["level"], "warning");
    }

    /// The OASIS schema, vendored unmodified (see its NOTICE).
    const OASIS_SCHEMA: &str = include_str!("../../tests/fixtures/sarif/sarif-schema-2.1.0.json");

    fn schema_errors(log: &str) -> Vec<String> {
        let schema: Value = serde_json::from_str(OASIS_SCHEMA).unwrap_or_default();
        let validator = jsonschema::draft4::options().should_validate_formats(true).build(&schema);
        let Ok(validator) = validator else { return vec!["the schema does not compile".to_owned()] };
        let log = parse(log);
        validator.iter_errors(&log).map(|e| format!("{}: {e}", e.instance_path())).collect()
    }

    #[test]
    fn the_log_of_a_broken_repository_is_valid_sarif() {
        let snapshot = sigdoc::model::Snapshot::from_files(
            "my documents",
            [
                ("sig.yaml", "name: G\nsurprise: 1\n"),
                ("process.md", "---\ntitle: P\n---\nSee XEP-0999.\n"),
                ("template.yaml", "title: T\nfields: 3\n"),
                ("threats/a.yaml", "name: [unclosed\n"),
                ("threats/b.yaml", "\u{1b}[31m: x\n"),
            ],
        );
        let diagnostics = sigdoc::model::Deliverables::load(&snapshot).diagnostics;
        assert!(diagnostics.len() >= 4, "{diagnostics:?}");
        let log = sarif(&diagnostics);
        assert_eq!(schema_errors(&log), Vec::<String>::new(), "{log}");
        assert_eq!(parse(&log)["runs"][0]["results"].as_array().map(Vec::len), Some(diagnostics.len()));
        assert!(log.contains("my%20documents/threats/a.yaml"), "{log}");
        // The validator does catch what the standard forbids.
        assert!(!schema_errors(&log.replace("\"startLine\"", "\"startline\"")).is_empty());
        assert!(
            !schema_errors(&log.replace("\"warning\"", "\"severe\"").replace("\"error\"", "\"severe\"")).is_empty()
        );
    }

    #[test]
    fn a_problem_without_a_file_has_no_location() {
        let log = parse(&sarif(&[Diagnostic::error("", 0, 0, "no documents folder")]));
        assert_eq!(log["runs"][0]["results"][0]["locations"], serde_json::json!([]));
        assert_eq!(parse(&sarif(&[]))["runs"][0]["results"], serde_json::json!([]));
    }
}
