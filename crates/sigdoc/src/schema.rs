//! The JSON Schema (draft 2020-12) of threat files, derived from the template's fields
//! and the process's scales, so that editors check threats as they type.

use serde_json::{Map, Value, json};
use sigdoc_model::{
    ApproachPart, BUILTIN_KEYS, Deliverables, Diagnostic, DocFile, FieldKind, STATUS_KEY, ThreatStatus,
};

use crate::workspace::Workspace;

/// Errors in the files a schema (and a new threat) is derived from, which make it
/// unreliable: the group's metadata, the process and the template; threats do not matter here.
pub fn template_errors(ws: &Workspace) -> Vec<Diagnostic> {
    let folder = ws.snapshot.display_path("");
    let shapes_threats =
        |file: &str| file.strip_prefix(&folder).and_then(DocFile::of).is_some_and(DocFile::shapes_threats);
    ws.loaded().diagnostics.iter().filter(|d| d.is_error() && shapes_threats(&d.file)).cloned().collect()
}

/// A threat id: what `sigdoc_model::is_slug` accepts.
const SLUG_PATTERN: &str = "^[a-z0-9]([a-z0-9-]*[a-z0-9])?$";

/// The JSON Schema of a threat file.
pub fn threat_schema(d: &Deliverables) -> Value {
    let mut properties = Map::new();
    properties.insert(
        "id".into(),
        json!({
            "type": "string",
            "pattern": SLUG_PATTERN,
            "description": "The threat's id: equal to the file name without .yaml; lower-case letters, digits and '-'.",
        }),
    );
    properties.insert(
        STATUS_KEY.into(),
        json!({
            "enum": ThreatStatus::ALL,
            "description": format!(
                "Where the threat stands: one of {}; a {} threat is under discussion and needs only its name and abstract yet.",
                ThreatStatus::names(),
                ThreatStatus::Proposed,
            ),
        }),
    );
    properties.insert(
        "priority_reason".into(),
        json!({"type": "string", "description": "Why a stated priority differs from the one the matrix gives."}),
    );
    // What every threat needs, and what a proposed one needs (its name and abstract);
    // required text must not be blank, as `check` says.
    let (mut required, mut when_proposed) = (vec![json!("id")], vec![json!("id")]);
    let (mut nonblank, mut nonblank_when_proposed) = (Map::new(), Map::new());
    for field in &d.template.fields {
        let mut schema = kind_schema(&field.kind, d);
        if let Some(object) = schema.as_object_mut() {
            object.insert("title".into(), json!(field.label));
            if !field.guidance.is_empty() {
                object.insert("description".into(), json!(field.guidance.trim_end()));
            }
        }
        properties.insert(field.key.clone(), schema);
        if !field.required || BUILTIN_KEYS.contains(&field.key.as_str()) {
            continue;
        }
        let prose = matches!(field.kind, FieldKind::Text | FieldKind::Markdown);
        required.push(json!(field.key));
        if prose {
            nonblank.insert(field.key.clone(), json!({"pattern": "\\S"}));
        }
        if d.template.needed_when_proposed(field) {
            when_proposed.push(json!(field.key));
            if prose {
                nonblank_when_proposed.insert(field.key.clone(), json!({"pattern": "\\S"}));
            }
        }
    }
    let status_key = d.template.field_of_kind(&FieldKind::Status).map_or(STATUS_KEY, |f| f.key.as_str());
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("{}: {} entry", d.sig.name, d.analysis.meta.title),
        "description": format!(
            "One threat of the analysis, as threats/<id>.yaml; derived from {} and the scales of {}.",
            d.template.meta.title, d.process.doc.meta.title
        ),
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
        "if": {"properties": {status_key: {"const": ThreatStatus::Proposed}}, "required": [status_key]},
        "then": {"required": when_proposed, "properties": nonblank_when_proposed},
        "else": {"required": required, "properties": nonblank},
        "$defs": { "attack_node": attack_node_schema() },
    })
}

fn kind_schema(kind: &FieldKind, d: &Deliverables) -> Value {
    let prose = |description: &str| json!({"type": "string", "markdownDescription": description});
    match kind {
        FieldKind::Text => json!({"type": "string", "pattern": "^[^\\n]*\\n?$"}),
        FieldKind::Markdown => prose("Markdown (CommonMark with tables and footnotes)."),
        FieldKind::Level(scale) => {
            let levels = d.process.scale(scale).map(|s| s.iter().map(|l| l.level.clone()).collect::<Vec<_>>());
            match levels {
                Some(levels) => json!({"enum": levels}),
                None => json!({"type": "string"}),
            }
        }
        FieldKind::Priority => {
            let levels: Vec<u32> = d.process.priorities.iter().map(|p| p.level).collect();
            if levels.is_empty() { json!({"type": "integer", "minimum": 0}) } else { json!({"enum": levels}) }
        }
        FieldKind::AttackTree => json!({"$ref": "#/$defs/attack_node"}),
        FieldKind::References => {
            // The ids references.yaml defines, so that an editor completes them and flags
            // any other; with none defined, any text.
            let id = if d.references.is_empty() {
                json!({"type": "string", "description": "An id of references.yaml, such as \"RFC 6120\"."})
            } else {
                json!({"enum": d.references.keys().collect::<Vec<_>>(), "description": "An id of references.yaml."})
            };
            references_schema(id)
        }
        FieldKind::Approaches => {
            let part = |part: ApproachPart| {
                let description = match part {
                    ApproachPart::Approach => "The approach (Markdown).",
                    ApproachPart::ImplementationIssues => "What stands in its way (Markdown).",
                };
                (part.key().to_owned(), json!({"type": "string", "description": description}))
            };
            json!({
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": ApproachPart::ALL.map(part).into_iter().collect::<Map<String, Value>>(),
                    "required": ApproachPart::ALL.map(ApproachPart::key),
                    "additionalProperties": false,
                },
            })
        }
        FieldKind::List => json!({"type": "array", "items": {"type": ["string", "number", "boolean"]}}),
        FieldKind::Status => json!({"enum": ThreatStatus::ALL}),
    }
}

