//! The `herald` command: parses the command line and runs the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = herald::cli::Cli::parse();
    cli.run()
}
