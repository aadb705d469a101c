//! `sig.yaml`: the group, its authors, legal notices and release tag pattern.

use serde::Serialize;
use serde_yaml::{Mapping, Value};

use crate::links::{email_problem, jid_problem, shorten, uri_problem};
use crate::reader::{Reader, child, index};
use crate::text::escape_controls;
use crate::yaml::Seg;

/// A person or group credited as an author.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Author {
    /// Full name.
    pub name: String,
    /// E-mail address, shown as a `mailto:` line.
    pub email: Option<String>,
    /// Jabber ID, shown as an `xmpp:` line.
    pub jid: Option<String>,
    /// Web page.
    pub uri: Option<String>,
    /// Initials used in the revision history; derived from the name when absent.
    pub initials: Option<String>,
}

impl Author {
    /// The initials every document shows for the author: see [`author_initials`].
    pub fn initials(&self) -> String {
        author_initials(self.initials.as_deref(), &self.name)
    }
}

/// A person's initials wherever documents show them (title pages, revision histories):
/// the stated ones unless blank, else those of the name ([`initials_of`]).
pub fn author_initials(stated: Option<&str>, name: &str) -> String {
    match stated.map(str::trim).filter(|i| !i.is_empty()) {
        Some(stated) => stated.to_owned(),
        None => initials_of(name),
    }
}

/// The first letter or digit of each word of a name, upper case, where a hyphen also
/// parts words: "Peter Saint-Andre" -> "PSA"; `?` for a name with no letter or digit.
pub fn initials_of(name: &str) -> String {
    let initials: String = name
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .flat_map(char::to_uppercase)
        .collect();
    if initials.is_empty() { "?".to_owned() } else { initials }
}

/// The legal notices of every document; each is Markdown, `None` takes the default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Legal {
    /// Copyright notice.
    pub copyright: Option<String>,
    /// Permissions granted to readers.
    pub permissions: Option<String>,
    /// Disclaimer of warranty.
    pub warranty: Option<String>,
    /// Limitation of liability.
    pub liability: Option<String>,
    /// Conformance (IPR) notice.
    pub conformance: Option<String>,
}

/// The group's metadata from `sig.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sig {
    /// Group name: title lines read "<name>: <document title>".
    pub name: String,
    /// Short name, used in file names of releases.
    pub shortname: String,
    /// The group's authors, the default authors of every document.
    pub authors: Vec<Author>,
    /// Who approves the documents (e.g. "XMPP Council").
    pub approver: Option<String>,
    /// Where discussion happens (Markdown).
    pub venue: Option<String>,
    /// Legal notices.
    pub legal: Legal,
    /// Glob of release tags.
    pub tags: String,
}

impl Default for Sig {
    fn default() -> Self {
        Self {
            name: "Working Group".into(),
            shortname: "group".into(),
            authors: Vec::new(),
            approver: None,
            venue: None,
            legal: Legal::default(),
            tags: "v*".into(),
        }
    }
}

const SIG_KEYS: &[&str] = &["name", "shortname", "authors", "approver", "venue", "legal", "tags"];
const AUTHOR_KEYS: &[&str] = &["name", "email", "jid", "uri", "initials"];
pub(crate) const LEGAL_KEYS: &[&str] = &["copyright", "permissions", "warranty", "liability", "conformance"];

