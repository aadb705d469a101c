//! The `sigdoc` binary: everything happens in the library.

// Typst allocates and frees small objects by the million; with glibc's allocator that
// was a fifth of a release's profile. Measured side by side, jemalloc builds the same
// PDFs 9-15 % faster for 2-6 % more peak memory (BENCHMARKS.md, notes). The crate's
// `override_allocator` feature makes it C's malloc too, so that libgit2 and zlib use it:
// a history walk allocates and frees a few buffers per object it reads (8 % faster).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    sigdoc_cli::main()
}
