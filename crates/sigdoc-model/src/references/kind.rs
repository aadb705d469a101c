//! The kinds of reference and the forms of id they go by.
//!
//! Everything that differs between kinds is a `match` on [`ReferenceKind`] in this file,
//! so that a new kind is one variant here and the compiler names every place to extend.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Serialize, Serializer};
use strum::IntoEnumIterator;

/// What a reference is; it decides the form of its id and the wording of its footnote.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, strum::EnumIter, strum::IntoStaticStr, strum::EnumString,
)]
#[strum(serialize_all = "lowercase")]
pub enum ReferenceKind {
    /// An XMPP Extension Protocol, `XEP-0178`.
    Xep,
    /// An IETF Request for Comments, `RFC 6120`.
    Rfc,
    /// A Common Vulnerabilities and Exposures record, `CVE-2017-5589`.
    Cve,
    /// A web page: an advisory, a notice, a forum thread.
    Web,
    /// A published paper.
    Paper,
    /// A blog post or a message to a list.
    Post,
}

/// The forms an id of references.yaml takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdForm {
    /// `XEP-` and four digits.
    Xep,
    /// `RFC`, a space and up to five digits.
    Rfc,
    /// `CVE-`, a four-digit year, `-` and digits.
    Cve,
    /// A lower-case slug: `[a-z0-9][a-z0-9._-]*`.
    Slug,
}

static XEP_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^XEP-\d{4}$").expect("valid regex"));
static RFC_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^RFC \d{1,5}$").expect("valid regex"));
static CVE_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^CVE-\d{4}-\d+$").expect("valid regex"));
static SLUG_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[a-z0-9][a-z0-9._-]*$").expect("valid regex"));

impl IdForm {
    /// Every form, in the order messages list them.
    const ALL: [IdForm; 4] = [IdForm::Xep, IdForm::Rfc, IdForm::Cve, IdForm::Slug];

    /// The form of an id, or `None` for text that is no reference id.
    pub fn of(id: &str) -> Option<IdForm> {
        Self::ALL.into_iter().find(|form| form.pattern().is_match(id))
    }

    fn pattern(self) -> &'static Regex {
        match self {
            IdForm::Xep => &XEP_ID,
            IdForm::Rfc => &RFC_ID,
            IdForm::Cve => &CVE_ID,
            IdForm::Slug => &SLUG_ID,
        }
    }

    /// The form as messages show it.
    pub fn shape(self) -> &'static str {
        match self {
            IdForm::Xep => "XEP-NNNN",
            IdForm::Rfc => "RFC N",
            IdForm::Cve => "CVE-YYYY-N",
            IdForm::Slug => "a slug such as jabber-ru-mitm-2023",
        }
    }

    /// Every form, for messages: `XEP-NNNN, RFC N, CVE-YYYY-N or a slug ...`.
    pub fn shapes() -> String {
        let shapes = Self::ALL.map(IdForm::shape);
        format!("{} or {}", shapes[..shapes.len() - 1].join(", "), shapes[shapes.len() - 1])
    }

    /// Whether a footnote names the reference by its id (`RFC 6120: Title`): ids of the
    /// other forms are private to references.yaml and never shown.
    pub fn is_shown(self) -> bool {
        match self {
            IdForm::Xep | IdForm::Rfc | IdForm::Cve => true,
            IdForm::Slug => false,
        }
    }
}

impl ReferenceKind {
    /// Every kind, in the order of the enum.
    pub fn all() -> impl Iterator<Item = ReferenceKind> {
        Self::iter()
    }

    /// The name as references.yaml writes it (`xep`).
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The kind of a name as references.yaml writes it.
    pub fn from_name(name: &str) -> Option<ReferenceKind> {
        name.parse().ok()
    }

    /// Every name, comma-separated, for messages: `xep, rfc, cve, web, paper, post`.
    pub fn names() -> String {
        Self::all().map(ReferenceKind::name).collect::<Vec<_>>().join(", ")
    }

