//! Rendering the shortcode calls of a body (found by `shortcodes`) and putting their
//! HTML where their placeholders ended up in the parsed Markdown.
//!
//! A block call's body is Markdown of the same file: it is rendered like the page
//! (links, images, nested calls), with lines counted from where it is written.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use serde_json::{Map, Value};

use super::shortcodes::{CLOSE, Call, Expanded, OPEN};
use super::{Rendered, Resolver, Source};
use crate::error::{Diagnostic, LineIndex};

/// A call as the resolver gets it.
#[derive(Debug, Clone, Copy)]
pub struct ShortcodeCall<'a> {
    /// The shortcode's name.
    pub name: &'a str,
    /// Its arguments.
    pub args: &'a Map<String, Value>,
    /// The rendered body of the block form.
    pub body: Option<&'a str>,
    /// The content file (path inside `content/`), for paths relative to it.
    pub rel: &'a str,
    /// How many calls of this shortcode came before in the body (0 for the first).
    pub nth: usize,
}

/// A rendered call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShortcodeOutput {
    /// The HTML.
    pub html: String,
    /// Warnings the template raised.
    pub warnings: Vec<String>,
    /// Published files the HTML needs (processed image variants).
    pub files: Vec<String>,
    /// Argument values that named files of the site.
    pub named_files: Vec<String>,
}

/// Why a call could not be rendered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShortcodeError {
    /// What went wrong.
    pub message: String,
    /// What to do.
    pub help: Option<String>,
    /// The argument at fault, to point at it.
    pub arg: Option<String>,
}

impl ShortcodeError {
    /// An error with a help line.
    pub fn new(message: impl Into<String>, help: impl Into<String>) -> ShortcodeError {
        ShortcodeError {
            message: message.into(),
            help: Some(help.into()),
            arg: None,
        }
    }
}

/// Renders every call of `expanded`; returns their HTML in order. Bodies' links,
/// images, files and text are added to `into`.
pub fn render_all(
    expanded: &Expanded,
    source: &Source<'_>,
    resolver: &dyn Resolver,
    into: &mut Rendered,
    problems: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let lines = LineIndex::new(source.body);
    let spot = |at: usize| {
        let (line, column) = lines.line_column(source.body, at);
        (line + source.body_offset, column)
    };
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::with_capacity(expanded.calls.len());
    for call in &expanded.calls {
        let nth = seen.iter().filter(|n| **n == call.name).count();
        seen.push(&call.name);
        into.shortcodes.push(call.name.clone());
        let body = call
            .body
            .clone()
            .map(|range| render_body(range, source, resolver, into, problems, &lines));
        let result = resolver.shortcode(&ShortcodeCall {
            name: &call.name,
            args: &call.args,
            body: body.as_deref(),
            rel: source.rel,
            nth,
        });
        match result {
            Ok(output) => {
                for warning in output.warnings {
                    let (line, column) = spot(call.name_at);
                    problems.push(
                        Diagnostic::warning(format!("shortcode `{}`: {warning}", call.name))
                            .in_file(source.file)
                            .at(line, column),
                    );
                }
                into.files.extend(output.files);
                into.shortcode_files.extend(output.named_files);
                out.push(output.html);
            }
            Err(error) => {
                problems.push(call_error(call, &error, source, &spot));
                out.push(String::new());
            }
        }
    }
    into.shortcodes.sort();
    into.shortcodes.dedup();
    out
}

fn call_error(
    call: &Call,
    error: &ShortcodeError,
    source: &Source<'_>,
    spot: &dyn Fn(usize) -> (usize, usize),
) -> Diagnostic {
    let at = error
        .arg
        .as_ref()
        .and_then(|arg| call.arg_at.iter().find(|(k, _)| k == arg))
        .map_or(call.name_at, |(_, at)| *at);
    let (line, column) = spot(at);
    let d = Diagnostic::error(format!("shortcode `{}`: {}", call.name, error.message))
        .in_file(source.file)
        .at(line, column);
    match &error.help {
        Some(help) => d.with_help(help.clone()),
        None => d,
    }
}

