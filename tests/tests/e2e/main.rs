//! End-to-end tests: sigdoc run in-process on git repositories built in code, its PDFs read back with poppler.

mod attack_tree;
mod build;
mod check;
mod cli;
mod corpus;
mod diff;
mod diff_markdown;
mod escaping;
mod history;
mod hostile;
mod html;
mod modes;
mod proposed;
mod publication;
mod references;
mod release;
mod revisions;
mod scaffold;
mod shell;
mod support;
mod watch;
