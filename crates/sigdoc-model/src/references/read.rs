//! Reading and checking `references.yaml`: ids, kinds, dates, authors and addresses.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use serde_yaml::{Mapping, Value};

use super::{IdForm, Reference, ReferenceKind, References};
use crate::links::{reference_url_problem, shorten};
use crate::reader::{Reader, child, describe, index, suggest};
use crate::text::escape_controls;
use crate::yaml::Seg;
use crate::{Diagnostic, Severity};

/// The keys an entry may have.
const KEYS: &[&str] = &["title", "url", "kind", "date", "publisher", "authors"];

/// The bibliography as read, with where each id stands, for the warnings about
/// references that nothing cites.
#[derive(Debug, Default)]
pub(crate) struct Bibliography {
    pub references: References,
    /// The file, and the line and column of each id's key.
    file: String,
    keys: BTreeMap<String, (usize, usize)>,
}

impl Bibliography {
    /// A warning at the key of every reference that `used` does not hold.
    pub fn unused(&self, mut used: impl FnMut(&str) -> bool) -> Vec<Diagnostic> {
        self.keys
            .iter()
            .filter(|(id, _)| !used(id))
            .map(|(id, &(line, column))| Diagnostic {
                severity: Severity::Warning,
                file: self.file.clone(),
                line,
                column,
                message: format!(
                    "reference \"{}\" is never cited (no mention, [@{}] or ref: uses it); cite it or remove it",
                    shown(id),
                    shown(id)
                ),
            })
            .collect()
    }
}

/// An id or a value as a message quotes it: short, control characters escaped.
fn shown(text: &str) -> String {
    escape_controls(&shorten(text)).into_owned()
}

pub(crate) fn read_references(r: &mut Reader<'_>) -> Bibliography {
    let mut bib = Bibliography { file: r.doc.file.clone(), ..Bibliography::default() };
    let value = r.doc.value.clone();
    if value.is_null() {
        return bib;
    }
    let Some(map) = r.mapping(&[], &value, "the references (id: {title, url})") else { return bib };
    for (key, entry) in map {
        let Some(id) = key.as_str() else {
            r.error(&[], "a reference id must be text such as \"RFC 6120\"");
            continue;
        };
        let path = child(&[], id);
        let form = IdForm::of(id);
        if form.is_none() {
            r.error_key(&path, format!("\"{}\" is not a reference id (expected {})", shown(id), IdForm::shapes()));
        }
        let Some(fields) = r.mapping(&path, entry, &format!("reference \"{}\"", shown(id))) else { continue };
        if let Some(reference) = read_entry(r, &path, id, form, fields) {
            let loc = r.doc.key_loc(&path);
            bib.keys.insert(id.to_owned(), (loc.line, loc.column));
            bib.references.insert(id.to_owned(), reference);
        }
    }
    bib
}

/// One entry; `None` where its title or address is missing.
fn read_entry(r: &mut Reader<'_>, path: &[Seg], id: &str, form: Option<IdForm>, fields: &Mapping) -> Option<Reference> {
    let what = format!("reference \"{}\"", shown(id));
    r.unknown_keys(path, fields, KEYS, &what);
    let title = r.string(path, fields, "title", true, &what);
    let url = r.string(path, fields, "url", true, &what);
    if let Some(problem) = url.as_deref().and_then(reference_url_problem) {
        let address = shown(url.as_deref().unwrap_or_default());
        r.error(
            &child(path, "url"),
            format!("the address \"{address}\" of reference \"{}\" cannot be a link: {problem}", shown(id)),
        );
    }
    let kind = read_kind(r, path, id, form, fields);
    let date = r.string(path, fields, "date", false, &what);
    if let Some(date) = date.as_deref().filter(|d| !is_date(d)) {
        r.error(
            &child(path, "date"),
            format!(
                "the date \"{}\" of reference \"{}\" is not a date (expected YYYY-MM-DD, YYYY-MM or YYYY)",
                shown(date),
                shown(id)
            ),
        );
    }
    let publisher = r.string(path, fields, "publisher", false, &what);
    let authors = read_authors(r, path, id, fields);
    Some(Reference { id: id.to_owned(), kind, title: title?, url: url?, date, publisher, authors })
}

