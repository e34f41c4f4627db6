//! Markdown to HTML with pulldown-cmark, as a series of small passes over the event
//! list: heading ids, internal links, images, code highlighting, tables, then text
//! statistics and the summary.
//!
//! Rendering is pure: everything outside the text (where `@/` links point, image
//! sizes) comes through a [`Resolver`], so pages render in parallel and the same
//! input always gives the same output.

pub mod body;
mod calls;
pub mod headings;
pub mod highlight;
mod raw_html;
pub mod shortcodes;
pub mod summary;
pub mod text;

use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};
use serde::{Deserialize, Serialize};

use crate::error::{Diagnostic, LineIndex};
pub use body::Body;
pub use calls::{ShortcodeCall, ShortcodeError, ShortcodeOutput};
pub use headings::TocEntry;
use text::TextStats;

/// A rendered Markdown body and what was learnt from it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Rendered {
    /// The body as HTML. Not serialised: the Markdown cache keeps it apart.
    #[serde(skip)]
    pub html: Body,
    /// The hash of `html`, made once: after an edit in `serve`, every page's body
    /// version is compared, and hashing 10,000 bodies each time cost more than the
    /// rest of the check.
    pub html_hash: u64,
    /// The summary as an HTML fragment.
    pub summary: String,
    /// The summary as plain text, for meta descriptions and feeds.
    pub description: String,
    /// Table of contents, nested by level.
    pub toc: Vec<TocEntry>,
    /// Number of headings (all levels).
    pub heading_count: usize,
    /// Every heading id, in order, for checking `#anchor` links.
    pub anchors: Vec<String>,
    /// `@/` links found, for checking their anchors once every page is rendered.
    pub links: Vec<InternalLink>,
    /// Other links into the site (`/downloads/x.pdf`, `other/`), as written in the
    /// HTML, for checking once every file is written.
    pub site_links: Vec<SiteLink>,
    /// Characters and words read.
    pub stats: TextStats,
    /// Minutes to read.
    pub reading_time: u32,
    /// The body's text without markup or code, for search. Not serialised: the
    /// Markdown cache keeps it apart.
    #[serde(skip)]
    pub text: Body,
    /// Images written in the body, as written.
    pub images: Vec<String>,
    /// Published files the body's images need (processed variants).
    pub files: Vec<String>,
    /// Names of the shortcodes the body calls, sorted (unknown ones too): a change
    /// to one of their templates renders the body again.
    pub shortcodes: Vec<String>,
    /// Paths that shortcode arguments named, as written (their sizes are in the HTML).
    pub shortcode_files: Vec<String>,
}

/// A `@/path.md#anchor` link found in a body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InternalLink {
    /// The target's path inside `content/`.
    pub target: String,
    /// The `#anchor`, if any.
    pub anchor: Option<String>,
    /// 1-based line in the file.
    pub line: usize,
}

/// A link to a path of the site written as a plain URL, not with `@/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteLink {
    /// The `href` as it is in the HTML (with the base path for `/…` links).
    pub href: String,
    /// 1-based line in the file.
    pub line: usize,
}

/// An image as it should appear in HTML.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResolvedImage {
    /// The `src` URL.
    pub src: String,
    /// Intrinsic width, when known.
    pub width: Option<u32>,
    /// Intrinsic height, when known.
    pub height: Option<u32>,
    /// A `srcset` of resized copies.
    pub srcset: Option<String>,
    /// The `sizes` attribute that goes with `srcset`.
    pub sizes: Option<String>,
    /// Published files the image needs (its processed variants).
    pub files: Vec<String>,
}

/// What rendering needs to know about the rest of the site.
pub trait Resolver: Sync {
    /// The URL of a content file named by a `@/` link (given without `@/`).
    fn link(&self, target: &str) -> Result<String, String>;
    /// An image written in the Markdown of the content file `from` (a path inside
    /// `content/`).
    fn image(&self, src: &str, from: &str) -> Result<ResolvedImage, String>;
    /// The URL of a site path (`downloads/x.pdf`), under the site's base path.
    fn href(&self, site_path: &str) -> String {
        format!("/{site_path}")
    }
    /// Renders a shortcode call with its template.
    fn shortcode(&self, call: &ShortcodeCall<'_>) -> Result<ShortcodeOutput, ShortcodeError> {
        Err(ShortcodeError::new(
            format!("there is no shortcode `{}`", call.name),
            "add templates/shortcodes/NAME.html",
        ))
    }
    /// A version of the template of shortcode `name` (`None` when there is none), so
    /// that cached bodies calling it are rendered again when it changes.
    fn shortcode_version(&self, _name: &str) -> Option<u64> {
        None
    }
    /// True if an article's raw HTML may load from `host` (`links.embed_hosts`).
    fn may_embed(&self, _host: &str) -> bool {
        false
    }
    /// A version of a file a shortcode argument named (its size and time).
    fn file_version(&self, _written: &str, _from: &str) -> Option<u64> {
        None
    }
}

