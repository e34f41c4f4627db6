//! Shortcodes in Markdown, in Zola's syntax: `{{ name(key="value", n=3) }}` inline, and
//! `{% name(key="value") %}Markdown{% end %}` with a body.
//!
//! Finding them works on the Markdown source, before pulldown-cmark sees it, with code
//! spans and fenced or indented code left alone (so documentation can show a
//! shortcode). Each call is replaced by a placeholder that Markdown passes through as
//! text; after parsing, the placeholder becomes the call's HTML. [`Expanded`] maps
//! offsets in the new text back to the source, so every line and column stays exact.
//! `{{/* name() */}}` (and `{%/* … */%}`) writes the call itself as text.
//!
//! This module only reads syntax; rendering a call is the [`super::Resolver`]'s work.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde_json::{Map, Number, Value};

/// One shortcode call found in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The shortcode's name.
    pub name: String,
    /// Arguments by name.
    pub args: Map<String, Value>,
    /// Where each argument's value starts, by name (for errors about one argument).
    pub arg_at: Vec<(String, usize)>,
    /// The whole call in the source, the body and `{% end %}` included.
    pub span: Range<usize>,
    /// Where the name starts.
    pub name_at: usize,
    /// The body of the block form, in the source.
    pub body: Option<Range<usize>>,
}

/// A problem with a call's syntax, at a byte offset of the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where it is.
    pub at: usize,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub help: String,
}

/// What a call becomes in the text handed to Markdown.
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Call(Call),
    /// An escaped call, written as text.
    Literal(Range<usize>, String),
}

/// Markdown with every call replaced by a placeholder.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Expanded {
    /// The text for pulldown-cmark.
    pub text: String,
    /// The calls, in order: placeholder `n` stands for `calls[n]`.
    pub calls: Vec<Call>,
    /// `(offset in text, offset in source)` where the two start to agree again.
    anchors: Vec<(usize, usize)>,
}

/// First character of a placeholder (Unicode private use: never in real text, and not
/// punctuation, so it changes no emphasis around it).
pub const OPEN: char = '\u{E000}';
/// Last character of a placeholder.
pub const CLOSE: char = '\u{E001}';

impl Expanded {
    /// The source offset of an offset in [`Expanded::text`].
    pub fn original(&self, offset: usize) -> usize {
        let i = self.anchors.partition_point(|&(at, _)| at <= offset);
        match i.checked_sub(1).map(|i| self.anchors[i]) {
            Some((at, source)) => source + (offset - at),
            None => offset,
        }
    }
}

/// Finds the calls in `source` and replaces them by placeholders.
pub fn expand(source: &str) -> (Expanded, Vec<SyntaxError>) {
    let (pieces, errors) = find(source);
    let mut out = Expanded {
        text: String::with_capacity(source.len()),
        ..Expanded::default()
    };
    let mut copied = 0;
    for piece in pieces {
        let span = match &piece {
            Piece::Call(call) => call.span.clone(),
            Piece::Literal(span, _) => span.clone(),
        };
        out.text.push_str(&source[copied..span.start]);
        match piece {
            Piece::Literal(_, text) => out.text.push_str(&text),
            Piece::Call(call) => {
                // A call on lines of its own stands as a block: keep it out of the
                // paragraph around it.
                let own_lines = starts_line(source, span.start) && ends_line(source, span.end);
                if own_lines {
                    out.text.push('\n');
                }
                out.text.push(OPEN);
                out.text.push_str(&out.calls.len().to_string());
                out.text.push(CLOSE);
                if own_lines {
                    out.text.push('\n');
                }
                out.calls.push(call);
            }
        }
        copied = span.end;
        out.anchors.push((out.text.len(), copied));
    }
    out.text.push_str(&source[copied..]);
    (out, errors)
}

fn starts_line(source: &str, at: usize) -> bool {
    let line_start = source[..at].rfind('\n').map_or(0, |i| i + 1);
    source[line_start..at].trim().is_empty()
}

fn ends_line(source: &str, at: usize) -> bool {
    let line_end = source[at..].find('\n').map_or(source.len(), |i| at + i);
    source[at..line_end].trim().is_empty()
}

/// The byte ranges of code spans and code blocks, where nothing is expanded.
fn code_ranges(source: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut block_start = None;
    for (event, range) in Parser::new_ext(source, super::options()).into_offset_iter() {
        match event {
            Event::Code(_) => ranges.push(range),
            Event::Start(Tag::CodeBlock(_)) => block_start = Some(range.start),
            Event::End(TagEnd::CodeBlock) => {
                if let Some(start) = block_start.take() {
                    ranges.push(start..range.end);
                }
            }
            _ => {}
        }
    }
    ranges
}

