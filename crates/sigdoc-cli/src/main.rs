//! The `sigdoc` binary: everything happens in the library.

fn main() -> std::process::ExitCode {
    sigdoc_cli::main()
}