/// One Markdown body to render.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The Markdown.
    pub body: &'a str,
    /// The file, for errors.
    pub file: &'a Path,
    /// The file's path inside `content/`.
    pub rel: &'a str,
    /// Lines of the file before the body.
    pub body_offset: usize,
    /// A summary written in front matter (plain text).
    pub summary: Option<&'a str>,
    /// Load the first image at once (it is the first image of the page: there is no
    /// cover above it); all others load lazily.
    pub eager_first_image: bool,
    /// Keep the body's plain text (for the search index; it is not needed otherwise).
    pub keep_text: bool,
}

/// The Markdown features Herald turns on.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders one body. Problems (a missing link target, a missing image) come back as
/// diagnostics beside a complete rendering.
pub fn render(source: &Source<'_>, resolver: &dyn Resolver) -> (Rendered, Vec<Diagnostic>) {
    let (expanded, syntax) = shortcodes::expand(source.body);
    let lines = LineIndex::new(source.body);
    let line_of = |offset: usize| lines.line(expanded.original(offset)) + source.body_offset;
    let mut problems: Vec<Diagnostic> = syntax
        .into_iter()
        .map(|e| {
            let (line, column) = lines.line_column(source.body, e.at);
            Diagnostic::error(e.message)
                .in_file(source.file)
                .at(line + source.body_offset, column)
                .with_help(e.help)
        })
        .collect();
    let mut events: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(&expanded.text, options())
        .into_offset_iter()
        .collect();
    let mut from_calls = Rendered::default();
    if !expanded.calls.is_empty() {
        let html = calls::render_all(&expanded, source, resolver, &mut from_calls, &mut problems);
        events = calls::substitute(events, &html);
    }

    let footnotes = headings::footnote_ids(&mut events);
    let headings = headings::assign_ids(&mut events, &footnotes);
    // Plain links first: `@/` links become URLs with the base path in the next pass.
    let mut site_links = site_links(&mut events, resolver, &line_of);
    let links = resolve_links(&mut events, resolver, &line_of, source.file, &mut problems);
    let (stats, mut text) = read_text(&events);
    if !source.keep_text {
        text = String::new();
    }
    problems.extend(unclosed_bold(&events, &line_of, source.file));
    let raw = raw_html::pieces(&events);
    problems.extend(raw_html::unclosed(&raw, &line_of, source.file));
    let raw_links = raw_html::urls(&raw, &line_of, source.file, resolver, &mut problems);
    site_links.extend(raw_links);
    let mut images = Vec::new();
    let mut files = Vec::new();
    let events = replace_blocks(
        events,
        source,
        resolver,
        &line_of,
        &mut problems,
        &mut images,
        &mut files,
    );

    let summary_html = match (source.summary, summary::more_marker(&events)) {
        (Some(written), _) => format!("<p>{}</p>", escape_html(written.trim())),
        (None, Some(at)) => summary::html_before(&events, at),
        (None, None) => {
            let auto = summary::auto_text(&events);
            if auto.is_empty() {
                String::new()
            } else {
                format!("<p>{}</p>", escape_html(&auto))
            }
        }
    };
    let description = match source.summary {
        Some(written) => text::truncate_chars(written, 160),
        None => summary::auto_text(&events),
    };
    let mut html_out = String::with_capacity(source.body.len() * 3 / 2);
    html::push_html(&mut html_out, events.into_iter());
    let mut links = links;
    let mut stats = stats;
    links.extend(from_calls.links);
    site_links.extend(from_calls.site_links);
    images.extend(from_calls.images);
    files.extend(from_calls.files);
    stats.cjk_chars += from_calls.stats.cjk_chars;
    stats.latin_words += from_calls.stats.latin_words;
    if source.keep_text {
        text.push_str(&from_calls.text);
    }

    let rendered = Rendered {
        html_hash: crate::hash::of_bytes(html_out.as_bytes()),
        html: html_out.into(),
        summary: summary_html,
        description,
        heading_count: headings.len(),
        anchors: headings.iter().map(|h| h.id.clone()).collect(),
        toc: headings::nest(headings),
        links,
        site_links,
        reading_time: stats.reading_minutes(),
        stats,
        text: text.into(),
        images,
        files,
        shortcodes: from_calls.shortcodes,
        shortcode_files: from_calls.shortcode_files,
    };
    (rendered, problems)
}

