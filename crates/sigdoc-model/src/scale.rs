//! The names of the process's rating scales: the two its matrix combines, and any other.

use std::fmt;

use serde::{Serialize, Serializer};

/// The name of a rating scale of the process.
///
/// The process defines `likelihood` and `damage`, which its matrix turns into a
/// priority; it may define more, which template `level` fields can name too. Build one
/// from text with [`ScaleName::from_name`], so that the two matrix scales are never
/// spelt as [`ScaleName::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ScaleName {
    /// How likely an attack is: the matrix's rows.
    Likelihood,
    /// How much harm it does: the matrix's columns.
    Damage,
    /// A scale the matrix does not combine.
    Other(String),
}

impl ScaleName {
    /// The scales the priority matrix combines, in the order of its two dimensions
    /// (`matrix[likelihood][damage]`).
    pub const MATRIX: [ScaleName; 2] = [ScaleName::Likelihood, ScaleName::Damage];

    /// The name as the documents write it.
    pub fn name(&self) -> &str {
        match self {
            ScaleName::Likelihood => "likelihood",
            ScaleName::Damage => "damage",
            ScaleName::Other(name) => name,
        }
    }

    /// The scale of a name as the documents write it.
    pub fn from_name(name: &str) -> ScaleName {
        Self::MATRIX.into_iter().find(|s| s.name() == name).unwrap_or_else(|| ScaleName::Other(name.to_owned()))
    }
}

impl fmt::Display for ScaleName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for ScaleName {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_matrix_scales_are_never_other() {
        assert_eq!(ScaleName::Likelihood.name(), "likelihood");
        assert_eq!(ScaleName::Damage.name(), "damage");
        for scale in ScaleName::MATRIX {
            assert_eq!(ScaleName::from_name(scale.name()), scale);
        }
        assert_eq!(ScaleName::from_name("impact"), ScaleName::Other("impact".into()));
        assert_eq!(ScaleName::from_name("impact").name(), "impact");
        assert_eq!(ScaleName::from_name("Likelihood"), ScaleName::Other("Likelihood".into()), "names are exact");
        assert_eq!(ScaleName::Damage.to_string(), "damage");
        assert_eq!(serde_json::to_value(ScaleName::Likelihood).ok(), Some(serde_json::json!("likelihood")));
    }
}
