//! `meta-missing`: the page metadata of 国办发〔2017〕47号 (政府网站发展指引, 附件),
//! present and non-empty on every page, read from the rendered HTML.

use crate::inspect::{Finding, Inspected, Level, PageKind};

const SITE: &[&str] = &["SiteName", "SiteDomain", "SiteIDCode"];
const COLUMN: &[&str] = &[
    "ColumnName",
    "ColumnDescription",
    "ColumnKeywords",
    "ColumnType",
];
const ARTICLE: &[&str] = &[
    "ColumnName",
    "ColumnType",
    "ArticleTitle",
    "PubDate",
    "ContentSource",
    "Keywords",
    "Author",
    "Description",
    "Image",
    "Url",
];

/// The tags a page of this kind must carry.
pub fn required(kind: PageKind) -> Vec<&'static str> {
    let mut names = SITE.to_vec();
    match kind {
        PageKind::Landing => {}
        PageKind::Column => names.extend(COLUMN),
        PageKind::Article(_) => names.extend(ARTICLE),
    }
    names
}

/// True if `text` reads `YYYY-MM-DD HH:MM`.
fn is_pub_date(text: &str) -> bool {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").is_ok() && text.len() == 16
}

/// One finding per page that lacks tags, naming them.
pub fn missing(site: &Inspected<'_>) -> Vec<Finding> {
    let mut found = Vec::new();
    for page in &site.pages {
        let mut lacking = Vec::new();
        for name in required(page.kind) {
            match page.scan.meta(name).map(str::trim) {
                None | Some("") => lacking.push(name.to_string()),
                Some(date) if name == "PubDate" && !is_pub_date(date) => {
                    lacking.push(format!("PubDate (`{date}` is not YYYY-MM-DD HH:MM)"));
                }
                Some(_) => {}
            }
        }
        if lacking.is_empty() {
            continue;
        }
        let mut f = Finding::new(
            "meta-missing",
            Level::Deduct,
            format!(
                "the page lacks the meta tag{} {}",
                if lacking.len() == 1 { "" } else { "s" },
                lacking.join(", ")
            ),
        )
        .on(page.url.clone());
        if let Some(file) = &page.file {
            f = f.in_file(file.clone());
        }
        found.push(f);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pub_date_has_minutes() {
        assert!(is_pub_date("2026-09-14 09:30"));
        assert!(!is_pub_date("2026-09-14"));
        assert!(!is_pub_date("2026-9-14 09:30"));
    }
}
