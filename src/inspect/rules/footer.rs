//! `footer-missing`: every page's footer shows the items 国办发〔2017〕47号 asks for,
//! read from the rendered HTML so that a template override that drops one is caught.

use crate::config::Footer;
use crate::inspect::html::PageScan;
use crate::inspect::{Finding, Inspected, Level};

/// One footer item: its name, the config key that feeds the default theme, and how
/// to tell it is shown.
struct Item {
    name: &'static str,
    key: &'static str,
    shown: fn(&PageScan) -> bool,
    configured: fn(&Footer) -> bool,
}

fn linked(scan: &PageScan, label: &str) -> bool {
    scan.footer_links
        .iter()
        .any(|(href, text)| !href.trim().is_empty() && text.to_uppercase().contains(label))
}

const ITEMS: &[Item] = &[
    Item {
        name: "主办单位",
        key: "org",
        shown: |s| s.footer_text.contains("主办"),
        configured: |f| !f.org.trim().is_empty(),
    },
    Item {
        name: "联系方式",
        key: "contact",
        shown: |s| {
            ["联系", "电话", "邮箱", "地址", "@"]
                .iter()
                .any(|w| s.footer_text.contains(w))
        },
        configured: |f| !f.contact.trim().is_empty(),
    },
    Item {
        name: "ICP备案号 (linked)",
        key: "icp",
        shown: |s| linked(s, "ICP"),
        configured: |f| !f.icp.trim().is_empty(),
    },
    Item {
        name: "公安机关备案号 (linked)",
        key: "police",
        shown: |s| linked(s, "公网安备"),
        configured: |f| !f.police.trim().is_empty(),
    },
    Item {
        name: "网站标识码",
        key: "site_code",
        shown: |s| s.footer_text.contains("网站标识码"),
        configured: |f| !f.site_code.trim().is_empty(),
    },
    Item {
        name: "党政机关标识",
        key: "organ_badge",
        shown: |s| s.footer_text.contains("党政机关"),
        configured: |f| f.organ_badge,
    },
    Item {
        name: "我为政府网站找错",
        key: "error_report_url",
        shown: |s| linked(s, "我为政府网站找错"),
        configured: |f| !f.error_report_url.trim().is_empty(),
    },
];

/// One finding per footer item some pages lack.
pub fn missing(site: &Inspected<'_>) -> Vec<Finding> {
    let footer = &site.site.config.footer;
    let mut found = Vec::new();
    for item in ITEMS {
        if item.key == "organ_badge" && !footer.organ_badge {
            continue;
        }
        let lacking: Vec<&str> = site
            .pages
            .iter()
            .filter(|p| !(item.shown)(&p.scan))
            .map(|p| p.url.as_str())
            .collect();
        let Some(first) = lacking.first() else {
            continue;
        };
        let pages = match lacking.len() {
            1 => "1 page".to_string(),
            n => format!("{n} pages"),
        };
        let mut f = if (item.configured)(footer) {
            let f = Finding::new(
                "footer-missing",
                Level::Deduct,
                format!(
                    "the footer of {pages} does not show {} (first: {first})",
                    item.name
                ),
            );
            match site_template(site, "partials/footer.html") {
                Some(file) => f.in_file(file),
                None => f,
            }
        } else {
            let config = &site.site.config;
            let text = std::fs::read_to_string(&config.path).unwrap_or_default();
            let line = crate::yaml::key_line(&text, "footer");
            Finding::new(
                "footer-missing",
                Level::Deduct,
                format!(
                    "the footer of {pages} does not show {}: config.yaml has no `footer.{}`",
                    item.name, item.key
                ),
            )
            .in_file("config.yaml")
            .at_line(line)
        };
        f = f.on(first.to_string());
        found.push(f);
    }
    found
}

/// The site's own copy of a template (`templates/…` or a theme folder under the site),
/// relative to the site root; `None` for the built-in theme.
fn site_template(site: &Inspected<'_>, name: &str) -> Option<String> {
    let path = site.site.templates.as_ref()?.path(name)?;
    let rel = path.strip_prefix(&site.site.root).ok()?;
    Some(rel.to_string_lossy().replace('\\', "/"))
}