/// The stated kind, which must fit the id's form, or the kind guessed from the id.
fn read_kind(r: &mut Reader<'_>, path: &[Seg], id: &str, form: Option<IdForm>, fields: &Mapping) -> ReferenceKind {
    let guessed = form.map_or(ReferenceKind::Web, ReferenceKind::guess);
    let what = format!("reference \"{}\"", shown(id));
    let Some(name) = r.string(path, fields, "kind", false, &what) else { return guessed };
    let at = child(path, "kind");
    let Some(kind) = ReferenceKind::from_name(&name) else {
        let names: Vec<&str> = ReferenceKind::all().map(ReferenceKind::name).collect();
        let hint = match suggest(&name, names.iter().copied()) {
            Some(s) => format!("did you mean \"{s}\"?"),
            None => format!("expected one of: {}", ReferenceKind::names()),
        };
        r.error(&at, format!("unknown kind \"{}\" of reference \"{}\" ({hint})", shown(&name), shown(id)));
        return guessed;
    };
    match form {
        Some(form) if form != kind.id_form() => {
            r.error(
                &at,
                format!(
                    "reference \"{}\" cannot be of kind {}: the id of a {} reference is {}",
                    shown(id),
                    kind.name(),
                    kind.name(),
                    kind.id_form().shape()
                ),
            );
            guessed
        }
        _ => kind,
    }
}

/// The authors: a list of names.
fn read_authors(r: &mut Reader<'_>, path: &[Seg], id: &str, fields: &Mapping) -> Vec<String> {
    let at = child(path, "authors");
    let Some(value) = fields.get("authors").filter(|v| !v.is_null()) else { return Vec::new() };
    let what = format!("the authors of reference \"{}\" (a list of names)", shown(id));
    let Some(items) = r.sequence(&at, value, &what) else { return Vec::new() };
    let mut authors = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item {
            Value::String(name) => authors.push(name.clone()),
            other => r.error(
                &index(&at, i),
                format!("an author of reference \"{}\" must be a name, found {}", shown(id), describe(other)),
            ),
        }
    }
    authors
}

static DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$").expect("valid regex"));

/// Whether a text is a calendar date `YYYY-MM-DD`, a month `YYYY-MM` or a year `YYYY`.
fn is_date(text: &str) -> bool {
    let Some(parts) = DATE.captures(text) else { return false };
    let number = |i: usize| parts.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    let year = number(1).unwrap_or_default();
    match (number(2), number(3)) {
        (None, _) => year > 0,
        (Some(month), None) => year > 0 && (1..=12).contains(&month),
        (Some(month), Some(day)) => year > 0 && (1..=days_in(year, month)).contains(&day),
    }
}

