//! `herald inspect`: the portal checked against the national government-website
//! inspection rules (国办秘函〔2019〕19号, and the page metadata of 国办发〔2017〕47号)
//! before it goes live.
//!
//! The site is loaded and rendered as `check` does, into memory ([`capture`]); each
//! rendered page is read with an HTML tokenizer ([`html`]) and every rule family
//! ([`rules`]) looks at what readers see and at the content files. Nothing is written
//! but the report the caller asks for.

pub mod capture;
pub mod expressions;
pub mod html;
pub mod report;
pub mod review;
pub mod rules;
pub mod score;
pub mod settings;

use std::collections::BTreeSet;

use rustc_hash::FxHashMap;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use crate::content::{Item, SectionId, SectionKind};
use crate::error::Diagnostic;
use crate::site::{LoadOptions, Site};
use capture::Capture;
use html::PageScan;
use settings::Inspection;

/// How much a finding weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// 单项否决: fails the site outright.
    Veto,
    /// Costs points.
    Deduct,
    /// Shown, costs nothing.
    Warn,
}

impl Level {
    /// The name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Level::Veto => "veto",
            Level::Deduct => "deduct",
            Level::Warn => "warn",
        }
    }
}

/// One problem an inspector would find.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Finding {
    /// The rule's stable id, e.g. `column-stale`.
    pub rule: &'static str,
    /// How much it weighs.
    pub level: Level,
    /// The file to fix, relative to the site root (`content/articles/x.md`).
    pub file: Option<String>,
    /// The line in `file`.
    pub line: Option<usize>,
    /// The URL of the page where it shows (root-relative, with the base path).
    pub url: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl Finding {
    /// A finding without a place yet.
    pub fn new(rule: &'static str, level: Level, message: impl Into<String>) -> Finding {
        Finding {
            rule,
            level,
            file: None,
            line: None,
            url: None,
            message: message.into(),
        }
    }

    /// Sets the file.
    #[must_use]
    pub fn in_file(mut self, file: impl Into<String>) -> Finding {
        self.file = Some(file.into());
        self
    }

    /// Sets the line.
    #[must_use]
    pub fn at_line(mut self, line: Option<usize>) -> Finding {
        self.line = line;
        self
    }

    /// Sets the URL of the page.
    #[must_use]
    pub fn on(mut self, url: impl Into<String>) -> Finding {
        self.url = Some(url.into());
        self
    }
}

/// What a rendered page is, for the metadata rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// The landing page (`/`).
    Landing,
    /// A list or a standalone page: a column page.
    Column,
    /// An article.
    Article(crate::content::PageId),
}

/// One rendered page, read.
#[derive(Debug)]
pub struct ScannedPage {
    /// The output path: `articles/x/index.html`.
    pub output: String,
    /// The root-relative URL: `/articles/x/`.
    pub url: String,
    /// The content file it comes from, relative to the site root.
    pub file: Option<String>,
    /// The section it shows, if it shows one.
    pub section: Option<SectionId>,
    /// What it is.
    pub kind: PageKind,
    /// What it shows.
    pub scan: PageScan,
}

/// Everything the rules look at.
pub struct Inspected<'a> {
    /// The loaded site.
    pub site: &'a Site,
    /// The settings of `config.yaml`.
    pub settings: &'a Inspection,
    /// "Today".
    pub now: DateTime<FixedOffset>,
    /// The rendered pages, sorted by output path (404 left out).
    pub pages: Vec<ScannedPage>,
    /// Every published output path.
    pub published: BTreeSet<String>,
    /// Text attachments: (output path, source file).
    pub attachments: Vec<(String, PathBuf)>,
    /// Site paths of pages and sections to what they are.
    pub items: FxHashMap<String, Item>,
}

impl Inspected<'_> {
    /// The content file of an item, relative to the site root.
    pub fn file_of(&self, item: Item) -> String {
        let lib = &self.site.library;
        match item {
            Item::Page(id) => format!("content/{}", lib.pages[id].file.rel),
            Item::Section(id) => format!("content/{}", lib.sections[id].file.rel),
        }
    }

    /// The page a root-relative or relative link on `output` leads to, if it is one.
    pub fn item_at(&self, href: &str, output: &str) -> Option<Item> {
        let path = crate::check::site_path_of(href, output, &self.site.config)?;
        let path = path.strip_suffix("index.html").unwrap_or(&path);
        let key = if path.is_empty() || path.ends_with('/') {
            path.to_string()
        } else {
            format!("{path}/")
        };
        self.items.get(&key).copied()
    }
}

/// The outcome of an inspection.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// No veto and a score at or above the pass mark.
    pub passed: bool,
    /// 100 minus the deductions.
    pub score: u32,
    /// Vetoes first, then deductions, then warnings.
    pub findings: Vec<Finding>,
    /// Rules switched off in `config.yaml`, with their reasons.
    #[serde(skip)]
    pub off: Vec<(String, String)>,
    /// Points taken per rule.
    #[serde(skip)]
    pub deductions: Vec<(&'static str, u32)>,
    /// External links by host, with counts (never fetched).
    #[serde(skip)]
    pub external_hosts: Vec<(String, usize)>,
    /// The site's title, for the report's heading.
    #[serde(skip)]
    pub title: String,
    /// "Today" as the inspection saw it.
    #[serde(skip)]
    pub date: String,
    /// Scheme and host of the site, to link findings to the pages they are on.
    #[serde(skip)]
    pub origin: String,
    /// The pass mark.
    #[serde(skip)]
    pub pass_mark: u32,
    /// The path part of the site's base URL, which every finding's URL starts with.
    #[serde(skip)]
    pub base_path: String,
}