/// Renders a block call's body as Markdown of the same file.
fn render_body(
    range: Range<usize>,
    source: &Source<'_>,
    resolver: &dyn Resolver,
    into: &mut Rendered,
    problems: &mut Vec<Diagnostic>,
    lines: &LineIndex,
) -> String {
    let inner = Source {
        body: &source.body[range.clone()],
        body_offset: source.body_offset + lines.line(range.start) - 1,
        eager_first_image: false,
        ..*source
    };
    let (body, found) = super::render(&inner, resolver);
    problems.extend(found);
    into.links.extend(body.links);
    into.site_links.extend(body.site_links);
    into.images.extend(body.images);
    into.files.extend(body.files);
    into.shortcodes.extend(body.shortcodes);
    into.shortcode_files.extend(body.shortcode_files);
    into.stats.cjk_chars += body.stats.cjk_chars;
    into.stats.latin_words += body.stats.latin_words;
    if !body.text.is_empty() {
        into.text.push_str(&format!(" {}", body.text.as_str()));
    }
    body.html.into_string()
}

/// Replaces placeholders in the parsed events by the calls' HTML: a paragraph holding
/// only a placeholder becomes the HTML as a block, others inline HTML.
pub fn substitute<'a>(
    events: Vec<(Event<'a>, Range<usize>)>,
    html: &[String],
) -> Vec<(Event<'a>, Range<usize>)> {
    let mut out = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        if let Some((at, end)) = lone_placeholder(&events, i) {
            let range = events[i].1.clone();
            out.push((Event::Html(block_html(html, at).into()), range));
            i = end + 1;
            continue;
        }
        let (event, range) = events[i].clone();
        match event {
            Event::Text(text) if text.contains(OPEN) => split_text(&text, html, &range, &mut out),
            // A call written inside raw HTML (`<div>{{ x() }}</div>`).
            Event::Html(text) if text.contains(OPEN) => {
                out.push((Event::Html(replace_in_html(&text, html).into()), range));
            }
            Event::InlineHtml(text) if text.contains(OPEN) => {
                out.push((
                    Event::InlineHtml(replace_in_html(&text, html).into()),
                    range,
                ));
            }
            other => out.push((other, range)),
        }
        i += 1;
    }
    out
}

fn block_html(html: &[String], at: usize) -> String {
    let mut block = html.get(at).cloned().unwrap_or_default();
    if !block.ends_with('\n') {
        block.push('\n');
    }
    block
}

/// If a paragraph starting at `i` holds one placeholder and nothing else: its number
/// and the index of the paragraph's end.
fn lone_placeholder(events: &[(Event<'_>, Range<usize>)], i: usize) -> Option<(usize, usize)> {
    let (Event::Start(Tag::Paragraph), _) = &events[i] else {
        return None;
    };
    let mut text = String::new();
    for (j, (event, _)) in events.iter().enumerate().skip(i + 1) {
        match event {
            Event::Text(t) => text.push_str(t),
            Event::SoftBreak => {}
            Event::End(TagEnd::Paragraph) => {
                let inner = text.trim().strip_prefix(OPEN)?.strip_suffix(CLOSE)?;
                return Some((inner.parse().ok()?, j));
            }
            _ => return None,
        }
    }
    None
}

fn replace_in_html(text: &str, html: &[String]) -> String {
    let mut parts = Vec::new();
    split_text(text, html, &(0..0), &mut parts);
    parts
        .into_iter()
        .map(|(event, _)| match event {
            Event::Text(t) | Event::InlineHtml(t) => t.to_string(),
            _ => String::new(),
        })
        .collect()
}

fn split_text<'a>(
    text: &str,
    html: &[String],
    range: &Range<usize>,
    out: &mut Vec<(Event<'a>, Range<usize>)>,
) {
    let mut rest = text;
    while let Some(open) = rest.find(OPEN) {
        let after = &rest[open + OPEN.len_utf8()..];
        let Some(close) = after.find(CLOSE) else {
            break;
        };
        let Ok(n) = after[..close].parse::<usize>() else {
            break;
        };
        if open > 0 {
            out.push((
                Event::Text(CowStr::from(rest[..open].to_string())),
                range.clone(),
            ));
        }
        let call = html.get(n).cloned().unwrap_or_default();
        out.push((Event::InlineHtml(call.into()), range.clone()));
        rest = &after[close + CLOSE.len_utf8()..];
    }
    if !rest.is_empty() {
        out.push((Event::Text(CowStr::from(rest.to_string())), range.clone()));
    }
}
