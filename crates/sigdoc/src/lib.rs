//! The sigdoc driver: what the command line does beyond parsing and printing — reading a
//! repository's documents, checking, building and writing them — so that any front end
//! (the CLI, an editor plugin, a server) can embed it. It does no terminal I/O.

pub mod build;
pub mod coverage;
pub mod diff;
mod environment;
mod error;
pub mod freshness;
pub mod log;
pub mod output;
pub mod release;
pub mod schema;
pub mod serve;
pub mod site;
pub mod skeleton;
pub mod watch;
pub mod workspace;

pub use sigdoc_model as model;
/// The PDF standards a build can be checked against, named in a [`BuildPlan`].
pub use sigdoc_render::PdfStandard;

pub use build::{BuildOutput, BuildPlan, Built, build};
pub use environment::Environment;
pub use error::Error;
pub use workspace::{Settings, Workspace};

/// The version of the Typst compiler sigdoc embeds (`0.15.1`).
pub fn typst_version() -> &'static str {
    typst::utils::version().raw()
}
