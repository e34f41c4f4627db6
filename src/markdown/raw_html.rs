//! Raw HTML in Markdown: what it links to, what it loads, and blocks that swallow the
//! rest of the page.
//!
//! Its URLs are read with the HTML tokenizer ([`crate::html`]) and kept with their
//! lines, so a broken link in raw HTML is reported at the article's line like one
//! written in Markdown. Anything it loads from another host (`<iframe src>`,
//! `<script src>`) is an error unless `links.embed_hosts` allows that host.
//!
//! An HTML block that opens a comment (`<!--`), or a `<script>`, `<style>`,
//! `<textarea>` or `<pre>`, runs to its closing mark; when the editor forgot the mark,
//! it runs to the end of the article, and in the browser past it: the page's footer
//! (the ICP and police filing numbers) and scripts become part of the comment or the
//! script. Nothing shows that anything is wrong, so Herald makes it an error.

use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{Event, Tag, TagEnd};

use super::{Resolver, SiteLink, is_external};
use crate::error::Diagnostic;

/// The blocks that run until a closing mark, with that mark.
const RUNS_TO: &[(&str, &str)] = &[
    ("<!--", "-->"),
    ("<script", "</script"),
    ("<style", "</style"),
    ("<textarea", "</textarea"),
    ("<pre", "</pre"),
];

/// A piece of raw HTML in the body: an HTML block whole (a tag may span its lines),
/// or one inline tag.
pub struct Piece {
    /// The offset in the body where it starts.
    start: usize,
    /// Its HTML.
    html: String,
    /// True for an HTML block.
    block: bool,
}