/// Inspects the site; `Err` when it cannot be loaded at all (no config, a bad
/// config, a malformed `expressions.yaml`).
pub fn inspect(options: &LoadOptions) -> Result<Report, Vec<Diagnostic>> {
    let (site, mut diagnostics) = Site::load(options);
    let Some(mut site) = site else {
        return Err(diagnostics.into_vec());
    };
    // The rules read the Markdown of every page, not only of those rendered again.
    diagnostics.extend(site.read_every_body());
    diagnostics.sort(); // a body that failed while loading fails again: reported once
    let expressions = expressions::load(&site.root).map_err(|d| vec![d])?;
    let site = Arc::new(site);
    let capture = Capture::default();
    let render_errors = render(&site, &capture);
    let t = crate::timing::phase("inspect: pages");
    let mut captured = capture.into_captured();
    captured
        .paths
        .extend(crate::render::jobs::intended_outputs(&site));
    let inspected = Inspected {
        site: &site,
        settings: &site.config.inspection,
        now: options.now,
        items: items_of(&site),
        pages: Vec::new(),
        published: captured.paths,
        attachments: captured.attachments,
    };
    let pages = scan_pages(&inspected, captured.pages);
    let inspected = Inspected { pages, ..inspected };
    drop(t);
    let _t = crate::timing::phase("inspect: rules");
    let mut problems: Vec<Diagnostic> = diagnostics.into_vec();
    problems.extend(render_errors);
    let mut findings = rules::build_errors(&inspected, &problems);
    let mut external = Vec::new();
    findings.extend(rules::all(&inspected, &expressions, &mut external));
    Ok(score::report(&inspected, findings, external))
}

/// Renders every page and publishes every file into `capture`, as `check` does, less
/// the search index (its files are only read by the search page's script), the image
/// variants' pixels (only their paths matter, and making them would write the image
/// cache) and the link check (the rules check links on what they read).
fn render(site: &Arc<Site>, capture: &Capture) -> Vec<Diagnostic> {
    use crate::render::pipeline::{self, Images, Options, Search};
    let previous = crate::render::RenderState::default();
    let options = Options {
        images: Images::PathsOnly,
        search: Search::Skip,
        check_links: false,
        ..Options::everything(&previous)
    };
    pipeline::run(site, capture, options).outcome.errors
}

fn items_of(site: &Site) -> FxHashMap<String, Item> {
    let lib = &site.library;
    let mut items = FxHashMap::default();
    for (id, section) in lib.sections.iter().enumerate() {
        items.insert(section.path.clone(), Item::Section(id));
    }
    for (id, page) in lib.pages.iter().enumerate() {
        items.insert(page.path.clone(), Item::Page(id));
    }
    items
}

/// Says what each page read is.
fn scan_pages(inspected: &Inspected<'_>, pages: Vec<(String, PageScan)>) -> Vec<ScannedPage> {
    let config = &inspected.site.config;
    pages
        .into_iter()
        .map(|(output, scan)| {
            let folder = output.strip_suffix("index.html").unwrap_or(&output);
            let owner = list_owner(folder);
            let item = inspected.items.get(owner).copied();
            let lib = &inspected.site.library;
            let kind = match item {
                _ if folder.is_empty() => PageKind::Landing,
                Some(Item::Page(id)) if lib.pages[id].is_article => PageKind::Article(id),
                _ => PageKind::Column,
            };
            let section = match item {
                Some(Item::Section(id)) if lib.sections[id].kind != SectionKind::Landing => {
                    Some(id)
                }
                _ => None,
            };
            // A year list and the like belong to the nearest section above them.
            let file = item
                .or_else(|| nearest_section(&inspected.items, owner))
                .map(|i| inspected.file_of(i));
            ScannedPage {
                url: config.href(&crate::assets::encode_path(folder)),
                file,
                section,
                kind,
                scan,
                output,
            }
        })
        .collect()
}

/// The section of the nearest folder above `folder` that has one (not the landing page).
fn nearest_section(items: &FxHashMap<String, Item>, folder: &str) -> Option<Item> {
    let mut path = folder.trim_end_matches('/');
    while let Some((parent, _)) = path.rsplit_once('/') {
        if let Some(item @ Item::Section(_)) = items.get(&format!("{parent}/")) {
            return Some(*item);
        }
        path = parent;
    }
    None
}

/// The folder of the list a paginated page belongs to: `articles/page/2/` → `articles/`.
fn list_owner(folder: &str) -> &str {
    let trimmed = folder.trim_end_matches('/');
    if let Some((before, number)) = trimmed.rsplit_once('/')
        && number.chars().all(|c| c.is_ascii_digit())
        && let Some(owner) = before.strip_suffix("page")
        && (owner.is_empty() || owner.ends_with('/'))
    {
        return owner;
    }
    folder
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paginated_pages_belong_to_their_list() {
        assert_eq!(list_owner("articles/page/2/"), "articles/");
        assert_eq!(list_owner("page/3/"), "");
        assert_eq!(list_owner("articles/x/"), "articles/x/");
        assert_eq!(list_owner("topics/homepage/2/"), "topics/homepage/2/");
    }
}
