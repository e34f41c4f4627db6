//! Site-wide rules: `consult-missing`, `search-missing`, `domain`, `annual-report`
//! and `review-missing`.

use chrono::Datelike;

use crate::content::Item;
use crate::inspect::review;
use crate::inspect::{Finding, Inspected, Level, PageKind, ScannedPage};

/// Words in the title of a page that is a consultation or feedback channel.
const CONSULT_WORDS: &[&str] = &["咨询", "留言", "信箱", "互动", "反馈", "建议"];

fn landing<'a>(site: &'a Inspected<'_>) -> Option<&'a ScannedPage> {
    site.pages.iter().find(|p| p.kind == PageKind::Landing)
}

/// Titles of the site's pages the landing page links.
fn linked_titles<'a>(site: &'a Inspected<'_>, page: &ScannedPage) -> Vec<&'a str> {
    let lib = &site.site.library;
    page.scan
        .links
        .iter()
        .filter_map(|h| match site.item_at(h, &page.output)? {
            Item::Page(id) => Some(lib.pages[id].meta.title.as_str()),
            Item::Section(id) => Some(lib.sections[id].title()),
        })
        .collect()
}

/// The landing page links a consultation or feedback channel.
pub fn consult(site: &Inspected<'_>) -> Vec<Finding> {
    let Some(page) = landing(site) else {
        return Vec::new();
    };
    let wanted = site.settings.consult_url.trim();
    let linked = if wanted.is_empty() {
        linked_titles(site, page)
            .iter()
            .any(|t| CONSULT_WORDS.iter().any(|w| t.contains(w)))
    } else {
        let config = &site.site.config;
        let target = match wanted.strip_prefix("@/") {
            Some(rel) => site.site.library.by_rel.get(rel).map(|&item| match item {
                Item::Page(id) => site.site.library.pages[id].path.clone(),
                Item::Section(id) => site.site.library.sections[id].path.clone(),
            }),
            None => crate::check::site_path_of(wanted, "index.html", config),
        };
        page.scan.links.iter().any(|h| {
            h == wanted
                || target.is_some() && crate::check::site_path_of(h, &page.output, config) == target
        })
    };
    if linked {
        return Vec::new();
    }
    let message = if wanted.is_empty() {
        "the landing page links no consultation or feedback channel: set `inspection.consult_url`, or link a page titled 咨询/留言/信箱/互动"
            .to_string()
    } else {
        format!("the landing page does not link the consultation channel `{wanted}`")
    };
    vec![
        Finding::new("consult-missing", Level::Deduct, message)
            .in_file("content/_index.md")
            .on(page.url.clone()),
    ]
}

/// The site has a search page with its index, reachable from the landing page.
pub fn search(site: &Inspected<'_>) -> Vec<Finding> {
    let config = &site.site.config;
    let why = if !config.search.enabled {
        "search is switched off (`search.enabled: false`)"
    } else if !site.published.contains("search/index.html") {
        "no search page is published at /search/"
    } else if landing(site).is_some_and(|p| {
        !p.scan
            .links
            .iter()
            .any(|h| crate::check::site_path_of(h, &p.output, config).as_deref() == Some("search/"))
    }) {
        "the landing page does not lead to the search page"
    } else {
        return Vec::new();
    };
    let mut f = Finding::new("search-missing", Level::Deduct, why);
    if !config.search.enabled {
        let text = std::fs::read_to_string(&config.path).unwrap_or_default();
        f = f
            .in_file("config.yaml")
            .at_line(crate::yaml::key_line(&text, "search"));
    }
    vec![f.on(config.href(""))]
}

/// `base_url` is under `.gov.cn`.
pub fn domain(site: &Inspected<'_>) -> Vec<Finding> {
    let host = &site.site.config.domain;
    if host == "gov.cn" || host.ends_with(".gov.cn") {
        return Vec::new();
    }
    let text = std::fs::read_to_string(&site.site.config.path).unwrap_or_default();
    vec![
        Finding::new(
            "domain",
            Level::Warn,
            format!("the site is served from `{host}`, which is not under .gov.cn"),
        )
        .in_file("config.yaml")
        .at_line(crate::yaml::key_line(&text, "base_url")),
    ]
}

/// From February on, the landing page links last year's annual report (opt-in).
pub fn annual_report(site: &Inspected<'_>) -> Vec<Finding> {
    if !site.settings.annual_report || site.now.month() < 2 {
        return Vec::new();
    }
    let Some(page) = landing(site) else {
        return Vec::new();
    };
    let year = format!("{}", site.now.year() - 1);
    let linked = linked_titles(site, page)
        .iter()
        .any(|t| t.contains(&year) && (t.contains("年度报表") || t.contains("年度报告")));
    if linked {
        return Vec::new();
    }
    vec![
        Finding::new(
            "annual-report",
            Level::Deduct,
            format!("the landing page does not link the {year} 政府网站工作年度报表 page"),
        )
        .in_file("content/_index.md")
        .on(page.url.clone()),
    ]
}

/// Articles without a final sign-off, when `inspection.review_required` is on; a
/// sign-off dated after now, always.
pub fn review(site: &Inspected<'_>) -> Vec<Finding> {
    let config = &site.site.config;
    let mut found = Vec::new();
    for page in site.site.library.pages.iter().filter(|p| p.is_article) {
        let Some(problem) = review::check(page, site.now, config.timezone) else {
            continue;
        };
        if problem == review::ReviewProblem::NoFinal && !site.settings.review_required {
            continue;
        }
        found.push(
            Finding::new("review-missing", Level::Deduct, problem.message())
                .in_file(format!("content/{}", page.file.rel))
                .at_line(review::line(page))
                .on(config.href(&crate::assets::encode_path(&page.path))),
        );
    }
    found
}
