//! One module per subcommand.

pub mod build;
pub mod check;
pub mod completions;
pub mod diff;
pub mod history;
pub mod init;
pub mod log;
pub mod new;
pub mod release;
pub mod schema;
pub mod watch;
