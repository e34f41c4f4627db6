//! The one place Herald parses YAML.
//!
//! serde_yaml is deprecated upstream; keeping every call behind this module means a
//! maintained fork can replace it here alone. Values leave this module as
//! `serde_json::Value`, so no serde_yaml type spreads through the code base.
//!
//! Errors carry the 1-based line and column inside the parsed text; callers add the
//! offset of the text inside its file.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::Diagnostic;

/// A YAML problem at a line and column of the parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// 1-based line inside the parsed text.
    pub line: Option<usize>,
    /// 1-based column.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// How to fix it, where we can tell.
    pub help: Option<String>,
}

impl YamlError {
    /// A diagnostic for `file`, where the parsed text starts after `lines_before` lines.
    pub fn into_diagnostic(self, file: &std::path::Path, lines_before: usize) -> Diagnostic {
        let diagnostic = Diagnostic::error(self.message)
            .in_file(file)
            .at_opt(self.line.map(|l| l + lines_before), self.column);
        match self.help {
            Some(help) => diagnostic.with_help(help),
            None => diagnostic,
        }
    }
}

/// Parses `text` into `T`, reporting the line of the problem and, for an unknown key,
/// the nearest known one.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    if text.trim().is_empty() {
        // An empty document is an empty map, so that defaults and "missing key" apply.
        return serde_yaml::from_str("{}").map_err(|e| convert(text, &e));
    }
    check_nesting(text)?;
    serde_yaml::from_str(text).map_err(|e| convert(text, &e))
}

/// Parses a document that must be a map of keys to values (front matter). A key
/// written twice is an error at its second line: the parser would keep one value
/// silently, and the editor would not know which.
pub fn parse_map(text: &str) -> Result<Map<String, Value>, YamlError> {
    if let Some((key, first, line)) = repeated_key(text) {
        return Err(YamlError {
            line: Some(line),
            column: Some(1),
            message: format!("`{key}` is written twice: the parser would silently keep one"),
            help: Some(format!(
                "keep one `{key}:` line (the other is {} lines above)",
                line - first
            )),
        });
    }
    match parse_value(text)? {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        other => Err(YamlError {
            line: Some(1),
            column: Some(1),
            message: format!(
                "expected `key: value` lines (a map), but this is {}",
                describe(&other)
            ),
            help: Some("write one `key: value` per line, for example `title: 标题`".into()),
        }),
    }
}

/// Parses any YAML document (data files).
pub fn parse_value(text: &str) -> Result<Value, YamlError> {
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    check_nesting(text)?;
    serde_yaml::from_str(text).map_err(|e| convert(text, &e))
}

/// How deep `[…]` and `{…}` may nest: far beyond any real front matter or data file.
const MAX_NESTING: usize = 64;

/// Refuses flow collections nested deeper than [`MAX_NESTING`] before the parser sees
/// them: the parser takes minutes on `[[[[…` a hundred thousand deep, and a file
/// like that is a mistake (or an attack), never content.
///
/// A bracket counts when it opens a collection: anywhere inside one (where plain
/// text cannot hold brackets), or at depth 0 where a value or list item starts. Quoted
/// strings and comments are skipped.
fn check_nesting(text: &str) -> Result<(), YamlError> {
    let mut depth = 0usize;
    for (number, line) in text.lines().enumerate() {
        let mut quote = None;
        let mut previous = None;
        for (column, c) in line.chars().enumerate() {
            if let Some(q) = quote {
                if c == q {
                    quote = None;
                }
            } else if c == '"' || c == '\'' {
                quote = Some(c);
            } else if c == '#' && previous.is_none_or(char::is_whitespace) {
                break;
            } else if matches!(c, '[' | '{')
                && (depth > 0 || previous.is_none_or(|p| matches!(p, ':' | '-' | '?')))
            {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(YamlError {
                        line: Some(number + 1),
                        column: Some(column + 1),
                        message: format!(
                            "lists or maps nested more than {MAX_NESTING} levels deep"
                        ),
                        help: Some("this is not front matter or data Herald can use: look for a run of `[` or `{`".into()),
                    });
                }
            } else if matches!(c, ']' | '}') && depth > 0 {
                depth -= 1;
            }
            if !c.is_whitespace() {
                previous = Some(c);
            }
        }
    }
    Ok(())
}

/// The first top-level key written twice: (key, first line, second line).
fn repeated_key(text: &str) -> Option<(String, usize, usize)> {
    let mut seen = std::collections::HashMap::new();
    for (i, line) in text.lines().enumerate() {
        // Top-level keys start the line; indented lines belong to a value.
        if line.starts_with([' ', '\t', '#', '-', '[', '{', '"', '\'', '?', '|', '>']) {
            continue;
        }
        let Some((key, _)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim_end();
        if key.is_empty() || key.contains(' ') {
            continue;
        }
        if let Some(first) = seen.insert(key.to_string(), i + 1) {
            return Some((key.to_string(), first, i + 1));
        }
    }
    None
}

/// The 1-based line where top-level `key:` is written in `text`, if it is.
pub fn key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            let line = line.strip_prefix('"').unwrap_or(line);
            line.strip_prefix(key)
                .map(|rest| rest.strip_prefix('"').unwrap_or(rest))
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map(|i| i + 1)
}

/// A few words naming the kind of a value, for messages.
pub fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "empty",
        Value::Bool(_) => "a true/false value",
        Value::Number(_) => "a number",
        Value::String(_) => "a text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

