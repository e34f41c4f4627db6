//! Raw HTML in Markdown that swallows the rest of the page.
//!
//! An HTML block that opens a comment (`<!--`), or a `<script>`, `<style>`,
//! `<textarea>` or `<pre>`, runs to its closing mark; when the editor forgot the mark,
//! it runs to the end of the article, and in the browser past it: the page's footer
//! (the ICP and police filing numbers) and scripts become part of the comment or the
//! script. Nothing shows that anything is wrong, so Herald makes it an error.

use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{Event, Tag, TagEnd};

use crate::error::Diagnostic;

/// The blocks that run until a closing mark, with that mark.
const RUNS_TO: &[(&str, &str)] = &[
    ("<!--", "-->"),
    ("<script", "</script"),
    ("<style", "</style"),
    ("<textarea", "</textarea"),
    ("<pre", "</pre"),
];

/// Errors for raw HTML blocks whose closing mark is missing.
pub fn unclosed(
    events: &[(Event<'_>, Range<usize>)],
    line_of: &dyn Fn(usize) -> usize,
    file: &Path,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let mut block: Option<(usize, String)> = None;
    for (event, range) in events {
        match event {
            Event::Start(Tag::HtmlBlock) => block = Some((range.start, String::new())),
            Event::Html(html) => {
                if let Some((_, text)) = &mut block {
                    text.push_str(html);
                }
            }
            Event::End(TagEnd::HtmlBlock) => {
                if let Some((start, text)) = block.take()
                    && let Some((open, close)) = unclosed_in(&text)
                {
                    found.push(
                        Diagnostic::error(format!(
                            "`{open}` is never closed with `{close}`: the rest of the article and the page after it (its footer too) would be swallowed by it"
                        ))
                        .in_file(file)
                        .at_line(line_of(start))
                        .with_help(format!("add `{close}` where it should end, or write the text without `{open}`")),
                    );
                }
            }
            _ => {}
        }
    }
    found
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
        unclosed(&events, &line_of, Path::new("a.md"))
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
