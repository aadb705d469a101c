//! One module per subcommand.

pub mod build;
pub mod check;
pub mod history;
pub mod release;