pub(crate) fn read_sig(r: &mut Reader<'_>) -> Sig {
    let mut sig = Sig::default();
    let root: Vec<Seg> = Vec::new();
    let value = r.doc.value.clone();
    let Some(map) = r.mapping(&root, &value, "the group's metadata") else { return sig };
    r.unknown_keys(&root, map, SIG_KEYS, "sig.yaml");
    if let Some(name) = r.string(&root, map, "name", true, "sig.yaml") {
        sig.name = name;
    }
    if let Some(short) = r.string(&root, map, "shortname", true, "sig.yaml") {
        if short.is_empty() || !short.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            r.error(
                &child(&root, "shortname"),
                "\"shortname\" must be letters, digits and '-' (it names release files)",
            );
        } else {
            sig.shortname = short;
        }
    }
    match map.get("authors") {
        None | Some(Value::Null) => r.error(&root, "sig.yaml is missing required key \"authors\""),
        Some(value) => sig.authors = read_authors(r, &child(&root, "authors"), value, &[]),
    }
    sig.approver = r.string(&root, map, "approver", false, "sig.yaml");
    sig.venue = r.string(&root, map, "venue", false, "sig.yaml");
    if let Some(tags) = r.string(&root, map, "tags", false, "sig.yaml") {
        sig.tags = tags;
    }
    if let Some(value) = map.get("legal").filter(|v| !v.is_null()) {
        let path = child(&root, "legal");
        if let Some(legal) = r.mapping(&path, value, "the legal notices") {
            r.unknown_keys(&path, legal, LEGAL_KEYS, "legal");
            sig.legal = Legal {
                copyright: r.string(&path, legal, "copyright", false, "legal"),
                permissions: r.string(&path, legal, "permissions", false, "legal"),
                warranty: r.string(&path, legal, "warranty", false, "legal"),
                liability: r.string(&path, legal, "liability", false, "legal"),
                conformance: r.string(&path, legal, "conformance", false, "legal"),
            };
        }
    }
    sig
}

/// Reads a list of authors; a plain string names one of `known` by name or initials.
pub(crate) fn read_authors(r: &mut Reader<'_>, path: &[Seg], value: &Value, known: &[Author]) -> Vec<Author> {
    let Some(items) = r.sequence(path, value, "a list of authors") else { return Vec::new() };
    let mut authors = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let p = index(path, i);
        match item {
            Value::String(id) if !known.is_empty() => {
                match known.iter().find(|a| &a.name == id || a.initials.as_deref() == Some(id)) {
                    Some(a) => authors.push(a.clone()),
                    None => {
                        let names: Vec<_> = known.iter().map(|a| a.name.as_str()).collect();
                        r.error(&p, format!("unknown author \"{id}\" (sig.yaml lists: {})", names.join(", ")));
                    }
                }
            }
            Value::Mapping(map) => authors.extend(read_author(r, &p, map)),
            other => r.error(
                &p,
                format!("expected an author (a mapping with \"name\"), found {}", crate::reader::describe(other)),
            ),
        }
    }
    authors
}