/// Finds every call, escape and error of `source`, outside code.
fn find(source: &str) -> (Vec<Piece>, Vec<SyntaxError>) {
    if next_open(source, 0).is_none() {
        return (Vec::new(), Vec::new());
    }
    // In source order and never overlapping: the range holding `at` is the last one
    // starting at or before it.
    let code = code_ranges(source);
    let in_code = |at: usize| {
        let i = code.partition_point(|r| r.start <= at);
        i > 0 && code[i - 1].contains(&at)
    };
    let mut pieces = Vec::new();
    let mut errors = Vec::new();
    let mut at = 0;
    while let Some(found) = next_open(source, at) {
        if in_code(found) {
            at = found + 2;
            continue;
        }
        let inline = source[found..].starts_with("{{");
        match read_call(source, found, inline, &in_code) {
            Ok(Some(piece)) => {
                at = match &piece {
                    Piece::Call(c) => c.span.end,
                    Piece::Literal(span, _) => span.end,
                };
                pieces.push(piece);
            }
            Ok(None) => at = found + 2,
            Err(e) => {
                at = found + 2;
                errors.push(e);
            }
        }
    }
    (pieces, errors)
}

/// The next `{{` or `{%` at or after `from`.
fn next_open(source: &str, from: usize) -> Option<usize> {
    let bytes = source.as_bytes();
    let mut at = from;
    loop {
        let i = at + source.get(at..)?.find('{')?;
        if matches!(bytes.get(i + 1), Some(b'{' | b'%')) {
            return Some(i);
        }
        at = i + 1;
    }
}

/// Reads the call starting at `start` (`{{` or `{%`). `Ok(None)` for braces that are
/// not a call (`{{ 一 }}` in prose stays text).
fn read_call(
    source: &str,
    start: usize,
    inline: bool,
    in_code: &dyn Fn(usize) -> bool,
) -> Result<Option<Piece>, SyntaxError> {
    let close = if inline { "}}" } else { "%}" };
    let mut p = Cursor {
        text: source,
        at: start + 2,
    };
    p.skip_space();
    if p.rest().starts_with("/*") {
        return read_escape(source, start, inline).map(Some);
    }
    let name_at = p.at;
    let name = p.identifier();
    if name.is_empty() {
        return Ok(None);
    }
    p.skip_space();
    if !inline && name == "end" && p.rest().starts_with(close) {
        return Err(SyntaxError {
            at: start,
            message: "`{% end %}` without a block shortcode to close".into(),
            help: "remove it, or open the block with `{% name(…) %}` above it".into(),
        });
    }
    if !p.rest().starts_with('(') {
        return Ok(None);
    }
    p.at += 1;
    let (args, arg_at) = read_args(&mut p, &name)?;
    p.skip_space();
    if !p.rest().starts_with(close) {
        return Err(p.error(
            format!("shortcode `{name}`: expected `{close}` after the arguments"),
            format!("close the call: {}", example(&name, inline)),
        ));
    }
    p.at += 2;
    let mut call = Call {
        name,
        args,
        arg_at,
        span: start..p.at,
        name_at,
        body: None,
    };
    if !inline {
        let (body, end) = find_end(source, p.at, in_code).ok_or_else(|| SyntaxError {
            at: start,
            message: format!("block shortcode `{}` is never closed", call.name),
            help: "end its body with `{% end %}` on a line of its own".into(),
        })?;
        call.body = Some(body);
        call.span.end = end;
    }
    Ok(Some(Piece::Call(call)))
}

/// `{{/* name() */}}` → the text `{{ name() }}`.
fn read_escape(source: &str, start: usize, inline: bool) -> Result<Piece, SyntaxError> {
    let (open, close) = if inline { ("{{", "}}") } else { ("{%", "%}") };
    let from = source[start..].find("/*").map_or(start, |i| start + i + 2);
    let end = source[from..].find("*/").map(|i| from + i);
    let after = end.map(|e| e + 2 + leading_space(&source[e + 2..]));
    match (end, after) {
        (Some(end), Some(after)) if source[after..].starts_with(close) => Ok(Piece::Literal(
            start..after + 2,
            format!("{open}{}{close}", &source[from..end]),
        )),
        _ => Err(SyntaxError {
            at: start,
            message: "an escaped shortcode is not closed".into(),
            help: format!("write it as {open}/* name(…) */{close}"),
        }),
    }
}

fn leading_space(text: &str) -> usize {
    text.len() - text.trim_start().len()
}