fn convert(text: &str, error: &serde_yaml::Error) -> YamlError {
    let location = error.location();
    let mut line = location.as_ref().map(|l| l.line());
    let mut column = location.as_ref().map(|l| l.column());
    // A problem noticed at the end of the text (an unclosed bracket) belongs to the
    // last line that has something on it, not to the line after it.
    let last = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .last()
        .map_or(1, |(i, _)| i + 1);
    if line.is_some_and(|l| l > last) {
        line = Some(last);
        column = None;
    }
    let mut message = error.to_string();
    // serde_yaml appends " at line L column C"; we report the location ourselves.
    if let Some(cut) = message.find(" at line ") {
        message.truncate(cut);
    }
    let mut help = None;
    // serde_yaml puts the path of a nested key first: "footer: unknown field `x`…".
    let (path, bare) = match message.find("unknown field `") {
        Some(at) if at > 0 => (
            message[..at].trim_end_matches([':', ' ']).to_string(),
            message[at..].to_string(),
        ),
        _ => (String::new(), message.clone()),
    };
    if let Some((unknown, expected)) = parse_unknown_field(&bare) {
        help = Some(match nearest(&unknown, &expected) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("known keys here: {}", expected.join(", ")),
        });
        let full = if path.is_empty() {
            unknown
        } else {
            format!("{path}.{unknown}")
        };
        message = format!("unknown key `{full}`");
    } else if let Some(rest) = message.strip_prefix("missing field ") {
        message = format!("missing key {rest}");
    } else if let Some(bad) = line
        .and_then(|l| text.lines().nth(l.saturating_sub(1)))
        .filter(|l| l.contains('\t'))
    {
        if bad.trim_start_matches(' ').starts_with('\t') {
            // libyaml says "found character that cannot start any token": say which.
            message = "this line is indented with a tab character".into();
        }
        help = Some("YAML does not allow tab characters for indentation: use spaces".into());
    } else if message.contains("did not find expected node content")
        || message.contains("did not find expected ',' or")
        || message.contains("unexpected end of stream")
    {
        help = Some("a value is missing, or a `[`, `{` or quote is not closed".into());
    } else if message.contains("did not find expected key")
        || message.contains("mapping values are not allowed")
    {
        help = Some(
            "check the indentation and quote values that contain `: ` or start with `[`, `{`, `*`, `&`, `!`, `%` or `@`"
                .into(),
        );
    }
    YamlError {
        line,
        column,
        message,
        help,
    }
}

/// Reads serde's "unknown field `x`, expected one of `a`, `b`" message.
fn parse_unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (unknown, rest) = rest.split_once('`')?;
    let expected = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    Some((unknown.to_string(), expected))
}

/// The known name closest to `unknown`, if one is close enough to be a typo
/// (swapped, missing or extra letters).
pub fn nearest<'a>(unknown: &str, known: &'a [String]) -> Option<&'a str> {
    let limit = if unknown.chars().count() <= 3 { 1 } else { 2 };
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(unknown, k), k))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, k)| k.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        title: String,
        #[serde(default)]
        paginate: u32,
    }

    #[test]
    fn unknown_key_names_line_and_nearest() {
        let err = from_str::<Sample>("title: a\npaginat: 3\n").unwrap_err();
        assert_eq!(err.message, "unknown key `paginat`");
        assert_eq!(err.line, Some(2));
        assert_eq!(err.help.as_deref(), Some("did you mean `paginate`?"));
    }

    #[test]
    fn missing_key_is_reported() {
        let err = from_str::<Sample>("paginate: 3\n").unwrap_err();
        assert_eq!(err.message, "missing key `title`");
    }

    #[test]
    fn tabs_get_a_hint() {
        let err = parse_value("a:\n\tb: 1\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert_eq!(err.message, "this line is indented with a tab character");
        assert!(err.help.unwrap().contains("tab"));
    }

    #[test]
    fn syntax_error_has_line() {
        let err = parse_map("title: a\ndate: [2019\n").unwrap_err();
        assert!(err.line.is_some());
    }

    #[test]
    fn list_is_not_a_map() {
        let err = parse_map("- a\n- b\n").unwrap_err();
        assert!(err.message.contains("a list"), "{}", err.message);
    }

    #[test]
    fn key_line_finds_top_level_keys() {
        let text = "title: a\ndate: 2019-02-30\n  date: nested\n";
        assert_eq!(key_line(text, "date"), Some(2));
        assert_eq!(key_line(text, "slug"), None);
    }

    #[test]
    fn dates_stay_text() {
        let map = parse_map("date: 2019-09-16\n").unwrap();
        assert_eq!(map["date"], Value::String("2019-09-16".into()));
    }

    #[test]
    fn deep_nesting_is_refused_at_once_with_its_line() {
        let deep = format!("title: x\nx: {}", "[".repeat(200_000));
        let started = std::time::Instant::now();
        let err = parse_map(&deep).unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert_eq!((err.line, err.column), (Some(2), Some(68)));
        assert!(
            err.message.contains("nested more than 64 levels"),
            "{}",
            err.message
        );
        let closed = format!("x: {}1{}\n", "[".repeat(100), "]".repeat(100));
        assert!(from_str::<serde_json::Value>(&closed).is_err());
    }

    #[test]
    fn brackets_in_text_quotes_and_comments_are_not_nesting() {
        let text = format!(
            "title: 第[1]期 {}\nsummary: \"{}\"\n# {}\ntags: [a, [b, {{c: d}}]]\n",
            "[".repeat(80),
            "{".repeat(80),
            "[".repeat(80)
        );
        let map = parse_map(&text).unwrap();
        assert_eq!(map["tags"][1][1]["c"], "d");
    }
}
