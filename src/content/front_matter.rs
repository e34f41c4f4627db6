//! Front matter: the YAML block between `---` lines at the top of a Markdown file.
//!
//! Splitting keeps track of line numbers so that every error points at the real line
//! of the file, not at a line inside the block. Known keys are read into typed
//! fields one by one, so a wrong value names its own line; unknown keys go to
//! `extra` for templates.

use std::path::Path;

use serde_json::{Map, Value};

use super::date::WrittenDate;
use crate::error::Diagnostic;
use crate::yaml;

/// A Markdown file cut into its front matter and body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the fences, if the file has front matter.
    pub front: Option<&'a str>,
    /// Lines before the YAML text (the opening fence): add to YAML line numbers.
    pub front_offset: usize,
    /// The Markdown after the closing fence.
    pub body: &'a str,
    /// Lines before the body: add to body line numbers.
    pub body_offset: usize,
}

/// Cuts `text` into front matter and body.
pub fn split<'a>(text: &'a str, file: &Path) -> Result<Split<'a>, Diagnostic> {
    let Some(after_open) = strip_fence_line(text) else {
        return Ok(Split {
            front: None,
            front_offset: 0,
            body: text,
            body_offset: 0,
        });
    };
    let mut offset = text.len() - after_open.len();
    for (line_no, line) in (2..).zip(after_open.split_inclusive('\n')) {
        let bare = line.trim_end_matches(['\n', '\r']);
        if bare.trim_end() == "---" || bare.trim_end() == "..." {
            let front_end = offset;
            let body_start = offset + line.len();
            return Ok(Split {
                front: Some(&text[text.len() - after_open.len()..front_end]),
                front_offset: 1,
                body: &text[body_start..],
                body_offset: line_no,
            });
        }
        offset += line.len();
    }
    Err(
        Diagnostic::error("the front matter opened on line 1 is never closed")
            .in_file(file)
            .at_line(1)
            .with_help("add a line with only `---` after the last front matter line"),
    )
}

/// If `text` starts with a `---` line, the text after that line.
fn strip_fence_line(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("---")?;
    let rest = rest.trim_start_matches([' ', '\t']);
    rest.strip_prefix("\r\n")
        .or_else(|| rest.strip_prefix('\n'))
}

/// Reads typed values out of a parsed front matter map, recording an error (with the
/// key's line) for each value of the wrong kind.
pub struct Fields<'a> {
    map: Map<String, Value>,
    text: &'a str,
    file: &'a Path,
    offset: usize,
    /// Problems found so far.
    pub errors: Vec<Diagnostic>,
}

impl<'a> Fields<'a> {
    /// Parses the YAML `text` (found after `offset` lines of `file`).
    pub fn parse(text: &'a str, file: &'a Path, offset: usize) -> Result<Self, Diagnostic> {
        let map = yaml::parse_map(text).map_err(|e| e.into_diagnostic(file, offset))?;
        Ok(Fields {
            map,
            text,
            file,
            offset,
            errors: Vec::new(),
        })
    }

    /// Fields over an empty map (a file without front matter).
    pub fn empty(file: &'a Path) -> Self {
        Fields {
            map: Map::new(),
            text: "",
            file,
            offset: 0,
            errors: Vec::new(),
        }
    }

    /// The 1-based file line where `key` is written, if it is.
    pub fn line_of(&self, key: &str) -> Option<usize> {
        yaml::key_line(self.text, key).map(|l| l + self.offset)
    }

    /// An error about `key`, pointing at its line.
    pub fn error(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        let mut d = Diagnostic::error(message).in_file(self.file);
        d.line = self.line_of(key);
        d
    }

    fn wrong(&mut self, key: &str, found: &Value, example: &str) {
        let d = self
            .error(
                key,
                format!(
                    "`{key}` must be {example}, but it is {}",
                    yaml::describe(found)
                ),
            )
            .with_help(format!("write it like `{key}: {}`", example_value(example)));
        self.errors.push(d);
    }

    /// A text value; numbers and booleans are accepted as their text.
    pub fn text(&mut self, key: &str) -> Option<String> {
        match self.map.remove(key)? {
            Value::String(s) => Some(s),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Null => None,
            other => {
                self.wrong(key, &other, "a text");
                None
            }
        }
    }