/// The body and the end of the `{% end %}` that closes a block opened before `from`,
/// counting blocks opened inside it.
fn find_end(
    source: &str,
    from: usize,
    in_code: &dyn Fn(usize) -> bool,
) -> Option<(Range<usize>, usize)> {
    let mut depth = 0;
    let mut at = from;
    while let Some(i) = source[at..].find("{%").map(|i| at + i) {
        at = i + 2;
        if in_code(i) {
            continue;
        }
        let mut p = Cursor { text: source, at };
        p.skip_space();
        if p.rest().starts_with("/*") {
            continue;
        }
        let word = p.identifier();
        p.skip_space();
        if word == "end" && p.rest().starts_with("%}") {
            if depth == 0 {
                // The body starts after the opening line's end, so its lines line up.
                let start = if source[from..].starts_with("\r\n") {
                    from + 2
                } else if source[from..].starts_with('\n') {
                    from + 1
                } else {
                    from
                };
                return Some((start..i.max(start), p.at + 2));
            }
            depth -= 1;
        } else if !word.is_empty() && p.rest().starts_with('(') {
            depth += 1;
        }
    }
    None
}

/// Where each argument's value starts, by name.
type ArgPlaces = Vec<(String, usize)>;

fn read_args(
    p: &mut Cursor<'_>,
    name: &str,
) -> Result<(Map<String, Value>, ArgPlaces), SyntaxError> {
    let mut args = Map::new();
    let mut at = Vec::new();
    loop {
        p.skip_space();
        if p.rest().starts_with(')') {
            p.at += 1;
            return Ok((args, at));
        }
        let key = p.identifier();
        if key.is_empty() {
            return Err(p.error(
                format!("shortcode `{name}`: expected an argument name or `)`"),
                "write arguments as key=\"value\", separated by commas".into(),
            ));
        }
        p.skip_space();
        if !p.rest().starts_with('=') {
            return Err(p.error(
                format!("shortcode `{name}`: argument `{key}` has no value"),
                format!("write it as {key}=\"…\""),
            ));
        }
        p.at += 1;
        p.skip_space();
        at.push((key.clone(), p.at));
        let value = p.value(&key)?;
        if args.insert(key.clone(), value).is_some() {
            return Err(p.error(
                format!("shortcode `{name}`: argument `{key}` is given twice"),
                "keep one of them".into(),
            ));
        }
        p.skip_space();
        if p.rest().starts_with(',') {
            p.at += 1;
        } else if !p.rest().starts_with(')') {
            return Err(p.error(
                format!("shortcode `{name}`: expected `,` or `)` after argument `{key}`"),
                "separate arguments with commas; quote text values: key=\"value\"".into(),
            ));
        }
    }
}

fn example(name: &str, inline: bool) -> String {
    if inline {
        format!("{{{{ {name}(key=\"value\") }}}}")
    } else {
        format!("{{% {name}(key=\"value\") %}}…{{% end %}}")
    }
}

/// A position in the source while reading a call.
struct Cursor<'a> {
    text: &'a str,
    at: usize,
}

