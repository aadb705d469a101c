//! Which links sigdoc makes live, and the checks of the addresses documents give.
//!
//! A PDF viewer follows whatever a link says: `javascript:`, `file:` or a relative path
//! would run code, open local files or go nowhere. sigdoc makes a link live only when
//! [`check_link`] accepts it; `check` refuses every other link, and the renderer shows
//! it as text should a document reach it unchecked.

use std::fmt;

/// The schemes of the links sigdoc makes live, compared case-insensitively.
pub const LIVE_SCHEMES: &[&str] = &["http", "https", "mailto", "xmpp"];

/// The longest address of a live link, in bytes, `mailto:` or `xmpp:` included: room for
/// the longest JID (3071 bytes) behind `xmpp:`, and half of Typst's limit (8000 bytes).
pub const MAX_URL_LEN: usize = 4096;

/// The longest e-mail address (RFC 5321: a path is at most 256 octets, brackets included).
pub const MAX_EMAIL_LEN: usize = 254;

/// The longest JID (RFC 7622: three parts of at most 1023 bytes and two separators).
pub const MAX_JID_LEN: usize = 3071;

/// Why a link is not made live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkProblem {
    /// Nothing to link to.
    Empty,
    /// No `scheme:`: a relative path or a `#fragment`, which a PDF cannot resolve.
    NoScheme,
    /// A scheme other than [`LIVE_SCHEMES`] (lower case).
    Scheme(String),
    /// A scheme and nothing after it.
    NoAddress,
    /// White space or a control character, which no address contains.
    Spaces,
    /// Longer than [`MAX_URL_LEN`]; the length in bytes.
    TooLong(usize),
}

impl fmt::Display for LinkProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkProblem::Empty => write!(f, "it is empty"),
            LinkProblem::NoScheme => {
                write!(
                    f,
                    "it has no scheme, and a PDF cannot follow a relative address (write it in full, https://...)"
                )
            }
            LinkProblem::Scheme(scheme) => {
                write!(f, "sigdoc makes live links only for http, https, mailto and xmpp, not {scheme}")
            }
            LinkProblem::NoAddress => write!(f, "there is no address after the scheme"),
            LinkProblem::Spaces => write!(f, "it contains white space or a control character"),
            LinkProblem::TooLong(len) => write!(f, "it is {len} bytes long (at most {MAX_URL_LEN})"),
        }
    }
}

/// The scheme of a URL (RFC 3986: a letter, then letters, digits, `+`, `-` or `.`, then
/// `:`), as written.
pub fn scheme(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

/// Whether sigdoc makes a link to `url` live; the reason when not.
pub fn check_link(url: &str) -> Result<(), LinkProblem> {
    if url.is_empty() {
        return Err(LinkProblem::Empty);
    }
    let scheme = scheme(url).ok_or(LinkProblem::NoScheme)?;
    if !LIVE_SCHEMES.iter().any(|live| live.eq_ignore_ascii_case(scheme)) {
        return Err(LinkProblem::Scheme(scheme.to_ascii_lowercase()));
    }
    if url.len() == scheme.len() + 1 {
        return Err(LinkProblem::NoAddress);
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(LinkProblem::Spaces);
    }
    if url.len() > MAX_URL_LEN {
        return Err(LinkProblem::TooLong(url.len()));
    }
    Ok(())
}

/// Whether sigdoc makes a link to `url` live: the one predicate that both `check` and the
/// renderer apply.
pub fn is_live(url: &str) -> bool {
    check_link(url).is_ok()
}

/// Why `url` cannot be a reference's address, which must be a live http or https link.
pub fn reference_url_problem(url: &str) -> Option<String> {
    match check_link(url) {
        Err(problem) => Some(problem.to_string()),
        Ok(()) if !scheme(url).is_some_and(|s| s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https")) => {
            Some("a reference's address must be an http or https address".into())
        }
        Ok(()) => None,
    }
}

/// Why `email` cannot be an author's e-mail address (shown as a `mailto:` link).
pub fn email_problem(email: &str) -> Option<String> {
    if let Some(problem) = address_problem(email, MAX_EMAIL_LEN) {
        return Some(problem);
    }
    match email.rsplit_once('@') {
        Some((local, domain)) if !local.is_empty() && !domain.is_empty() => None,
        _ => Some("it is not an e-mail address (name@domain)".into()),
    }
}

/// Why `jid` cannot be an author's Jabber ID (shown as an `xmpp:` link).
pub fn jid_problem(jid: &str) -> Option<String> {
    address_problem(jid, MAX_JID_LEN)
}

/// Why `uri` cannot be an author's web address: it must be a live link.
pub fn uri_problem(uri: &str) -> Option<String> {
    check_link(uri).err().map(|problem| problem.to_string())
}

/// The live link to a reference's address, if `check` accepts the address.
pub fn reference_link(url: &str) -> Option<&str> {
    reference_url_problem(url).is_none().then_some(url)
}

/// The live `mailto:` link of an author's e-mail address, if `check` accepts the address.
pub fn email_link(email: &str) -> Option<String> {
    email_problem(email).is_none().then(|| format!("mailto:{email}")).filter(|url| is_live(url))
}

/// The live `xmpp:` link of an author's Jabber ID, if `check` accepts the JID.
pub fn jid_link(jid: &str) -> Option<String> {
    jid_problem(jid).is_none().then(|| format!("xmpp:{jid}")).filter(|url| is_live(url))
}

/// The live link of an author's web address, if `check` accepts it.
pub fn uri_link(uri: &str) -> Option<&str> {
    uri_problem(uri).is_none().then_some(uri)
}

fn address_problem(address: &str, max: usize) -> Option<String> {
    if address.is_empty() {
        Some("it is empty".into())
    } else if address.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some("it contains white space or a control character".into())
    } else if address.len() > max {
        Some(format!("it is {} bytes long (at most {max})", address.len()))
    } else {
        None
    }
}

