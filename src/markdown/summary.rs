//! Summaries: the text before `<!-- more -->`, or the first ~120 characters of the
//! body's paragraphs, cut on a character boundary with every open tag closed.

use pulldown_cmark::{Event, Tag, TagEnd, html};

use super::text::truncate_chars;

/// The auto summary's length in characters.
pub const SUMMARY_CHARS: usize = 120;

/// The marker editors put where the summary ends.
const MORE: &str = "<!-- more -->";

/// Index of the event holding the `<!-- more -->` marker, if any.
pub fn more_marker(events: &[Event<'_>]) -> Option<usize> {
    let at = events.iter().position(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => h.trim() == MORE,
        _ => false,
    })?;
    // A marker on its own line is an HTML block: cut before the block starts.
    if at > 0 && matches!(events[at - 1], Event::Start(Tag::HtmlBlock)) {
        Some(at - 1)
    } else {
        Some(at)
    }
}

/// HTML of the events before `end`, with any tag still open there closed.
pub fn html_before(events: &[Event<'_>], end: usize) -> String {
    let mut open: Vec<TagEnd> = Vec::new();
    for event in &events[..end] {
        match event {
            Event::Start(tag) => open.push(tag.to_end()),
            Event::End(_) => {
                open.pop();
            }
            _ => {}
        }
    }
    let closing = open.into_iter().rev().map(Event::End);
    let mut out = String::new();
    html::push_html(&mut out, events[..end].iter().cloned().chain(closing));
    out.trim_end().to_string()
}

/// The plain text of the first paragraphs, about [`SUMMARY_CHARS`] characters long.
///
/// Headings, code, tables, images and raw HTML are skipped: a summary is prose.
pub fn auto_text(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    let mut skip_depth = 0usize;
    let mut in_paragraph = false;
    for event in events {
        match event {
            Event::Start(tag) => {
                if skip_depth > 0 || skips(tag) {
                    skip_depth += 1;
                } else if matches!(tag, Tag::Paragraph) {
                    in_paragraph = true;
                }
            }
            Event::End(end) => {
                if skip_depth > 0 {
                    skip_depth -= 1;
                } else if matches!(end, TagEnd::Paragraph) {
                    in_paragraph = false;
                    if text.chars().count() >= SUMMARY_CHARS {
                        break;
                    }
                    if !text.is_empty() && !text.ends_with(' ') {
                        text.push(' ');
                    }
                }
            }
            Event::Text(t) | Event::Code(t) if skip_depth == 0 && in_paragraph => text.push_str(t),
            Event::SoftBreak | Event::HardBreak
                if skip_depth == 0 && in_paragraph && text.ends_with(|c: char| c.is_ascii()) =>
            {
                text.push(' ');
            }
            _ => {}
        }
    }
    truncate_chars(&text, SUMMARY_CHARS)
}

fn skips(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Heading { .. }
            | Tag::CodeBlock(_)
            | Tag::Table(_)
            | Tag::Image { .. }
            | Tag::HtmlBlock
            | Tag::FootnoteDefinition(_)
            | Tag::BlockQuote(_)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser};

    fn events(md: &str) -> Vec<Event<'_>> {
        Parser::new_ext(md, Options::all()).collect()
    }

    #[test]
    fn before_more_marker() {
        let e = events("第一段**重点**。\n\n<!-- more -->\n\n第二段。\n");
        let at = more_marker(&e).unwrap();
        assert_eq!(html_before(&e, at), "<p>第一段<strong>重点</strong>。</p>");
    }

    #[test]
    fn inline_marker_closes_open_tags() {
        let e = events("开头 *强调 <!-- more --> 结尾*\n");
        let at = more_marker(&e).unwrap();
        let html = html_before(&e, at);
        assert!(
            html.ends_with("</em></p>") || html.ends_with("</p>"),
            "{html}"
        );
        assert!(!html.contains("结尾"));
    }

    #[test]
    fn auto_text_skips_headings_and_code() {
        let e = events("## 标题\n\n正文[链接](/x/)一。\n\n```\ncode\n```\n\n正文二。\n");
        assert_eq!(auto_text(&e), "正文链接一。 正文二。");
    }

    #[test]
    fn auto_text_is_cut() {
        let body = "网络安全".repeat(60);
        let e = events(&body);
        let text = auto_text(&e);
        assert_eq!(text.chars().count(), SUMMARY_CHARS + 1);
    }
}