/// The raw HTML of the body, in order.
pub fn pieces(events: &[(Event<'_>, Range<usize>)]) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut block: Option<Piece> = None;
    for (event, range) in events {
        let piece = |html: &str, block| Piece {
            start: range.start,
            html: html.to_string(),
            block,
        };
        match event {
            Event::Start(Tag::HtmlBlock) => block = Some(piece("", true)),
            Event::Html(html) => match &mut block {
                Some(open) => open.html.push_str(html),
                None => pieces.push(piece(html, false)),
            },
            Event::End(TagEnd::HtmlBlock) => pieces.extend(block.take()),
            Event::InlineHtml(html) => pieces.push(piece(html, false)),
            _ => {}
        }
    }
    pieces
}

/// Errors for raw HTML blocks whose closing mark is missing.
pub fn unclosed(
    pieces: &[Piece],
    line_of: &dyn Fn(usize) -> usize,
    file: &Path,
) -> Vec<Diagnostic> {
    let blocks = pieces.iter().filter(|p| p.block);
    blocks
        .filter_map(|piece| {
            let (open, close) = unclosed_in(&piece.html)?;
            Some(
                Diagnostic::error(format!(
                    "`{open}` is never closed with `{close}`: the rest of the article and the page after it (its footer too) would be swallowed by it"
                ))
                .in_file(file)
                .at_line(line_of(piece.start))
                .with_help(format!("add `{close}` where it should end, or write the text without `{open}`")),
            )
        })
        .collect()
}

/// The site links of the raw HTML, with their lines; loads from other hosts that
/// `resolver` does not allow go to `problems`.
pub fn urls(
    pieces: &[Piece],
    line_of: &dyn Fn(usize) -> usize,
    file: &Path,
    resolver: &dyn Resolver,
    problems: &mut Vec<Diagnostic>,
) -> Vec<SiteLink> {
    let mut links = Vec::new();
    for piece in pieces {
        let first_line = line_of(piece.start);
        for found in crate::html::urls(&piece.html) {
            let line = first_line + found.line.saturating_sub(1);
            let url = found.url.as_str();
            if url.starts_with(['#', '@']) || url.starts_with("data:") {
                continue;
            }
            if !is_external(url) {
                links.push(SiteLink {
                    href: url.to_string(),
                    line,
                });
                continue;
            }
            let Some(host) = host_of(url) else { continue };
            if found.loads && !resolver.may_embed(host) {
                problems.push(
                    Diagnostic::error(format!(
                        "`<{}=\"{url}\">` makes the page load from {host}: readers' browsers would contact it",
                        found.at
                    ))
                    .in_file(file)
                    .at_line(line)
                    .with_help(format!(
                        "download the file into the site (static/ or assets/) and link it from there; to embed a platform the office must use, add `{host}` to `links.embed_hosts` in config.yaml"
                    )),
                );
            }
        }
    }
    links
}

/// The host of an absolute or scheme-relative URL; `None` for `mailto:` and the like.
fn host_of(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("//")
        .or_else(|| url.split_once("://").map(|(_, rest)| rest))?;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next()?;
    (!host.is_empty()).then_some(host)
}

/// The opening and closing marks of a block that opens and is never closed.
fn unclosed_in(block: &str) -> Option<(&'static str, &'static str)> {
    let start = block.trim_start().to_ascii_lowercase();
    RUNS_TO.iter().copied().find(|(open, close)| {
        let opens = start
            .strip_prefix(open)
            .is_some_and(|rest| *open == "<!--" || rest.starts_with(['>', ' ', '\t', '\n', '\r']));
        opens && !start.contains(close)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser};

    fn problems(md: &str) -> Vec<(Option<usize>, String)> {
        let events: Vec<_> = Parser::new_ext(md, Options::empty())
            .into_offset_iter()
            .collect();
        let line_of = |offset: usize| md[..offset].matches('\n').count() + 1;
        unclosed(&pieces(&events), &line_of, Path::new("a.md"))
            .into_iter()
            .map(|d| (d.line, d.message))
            .collect()
    }

    #[test]
    fn an_unclosed_comment_or_script_is_an_error_at_its_line() {
        let found = problems("第一段\n\n<!-- 草稿：\n\n后面的正文\n");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, Some(3));
        assert!(found[0].1.starts_with("`<!--` is never closed with `-->`"));
        let found = problems("正文\n\n<script>\nvar x = 1;\n");
        assert_eq!(found[0].0, Some(3));
        assert!(found[0].1.starts_with("`<script` is never closed"));
    }

    struct Allow(&'static str);

    impl Resolver for Allow {
        fn link(&self, _: &str) -> Result<String, String> {
            Err(String::new())
        }
        fn image(&self, _: &str, _: &str) -> Result<super::super::ResolvedImage, String> {
            Err(String::new())
        }
        fn may_embed(&self, host: &str) -> bool {
            host == self.0
        }
    }

    fn raw_urls(md: &str, allow: &'static str) -> (Vec<(String, usize)>, Vec<String>) {
        let events: Vec<_> = Parser::new_ext(md, Options::empty())
            .into_offset_iter()
            .collect();
        let line_of = |offset: usize| md[..offset].matches('\n').count() + 1;
        let mut problems = Vec::new();
        let links = urls(
            &pieces(&events),
            &line_of,
            Path::new("a.md"),
            &Allow(allow),
            &mut problems,
        );
        let links = links.into_iter().map(|l| (l.href, l.line)).collect();
        let problems = problems
            .into_iter()
            .map(|d| format!("{}: {}", d.line.unwrap_or(0), d.message))
            .collect();
        (links, problems)
    }

    #[test]
    fn raw_html_links_keep_their_lines_and_other_hosts_may_not_load() {
        let md = "正文\n\n<div>\n<a href='/x/'>甲</a>\n<video\n  poster=/p.jpg></video>\n</div>\n\n见 <A HREF=\"/y/\">乙</A>。\n\n<iframe src=\"https://v.example.cn/e/1\"></iframe>\n\n<script src=\"//cdn.example.com/a.js\"></script>\n\n<a href=\"https://www.gov.cn/\">国务院</a>\n";
        let (links, problems) = raw_urls(md, "");
        assert_eq!(
            links,
            [
                ("/x/".to_string(), 4),
                ("/p.jpg".to_string(), 6),
                ("/y/".to_string(), 9)
            ]
        );
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].starts_with(
            "11: `<iframe src=\"https://v.example.cn/e/1\">` makes the page load from v.example.cn"
        ));
        assert!(problems[1].starts_with("13: `<script src="));
        let (_, allowed) = raw_urls(md, "v.example.cn");
        assert_eq!(allowed.len(), 1, "{allowed:?}");
    }

    #[test]
    fn closed_blocks_and_code_are_fine() {
        for md in [
            "<!-- 注释 -->\n\n正文\n",
            "<!--\n多行注释\n-->\n\n正文\n",
            "<script>var x;</script>\n",
            "<PRE>\n代码\n</PRE>\n",
            "```html\n<!-- 示例\n```\n",
            "    <!-- 缩进的代码\n",
            "<presentation>\n",
        ] {
            assert_eq!(problems(md), [], "{md}");
        }
    }
}
