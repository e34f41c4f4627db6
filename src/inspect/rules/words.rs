//! `wrong-expression` (严重表述错误): wrong forms of official names and political terms
//! in the text readers see (titles, body, alt text, summaries; not code). Each hit is
//! traced back to the Markdown line where it is written.

use std::collections::BTreeSet;

use super::prose_line;
use crate::inspect::expressions::Expression;
use crate::inspect::rules::freshness::veto_at;
use crate::inspect::{Finding, Inspected, Level};

/// Every wrong form shown, once per place it is written.
pub fn wrong_expressions(site: &Inspected<'_>, list: &[Expression]) -> Vec<Finding> {
    let mut seen = BTreeSet::new();
    let mut found = Vec::new();
    for page in &site.pages {
        for expression in list.iter().filter(|e| page.scan.text.contains(&e.wrong)) {
            let places = written_at(site, page.file.as_deref(), &expression.wrong);
            let message = |wrong: &str| {
                let note = if expression.note.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", expression.note)
                };
                format!("「{wrong}」 should read 「{}」{note}", expression.right)
            };
            if places.is_empty() {
                if seen.insert((page.url.clone(), 0, expression.wrong.clone())) {
                    found.push(
                        Finding::new(
                            "wrong-expression",
                            Level::Deduct,
                            message(&expression.wrong),
                        )
                        .on(page.url.clone()),
                    );
                }
                continue;
            }
            for (file, line) in places {
                if seen.insert((file.clone(), line, expression.wrong.clone())) {
                    let url = site
                        .pages
                        .iter()
                        .find(|p| p.file.as_deref() == Some(file.as_str()))
                        .map_or(page.url.clone(), |p| p.url.clone());
                    found.push(
                        Finding::new(
                            "wrong-expression",
                            Level::Deduct,
                            message(&expression.wrong),
                        )
                        .in_file(file)
                        .at_line(Some(line))
                        .on(url),
                    );
                }
            }
        }
    }
    veto_at(&mut found, site.settings.wrong_expressions_veto);
    found
}

/// The content files and lines where `wrong` is written as prose: the page's own
/// file first, else any content file (a list shows other pages' titles).
fn written_at(site: &Inspected<'_>, own: Option<&str>, wrong: &str) -> Vec<(String, usize)> {
    let lib = &site.site.library;
    let texts = lib
        .pages
        .iter()
        .map(|p| {
            (
                format!("content/{}", p.file.rel),
                &p.front,
                p.front_offset,
                &p.body,
                p.body_offset,
            )
        })
        .chain(lib.sections.iter().map(|s| {
            (
                format!("content/{}", s.file.rel),
                &s.front,
                s.front_offset,
                &s.body,
                s.body_offset,
            )
        }));
    let mut own_hits = Vec::new();
    let mut other_hits = Vec::new();
    for (file, front, front_offset, body, body_offset) in texts {
        let line = front
            .lines()
            .position(|l| l.contains(wrong))
            .map(|i| i + 1 + front_offset)
            .or_else(|| prose_line(body, wrong).map(|l| l + body_offset));
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