/// Points `@/` links at their pages' URLs and records them for anchor checks.
fn resolve_links(
    events: &mut [(Event<'_>, Range<usize>)],
    resolver: &dyn Resolver,
    line_of: &dyn Fn(usize) -> usize,
    file: &Path,
    problems: &mut Vec<Diagnostic>,
) -> Vec<InternalLink> {
    let mut links = Vec::new();
    for (event, range) in events.iter_mut() {
        let Event::Start(Tag::Link { dest_url, .. }) = event else {
            continue;
        };
        let Some(written) = dest_url.strip_prefix("@/") else {
            continue;
        };
        let (target, anchor) = match written.split_once('#') {
            Some((t, a)) => (t.to_string(), Some(a.to_string())),
            None => (written.to_string(), None),
        };
        let line = line_of(range.start);
        match resolver.link(&target) {
            Ok(url) => {
                let href = match &anchor {
                    Some(a) => format!("{url}#{a}"),
                    None => url,
                };
                *dest_url = CowStr::from(href);
            }
            Err(why) => problems.push(
                Diagnostic::error(format!("broken link `@/{written}`: {why}"))
                    .in_file(file)
                    .at_line(line)
                    .with_help(
                        "`@/` paths start inside content/, e.g. `@/articles/2026/opening.md`",
                    ),
            ),
        }
        links.push(InternalLink {
            target,
            anchor,
            line,
        });
    }
    links
}

/// Puts the base path in front of links written from the site root (`/downloads/x.pdf`),
/// so they work when the site lives under a sub-path, and records every link into the
/// site for the check of the written output.
fn site_links(
    events: &mut [(Event<'_>, Range<usize>)],
    resolver: &dyn Resolver,
    line_of: &dyn Fn(usize) -> usize,
) -> Vec<SiteLink> {
    let mut found = Vec::new();
    for (event, range) in events.iter_mut() {
        let Event::Start(Tag::Link { dest_url, .. }) = event else {
            continue;
        };
        let written: &str = dest_url;
        if written.is_empty() || written.starts_with(['#', '@']) || is_external(written) {
            continue;
        }
        if let Some(path) = written.strip_prefix('/') {
            *dest_url = CowStr::from(resolver.href(path));
        }
        found.push(SiteLink {
            href: dest_url.to_string(),
            line: line_of(range.start),
        });
    }
    found
}

/// True for links that leave the site: `https://…`, `//host/…`, `mailto:…`, `tel:…`.
pub fn is_external(url: &str) -> bool {
    url.starts_with("//")
        || url.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        })
}

/// Warns about `**` left in the text: Markdown does not end bold right after a
/// punctuation mark when a letter follows (`**处理结果：**责令`), which Chinese text
/// does all the time, so the asterisks show on the page.
fn unclosed_bold(
    events: &[(Event<'_>, Range<usize>)],
    line_of: &dyn Fn(usize) -> usize,
    file: &Path,
) -> Vec<Diagnostic> {
    let mut in_code = false;
    let mut found: Vec<Diagnostic> = Vec::new();
    // The parser hands unmatched delimiters over one `*` at a time: look at runs of text.
    let mut run = String::new();
    let mut run_start = 0;
    let mut check = |run: &mut String, start: usize| {
        if run.contains("**") || run.contains("__") {
            let line = line_of(start);
            if found.last().is_none_or(|d| d.line != Some(line)) {
                found.push(
                    Diagnostic::warning("`**` shows as it is: this bold was not closed")
                        .in_file(file)
                        .at_line(line)
                        .with_help("Markdown ends bold only where the closing ** is not squeezed between a punctuation mark and a letter: write **处理结果**：责令整改, not **处理结果：**责令整改"),
                );
            }
        }
        run.clear();
    };
    for (event, range) in events {
        match event {
            Event::Text(t) if !in_code => {
                if run.is_empty() {
                    run_start = range.start;
                }
                run.push_str(t);
            }
            other => {
                check(&mut run, run_start);
                match other {
                    Event::Start(Tag::CodeBlock(_)) => in_code = true,
                    Event::End(TagEnd::CodeBlock) => in_code = false,
                    _ => {}
                }
            }
        }
    }
    check(&mut run, run_start);
    found
}

/// Counts readable text and collects it (without code) for search.
fn read_text(events: &[(Event<'_>, Range<usize>)]) -> (TextStats, String) {
    let mut stats = TextStats::default();
    let mut text = String::new();
    let mut in_code = false;
    for (event, _) in events {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) | Event::Code(t) => {
                stats.add(t);
                if !in_code {
                    text.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak | Event::End(_)
                if !in_code && !text.is_empty() && !text.ends_with(' ') =>
            {
                text.push(' ');
            }
            _ => {}
        }
    }
    (stats, text.trim_end().to_string())
}

/// Replaces code blocks by highlighted HTML, images by `<img>` with sizes, and wraps
/// tables so that they scroll on narrow screens.
fn replace_blocks<'a>(
    events: Vec<(Event<'a>, Range<usize>)>,
    source: &Source<'_>,
    resolver: &dyn Resolver,
    line_of: &dyn Fn(usize) -> usize,
    problems: &mut Vec<Diagnostic>,
    images: &mut Vec<String>,
    files: &mut Vec<String>,
) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut iter = events.into_iter();
    while let Some((event, range)) = iter.next() {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match &kind {
                    pulldown_cmark::CodeBlockKind::Fenced(info) => info.to_string(),
                    pulldown_cmark::CodeBlockKind::Indented => String::new(),
                };
                let mut code = String::new();
                for (inner, _) in iter.by_ref() {
                    match inner {
                        Event::Text(t) => code.push_str(&t),
                        Event::End(TagEnd::CodeBlock) => break,
                        _ => {}
                    }
                }
                out.push(Event::Html(highlight::code_block(&info, &code).into()));
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                let mut alt = String::new();
                let mut depth = 0;
                for (inner, _) in iter.by_ref() {
                    match inner {
                        Event::Text(t) | Event::Code(t) => alt.push_str(&t),
                        Event::Start(_) => depth += 1,
                        Event::End(TagEnd::Image) if depth == 0 => break,
                        Event::End(_) => depth -= 1,
                        _ => {}
                    }
                }
                images.push(dest_url.to_string());
                let image = match resolver.image(&dest_url, source.rel) {
                    Ok(image) => image,
                    Err(why) => {
                        problems.push(
                            Diagnostic::error(format!("image `{dest_url}`: {why}"))
                                .in_file(source.file)
                                .at_line(line_of(range.start)),
                        );
                        ResolvedImage {
                            src: dest_url.to_string(),
                            ..ResolvedImage::default()
                        }
                    }
                };
                if alt.trim().is_empty() {
                    problems.push(
                        Diagnostic::warning(format!("image `{dest_url}` has no alt text"))
                            .in_file(source.file)
                            .at_line(line_of(range.start))
                            .with_help(
                                "describe the picture for readers who cannot see it: ![描述](path)",
                            ),
                    );
                }
                files.extend(image.files.iter().cloned());
                let lazy = !(source.eager_first_image && images.len() == 1);
                out.push(Event::InlineHtml(
                    img_tag(&image, &alt, &title, lazy).into(),
                ));
            }
            Event::Start(Tag::Table(_)) => {
                // Focusable, so a table wider than a phone can be scrolled by keyboard.
                out.push(Event::Html(
                    "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"表格\">"
                        .into(),
                ));
                out.push(event);
            }
            Event::TaskListMarker(done) => {
                let (checked, label) = if done {
                    (" checked", "已完成")
                } else {
                    ("", "未完成")
                };
                out.push(Event::InlineHtml(
                    format!("<input type=\"checkbox\" disabled{checked} aria-label=\"{label}\"> ")
                        .into(),
                ));
            }
            Event::End(TagEnd::Table) => {
                out.push(event);
                out.push(Event::Html("</div>\n".into()));
            }
            other => out.push(other),
        }
    }
    out
}

/// An `<img>` element with its size, so the page does not jump while it loads.
pub fn img_tag(image: &ResolvedImage, alt: &str, title: &str, lazy: bool) -> String {
    let mut tag = format!(
        "<img src=\"{}\" alt=\"{}\"",
        escape_html(&image.src),
        escape_html(alt)
    );
    if let (Some(w), Some(h)) = (image.width, image.height) {
        tag.push_str(&format!(" width=\"{w}\" height=\"{h}\""));
    }
    if let Some(srcset) = &image.srcset {
        tag.push_str(&format!(" srcset=\"{}\"", escape_html(srcset)));
        if let Some(sizes) = &image.sizes {
            tag.push_str(&format!(" sizes=\"{}\"", escape_html(sizes)));
        }
    }
    if !title.is_empty() {
        tag.push_str(&format!(" title=\"{}\"", escape_html(title)));
    }
    tag.push_str(if lazy {
        " loading=\"lazy\" decoding=\"async\">"
    } else {
        " decoding=\"async\">"
    });
    tag
}

/// Escapes text for HTML content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
