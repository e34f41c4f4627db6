//! The check of the written output: every link and image of every HTML page leads to
//! a file the build publishes, under the site's base path.
//!
//! It runs once every file is written (`build` and `check`, not `serve`), so it sees
//! links however they were made: Markdown, templates, data files. A broken link is
//! reported where it was written when that can be found (the Markdown line, the data
//! file's line, the template's line), else with the template and the pages showing it.
//! Links to other hosts are not fetched: Herald never makes a request.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Mutex;

use crate::config::Config;
use crate::error::Diagnostic;
use crate::markdown::is_external;
use crate::output::Sink;
use crate::site::Site;
use crate::theme::Origin;

/// A sink that passes everything on and remembers every path written.
pub struct Recording<'a> {
    inner: &'a dyn Sink,
    paths: Mutex<BTreeSet<String>>,
}

impl<'a> Recording<'a> {
    /// Records what goes into `inner`.
    pub fn new(inner: &'a dyn Sink) -> Self {
        Recording {
            inner,
            paths: Mutex::new(BTreeSet::new()),
        }
    }

    /// Every path written so far.
    pub fn into_paths(self) -> BTreeSet<String> {
        self.paths.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    fn note(&self, path: &str) {
        self.paths
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string());
    }
}

impl Sink for Recording<'_> {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.inner.write(path, bytes)?;
        self.note(path);
        Ok(())
    }

    fn copy(&self, path: &str, origin: &Origin) -> Result<(), Diagnostic> {
        self.inner.copy(path, origin)?;
        self.note(path);
        Ok(())
    }

    fn keep(&self, path: &str) -> bool {
        let kept = self.inner.keep(path);
        if kept {
            self.note(path);
        }
        kept
    }
}

/// The links of one written HTML page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageLinks {
    /// The file written, relative to the output folder.
    pub output: String,
    /// The template it was rendered with.
    pub template: String,
    /// Every `href`, `src`, `srcset` and `action` URL, as written in the HTML; shared
    /// with the build state, which keeps them for the next build's link check.
    pub hrefs: std::sync::Arc<[String]>,
}

/// Every URL of an HTML page (see [`crate::html`]): links and what it loads, as
/// written, entities decoded; nothing inside script bodies.
pub fn links_in_html(html: &str) -> Vec<String> {
    crate::html::links(html)
}

/// `text` percent-decoded; borrowed when it holds no escape, as nearly every link and
/// base URL does, since this runs for every link of every page.
fn percent_decode(text: &str) -> std::borrow::Cow<'_, str> {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy()
}

/// Where a link leads, for the check.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// Not checked: another host, another scheme, or only a `#fragment` or `?query`.
    Elsewhere,
    /// A site path (no leading slash, decoded).
    Site(String),
    /// A link that cannot work, and why.
    Broken(String),
}

/// Reads a link found on the page written at `output`. The link and the base URL are
/// compared decoded: the same path may be written `/宣传周/` by a template and
/// `/%E5%AE%A3%E4%BC%A0%E5%91%A8/` by the Markdown renderer.
fn target(href: &str, output: &str, config: &Config) -> Target {
    let bare = percent_decode(href.split(['#', '?']).next().unwrap_or(""));
    match absolute_target(&bare, config) {
        Some(target) => target,
        None => relative_target(&bare, output),
    }
}

/// Where a link leads from whichever page it is on: `Some(Some(path))` for a site
/// path, `Some(None)` when it leads off the site or cannot work, `None` for a relative
/// link (which depends on the page).
pub fn target_from_anywhere(href: &str, config: &Config) -> Option<Option<String>> {
    let bare = percent_decode(href.split(['#', '?']).next().unwrap_or(""));
    match absolute_target(&bare, config)? {
        Target::Site(path) => Some(Some(path)),
        _ => Some(None),
    }
}

/// True when a link to the site path `path` is a link to one of `files` (folders
/// lead to their `index.html`).
pub fn leads_into(
    path: &str,
    files: &std::collections::HashSet<&str, impl std::hash::BuildHasher>,
) -> bool {
    leads_to_file(path, |file| files.contains(file))
}