impl Cursor<'_> {
    fn rest(&self) -> &str {
        &self.text[self.at..]
    }

    fn skip_space(&mut self) {
        self.at += leading_space(self.rest());
    }

    fn identifier(&mut self) -> String {
        let len = self
            .rest()
            .char_indices()
            .find(|&(i, c)| !(c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())))
            .map_or(self.rest().len(), |(i, _)| i);
        let word = self.rest()[..len].to_string();
        self.at += len;
        word
    }

    fn error(&self, message: String, help: String) -> SyntaxError {
        SyntaxError {
            at: self.at,
            message,
            help,
        }
    }

    /// A value: "text", 'text', `text`, a number, true/false, or a [list].
    fn value(&mut self, key: &str) -> Result<Value, SyntaxError> {
        let rest = self.rest();
        if let Some(quote) = rest
            .chars()
            .next()
            .filter(|c| matches!(c, '"' | '\'' | '`'))
        {
            let Some(len) = rest[1..].find(quote) else {
                return Err(self.error(
                    format!("argument `{key}`: the text is never closed"),
                    format!("end it with {quote}"),
                ));
            };
            let text = rest[1..1 + len].to_string();
            self.at += len + 2;
            return Ok(Value::String(text));
        }
        if rest.starts_with('[') {
            self.at += 1;
            let mut items = Vec::new();
            loop {
                self.skip_space();
                if self.rest().starts_with(']') {
                    self.at += 1;
                    return Ok(Value::Array(items));
                }
                items.push(self.value(key)?);
                self.skip_space();
                if self.rest().starts_with(',') {
                    self.at += 1;
                } else if !self.rest().starts_with(']') {
                    return Err(self.error(
                        format!("argument `{key}`: expected `,` or `]` in the list"),
                        "write a list as [\"a\", \"b\"]".into(),
                    ));
                }
            }
        }
        let len = rest
            .find(|c: char| c == ',' || c == ')' || c == ']' || c.is_whitespace())
            .unwrap_or(rest.len());
        let word = &rest[..len];
        let value = match word {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => word.parse::<i64>().ok().map(Value::from).or_else(|| {
                word.parse::<f64>()
                    .ok()
                    .and_then(Number::from_f64)
                    .map(Value::Number)
            }),
        };
        match value {
            Some(value) => {
                self.at += len;
                Ok(value)
            }
            None => Err(self.error(
                format!("argument `{key}`: `{word}` is not a value"),
                format!("quote text: {key}=\"{word}\"; numbers and true/false go without quotes"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls(source: &str) -> Vec<Call> {
        let (expanded, errors) = expand(source);
        assert!(errors.is_empty(), "{errors:?}");
        expanded.calls
    }

    #[test]
    fn reads_inline_arguments_of_every_kind() {
        let found = calls(r#"看 {{ video(src="/v.mp4", n=3, ok=true, x=-1.5, l=['a', "b"]) }} 了"#);
        assert_eq!(found.len(), 1);
        let args = &found[0].args;
        assert_eq!(args["src"], "/v.mp4");
        assert_eq!(args["n"], 3);
        assert_eq!(args["ok"], true);
        assert_eq!(args["x"], -1.5);
        assert_eq!(args["l"], serde_json::json!(["a", "b"]));
    }

    #[test]
    fn block_body_starts_on_the_next_line_and_nests() {
        let source = "{% notice(type=\"info\") %}\n外 {% notice() %}内{% end %}\n{% end %}\n后文";
        let found = calls(source);
        assert_eq!(found.len(), 1);
        let body = found[0].body.clone().unwrap();
        assert_eq!(&source[body], "外 {% notice() %}内{% end %}\n");
        assert_eq!(&source[found[0].span.end..], "\n后文");
    }

    #[test]
    fn code_is_left_alone_and_escapes_become_text() {
        let source = "`{{ video(src=\"a\") }}`\n\n```\n{{ video() }}\n```\n\n写作 {{/* video(src=\"a\") */}}。";
        let (expanded, errors) = expand(source);
        assert!(errors.is_empty());
        assert!(expanded.calls.is_empty());
        assert!(expanded.text.contains("`{{ video(src=\"a\") }}`"));
        assert!(expanded.text.contains("写作 {{ video(src=\"a\") }}。"));
    }

    #[test]
    fn offsets_map_back_to_the_source() {
        let source = "{% notice() %}\n一\n二\n{% end %}\n\n[链接](@/x.md)";
        let (expanded, _) = expand(source);
        let at = expanded.text.find("[链接]").unwrap();
        assert_eq!(expanded.original(at), source.find("[链接]").unwrap());
        assert!(expanded.text.starts_with(&format!("\n{OPEN}0{CLOSE}\n")));
    }

    #[test]
    fn errors_point_at_the_problem() {
        let cases = [
            ("{{ video(src=/v.mp4) }}", 13, "`/v.mp4` is not a value"),
            (
                "{{ video(src=\"a\" title=\"b\") }}",
                17,
                "expected `,` or `)`",
            ),
            ("{{ video(src=\"a\") }", 18, "expected `}}`"),
            ("x\n{% notice() %}\n正文", 2, "never closed"),
            ("{% end %}", 0, "without a block"),
            ("{{ video(src) }}", 12, "has no value"),
        ];
        for (source, at, message) in cases {
            let (_, errors) = expand(source);
            assert_eq!(errors.len(), 1, "{source}: {errors:?}");
            assert_eq!(errors[0].at, at, "{source}: {errors:?}");
            assert!(errors[0].message.contains(message), "{source}: {errors:?}");
        }
    }

    #[test]
    fn many_single_braces_are_no_trouble() {
        let css = "a { b: c } ".repeat(200_000);
        let (expanded, errors) = expand(&css);
        assert!(errors.is_empty() && expanded.calls.is_empty());
        assert_eq!(expanded.text.len(), css.len());
    }

    #[test]
    fn braces_in_prose_are_not_calls() {
        let (expanded, errors) = expand("集合 {{ a, b }} 与 {% raw %}");
        assert!(errors.is_empty());
        assert!(expanded.calls.is_empty());
    }
}