/// A URL or address cut to a length that a one-line message can show.
pub fn shorten(url: &str) -> String {
    const SHOWN: usize = 60;
    match url.char_indices().nth(SHOWN) {
        Some((end, _)) => format!("{}…", &url[..end]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_mail_and_xmpp_links_are_live_in_any_case() {
        for url in
            ["http://example.org", "https://x", "HTTPS://EXAMPLE.ORG/a?b#c", "mailto:a@b", "xmpp:a@b?join", "Mailto:x"]
        {
            assert_eq!(check_link(url), Ok(()), "{url}");
        }
    }

    #[test]
    fn other_schemes_are_not() {
        for (url, scheme) in [
            ("javascript:alert(1)", "javascript"),
            ("JavaScript:alert(1)", "javascript"),
            ("file:///etc/passwd", "file"),
            ("data:text/html,<script>", "data"),
            ("vbscript:x", "vbscript"),
            ("c:\\windows", "c"),
            ("ftp://example.org", "ftp"),
        ] {
            assert_eq!(check_link(url), Err(LinkProblem::Scheme(scheme.into())), "{url}");
        }
    }

    #[test]
    fn links_without_a_scheme_or_address_are_not() {
        for url in ["page.html", "#top", "/etc/passwd", "//example.org", ":x", "1http://x", "http//x"] {
            assert_eq!(check_link(url), Err(LinkProblem::NoScheme), "{url}");
        }
        assert_eq!(check_link(""), Err(LinkProblem::Empty));
        assert_eq!(check_link("https:"), Err(LinkProblem::NoAddress));
        assert_eq!(check_link("https://a b"), Err(LinkProblem::Spaces));
        assert_eq!(check_link("https://a\u{7}"), Err(LinkProblem::Spaces));
    }

    #[test]
    fn the_length_limit_counts_the_scheme() {
        let at_limit = format!("https://{}", "a".repeat(MAX_URL_LEN - 8));
        assert_eq!(check_link(&at_limit), Ok(()));
        let over = format!("{at_limit}a");
        assert_eq!(check_link(&over), Err(LinkProblem::TooLong(MAX_URL_LEN + 1)));
        // The longest JID still makes a live xmpp: link.
        assert!(is_live(&format!("xmpp:{}", "j".repeat(MAX_JID_LEN))));
    }

    #[test]
    fn references_need_web_addresses() {
        assert_eq!(reference_url_problem("https://www.rfc-editor.org/rfc/rfc6120"), None);
        assert!(reference_url_problem("mailto:a@b").is_some_and(|p| p.contains("http or https")));
        assert!(reference_url_problem("").is_some_and(|p| p.contains("empty")));
        assert!(reference_url_problem("javascript:x").is_some_and(|p| p.contains("not javascript")));
        assert_eq!(reference_link("HTTPS://x"), Some("HTTPS://x"));
        assert_eq!(reference_link("mailto:a@b"), None);
    }

    #[test]
    fn an_address_check_refuses_has_no_link() {
        assert_eq!(email_link("alice@example.org").as_deref(), Some("mailto:alice@example.org"));
        assert_eq!(email_link(&format!("{}@b", "a".repeat(MAX_EMAIL_LEN))), None);
        assert_eq!(email_link("a b@c"), None);
        assert_eq!(jid_link("alice@example.org").as_deref(), Some("xmpp:alice@example.org"));
        assert_eq!(jid_link(""), None);
        assert_eq!(uri_link("https://example.org"), Some("https://example.org"));
        assert_eq!(uri_link("file:///etc/passwd"), None);
    }

    #[test]
    fn author_addresses() {
        assert_eq!(email_problem("alice@example.org"), None);
        assert!(email_problem("").is_some());
        assert!(email_problem("alice").is_some());
        assert!(email_problem("a b@c").is_some());
        assert_eq!(email_problem(&format!("{}@b", "a".repeat(MAX_EMAIL_LEN - 2))), None);
        assert!(email_problem(&format!("{}@b", "a".repeat(MAX_EMAIL_LEN - 1))).is_some());
        assert_eq!(jid_problem("alice@example.org/phone"), None);
        assert!(jid_problem(&"j".repeat(MAX_JID_LEN + 1)).is_some());
        assert!(jid_problem("").is_some());
        assert_eq!(uri_problem("https://example.org/~alice"), None);
        assert!(uri_problem("").is_some());
        assert!(uri_problem("javascript:alert(1)").is_some());
    }

    #[test]
    fn shortened_addresses_end_in_an_ellipsis() {
        assert_eq!(shorten("https://x"), "https://x");
        let long = format!("https://{}", "é".repeat(100));
        assert_eq!(shorten(&long).chars().count(), 61);
        assert!(shorten(&long).ends_with('…'));
    }
}