/// [`target`] of a link read decoded (`bare`), unless it is relative (`None`).
fn absolute_target(bare: &str, config: &Config) -> Option<Target> {
    if bare.is_empty() {
        return Some(Target::Elsewhere);
    }
    let (base_url, base_path) = (
        percent_decode(&config.base_url),
        percent_decode(&config.base_path),
    );
    let from_root = bare.strip_prefix(config.origin.as_str()).unwrap_or(bare);
    if from_root.starts_with('/') && config.links.is_served_elsewhere(from_root) {
        return Some(Target::Elsewhere);
    }
    if let Some(path) = bare.strip_prefix(&*base_url) {
        return Some(Target::Site(path.to_string()));
    }
    if is_external(bare) {
        return Some(Target::Elsewhere);
    }
    if bare.starts_with('/') {
        return Some(match bare.strip_prefix(&*base_path) {
            Some(path) => Target::Site(path.to_string()),
            None if base_path.strip_suffix('/') == Some(bare) => Target::Site(String::new()),
            None => Target::Broken(format!(
                "it is outside the site's base path `{}`, so it leads off the site once it is served there",
                config.base_path
            )),
        });
    }
    None
}

/// [`target`] of a relative link read decoded (`bare`), on the page at `output`.
fn relative_target(bare: &str, output: &str) -> Target {
    // A relative link, read from the page's folder the way a browser does.
    let mut parts: Vec<&str> = output.split('/').collect();
    parts.pop();
    for segment in bare.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Target::Broken("it goes above the site's root".into());
                }
            }
            other => parts.push(other),
        }
    }
    let mut path = parts.join("/");
    if bare.ends_with('/') && !path.is_empty() {
        path.push('/');
    }
    Target::Site(path)
}

/// The site path (no leading slash, decoded) a link on the page at `output` leads
/// to, if it stays on the site.
pub fn site_path_of(href: &str, output: &str, config: &Config) -> Option<String> {
    match target(href, output, config) {
        Target::Site(path) => Some(path),
        _ => None,
    }
}

/// True when `href` is an image or `@/` link of Markdown left as written: the Markdown
/// check has already said why, at its line (`reported` is [`checked_in_markdown`]).
pub fn reported_in_markdown(reported: &BTreeSet<String>, href: &str) -> bool {
    reported.contains(&*percent_decode(href))
}

/// Why a link on the page at `output` is broken, or `None` when it works or leads
/// elsewhere.
pub fn why_broken(
    href: &str,
    output: &str,
    config: &Config,
    published: &BTreeSet<String>,
) -> Option<String> {
    match target(href, output, config) {
        Target::Elsewhere => None,
        Target::Site(path) if is_published(&path, published) => None,
        Target::Site(path) => Some(format!("nothing is published at /{path}")),
        Target::Broken(why) => Some(why),
    }
}

/// True if a site path leads to a written file (folders to their `index.html`).
fn is_published(path: &str, published: &BTreeSet<String>) -> bool {
    leads_to_file(path, |file| published.contains(file))
}

/// True if the site path `path` leads to a file that `exists`: itself, or for a
/// folder its `index.html`.
fn leads_to_file(path: &str, exists: impl Fn(&str) -> bool) -> bool {
    if path.is_empty() || path.ends_with('/') {
        return exists(&format!("{path}index.html"));
    }
    exists(path) || exists(&format!("{path}/index.html"))
}

/// Each page's broken links, once per page, with why, in page order: the pages are
/// read on every core (a build reads the links of every page it rendered).
fn broken_links<'p>(
    site: &Site,
    pages: &'p [PageLinks],
    published: &BTreeSet<String>,
) -> Vec<(&'p PageLinks, &'p String, String)> {
    use rayon::prelude::*;
    pages
        .par_iter()
        .flat_map_iter(|page| {
            let mut seen = BTreeSet::new();
            page.hrefs.iter().filter_map(move |href| {
                if !seen.insert(href) {
                    return None;
                }
                let why = why_broken(href, &page.output, &site.config, published)?;
                Some((page, href, why))
            })
        })
        .collect()
}

