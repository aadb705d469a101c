//! Finding mentions of XEPs, RFCs and CVEs in prose, which become footnotes.

use std::sync::LazyLock;

use regex::Regex;

static MENTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?:XEP-\d{4}|RFC ?\d{1,5}|CVE-\d{4}-\d+)\b").expect("valid regex"));

/// A mention of a specification in prose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Byte range in the text.
    pub range: std::ops::Range<usize>,
    /// The reference id it names, normalised (`RFC6120` -> `RFC 6120`).
    pub id: String,
}

/// Every XEP, RFC or CVE mention in `text`, in order.
pub fn find_mentions(text: &str) -> Vec<Mention> {
    MENTION.find_iter(text).map(|m| Mention { range: m.range(), id: normalise_id(m.as_str()) }).collect()
}

/// Writes an id the way references.yaml keys it: `XEP-0178`, `RFC 6120`.
pub fn normalise_id(id: &str) -> String {
    match id.strip_prefix("RFC") {
        Some(num) => format!("RFC {}", num.trim_start()),
        None => id.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_xeps_rfcs_and_cves() {
        let text = "See XEP-0178, RFC 6120, CVE-2017-5589 and RFC7590; not XEP-12, CVE-17-1 or xCVE-2017-5589.";
        let ids: Vec<_> = find_mentions(text).into_iter().map(|m| m.id).collect();
        assert_eq!(ids, ["XEP-0178", "RFC 6120", "CVE-2017-5589", "RFC 7590"]);
        let cve = &find_mentions("(CVE-2019-16235)")[0];
        assert_eq!(cve.range, 1..15);
    }
}
