//! An author as title pages and appendices show them: initials and live addresses.

use serde::Serialize;
use sigdoc_model::Author;
use sigdoc_model::links::{email_link, jid_link, uri_link};

/// An author with the links of their addresses: each is live only where sigdoc makes
/// such a link, and shown as text otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthorView {
    /// Full name.
    pub name: String,
    /// E-mail address as written.
    pub email: Option<String>,
    /// Jabber ID as written.
    pub jid: Option<String>,
    /// Web address as written.
    pub uri: Option<String>,
    /// The initials every document shows for the author.
    pub initials: String,
    /// The live `mailto:` link of the e-mail address.
    pub email_href: Option<String>,
    /// The live `xmpp:` link of the Jabber ID.
    pub jid_href: Option<String>,
    /// The live link of the web address.
    pub uri_href: Option<String>,
}

impl AuthorView {
    /// The view of one author.
    pub fn new(author: &Author) -> AuthorView {
        AuthorView {
            name: author.name.clone(),
            email: author.email.clone(),
            jid: author.jid.clone(),
            uri: author.uri.clone(),
            initials: author.initials(),
            email_href: author.email.as_deref().and_then(email_link),
            jid_href: author.jid.as_deref().and_then(jid_link),
            uri_href: author.uri.as_deref().and_then(uri_link).map(str::to_owned),
        }
    }

    /// The views of a list of authors, in order.
    pub fn list(authors: &[Author]) -> Vec<AuthorView> {
        authors.iter().map(AuthorView::new).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_and_live_links_are_worked_out_once() {
        let author = Author {
            name: "Peter Saint-Andre".into(),
            email: Some("peter@example.org".into()),
            jid: Some("peter@example.org".into()),
            uri: Some("https://example.org/peter".into()),
            initials: None,
        };
        let view = AuthorView::new(&author);
        assert_eq!(view.initials, "PSA");
        assert_eq!(view.email_href.as_deref(), Some("mailto:peter@example.org"));
        assert_eq!(view.jid_href.as_deref(), Some("xmpp:peter@example.org"));
        assert_eq!(view.uri_href.as_deref(), Some("https://example.org/peter"));
        assert_eq!(view.email.as_deref(), Some("peter@example.org"), "the address as written");
        assert_eq!(view.name, "Peter Saint-Andre");
    }

    #[test]
    fn refused_addresses_are_shown_but_not_linked() {
        let author = Author {
            name: "Mallory".into(),
            email: Some("a b@example.org".into()),
            jid: Some("x y".into()),
            uri: Some("javascript:alert(1)".into()),
            initials: Some("MX".into()),
        };
        let view = AuthorView::new(&author);
        assert_eq!((view.email_href, view.jid_href, view.uri_href), (None, None, None));
        assert_eq!(view.uri.as_deref(), Some("javascript:alert(1)"));
        assert_eq!(view.initials, "MX", "stated initials win");
        let list = AuthorView::list(&[author.clone(), Author { name: "Bob".into(), ..Author::default() }]);
        assert_eq!(list.iter().map(|a| a.initials.as_str()).collect::<Vec<_>>(), ["MX", "B"]);
    }
}
