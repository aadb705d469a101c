//! The PDF standards a written file can be asked to conform to, and their Typst names.

use typst_pdf::PdfStandards;

/// A PDF standard sigdoc can write: the ones a publication needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PdfStandard {
    /// PDF/A-3b: archival, with the sources attached.
    A3b,
    /// PDF/UA-1: accessible (tagged, alternative text, headers, language, title).
    Ua1,
}

impl PdfStandard {
    /// Every standard, in the order they are named.
    pub const ALL: [PdfStandard; 2] = [PdfStandard::A3b, PdfStandard::Ua1];

    /// What release PDFs conform to: both, as typst writes them together.
    pub const RELEASE: [PdfStandard; 2] = [PdfStandard::A3b, PdfStandard::Ua1];

    /// The name on the command line and in Typst's CLI (`a-3b`, `ua-1`).
    pub fn name(self) -> &'static str {
        match self {
            PdfStandard::A3b => "a-3b",
            PdfStandard::Ua1 => "ua-1",
        }
    }

    /// The standard of that name.
    pub fn from_name(name: &str) -> Option<PdfStandard> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    fn typst(self) -> typst_pdf::PdfStandard {
        match self {
            PdfStandard::A3b => typst_pdf::PdfStandard::A_3b,
            PdfStandard::Ua1 => typst_pdf::PdfStandard::Ua_1,
        }
    }
}

/// Whether a set of standards asks for an accessible file, which the templates mark up
/// further (alternative text of the drawings, header rows of the tables).
pub fn accessible(standards: &[PdfStandard]) -> bool {
    standards.contains(&PdfStandard::Ua1)
}

/// Typst's form of a set of standards. No standard is typst's default, so that an
/// ordinary build's bytes do not depend on this module.
pub(crate) fn typst_standards(standards: &[PdfStandard]) -> Result<PdfStandards, String> {
    if standards.is_empty() {
        return Ok(PdfStandards::default());
    }
    let mut list: Vec<PdfStandard> = standards.to_vec();
    list.sort();
    list.dedup();
    let typst: Vec<typst_pdf::PdfStandard> = list.into_iter().map(PdfStandard::typst).collect();
    PdfStandards::new(&typst).map_err(|e| {
        let mut message = format!("PDF standards {}: {}", names(standards), e.message());
        for hint in e.hints() {
            message.push_str(&format!(" (hint: {hint})"));
        }
        message
    })
}

/// `a-3b, ua-1`.
pub fn names(standards: &[PdfStandard]) -> String {
    standards.iter().map(|s| s.name()).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in PdfStandard::ALL {
            assert_eq!(PdfStandard::from_name(s.name()), Some(s));
        }
        assert_eq!(PdfStandard::from_name("a-2b"), None);
        assert_eq!(names(&PdfStandard::RELEASE), "a-3b, ua-1");
    }

    #[test]
    fn typst_writes_the_release_standards_together() {
        assert!(typst_standards(&PdfStandard::RELEASE).is_ok());
        assert!(typst_standards(&[PdfStandard::Ua1, PdfStandard::Ua1]).is_ok(), "repeats are one");
        assert!(typst_standards(&[]).is_ok());
        assert!(accessible(&PdfStandard::RELEASE));
        assert!(!accessible(&[PdfStandard::A3b]));
    }
}