/// The days of a month; 0 for a month that does not exist.
fn days_in(year: u32, month: u32) -> u32 {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::read_text;

    /// The bibliography of a references.yaml text and its problems.
    fn read(text: &str) -> (Bibliography, Vec<String>) {
        read_text("references.yaml", text, read_references)
    }

    #[test]
    fn a_full_entry_is_read_with_every_part() {
        let text = "jabber-ru-mitm-2023:\n  title: Report\n  url: https://example.org/r\n  kind: post\n  date: 2023-10-20\n  publisher: P\n  authors: [A, B]\n";
        let (bib, found) = read(text);
        assert_eq!(found, Vec::<String>::new());
        let expected = Reference {
            id: "jabber-ru-mitm-2023".into(),
            kind: ReferenceKind::Post,
            title: "Report".into(),
            url: "https://example.org/r".into(),
            date: Some("2023-10-20".into()),
            publisher: Some("P".into()),
            authors: vec!["A".into(), "B".into()],
        };
        assert_eq!(bib.references.get("jabber-ru-mitm-2023"), Some(&expected));
    }

    #[test]
    fn kinds_are_guessed_from_ids() {
        let text = "XEP-0178: {title: T, url: 'https://x'}\nRFC 6120: {title: T, url: 'https://x'}\nCVE-2017-5589: {title: T, url: 'https://x'}\nsome-page: {title: T, url: 'https://x'}\n";
        let (bib, found) = read(text);
        assert_eq!(found, Vec::<String>::new());
        let kinds: Vec<_> = bib.references.values().map(|r| (r.id.as_str(), r.kind)).collect();
        assert_eq!(
            kinds,
            [
                ("CVE-2017-5589", ReferenceKind::Cve),
                ("RFC 6120", ReferenceKind::Rfc),
                ("XEP-0178", ReferenceKind::Xep),
                ("some-page", ReferenceKind::Web),
            ]
        );
    }

    #[test]
    fn bad_ids_kinds_dates_and_authors_are_located_errors() {
        let text = concat!(
            "Not An Id: {title: T, url: 'https://x'}\n",
            "CVE-2017-5589:\n  title: T\n  url: https://x\n  kind: rfc\n",
            "a-page:\n  title: T\n  url: https://x\n  kind: papr\n  date: 2023-02-29\n  authors: [A, [B]]\n",
            "b-page:\n  title: T\n  url: https://x\n  kind: xep\n  date: 20231020\n  authors: A\n",
            "c-page:\n  title: T\n  url: https://x\n  kind: blog\n",
        );
        let (bib, found) = read(text);
        assert_eq!(
            found,
            [
                "1:1: \"Not An Id\" is not a reference id (expected XEP-NNNN, RFC N, CVE-YYYY-N or a slug such as jabber-ru-mitm-2023)",
                "5:9: reference \"CVE-2017-5589\" cannot be of kind rfc: the id of a rfc reference is RFC N",
                "9:9: unknown kind \"papr\" of reference \"a-page\" (did you mean \"paper\"?)",
                "10:9: the date \"2023-02-29\" of reference \"a-page\" is not a date (expected YYYY-MM-DD, YYYY-MM or YYYY)",
                "11:16: an author of reference \"a-page\" must be a name, found a list",
                "15:9: reference \"b-page\" cannot be of kind xep: the id of a xep reference is XEP-NNNN",
                "16:9: the date \"20231020\" of reference \"b-page\" is not a date (expected YYYY-MM-DD, YYYY-MM or YYYY)",
                "17:12: expected the authors of reference \"b-page\" (a list of names), found a string",
                "21:9: unknown kind \"blog\" of reference \"c-page\" (expected one of: xep, rfc, cve, web, paper, post)",
            ]
        );
        // Each entry is kept, with the kind its id implies, so that its uses do not fail too.
        let kinds: Vec<_> = bib.references.values().map(|r| r.kind).collect();
        assert_eq!(
            kinds,
            [ReferenceKind::Cve, ReferenceKind::Web, ReferenceKind::Web, ReferenceKind::Web, ReferenceKind::Web]
        );
        assert_eq!(bib.references["a-page"].authors, ["A"]);
    }

    #[test]
    fn dates_are_real_days_months_or_years() {
        for good in ["2023-10-20", "2024-02-29", "2000-02-29", "2023-12-31", "2023-10", "2023", "0001"] {
            assert!(is_date(good), "{good}");
        }
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2023-04-31",
            "2023-13",
            "2023-00",
            "2023-10-00",
            "0000",
            "0000-01",
            "0000-01-01",
            "23-10-20",
            "2023-1-2",
            "2023/10/20",
            "2023-10-20T00:00",
            "",
            " 2023",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
        assert_eq!((1..=12).map(|m| days_in(2023, m)).sum::<u32>(), 365);
        assert_eq!((1..=12).map(|m| days_in(2024, m)).sum::<u32>(), 366);
        assert_eq!(days_in(2023, 13), 0);
    }

    #[test]
    fn a_year_written_as_a_number_is_a_date() {
        let (bib, found) = read("some-page:\n  title: T\n  url: https://x\n  date: 2023\n");
        assert_eq!(found, Vec::<String>::new());
        assert_eq!(bib.references["some-page"].date.as_deref(), Some("2023"));
    }

    #[test]
    fn hostile_values_are_quoted_short_and_escaped() {
        let id = format!("bad\u{1b}[2J{}", "x".repeat(10_000));
        // A key past 1024 characters must be written explicitly.
        let text = format!("? \"{}\"\n: {{title: T, url: 'javascript:alert(1)'}}\n", id.replace('\u{1b}', "\\e"));
        let (bib, found) = read(&text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.iter().all(|m| m.len() < 600 && !m.contains('\u{1b}')), "{found:?}");
        assert!(found[1].contains("cannot be a link"), "{found:?}");
        assert_eq!(bib.references.len(), 1);
    }

    #[test]
    fn unused_references_are_warned_at_their_key() {
        let (bib, _) = read("# refs\nRFC 6120: {title: T, url: 'https://x'}\nused: {title: T, url: 'https://x'}\n");
        let warnings = bib.unused(|id| id == "used");
        assert_eq!(warnings.len(), 1);
        let w = &warnings[0];
        assert_eq!((w.file.as_str(), w.line, w.column, w.severity), ("references.yaml", 2, 1, Severity::Warning));
        assert_eq!(
            w.message,
            "reference \"RFC 6120\" is never cited (no mention, [@RFC 6120] or ref: uses it); cite it or remove it"
        );
    }
}