/// A list of citations: ids, or `{ref, note}`.
fn references_schema(id: Value) -> Value {
    json!({
        "type": "array",
        "items": {
            "oneOf": [
                id,
                {
                    "type": "object",
                    "properties": {
                        "ref": id,
                        "note": {"type": "string", "description": "How it addresses the threat (Markdown)."},
                    },
                    "required": ["ref"],
                    "additionalProperties": false,
                },
            ],
        },
    })
}

fn attack_node_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "goal": {"type": "string", "description": "What the attacker achieves at this node."},
            "gate": {"enum": ["or", "and", "sand"], "description": "or: any child; and: all children; sand: all, in order."},
            "children": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/attack_node"}},
            "cost": {"type": "number", "minimum": 0, "description": "A leaf's cost in the group's relative units."},
            "possible": {"type": "boolean", "description": "Whether a leaf is possible at all (default true)."},
            "equipment": {"type": "boolean", "description": "Whether a leaf needs special equipment."},
        },
        "required": ["goal"],
        "dependentRequired": {"gate": ["children"], "children": ["gate"]},
        "additionalProperties": false,
    })
}

#[cfg(test)]
mod tests {
    use sigdoc_model::{Deliverables, Snapshot};

    use super::*;
    use crate::skeleton::EXAMPLE;

    /// The example's files, those whose path `replaced` names holding `text` instead.
    fn example_with(replaced: impl Fn(&str) -> bool, text: &str) -> Vec<(&str, &str)> {
        EXAMPLE.iter().map(|(path, own)| (*path, if replaced(path) { text } else { *own })).collect()
    }

    /// The example with its threat replaced by `threat`: whether `check` finds an error
    /// in it, and whether the schema derived from the example accepts it.
    fn verdicts(threat: &str) -> (bool, bool) {
        let files = example_with(|path| path.starts_with("threats/"), threat);
        let loaded = Deliverables::load(&Snapshot::from_files("documents", files));
        let check_errors = loaded.diagnostics.iter().any(|d| d.is_error());
        let schema = threat_schema(&loaded.deliverables);
        let validator = jsonschema::draft202012::new(&schema).unwrap_or_else(|e| panic!("the schema compiles: {e}"));
        let value: Value = serde_yaml::from_str(threat).unwrap_or_else(|e| panic!("{e}"));
        (check_errors, validator.is_valid(&value))
    }

    #[test]
    fn the_status_property_lists_and_names_every_status() {
        // The template's guidance describes the status field; without a status field in
        // the template, the schema's own words do.
        let status_field = "  - key: status\n";
        let example_template = EXAMPLE.iter().find(|(p, _)| *p == "template.yaml").map_or("", |(_, t)| t);
        let cut = &example_template[..example_template.find(status_field).expect("the example has a status field")];
        for template in [example_template, cut] {
            let files = example_with(|path| path == "template.yaml", template);
            let loaded = Deliverables::load(&Snapshot::from_files("documents", files));
            let schema = threat_schema(&loaded.deliverables);
            let status = &schema["properties"][STATUS_KEY];
            assert_eq!(status["enum"], json!(["open", "mitigated", "accepted", "proposed"]));
            let description = status["description"].as_str().unwrap_or_default();
            for name in ThreatStatus::ALL.map(ThreatStatus::name) {
                assert!(description.contains(name), "{name} in {description:?}");
            }
        }
    }

    #[test]
    fn the_schema_and_check_agree_on_analysed_and_proposed_threats() {
        let complete = EXAMPLE.iter().find(|(p, _)| p.starts_with("threats/")).map_or("", |(_, t)| t);
        let head = "id: starttls-stripping\nname: STARTTLS stripping\n";
        let cases = [
            ("the example", complete.to_owned(), true),
            ("a proposed threat with its name and abstract", format!("{head}status: proposed\nabstract: Why.\n"), true),
            (
                "a proposed threat with a blank optional",
                format!("{head}status: proposed\nabstract: Why.\ngap: ''\n"),
                true,
            ),
            ("a proposed threat without its abstract", format!("{head}status: proposed\n"), false),
            ("a proposed threat with a blank abstract", format!("{head}status: proposed\nabstract: ' '\n"), false),
            (
                "a proposed threat with a bad level",
                format!("{head}status: proposed\nabstract: Why.\nlikelihood: hihg\n"),
                false,
            ),
            ("an open threat with only a name and abstract", format!("{head}status: open\nabstract: Why.\n"), false),
            (
                "the example with a blank definition",
                complete.replacen("definition: |", "definition: ' '\nx_definition: |", 1),
                false,
            ),
        ];
        for (what, threat, valid) in cases {
            let (errors, accepted) = verdicts(&threat);
            assert_eq!((accepted, errors), (valid, !valid), "{what}: schema accepts {accepted}, check errs {errors}");
        }
    }
}
