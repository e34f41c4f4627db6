//! The publishing gate (三审三校): an article's `review:` front matter, with the three
//! sign-offs 初审 (`first`), 复审 (`second`) and 终审 (`final`), each `{by, date}`.

use chrono::{DateTime, FixedOffset};
use serde_json::Value;

use crate::content::Page;
use crate::content::date::WrittenDate;

/// What is wrong with an article's sign-offs, if anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewProblem {
    /// No final sign-off (`review.final.by` and `review.final.date`).
    NoFinal,
    /// A sign-off is dated after now: (stage, date as written).
    Future(&'static str, String),
    /// A sign-off is not `{by, date}` with a real date: (stage, why).
    Malformed(&'static str, String),
}

impl ReviewProblem {
    /// One sentence for an error or a finding.
    pub fn message(&self) -> String {
        match self {
            ReviewProblem::NoFinal => {
                "the article has no final sign-off (终审): `review.final` needs `by` and `date`"
                    .into()
            }
            ReviewProblem::Future(stage, date) => {
                format!("the {stage} sign-off is dated {date}, after now")
            }
            ReviewProblem::Malformed(stage, why) => format!("the {stage} sign-off {why}"),
        }
    }
}

const STAGES: [(&str, &str); 3] = [("first", "初审"), ("second", "复审"), ("final", "终审")];

/// Checks the sign-offs of an article against `now` and `zone`.
pub fn check(page: &Page, now: DateTime<FixedOffset>, zone: FixedOffset) -> Option<ReviewProblem> {
    let review = page.meta.extra.get("review");
    let mut has_final = false;
    for (key, name) in STAGES {
        let Some(stage) = review.and_then(|r| r.get(key)) else {
            continue;
        };
        let label: &'static str = match name {
            "初审" => "first (初审)",
            "复审" => "second (复审)",
            _ => "final (终审)",
        };
        let by = stage.get("by").and_then(Value::as_str).unwrap_or("").trim();
        let date = match stage.get("date") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        if by.is_empty() || date.is_empty() {
            return Some(ReviewProblem::Malformed(
                label,
                "needs both `by` and `date`".into(),
            ));
        }
        let Ok(written) = date.parse::<WrittenDate>() else {
            return Some(ReviewProblem::Malformed(
                label,
                format!("has `date: {date}`, which is not a date"),
            ));
        };
        if written.resolve(zone) > now {
            return Some(ReviewProblem::Future(label, date));
        }
        has_final |= key == "final";
    }
    (!has_final).then_some(ReviewProblem::NoFinal)
}

/// The line to point at: `review:` where written, else the title.
pub fn line(page: &Page) -> Option<usize> {
    page.key_line("review").or_else(|| page.key_line("title"))
}

/// The publishing gate for `build` and `check`: a sign-off dated after now or
/// written wrong is an error; with `inspection.review_required`, so is an article
/// without a final sign-off.
pub fn gate(site: &crate::site::Site) -> Vec<crate::error::Diagnostic> {
    let config = &site.config;
    let mut errors = Vec::new();
    for page in site.library.pages.iter().filter(|p| p.is_article) {
        let Some(problem) = check(page, site.options.now, config.timezone) else {
            continue;
        };
        let help = match problem {
            ReviewProblem::NoFinal => {
                if !config.inspection.review_required {
                    continue;
                }
                "add `review: { final: { by: 姓名, date: 2026-09-14 } }` once the article is signed off (三审三校), or set `inspection.review_required: false`"
            }
            ReviewProblem::Future(..) => {
                "a sign-off cannot come before it happens: correct the date"
            }
            ReviewProblem::Malformed(..) => {
                "write each sign-off as `{ by: 姓名, date: 2026-09-14 }`"
            }
        };
        let mut d = crate::error::Diagnostic::error(problem.message())
            .in_file(&page.file.path)
            .with_help(help);
        d.line = line(page);
        errors.push(d);
    }
    errors
}
