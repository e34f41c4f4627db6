//! `wrong-expression` (严重表述错误): wrong forms of official names and political terms
//! in the text readers see (titles, body, alt text, summaries; not code). Each hit is
//! traced back to the Markdown line where it is written.

use std::collections::BTreeSet;

use super::written_at;
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
