//! The inspection rules, one file per family. Each takes the [`Inspected`] site and
//! returns findings; a rule switched off in `config.yaml` is left out here.

mod dates;
mod footer;
mod freshness;
mod links;
mod meta;
mod personal;
mod portal;
mod words;

use super::expressions::Expression;
use super::{Finding, Inspected, Level};
use crate::error::Diagnostic;

/// Every rule's findings, less the rules switched off.
pub fn all(
    site: &Inspected<'_>,
    expressions: &[Expression],
    external: &mut Vec<(String, usize)>,
) -> Vec<Finding> {
    let mut found = Vec::new();
    found.extend(freshness::homepage_stale(site));
    found.extend(freshness::columns(site));
    found.extend(dates::undated(site));
    found.extend(dates::future(site));
    found.extend(meta::missing(site));
    found.extend(footer::missing(site));
    found.extend(links::broken(site, external));
    found.extend(words::wrong_expressions(site, expressions));
    found.extend(personal::personal_info(site));
    found.extend(portal::consult(site));
    found.extend(portal::search(site));
    found.extend(portal::domain(site));
    found.extend(portal::annual_report(site));
    found.extend(portal::review(site));
    found.retain(|f| site.settings.off_reason(f.rule).is_none());
    found
}

/// Problems the load and render found, as findings: broken Markdown links and images
/// are `broken-link`; the links of the rendered pages are checked again by
/// [`links::broken`], so the render's own link errors are left out; anything else is
/// `build-error`.
pub fn build_errors(site: &Inspected<'_>, problems: &[Diagnostic]) -> Vec<Finding> {
    let mut found = Vec::new();
    for d in problems {
        let link = d.message.starts_with("broken link `@/")
            || d.message.starts_with("image `")
            || d.message.starts_with("cover image `");
        if d.message.starts_with("broken link `") && !link {
            continue;
        }
        let attachment = d.message.starts_with("cannot read")
            && d.file.as_ref().is_some_and(|f| {
                let ext = f
                    .extension()
                    .map(|e| e.to_string_lossy().to_ascii_lowercase());
                ext.is_some_and(|e| super::capture::TEXT_ATTACHMENTS.contains(&e.as_str()))
            });
        let (rule, level) = match (link, d.is_error()) {
            // Not read, so not checked for personal information: say so, as a warning.
            _ if attachment => ("personal-info", Level::Warn),
            (true, _) => ("broken-link", Level::Deduct),
            (false, true) => ("build-error", Level::Deduct),
            (false, false) => ("build-error", Level::Warn),
        };
        if site.settings.off_reason(rule).is_some() {
            continue;
        }
        let message = if attachment {
            format!(
                "the attachment was not checked for personal information: {}",
                d.message
            )
        } else {
            d.message.clone()
        };
        let mut f = Finding::new(rule, level, message).at_line(d.line);
        if let Some(file) = &d.file {
            let rel = file.strip_prefix(&site.site.root).unwrap_or(file);
            let rel = rel.to_string_lossy().replace('\\', "/");
            if let Some(page) = site.pages.iter().find(|p| p.file.as_deref() == Some(&rel)) {
                f = f.on(page.url.clone());
            }
            f = f.in_file(rel);
        }
        found.push(f);
    }
    found
}

/// The content files and lines where `needle` is written as prose: the page's own
/// file first, else any content file (a list shows other pages' titles and summaries).
pub fn written_at(site: &Inspected<'_>, own: Option<&str>, needle: &str) -> Vec<(String, usize)> {
    let mut own_hits = Vec::new();
    let mut other_hits = Vec::new();
    for (file, front, front_offset, body, body_offset) in sources(site) {
        let line = front
            .lines()
            .position(|l| l.contains(needle))
            .map(|i| i + 1 + front_offset)
            .or_else(|| prose_line(body, needle).map(|l| l + body_offset));
        if let Some(line) = line {
            if Some(file.as_str()) == own {
                own_hits.push((file, line));
            } else {
                other_hits.push((file, line));
            }
        }
    }
    if own_hits.is_empty() {
        other_hits
    } else {
        own_hits
    }
}

/// True if `needle` is written in some content file at all (in code, when
/// [`written_at`] found it in no prose: a summary shows code as plain text).
pub fn written_anywhere(site: &Inspected<'_>, needle: &str) -> bool {
    sources(site).any(|(_, front, _, body, _)| front.contains(needle) || body.contains(needle))
}

/// Every content file: (path from the site root, front matter, its offset, body, its offset).
fn sources<'a>(
    site: &'a Inspected<'_>,
) -> impl Iterator<Item = (String, &'a str, usize, &'a str, usize)> + 'a {
    let lib = &site.site.library;
    let pages = lib.pages.iter().map(|p| {
        let file = format!("content/{}", p.file.rel);
        (
            file,
            p.front.as_str(),
            p.front_offset,
            p.body.as_str(),
            p.body_offset,
        )
    });
    let sections = lib.sections.iter().map(|s| {
        let file = format!("content/{}", s.file.rel);
        (
            file,
            s.front.as_str(),
            s.front_offset,
            s.body.as_str(),
            s.body_offset,
        )
    });
    pages.chain(sections)
}

/// The 1-based line of the first line of `text` containing `needle`, skipping fenced
/// code blocks and inline code spans (what readers do not see as prose).
pub fn prose_line(text: &str, needle: &str) -> Option<usize> {
    let mut fence: Option<&str> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let marker = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m));
        match (fence, marker) {
            (None, Some(m)) => {
                fence = Some(m);
                continue;
            }
            (Some(open), Some(m)) if open == m => {
                fence = None;
                continue;
            }
            (Some(_), _) => continue,
            _ => {}
        }
        if line.starts_with("    ") || line.starts_with('\t') {
            continue;
        }
        if without_code_spans(line).contains(needle) {
            return Some(i + 1);
        }
    }
    None
}

fn without_code_spans(line: &str) -> String {
    let mut out = String::new();
    for (i, part) in line.split('`').enumerate() {
        if i % 2 == 0 {
            out.push_str(part);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_lines_skip_code() {
        let text = "---\ntitle: 甲\n---\n```\n中华人民共合国\n```\n`中华人民共合国`\n    中华人民共合国\n正文中华人民共合国\n";
        assert_eq!(prose_line(text, "中华人民共合国"), Some(9));
        assert_eq!(prose_line(text, "甲"), Some(2));
    }
}
