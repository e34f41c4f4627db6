//! Diagnostics: every problem Herald reports names the file, the line where known,
//! what went wrong and, where we can tell, what to do about it.
//!
//! The pipeline never stops at the first problem: each stage collects
//! [`Diagnostic`]s so that `herald check` can report all of them at once.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// How serious a diagnostic is: errors fail the build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    /// Fails the build (exit status 1).
    Error,
    /// Reported, but the build still succeeds.
    Warning,
}

/// One problem found in a site, with where it is and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file the problem is in, if it is in one.
    pub file: Option<PathBuf>,
    /// 1-based line in `file`.
    pub line: Option<usize>,
    /// 1-based column in `line`.
    pub column: Option<usize>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A new error with only a message.
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: None,
            line: None,
            column: None,
            message: message.into(),
            help: None,
        }
    }

    /// A new warning with only a message.
    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    /// Sets the file the problem is in.
    #[must_use]
    pub fn in_file(mut self, file: impl AsRef<Path>) -> Self {
        self.file = Some(file.as_ref().to_path_buf());
        self
    }

    /// Sets the line (1-based).
    #[must_use]
    pub fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    /// Sets line and column (both 1-based).
    #[must_use]
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// Sets the line and column when known.
    #[must_use]
    pub fn at_opt(mut self, line: Option<usize>, column: Option<usize>) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    /// Adds a hint on how to fix the problem.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// True for errors, false for warnings.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Formats the diagnostic with its file shown relative to `root`.
    pub fn display_relative<'a>(&'a self, root: &'a Path) -> impl fmt::Display + 'a {
        DisplayRelative { diag: self, root }
    }

    /// The diagnostic as a JSON object for tools (`herald check --format json`), with
    /// the file relative to `root` and `/` between folders.
    pub fn to_json(&self, root: &Path) -> serde_json::Value {
        let file = self.file.as_ref().map(|file| {
            let shown = file.strip_prefix(root).unwrap_or(file);
            crate::fs::slash_path(shown, Path::new(""))
        });
        serde_json::json!({
            "severity": match self.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            "file": file,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "help": self.help,
        })
    }

    /// The `file:line:column` location, relative to `root`, if there is a file.
    pub fn location(&self, root: &Path) -> Option<String> {
        let file = self.file.as_ref()?;
        let shown = file.strip_prefix(root).unwrap_or(file);
        let mut location = shown.display().to_string();
        if let Some(line) = self.line {
            location.push_str(&format!(":{line}"));
            if let Some(column) = self.column {
                location.push_str(&format!(":{column}"));
            }
        }
        Some(location)
    }
}

struct DisplayRelative<'a> {
    diag: &'a Diagnostic,
    root: &'a Path,
}

impl fmt::Display for DisplayRelative<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.diag.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match self.diag.location(self.root) {
            Some(location) => write!(f, "{label}: {location}: {}", self.diag.message)?,
            None => write!(f, "{label}: {}", self.diag.message)?,
        }
        if let Some(help) = &self.diag.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.display_relative(Path::new("")).fmt(f)
    }
}

impl std::error::Error for Diagnostic {}

/// Diagnostics collected by a pipeline stage, in the order found.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty collection.
    pub fn new() -> Self {
        Diagnostics::default()
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Adds many diagnostics.
    pub fn extend(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(diagnostics);
    }

    /// Records the error of `result`, if any, and returns its value.
    pub fn take<T>(&mut self, result: Result<T, Diagnostic>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(diagnostic) => {
                self.push(diagnostic);
                None
            }
        }
    }

    /// True if any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Number of errors (not warnings).
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// All diagnostics, errors and warnings.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// True if there is nothing to report.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorts by file, line and message so that reports do not depend on thread timing.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (&a.file, a.line, a.column, &a.message).cmp(&(&b.file, b.line, b.column, &b.message))
        });
        self.items.dedup();
    }

    /// The diagnostics as a vector.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Diagnostics {
            items: vec![diagnostic],
        }
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(items: Vec<Diagnostic>) -> Self {
        Diagnostics { items }
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// The report of `herald check --format json`: every diagnostic and the counts.
///
/// `{"ok": bool, "errors": n, "warnings": n, "diagnostics": [{"severity", "file",
/// "line", "column", "message", "help"}]}`, with `null` for what is not known.
pub fn json_report<'a>(
    diagnostics: impl IntoIterator<Item = &'a Diagnostic>,
    root: &Path,
) -> serde_json::Value {
    let all: Vec<&Diagnostic> = diagnostics.into_iter().collect();
    let errors = all.iter().filter(|d| d.is_error()).count();
    serde_json::json!({
        "ok": errors == 0,
        "errors": errors,
        "warnings": all.len() - errors,
        "diagnostics": all.iter().map(|d| d.to_json(root)).collect::<Vec<_>>(),
    })
}

/// Computes 1-based line and column numbers from byte offsets in a text.
///
/// Libraries often report only an offset; an editor needs the line.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// The 1-based line of byte `offset`.
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset)
    }

    /// The 1-based (line, column) of byte `offset`, the column counted in characters.
    pub fn line_column(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.line(offset);
        let start = self.starts[line - 1];
        let end = offset.min(text.len());
        let column = text.get(start..end).map_or(1, |s| s.chars().count() + 1);
        (line, column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_line_and_help() {
        let d = Diagnostic::error("unknown key `titel`")
            .in_file("/site/config.yaml")
            .at(3, 1)
            .with_help("did you mean `title`?");
        assert_eq!(
            d.display_relative(Path::new("/site")).to_string(),
            "error: config.yaml:3:1: unknown key `titel`\n  help: did you mean `title`?"
        );
    }

    #[test]
    fn json_has_every_field_relative_to_the_root() {
        let all = [
            Diagnostic::error("broken link")
                .in_file("/site/content/a.md")
                .at_line(4)
                .with_help("fix it"),
            Diagnostic::warning("no alt text"),
        ];
        let report = json_report(&all, Path::new("/site"));
        assert_eq!(
            report,
            serde_json::json!({
                "ok": false,
                "errors": 1,
                "warnings": 1,
                "diagnostics": [
                    {"severity": "error", "file": "content/a.md", "line": 4, "column": null,
                     "message": "broken link", "help": "fix it"},
                    {"severity": "warning", "file": null, "line": null, "column": null,
                     "message": "no alt text", "help": null},
                ],
            })
        );
    }

    #[test]
    fn line_index_counts_lines_and_characters() {
        let text = "ab\n网络c\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line(0), 1);
        assert_eq!(index.line(3), 2);
        let c = text.find('c').unwrap();
        assert_eq!(index.line_column(text, c), (2, 3));
    }

    #[test]
    fn sort_orders_and_dedups() {
        let mut all = Diagnostics::new();
        all.push(Diagnostic::error("b").in_file("b.md").at_line(2));
        all.push(Diagnostic::error("a").in_file("a.md").at_line(9));
        all.push(Diagnostic::error("b").in_file("b.md").at_line(2));
        all.sort();
        let messages: Vec<_> = all.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages, ["a", "b"]);
    }
}