    /// A list of texts; a single text is a list of one.
    pub fn text_list(&mut self, key: &str) -> Vec<String> {
        match self.map.remove(key) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(s)) if s.contains([',', '，', '、']) => {
                let d = self
                    .error(key, format!("`{key}: {s}` is one text, not a list"))
                    .with_help(format!(
                        "write a list in brackets: `{key}: [{}]`",
                        s.split([',', '，', '、'])
                            .map(str::trim)
                            .filter(|t| !t.is_empty())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                self.errors.push(d);
                Vec::new()
            }
            Some(Value::String(s)) => vec![s],
            Some(Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match item {
                        Value::String(s) => out.push(s),
                        Value::Number(n) => out.push(n.to_string()),
                        other => {
                            self.wrong(key, &other, "a list of texts");
                            return Vec::new();
                        }
                    }
                }
                out
            }
            Some(other) => {
                self.wrong(key, &other, "a list of texts");
                Vec::new()
            }
        }
    }

    /// A true/false value, false when absent.
    pub fn flag(&mut self, key: &str) -> bool {
        match self.map.remove(key) {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => b,
            Some(other) => {
                self.wrong(key, &other, "true or false");
                false
            }
        }
    }

    /// A whole number.
    pub fn integer(&mut self, key: &str) -> Option<i64> {
        match self.map.remove(key)? {
            Value::Number(n) if n.is_i64() => n.as_i64(),
            Value::Null => None,
            other => {
                self.wrong(key, &other, "a whole number");
                None
            }
        }
    }

    /// A whole number of at least 1 (items per page).
    pub fn positive(&mut self, key: &str) -> Option<usize> {
        let n = self.integer(key)?;
        if n < 1 {
            let d = self
                .error(key, format!("`{key}: {n}` must be 1 or more"))
                .with_help(format!(
                    "write how many items a page shows, like `{key}: 20`, or leave it out"
                ));
            self.errors.push(d);
            return None;
        }
        usize::try_from(n).ok()
    }

    /// A date or date-time.
    pub fn date(&mut self, key: &str) -> Option<WrittenDate> {
        let text = self.text(key)?;
        match text.parse::<WrittenDate>() {
            Ok(date) => Some(date),
            Err(e) => {
                let d = self
                    .error(key, format!("`{key}`: {e}"))
                    .with_help("write a date that exists, year-month-day: `2026-09-14`");
                self.errors.push(d);
                None
            }
        }
    }

    /// Everything not taken yet: the page's `extra`.
    pub fn rest(self) -> (Map<String, Value>, Vec<Diagnostic>) {
        (self.map, self.errors)
    }
}

fn example_value(example: &str) -> &'static str {
    match example {
        "a list of texts" => "[网络安全, 宣传周]",
        "true or false" => "true",
        "a whole number" => "10",
        _ => "文字",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> &'static Path {
        Path::new("a.md")
    }

    #[test]
    fn splits_and_counts_lines() {
        let text = "---\ntitle: a\ndate: 2026-09-14\n---\n\nBody\n";
        let s = split(text, file()).unwrap();
        assert_eq!(s.front, Some("title: a\ndate: 2026-09-14\n"));
        assert_eq!(s.front_offset, 1);
        assert_eq!(s.body, "\nBody\n");
        assert_eq!(s.body_offset, 4);
    }

    #[test]
    fn crlf_and_no_front_matter() {
        let s = split("---\r\ntitle: a\r\n---\r\nx", file()).unwrap();
        assert_eq!(s.front, Some("title: a\r\n"));
        assert_eq!(s.body, "x");
        let s = split("# Just text\n", file()).unwrap();
        assert_eq!(s.front, None);
        assert_eq!(s.body_offset, 0);
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let err = split("---\ntitle: a\n\nBody\n", file()).unwrap_err();
        assert!(err.message.contains("never closed"));
        assert_eq!(err.line, Some(1));
    }

    #[test]
    fn yaml_error_line_is_the_file_line() {
        let text = "---\ntitle: a\ndate: [2019\n---\n";
        let s = split(text, file()).unwrap();
        let err = Fields::parse(s.front.unwrap(), file(), s.front_offset)
            .err()
            .unwrap();
        assert!(err.line.unwrap() >= 3, "{err:?}");
    }

    #[test]
    fn typed_fields_report_their_line() {
        let text = "title: a\ntags: {a: 1}\ndate: 2019-02-30\nlayout: wide\n";
        let mut f = Fields::parse(text, file(), 1).unwrap();
        assert_eq!(f.text("title").as_deref(), Some("a"));
        assert!(f.text_list("tags").is_empty());
        assert!(f.date("date").is_none());
        let (extra, errors) = f.rest();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].line, Some(3));
        assert_eq!(errors[1].line, Some(4));
        assert_eq!(extra["layout"], Value::String("wide".into()));
    }

    #[test]
    fn single_tag_is_a_list() {
        let mut f = Fields::parse("tags: 网络安全\n", file(), 1).unwrap();
        assert_eq!(f.text_list("tags"), ["网络安全"]);
    }
}
