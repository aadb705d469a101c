//! What sigdoc takes from the process's environment: read once by the front end, passed
//! down, never looked up again by a library.

/// The environment's say in what sigdoc produces.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Environment {
    /// `SOURCE_DATE_EPOCH`: seconds since the epoch that date working-tree builds and the
    /// uncommitted edits' history entry, for reproducible output.
    pub source_date_epoch: Option<i64>,
}

impl Environment {
    /// The environment given the value of `SOURCE_DATE_EPOCH`, if set: a value that is no
    /// integer is ignored, as reproducible-builds tools do.
    pub fn new(source_date_epoch: Option<&str>) -> Environment {
        Environment { source_date_epoch: source_date_epoch.and_then(|v| v.trim().parse().ok()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_integer_epoch_counts() {
        assert_eq!(Environment::new(Some(" 1700000000\n")).source_date_epoch, Some(1_700_000_000));
        assert_eq!(Environment::new(Some("-5")).source_date_epoch, Some(-5));
        assert_eq!(Environment::new(Some("yesterday")).source_date_epoch, None);
        assert_eq!(Environment::new(None), Environment::default());
    }
}
