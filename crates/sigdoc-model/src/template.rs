//! `template.yaml`: the fields every threat fills, which also validate every threat.

use serde::Serialize;
use serde_yaml::Value;

use crate::front::{DocMeta, META_KEYS, Prose, read_meta};
use crate::reader::{Reader, child, index, suggest};
use crate::sig::Author;
use crate::yaml::Seg;

/// What kind of value a field holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "scale")]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// Markdown prose.
    Markdown,
    /// A level of one of the process's scales.
    Level(String),
    /// The priority, computed from the matrix.
    Priority,
    /// An attack tree.
    AttackTree,
    /// A list of `{ref, note?}`.
    References,
    /// A list of `{approach, implementation_issues}`.
    Approaches,
    /// A list of Markdown items.
    List,
    /// The threat's status: open, mitigated or accepted.
    Status,
}

/// The kind names as written in `template.yaml`.
pub const KIND_NAMES: &[&str] =
    &["text", "markdown", "level", "priority", "attack-tree", "references", "approaches", "list", "status"];

/// The statuses a threat may have.
pub const THREAT_STATUSES: &[&str] = &["open", "mitigated", "accepted"];

impl FieldKind {
    /// The name as written in `template.yaml`.
    pub fn name(&self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::Markdown => "markdown",
            FieldKind::Level(_) => "level",
            FieldKind::Priority => "priority",
            FieldKind::AttackTree => "attack-tree",
            FieldKind::References => "references",
            FieldKind::Approaches => "approaches",
            FieldKind::List => "list",
            FieldKind::Status => "status",
        }
    }
}

/// One field of the template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    /// The key threats use.
    pub key: String,
    /// How the field is titled in documents.
    pub label: String,
    /// What kind of value it holds.
    pub kind: FieldKind,
    /// Whether every threat must fill it.
    pub required: bool,
    /// Instructions for authors (Markdown).
    pub guidance: String,
}

/// The template deliverable.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Template {
    /// Metadata.
    pub meta: DocMeta,
    /// Introduction (Markdown).
    pub intro: Prose,
    /// The fields, in document order.
    pub fields: Vec<Field>,
    /// Whether the list of fields could be read, so that threats can be checked against
    /// it; when not, checking them would only repeat the template's own errors.
    #[serde(skip)]
    pub checkable: bool,
    /// Keys of fields that are in the template but could not be read: threats may use
    /// them without an "unknown key" error.
    #[serde(skip)]
    pub unreadable_keys: Vec<String>,
}

impl Template {
    /// The field of a key.
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// The first field of a kind.
    pub fn field_of_kind(&self, kind: &FieldKind) -> Option<&Field> {
        self.fields.iter().find(|f| &f.kind == kind)
    }
}

const FIELD_KEYS: &[&str] = &["key", "label", "kind", "scale", "required", "guidance"];

pub(crate) fn read_template(r: &mut Reader<'_>, group_authors: &[Author], scales: &[String]) -> Template {
    let mut template = Template::default();
    let root: Vec<Seg> = Vec::new();
    let value = r.doc.value.clone();
    let Some(map) = r.mapping(&root, &value, "the template") else { return template };
    let mut known: Vec<&str> = META_KEYS.to_vec();
    known.extend(["intro", "fields"]);
    r.unknown_keys(&root, map, &known, "template.yaml");
    template.meta = read_meta(r, &root, map, group_authors);
    let intro = r.string(&root, map, "intro", false, "template.yaml").unwrap_or_default();
    // A block scalar's text starts on the line after its indicator.
    let line = r.doc.value_loc(&child(&root, "intro")).line + usize::from(intro.contains('\n'));
    template.intro = Prose { text: intro, file: r.doc.file.clone(), line };
    let fields_path = child(&root, "fields");
    let Some(fields) = map.get("fields").filter(|v| !v.is_null()) else {
        r.error(&root, "template.yaml is missing required key \"fields\"");
        return template;
    };
    let Some(items) = r.sequence(&fields_path, fields, "the template's fields") else { return template };
    template.checkable = true;
    if items.is_empty() {
        r.error(&fields_path, "the template has no fields: list at least the threat's name");
    }
    for (i, item) in items.iter().enumerate() {
        let p = index(&fields_path, i);
        let field = read_field(r, &p, item, scales);
        if field.is_none()
            && let Some(key) = item.get("key").and_then(Value::as_str)
        {
            template.unreadable_keys.push(key.to_owned());
        }
        if let Some(field) = field {
            if template.field(&field.key).is_some() {
                r.error(&child(&p, "key"), format!("duplicate field key \"{}\"", field.key));
                continue;
            }
            template.fields.push(field);
        }
    }
    template
}

fn read_field(r: &mut Reader<'_>, path: &[Seg], value: &Value, scales: &[String]) -> Option<Field> {
    let map = r.mapping(path, value, "a field: {key, label, kind, required, guidance}")?;
    r.unknown_keys(path, map, FIELD_KEYS, "a template field");
    let key = r.string(path, map, "key", true, "a template field")?;
    if !key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') || key.is_empty() {
        r.error(&child(path, "key"), format!("field key \"{key}\" must be lower-case letters, digits and '_'"));
        return None;
    }
    if crate::threat::BUILTIN_KEYS.contains(&key.as_str()) && key != "status" {
        r.error(&child(path, "key"), format!("\"{key}\" is built into every threat and cannot be a field"));
        return None;
    }
    let kind_name = r.string(path, map, "kind", true, "a template field")?;
    let kind = match kind_name.as_str() {
        "text" => FieldKind::Text,
        "markdown" => FieldKind::Markdown,
        "priority" => FieldKind::Priority,
        "attack-tree" => FieldKind::AttackTree,
        "references" => FieldKind::References,
        "approaches" => FieldKind::Approaches,
        "list" => FieldKind::List,
        "status" => FieldKind::Status,
        "level" => {
            let scale = r.string(path, map, "scale", false, "a template field");
            match scale {
                Some(s) if scales.is_empty() || scales.contains(&s) => FieldKind::Level(s),
                Some(s) => {
                    r.error(
                        &child(path, "scale"),
                        format!("unknown scale \"{s}\" (the process defines: {})", scales.join(", ")),
                    );
                    return None;
                }
                None => {
                    r.error(
                        path,
                        format!("field \"{key}\" of kind level needs \"scale\" (one of: {})", scales.join(", ")),
                    );
                    return None;
                }
            }
        }
        other => {
            let hint = match suggest(other, KIND_NAMES.iter().copied()) {
                Some(s) => format!("did you mean \"{s}\"?"),
                None => format!("expected one of: {}", KIND_NAMES.join(", ")),
            };
            r.error(&child(path, "kind"), format!("unknown field kind \"{other}\" ({hint})"));
            return None;
        }
    };
    if map.contains_key("scale") && !matches!(kind, FieldKind::Level(_)) {
        r.warning_key(
            &child(path, "scale"),
            format!("\"scale\" only applies to fields of kind level, not {kind_name}"),
        );
    }
    Some(Field {
        label: r.string(path, map, "label", false, "a template field").unwrap_or_else(|| key.clone()),
        required: r.boolean(path, map, "required").unwrap_or(false),
        guidance: r.string(path, map, "guidance", false, "a template field").unwrap_or_default(),
        key,
        kind,
    })
}
