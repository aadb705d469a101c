//! Text from git objects made presentable: dates, messages, names.

use sigdoc_model::clamp_time;
use time::OffsetDateTime;

/// Formats seconds since the Unix epoch as a `YYYY-MM-DD` date in UTC.
///
/// Times outside the years 1–9999 (possible in hand-made commits) are clamped to the
/// first or last day of that range, as everything that dates a document clamps them
/// ([`sigdoc_model::clamp_time`]).
pub fn format_date(seconds: i64) -> String {
    let date = OffsetDateTime::from_unix_timestamp(clamp_time(seconds)).unwrap_or(OffsetDateTime::UNIX_EPOCH).date();
    format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
}

/// Decodes a commit's text: Latin-1 when the commit declares it, else UTF-8 with
/// invalid bytes replaced, so that no message can make the history fail.
pub(crate) fn decode(bytes: &[u8], encoding: Option<&str>) -> String {
    let latin1 = encoding.is_some_and(|e| {
        let e = e.to_ascii_lowercase().replace(['-', '_'], "");
        matches!(e.as_str(), "iso88591" | "latin1" | "l1" | "iso8859")
    });
    if latin1 && std::str::from_utf8(bytes).is_err() {
        bytes.iter().map(|&b| char::from(b)).collect()
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

/// The paragraphs of an annotated tag's message, each on one line, without a signature.
pub(crate) fn paragraphs(message: &str) -> Vec<String> {
    let end = ["-----BEGIN PGP SIGNATURE-----", "-----BEGIN SSH SIGNATURE-----", "-----BEGIN SIGNED MESSAGE-----"]
        .iter()
        .filter_map(|marker| message.find(marker))
        .min()
        .unwrap_or(message.len());
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in message[..end].lines().map(str::trim) {
        if line.is_empty() {
            if !current.is_empty() {
                out.push(current.join(" "));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        out.push(current.join(" "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc_days() {
        assert_eq!(format_date(0), "1970-01-01");
        assert_eq!(format_date(1_735_689_600), "2025-01-01");
        assert_eq!(format_date(1_735_689_600 + 86_399), "2025-01-01");
        assert_eq!(format_date(1_741_046_400), "2025-03-04");
        assert_eq!(format_date(i64::MAX), "9999-12-31");
        assert_eq!(format_date(253_402_300_800), "9999-12-31");
        assert_eq!(format_date(i64::MIN), "0001-01-01");
        assert_eq!(format_date(-62_135_596_801), "0001-01-01");
        assert_eq!(format_date(-62_135_596_800), "0001-01-01");
        assert_eq!(format_date(-1), "1969-12-31");
    }

    #[test]
    fn messages_decode_lossily() {
        assert_eq!(decode(b"caf\xe9", Some("ISO-8859-1")), "café");
        assert_eq!(decode("café".as_bytes(), Some("ISO-8859-1")), "café");
        assert_eq!(decode(b"caf\xe9", None), "caf\u{fffd}");
    }

    #[test]
    fn tag_messages_become_paragraphs() {
        let msg = "Release 0.2\n\nAdds two threats\nand fixes the matrix.\n\n\n-----BEGIN PGP SIGNATURE-----\nabc\n";
        assert_eq!(paragraphs(msg), ["Release 0.2", "Adds two threats and fixes the matrix."]);
        assert!(paragraphs("\n\n").is_empty());
    }
}