fn read_author(r: &mut Reader<'_>, path: &[Seg], map: &Mapping) -> Option<Author> {
    r.unknown_keys(path, map, AUTHOR_KEYS, "an author");
    let name = r.string(path, map, "name", true, "an author")?;
    let mut address = |key: &str, what: &str, problem: fn(&str) -> Option<String>| {
        let value = r.string(path, map, key, false, "an author")?;
        if let Some(problem) = problem(&value) {
            let shown = escape_controls(&shorten(&value)).into_owned();
            r.error(&child(path, key), format!("the author's {what} \"{shown}\" cannot be shown as a link: {problem}"));
        }
        Some(value)
    };
    let email = address("email", "e-mail address", email_problem);
    let jid = address("jid", "Jabber ID", jid_problem);
    let uri = address("uri", "address", uri_problem);
    Some(Author { name, email, jid, uri, initials: r.string(path, map, "initials", false, "an author") })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::read_text;

    /// The group's metadata of a sig.yaml text and its problems.
    fn read(text: &str) -> (Sig, Vec<String>) {
        read_text("sig.yaml", text, read_sig)
    }

    /// The authors of a list written under `authors:`, given the group's `known` ones.
    fn authors(text: &str, known: &[Author]) -> (Vec<Author>, Vec<String>) {
        read_text("analysis.md", text, |r| {
            let value = r.doc.value["authors"].clone();
            read_authors(r, &[Seg::Key("authors".into())], &value, known)
        })
    }

    #[test]
    fn every_part_of_the_group_is_read() {
        let text = "name: Security SIG\nshortname: sec-sig2\nauthors:\n  - name: Jane Doe\n    email: jane@example.org\n    jid: jane@example.org\n    uri: https://example.org/jane\n    initials: JD\n  - name: Bob\napprover: XMPP Council\nvenue: The list.\ntags: \"rel-*\"\nlegal:\n  copyright: Copyright.\n";
        let (sig, found) = read(text);
        assert_eq!(found, Vec::<String>::new());
        let jane = Author {
            name: "Jane Doe".into(),
            email: Some("jane@example.org".into()),
            jid: Some("jane@example.org".into()),
            uri: Some("https://example.org/jane".into()),
            initials: Some("JD".into()),
        };
        let bob = Author { name: "Bob".into(), ..Author::default() };
        assert_eq!(
            (sig.name.as_str(), sig.shortname.as_str(), sig.tags.as_str()),
            ("Security SIG", "sec-sig2", "rel-*")
        );
        assert_eq!(sig.authors, [jane, bob]);
        assert_eq!((sig.approver.as_deref(), sig.venue.as_deref()), (Some("XMPP Council"), Some("The list.")));
        assert_eq!(sig.legal, Legal { copyright: Some("Copyright.".into()), ..Legal::default() });
        // No legal notices, or an empty key, take the defaults without a complaint.
        let (sig, found) = read("name: G\nshortname: g\nauthors: [{name: A}]\nlegal:\n");
        assert_eq!((sig.legal, found), (Legal::default(), Vec::<String>::new()));
    }

    #[test]
    fn a_shortname_that_cannot_name_files_is_refused_and_the_default_kept() {
        for bad in ["\"\"", "sec sig", "sec/sig", "sécsig"] {
            let (sig, found) = read(&format!("name: G\nauthors: [{{name: A}}]\nshortname: {bad}\n"));
            assert_eq!(sig.shortname, Sig::default().shortname, "{bad}");
            assert_eq!(found.len(), 1, "{bad}: {found:?}");
            assert!(found[0].starts_with("3:12: \"shortname\" must be letters, digits and '-'"), "{found:?}");
        }
    }

    #[test]
    fn a_document_names_the_group_s_authors_by_name_or_initials() {
        let known = [
            Author { name: "Alice Smith".into(), initials: Some("AS".into()), ..Author::default() },
            Author { name: "Bob".into(), ..Author::default() },
        ];
        let (read, found) = authors("authors: [Bob, AS, {name: Carol}]\n", &known);
        assert_eq!(found, Vec::<String>::new());
        let names: Vec<&str> = read.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["Bob", "Alice Smith", "Carol"]);
        assert_eq!(read[1], known[0]);
        let (read, found) = authors("authors: [Dave]\n", &known);
        assert!(read.is_empty());
        assert_eq!(found, ["1:11: unknown author \"Dave\" (sig.yaml lists: Alice Smith, Bob)"]);
        // Without a group's authors to name, a plain string is not an author.
        let (read, found) = authors("authors: [Bob]\n", &[]);
        assert!(read.is_empty());
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("1:11: expected an author (a mapping with \"name\")"), "{found:?}");
    }

    #[test]
    fn initials_from_names() {
        assert_eq!(initials_of("Peter Saint-Andre"), "PSA");
        assert_eq!(initials_of("will kamishlian"), "WK");
        assert_eq!(initials_of("Jane Q. Doe"), "JQD");
        assert_eq!(initials_of("émile zola"), "ÉZ");
        assert_eq!(initials_of("(bot) builder"), "BB");
        assert_eq!(initials_of("jean--luc  picard-"), "JLP");
        assert_eq!(initials_of("  "), "?");
        assert_eq!(initials_of("- -"), "?");
    }

    /// Issue 14: the title page and the revision history derived an author's initials
    /// by two rules, `PSA` and `PS`; both now take the one rule here.
    #[test]
    fn regression_issue_14_one_rule_for_initials() {
        let author = |initials: Option<&str>| Author {
            name: "Peter Saint-Andre".into(),
            initials: initials.map(Into::into),
            ..Author::default()
        };
        assert_eq!(author(None).initials(), "PSA");
        assert_eq!(author_initials(None, "Peter Saint-Andre"), "PSA");
        assert_eq!(author(Some("stpeter")).initials(), "stpeter");
        assert_eq!(author(Some(" SA ")).initials(), "SA", "stated initials are trimmed");
        assert_eq!(author(Some("  ")).initials(), "PSA", "blank initials are derived");
        assert_eq!(author_initials(Some(""), "Jane Doe"), "JD");
    }
}