/// Checks every link of every page against the files written.
pub fn check_links(
    site: &Site,
    pages: &[PageLinks],
    published: &BTreeSet<String>,
) -> Vec<Diagnostic> {
    // Made only when a link is broken: it lists every Markdown link of the site.
    let reported = std::cell::OnceCell::new();
    // Broken links by href and why, with the pages showing them.
    let mut broken: BTreeMap<(String, String), Vec<&PageLinks>> = BTreeMap::new();
    for (page, href, why) in broken_links(site, pages, published) {
        if reported_in_markdown(reported.get_or_init(|| checked_in_markdown(site)), href) {
            continue;
        }
        broken.entry((href.clone(), why)).or_default().push(page);
    }
    let mut errors = Vec::new();
    for ((href, why), shown_on) in broken {
        let message = format!("broken link `{}`: {why}", percent_decode(&href));
        let written_in_markdown = markdown_lines(site, &href);
        if !written_in_markdown.is_empty() {
            for (file, line) in written_in_markdown {
                errors.push(
                    Diagnostic::error(message.clone())
                        .in_file(file)
                        .at_line(line)
                        .with_help("link to pages with `@/articles/x.md`, and to files from the site root (`/downloads/x.pdf` for static/downloads/x.pdf); a relative link is read from the page's URL, not from the Markdown file's folder"),
                );
            }
            continue;
        }
        let pages_text = on_pages(&shown_on);
        let written = href
            .strip_prefix(site.config.base_path.as_str())
            .map_or(href.clone(), |rest| format!("/{rest}"));
        if let Some((file, line)) = site
            .find_in_data(&href)
            .or_else(|| site.find_in_data(&written))
        {
            errors.push(
                Diagnostic::error(format!("{message} ({pages_text})"))
                    .in_file(file)
                    .at_line(line)
                    .with_help("write site paths from the root (`/topics/x/`) and pass them through url(path=…) in the template, which adds the base path"),
            );
            continue;
        }
        if let Some(d) = menu_entry(site, &href, &message) {
            errors.push(d);
            continue;
        }
        let template = &shown_on[0].template;
        let mut d = Diagnostic::error(format!("{message} ({pages_text}, template `{template}`)"))
            .with_help("make links in templates with url(path=…) or asset(path=…): they add the base path and check that the target exists");
        if let Some(templates) = &site.templates {
            match templates.find_line(template, &format!("\"{href}\"")) {
                Some((file, line)) => d = d.in_file(file).at_line(line),
                None => {
                    if let Some(file) = templates.path(template) {
                        d = d.in_file(file);
                    }
                }
            }
        }
        errors.push(d);
    }
    errors
}

/// The error for a broken `href` that is a menu entry of `config.yaml`, at its line:
/// the editor wrote it there, not in the template that shows the menu.
fn menu_entry(site: &Site, href: &str, message: &str) -> Option<Diagnostic> {
    let config = &site.config;
    let href = percent_decode(href);
    let item = config.menu.iter().find(|item| {
        !item.url.starts_with("@/")
            && !is_external(&item.url)
            && percent_decode(&config.href(item.url.trim_start_matches('/'))) == href
    })?;
    let line = std::fs::read_to_string(&config.path).ok().and_then(|text| {
        text.lines()
            .position(|l| l.contains(item.url.as_str()))
            .map(|i| i + 1)
    });
    Some(
        Diagnostic::error(format!("menu entry `{}`: {message}", item.name))
            .in_file(&config.path)
            .at_opt(line, None)
            .with_help("menu URLs are site paths from the root (`/topics/`) or `@/` content files (`@/about.md`)"),
    )
}

/// Images and `@/` links of Markdown as written: when one is still so in the HTML, it
/// could not be resolved, and the Markdown check has said why at its line.
pub fn checked_in_markdown(site: &Site) -> BTreeSet<String> {
    let lib = &site.library;
    let all = lib
        .pages
        .iter()
        .map(|p| &p.rendered)
        .chain(lib.sections.iter().map(|s| &s.rendered));
    let mut written = BTreeSet::new();
    for rendered in all {
        written.extend(rendered.images.iter().cloned());
        written.extend(rendered.links.iter().map(|link| match &link.anchor {
            Some(anchor) => format!("@/{}#{anchor}", link.target),
            None => format!("@/{}", link.target),
        }));
    }
    written
}

/// The Markdown files and lines where `href` is written.
pub fn markdown_lines(site: &Site, href: &str) -> Vec<(PathBuf, usize)> {
    // The renderer percent-encodes what the Markdown wrote: compare decoded.
    let href = percent_decode(href);
    let lib = &site.library;
    let pages = lib.pages.iter().map(|p| (&p.file, &p.rendered));
    let sections = lib.sections.iter().map(|s| (&s.file, &s.rendered));
    pages
        .chain(sections)
        .flat_map(|(file, rendered)| {
            rendered
                .site_links
                .iter()
                .filter(|link| percent_decode(&link.href) == href)
                .map(move |link| (file.path.clone(), link.line))
        })
        .collect()
}