    /// The form the id of a reference of this kind takes.
    pub fn id_form(self) -> IdForm {
        match self {
            ReferenceKind::Xep => IdForm::Xep,
            ReferenceKind::Rfc => IdForm::Rfc,
            ReferenceKind::Cve => IdForm::Cve,
            ReferenceKind::Web | ReferenceKind::Paper | ReferenceKind::Post => IdForm::Slug,
        }
    }

    /// The kind of a reference that does not say, from its id's form.
    pub fn guess(form: IdForm) -> ReferenceKind {
        match form {
            IdForm::Xep => ReferenceKind::Xep,
            IdForm::Rfc => ReferenceKind::Rfc,
            IdForm::Cve => ReferenceKind::Cve,
            IdForm::Slug => ReferenceKind::Web,
        }
    }
}

impl Serialize for ReferenceKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_have_lower_case_names_that_round_trip() {
        assert_eq!(ReferenceKind::names(), "xep, rfc, cve, web, paper, post");
        for kind in ReferenceKind::all() {
            assert_eq!(ReferenceKind::from_name(kind.name()), Some(kind));
            assert_eq!(serde_json::to_value(kind).ok(), Some(serde_json::json!(kind.name())));
        }
        assert_eq!(ReferenceKind::from_name("XEP"), None);
        assert_eq!(ReferenceKind::from_name("blog"), None);
        assert_eq!(ReferenceKind::from_name(""), None);
    }

    #[test]
    fn ids_have_one_form_each() {
        let cases = [
            ("XEP-0178", Some(IdForm::Xep)),
            ("RFC 6120", Some(IdForm::Rfc)),
            ("RFC 1", Some(IdForm::Rfc)),
            ("CVE-2017-5589", Some(IdForm::Cve)),
            ("CVE-2023-123456", Some(IdForm::Cve)),
            ("jabber-ru-mitm-2023", Some(IdForm::Slug)),
            ("0day.notes_v2", Some(IdForm::Slug)),
            ("a/b", None),
            ("a.b-c", Some(IdForm::Slug)),
            ("9", Some(IdForm::Slug)),
            ("XEP-178", None),
            ("XEP-01780", None),
            ("RFC6120", None),
            ("RFC 123456", None),
            ("CVE-17-5589", None),
            ("CVE-2017-", None),
            ("-leading-dash", None),
            (".hidden", None),
            ("Upper", None),
            ("with space", None),
            ("", None),
            ("xep-0178\n", None),
        ];
        for (id, form) in cases {
            assert_eq!(IdForm::of(id), form, "{id:?}");
        }
        assert_eq!(IdForm::shapes(), "XEP-NNNN, RFC N, CVE-YYYY-N or a slug such as jabber-ru-mitm-2023");
    }

    #[test]
    fn a_kind_is_guessed_from_the_id_and_fits_its_form() {
        assert_eq!(ReferenceKind::guess(IdForm::Xep), ReferenceKind::Xep);
        assert_eq!(ReferenceKind::guess(IdForm::Rfc), ReferenceKind::Rfc);
        assert_eq!(ReferenceKind::guess(IdForm::Cve), ReferenceKind::Cve);
        assert_eq!(ReferenceKind::guess(IdForm::Slug), ReferenceKind::Web);
        for kind in ReferenceKind::all() {
            // A guessed kind always fits the form it was guessed from.
            assert_eq!(ReferenceKind::guess(kind.id_form()).id_form(), kind.id_form());
        }
        let slugs: Vec<_> = ReferenceKind::all().filter(|k| k.id_form() == IdForm::Slug).collect();
        assert_eq!(slugs, [ReferenceKind::Web, ReferenceKind::Paper, ReferenceKind::Post]);
        let shown: Vec<_> = ReferenceKind::all().filter(|k| k.id_form().is_shown()).collect();
        assert_eq!(shown, [ReferenceKind::Xep, ReferenceKind::Rfc, ReferenceKind::Cve]);
    }
}
