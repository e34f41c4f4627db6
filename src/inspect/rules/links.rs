//! `broken-link` (错链/断链): internal links, images and attachments of the rendered
//! pages, the landing page counted apart from the others. Links to other hosts are
//! listed with a count per host and never fetched.

use std::collections::{BTreeMap, BTreeSet};

use crate::check;
use crate::inspect::{Finding, Inspected, Level, PageKind};
use crate::markdown::is_external;

/// Broken links, grouped by link; `external` gets the other hosts linked.
pub fn broken(site: &Inspected<'_>, external: &mut Vec<(String, usize)>) -> Vec<Finding> {
    let config = &site.site.config;
    let written = check::checked_in_markdown(site.site);
    // (href, why, on the landing page) → the pages showing it.
    let mut broken: BTreeMap<(String, String, bool), Vec<&str>> = BTreeMap::new();
    let mut hosts: BTreeMap<String, usize> = BTreeMap::new();
    for page in &site.pages {
        let landing = page.kind == PageKind::Landing;
        let mut seen = BTreeSet::new();
        for href in &page.scan.links {
            if !seen.insert(href) || check::reported_in_markdown(&written, href) {
                continue;
            }
            if let Some(host) = external_host(href, &config.origin) {
                *hosts.entry(host).or_default() += 1;
                continue;
            }
            if let Some(why) = check::why_broken(href, &page.output, config, &site.published) {
                broken
                    .entry((href.clone(), why, landing))
                    .or_default()
                    .push(&page.url);
            }
        }
    }
    external.extend(hosts);
    broken
        .into_iter()
        .map(|((href, why, landing), pages)| {
            let place = if landing {
                "on the landing page".to_string()
            } else if pages.len() == 1 {
                format!("on {}", pages[0])
            } else {
                format!("on {} and {} other pages", pages[0], pages.len() - 1)
            };
            let mut f = Finding::new(
                "broken-link",
                Level::Deduct,
                format!("broken link `{href}` {place}: {why}"),
            )
            .on(pages[0].to_string());
            if let Some((file, line)) = check::markdown_lines(site.site, &href).into_iter().next() {
                let rel = file.strip_prefix(&site.site.root).unwrap_or(&file);
                f = f
                    .in_file(rel.to_string_lossy().replace('\\', "/"))
                    .at_line(Some(line));
            } else if let Some(file) = site
                .pages
                .iter()
                .find(|p| p.url == pages[0])
                .and_then(|p| p.file.clone())
            {
                f = f.in_file(file);
            }
            f
        })
        .collect()
}

/// The host of a link to another site (http, https or protocol-relative).
fn external_host(href: &str, origin: &str) -> Option<String> {
    if !is_external(href) || href.starts_with(origin) {
        return None;
    }
    let rest = href
        .strip_prefix("https://")
        .or_else(|| href.strip_prefix("http://"))
        .or_else(|| href.strip_prefix("//"))?;
    let host = rest.split(['/', '?', '#']).next()?.to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_of_other_sites_only() {
        let origin = "https://www.a.gov.cn";
        assert_eq!(
            external_host("https://Beian.miit.gov.cn/x", origin).as_deref(),
            Some("beian.miit.gov.cn")
        );
        assert_eq!(external_host("https://www.a.gov.cn/x/", origin), None);
        assert_eq!(external_host("/x/", origin), None);
        assert_eq!(external_host("mailto:a@b.cn", origin), None);
    }
}