/// "on /a/", "on /a/ and 3 other pages".
fn on_pages(pages: &[&PageLinks]) -> String {
    let url = |output: &str| format!("/{}", output.strip_suffix("index.html").unwrap_or(output));
    match pages.len() {
        1 => format!("on {}", url(&pages[0].output)),
        n => format!(
            "on {} and {} other page{}",
            url(&pages[0].output),
            n - 1,
            if n == 2 { "" } else { "s" }
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_links_but_not_in_scripts_or_data_attributes() {
        let html = r#"<a href="/a/?x=1&amp;y=2">a</a><img src="b.png" srcset="/c.jpg 480w, /d.jpg 960w" data-src="/no.png">
<script>var s = 'src="/not-a-link"';</script><script src="/js/site.js"></script><a href='/q/'>"#;
        assert_eq!(
            links_in_html(html),
            [
                "/a/?x=1&y=2",
                "b.png",
                "/c.jpg",
                "/d.jpg",
                "/js/site.js",
                "/q/"
            ]
        );
    }

    fn config(base_url: &str) -> Config {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("config.yaml"),
            format!("title: t\nbase_url: {base_url}\n"),
        )
        .unwrap();
        Config::load(dir.path()).unwrap()
    }

    #[test]
    fn reads_links_like_a_browser_under_the_base_path() {
        let c = config("https://example.gov.cn/campaign/");
        let page = "articles/x/index.html";
        let site = |p: &str| Target::Site(p.to_string());
        assert_eq!(target("/campaign/topics/", page, &c), site("topics/"));
        assert_eq!(target("/campaign", page, &c), site(""));
        assert_eq!(
            target("https://example.gov.cn/campaign/atom.xml", page, &c),
            site("atom.xml")
        );
        assert_eq!(target("../y/#top", page, &c), site("articles/y/"));
        assert_eq!(
            target("pic%20one.png", page, &c),
            site("articles/x/pic one.png")
        );
        assert_eq!(target("https://other.cn/x", page, &c), Target::Elsewhere);
        assert_eq!(target("mailto:a@b.cn", page, &c), Target::Elsewhere);
        assert_eq!(target("#top", page, &c), Target::Elsewhere);
        assert!(matches!(target("/about/", page, &c), Target::Broken(_)));
        assert!(matches!(target("../../../x", page, &c), Target::Broken(_)));
    }

    #[test]
    fn a_chinese_base_path_matches_however_it_is_encoded() {
        let c = config("https://example.gov.cn/宣传周/");
        let page = "articles/x/index.html";
        let site = |p: &str| Target::Site(p.to_string());
        assert_eq!(target("/宣传周/articles/y/", page, &c), site("articles/y/"));
        assert_eq!(
            target("/%E5%AE%A3%E4%BC%A0%E5%91%A8/articles/y/", page, &c),
            site("articles/y/")
        );
        assert_eq!(
            target(
                "https://example.gov.cn/%E5%AE%A3%E4%BC%A0%E5%91%A8/a%20b.pdf",
                page,
                &c
            ),
            site("a b.pdf")
        );
        assert!(matches!(target("/其他/", page, &c), Target::Broken(_)));
    }

    #[test]
    fn paths_served_elsewhere_are_not_checked() {
        let mut c = config("https://example.gov.cn/");
        c.links.served_elsewhere = vec!["/cms/".into()];
        let page = "index.html";
        assert_eq!(target("/cms/login", page, &c), Target::Elsewhere);
        assert_eq!(
            target("https://example.gov.cn/cms/", page, &c),
            Target::Elsewhere
        );
        assert_eq!(target("/cmsx", page, &c), Target::Site("cmsx".into()));
    }

    #[test]
    fn folders_lead_to_their_index() {
        let published: BTreeSet<String> = ["index.html", "a/index.html", "f.pdf"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        for ok in ["", "a/", "a", "f.pdf"] {
            assert!(is_published(ok, &published), "{ok}");
        }
        for missing in ["b/", "f.pdf/", "a/index"] {
            assert!(!is_published(missing, &published), "{missing}");
        }
    }
}
