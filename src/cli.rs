//! The command line: one clap struct per subcommand, each with `run()`.
//!
//! Exit status: 0 on success, 1 when the site has errors, 2 when the command line is
//! wrong (clap's own status for usage errors).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::commands::{self, Failure, Summary};
use crate::error::Diagnostic;
use crate::scaffold;
use crate::site::LoadOptions;

/// Herald builds fast, accessible static portals for public campaigns from Markdown.
#[derive(Debug, Parser)]
#[command(name = "herald", version = env!("HERALD_VERSION"), about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the site into the output folder.
    Build(BuildArgs),
    /// Serve the site while you edit: rebuilds on save and reloads the browser.
    Serve(ServeArgs),
    /// Check the whole site without writing anything.
    Check(CheckArgs),
    /// Inspect the site against the government-website inspection rules.
    Inspect(InspectArgs),
    /// Write a new article with its front matter filled in.
    New(NewArgs),
    /// Create a new portal from the default theme.
    Init(InitArgs),
}

#[derive(Debug, Args)]
struct BuildArgs {
    /// The site folder (holding config.yaml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Where to write the site, relative to the current folder.
    #[arg(long, short, default_value = "public")]
    output: PathBuf,
    /// Replace config.yaml's base_url, e.g. for a staging server.
    #[arg(long)]
    base_url: Option<String>,
    /// Include drafts and pages dated in the future.
    #[arg(long)]
    drafts: bool,
    /// Write a gzipped copy (`x.html.gz`) beside every HTML, CSS, JS, XML, JSON, SVG
    /// and text file, for nginx's `gzip_static`.
    #[arg(long)]
    compress: bool,
    /// Where to write the nginx map of `aliases:` redirects (default: beside the
    /// output folder, `public.redirects.map`; never inside it).
    #[arg(long, value_name = "FILE")]
    redirects_map: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// The site folder (holding config.yaml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// The port; when busy, one of the next ten is used.
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// Include drafts and pages dated in the future.
    #[arg(long)]
    drafts: bool,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// The site folder (holding config.yaml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Replace config.yaml's base_url, to check the site as it will be served.
    #[arg(long)]
    base_url: Option<String>,
    /// Include drafts and pages dated in the future.
    #[arg(long)]
    drafts: bool,
    /// `text` for people (on stderr), `json` for tools (one object on stdout).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// How `check` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Debug, Args)]
struct InspectArgs {
    /// The site folder (holding config.yaml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Replace config.yaml's base_url, to inspect the site as it will be served.
    #[arg(long)]
    base_url: Option<String>,
    /// Include drafts and pages dated in the future.
    #[arg(long)]
    drafts: bool,
    /// `text` for people, `json` for CI (one object), `html` for a one-page report.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    /// Write the report to this file instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

/// How `inspect` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ReportFormat {
    Text,
    Json,
    Html,
}

#[derive(Debug, Args)]
struct NewArgs {
    /// The new file: `articles/2026/opening.md` (inside content/), or a folder when
    /// --title is given, to name the file after the title.
    path: PathBuf,
    /// The article's title.
    #[arg(long)]
    title: Option<String>,
    /// A topic the article joins (the id of content/topics/ID/); repeat for several.
    #[arg(long = "topic", value_name = "ID")]
    topics: Vec<String>,
    /// The site folder (holding config.yaml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

#[derive(Debug, Args)]
struct InitArgs {
    /// The folder to create the portal in (new or empty).
    dir: PathBuf,
}

impl Cli {
    /// Runs the command and returns the exit status.
    pub fn run(self) -> ExitCode {
        if let Err(d) = crate::site::check_clock() {
            eprintln!("{d}");
            return ExitCode::from(1);
        }
        match self.command {
            Command::Build(args) => args.run(),
            Command::Serve(args) => args.run(),
            Command::Check(args) => args.run(),
            Command::Inspect(args) => args.run(),
            Command::New(args) => args.run(),
            Command::Init(args) => args.run(),
        }
    }
}

impl BuildArgs {
    fn run(self) -> ExitCode {
        let mut options = LoadOptions::new(&self.root);
        options.base_url = self.base_url;
        options.drafts = self.drafts;
        let map = self.redirects_map.as_deref();
        match commands::build_with(&options, &self.output, self.compress, map) {
            Ok(summary) => {
                print_warnings(&summary, &self.root);
                let what = if summary.unchanged {
                    "up to date:"
                } else {
                    "built"
                };
                let gzipped = summary.compressed.map_or(String::new(), |c| {
                    format!(" ({} gzipped, {} anew)", plural(c.files, "file"), c.made)
                });
                println!(
                    "{what} {} in {} ms → {}{gzipped}",
                    counts(&summary),
                    summary.elapsed.as_millis(),
                    self.output.display()
                );
                ExitCode::SUCCESS
            }
            Err(failure) => report_failure(&failure, "build"),
        }
    }
}

impl ServeArgs {
    fn run(self) -> ExitCode {
        let options = crate::serve::ServeOptions {
            root: self.root.clone(),
            bind: self.bind,
            port: self.port,
            drafts: self.drafts,
        };
        match crate::serve::run(options) {
            Ok(()) => ExitCode::SUCCESS,
            Err(d) => report(&[d], &self.root),
        }
    }
}

impl CheckArgs {
    fn run(self) -> ExitCode {
        let mut options = LoadOptions::new(&self.root);
        options.base_url = self.base_url;
        options.drafts = self.drafts;
        let result = commands::check(&options);
        if self.format == Format::Json {
            let (diagnostics, code) = match &result {
                Ok(summary) => (summary.warnings.iter().collect::<Vec<_>>(), 0),
                Err(failure) => (failure.diagnostics.iter().collect(), 1),
            };
            let report = crate::error::json_report(diagnostics, &self.root);
            println!("{report:#}");
            return ExitCode::from(code);
        }
        match result {
            Ok(summary) => {
                print_warnings(&summary, &self.root);
                let warnings = match summary.warnings.len() {
                    0 => "no problems".to_string(),
                    n => format!("no errors, {n} warning{}", if n == 1 { "" } else { "s" }),
                };
                println!(
                    "checked {} in {} ms: {warnings}",
                    counts(&summary),
                    summary.elapsed.as_millis()
                );
                ExitCode::SUCCESS
            }
            Err(failure) => report_failure(&failure, "check"),
        }
    }
}

impl InspectArgs {
    fn run(self) -> ExitCode {
        let mut options = LoadOptions::new(&self.root);
        options.base_url = self.base_url;
        options.drafts = self.drafts;
        let outcome = match crate::inspect::inspect(&options) {
            Ok(outcome) => outcome,
            Err(errors) => return report(&errors, &self.root),
        };
        let text = match self.format {
            ReportFormat::Text => crate::inspect::report::text(&outcome),
            ReportFormat::Json => crate::inspect::report::json(&outcome) + "\n",
            ReportFormat::Html => crate::inspect::report::html(&outcome, &outcome.origin),
        };
        match &self.output {
            Some(path) => {
                if let Err(e) = std::fs::write(path, &text) {
                    let d =
                        Diagnostic::error(format!("cannot write the report: {e}")).in_file(path);
                    return report(&[d], Path::new(""));
                }
                if self.format != ReportFormat::Json {
                    let verdict = if outcome.passed { "passed" } else { "failed" };
                    println!(
                        "inspection {verdict}, score {} → {}",
                        outcome.score,
                        path.display()
                    );
                }
            }
            None => print!("{text}"),
        }
        ExitCode::from(u8::from(!outcome.passed))
    }
}

impl NewArgs {
    fn run(self) -> ExitCode {
        match scaffold::new_article(&self.root, &self.path, self.title.as_deref(), &self.topics) {
            Ok(path) => {
                println!("created {}", path.display());
                ExitCode::SUCCESS
            }
            Err(d) => report(&[d], &self.root),
        }
    }
}

impl InitArgs {
    fn run(self) -> ExitCode {
        match scaffold::init(&self.dir) {
            Ok(()) => {
                println!(
                    "created a new portal in {0}\nnext: herald build --root {0}   (or serve it while you edit)",
                    self.dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(d) => report(&[d], Path::new("")),
        }
    }
}

fn counts(summary: &Summary) -> String {
    let mut text = format!(
        "{} ({}, {}, {})",
        plural(summary.pages, "page"),
        plural(summary.articles, "article"),
        plural(summary.topics, "topic"),
        plural(summary.tags, "tag")
    );
    let images = summary.images;
    if images.variants > 0 {
        text.push_str(&format!(
            ", {} ({} made, {} from cache)",
            plural(images.variants, "image"),
            images.processed,
            images.cached
        ));
    }
    text
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn print_warnings(summary: &Summary, root: &Path) {
    let mut err = std::io::stderr().lock();
    for warning in &summary.warnings {
        let _ = writeln!(err, "{}", warning.display_relative(root));
    }
}

fn report_failure(failure: &Failure, what: &str) -> ExitCode {
    let all: Vec<Diagnostic> = failure.diagnostics.iter().cloned().collect();
    let code = report(&all, &failure.root);
    let errors = failure.diagnostics.error_count();
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "{what} failed: {errors} error{}{}",
        if errors == 1 { "" } else { "s" },
        match (what, failure.kept_previous_output) {
            ("build", true) => "; the previous output was left as it was",
            ("build", false) => "; nothing was written",
            _ => "",
        }
    );
    code
}

fn report(diagnostics: &[Diagnostic], root: &Path) -> ExitCode {
    let mut err = std::io::stderr().lock();
    for d in diagnostics {
        let _ = writeln!(err, "{}", d.display_relative(root));
    }
    ExitCode::from(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }
}
