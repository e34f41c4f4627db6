//! The `herald` command: parses the command line and runs the library.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc rather than the system allocator: a build allocates and frees many small
/// strings on every thread, and glibc's malloc took an eighth of a 10,000-article build.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = herald::cli::Cli::parse();
    cli.run()
}
