//! The site: everything loaded from a site folder. [`Site::load`] reads it all;
//! [`Site::apply`] (in `reload.rs`) brings it up to date after files changed, redoing
//! only the work those files affect. Rendering is separate (`render`).
//!
//! Loading never stops at the first problem: a file with an error is left out and the
//! error kept, so that one run reports everything wrong with the site. Problems are
//! kept by where they come from, so that a fixed file's errors go away.

mod cache;
mod checks;
mod reload;
mod shortcodes;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, FixedOffset, Utc};
use rayon::prelude::*;
use serde_json::{Map, Value};

pub use reload::{Changes, Touched};

use crate::assets::{SiteFiles, encode_path};
use crate::config::Config;
use crate::content::page::{LeftOut, Visibility};
use crate::content::walk::{self, SourceFile};
use crate::content::week::{Quiz, Week};
use crate::content::{Item, Library, Page, Section, SectionId};
use crate::error::{Diagnostic, Diagnostics};
use crate::images::Pipeline;
use crate::markdown::{self, Rendered, ResolvedImage, Resolver};
use crate::render::templates::Templates;
use crate::theme::Theme;
use crate::{fs, yaml};

/// How to load a site.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The site folder (holding `config.yaml`).
    pub root: PathBuf,
    /// Replaces `base_url` from the config.
    pub base_url: Option<String>,
    /// Include drafts and future pages.
    pub drafts: bool,
    /// The build's "now", for future-dated pages.
    pub now: DateTime<FixedOffset>,
    /// Give CSS and JS content hashes in their names (off while editing, so that a
    /// stylesheet change touches only the stylesheet).
    pub fingerprint: bool,
    /// Reuse Markdown renderings kept by the last build in `.herald-cache/`.
    pub cache: bool,
}

impl LoadOptions {
    /// Options for `root` with the clock read from `HERALD_NOW` (an RFC 3339 time, for
    /// reproducible builds and tests) or the system.
    pub fn new(root: impl Into<PathBuf>) -> LoadOptions {
        let now = now();
        LoadOptions {
            root: root.into(),
            base_url: None,
            drafts: false,
            now,
            fingerprint: true,
            cache: true,
        }
    }
}

/// Checks `HERALD_NOW`: when it is set, it must be an RFC 3339 time. A typo there
/// must not quietly fall back to the real clock, which would publish or hide pages
/// by another date than the one asked for.
pub fn check_clock() -> Result<(), Diagnostic> {
    let Ok(text) = std::env::var("HERALD_NOW") else {
        return Ok(());
    };
    match DateTime::parse_from_rfc3339(&text) {
        Ok(_) => Ok(()),
        Err(e) => Err(Diagnostic::error(format!(
            "HERALD_NOW=`{text}` is not a time Herald can read: {e}"
        ))
        .with_help(
            "write it like HERALD_NOW=2026-09-14T10:00:00+08:00, or unset it to use the clock",
        )),
    }
}

/// Herald's clock: `HERALD_NOW` (an RFC 3339 time, for reproducible builds and tests)
/// or the system's.
pub fn now() -> DateTime<FixedOffset> {
    std::env::var("HERALD_NOW")
        .ok()
        .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
        .unwrap_or_else(|| Utc::now().fixed_offset())
}

/// Data files by name: where each was read from and its text.
pub(crate) type DataSources = HashMap<String, (PathBuf, String)>;

/// Problems kept by where they come from.
#[derive(Debug, Default, Clone)]
struct Problems {
    templates: Vec<Diagnostic>,
    data: Vec<Diagnostic>,
    files: Vec<Diagnostic>,
    walk: Vec<Diagnostic>,
    /// Front matter and Markdown problems, by content path.
    by_file: BTreeMap<String, Vec<Diagnostic>>,
    /// Problems of the lists (unknown topics, bad tags), found when organising.
    library: Vec<Diagnostic>,
    /// Problems found across files (links, covers, weeks), found again after each change.
    derived: Vec<Diagnostic>,
}

/// A loaded site.
#[derive(Debug)]
pub struct Site {
    /// The site folder.
    pub root: PathBuf,
    /// How it was loaded.
    pub options: LoadOptions,
    /// Validated `config.yaml`.
    pub config: Config,
    /// The theme.
    pub theme: Theme,
    /// Parsed templates; `None` when they have errors.
    pub templates: Option<Templates>,
    /// Pages, sections and lists.
    pub library: Library,
    /// Static files, assets and files beside content.
    pub files: SiteFiles,
    /// `data/*.yaml` by file name.
    pub data: Value,
    /// Content files left out because they have errors.
    pub broken: HashSet<String>,
    /// The security-awareness weeks, by their section.
    pub weeks: HashMap<SectionId, Week>,
    /// Quizzes named by weeks, by data file name.
    pub quizzes: HashMap<String, Quiz>,
    /// Responsive images asked for by pages.
    pub images: Pipeline,
    /// The earliest date of a page left out as dated in the future: a build after it
    /// differs even when no file changed.
    pub next_due: Option<DateTime<FixedOffset>>,
    content_others: Vec<SourceFile>,
    data_sources: DataSources,
    problems: Problems,
    markdown_cache: Option<cache::MarkdownCache>,
    /// Per content path: the file hash and where its links and images led when its
    /// Markdown was rendered (what the Markdown cache checks).
    resolved: HashMap<String, (u64, u64)>,
    image_sizes: Mutex<HashMap<PathBuf, Option<(u32, u32)>>>,
}

impl Site {
    /// Loads the site. `None` means nothing could be loaded (no usable config or theme).
    pub fn load(options: &LoadOptions) -> (Option<Site>, Diagnostics) {
        let (config, theme) = match load_config(options) {
            Ok(found) => found,
            Err(errors) => return (None, errors.into()),
        };
        markdown::highlight::preload();
        let images = Pipeline::new(&options.root, &config.images);
        let mut site = Site {
            root: options.root.clone(),
            options: options.clone(),
            config,
            theme,
            templates: None,
            library: Library::default(),
            files: SiteFiles::default(),
            data: Value::Object(Map::new()),
            broken: HashSet::new(),
            weeks: HashMap::new(),
            quizzes: HashMap::new(),
            images,
            next_due: None,
            content_others: Vec::new(),
            data_sources: HashMap::new(),
            problems: Problems::default(),
            markdown_cache: None,
            resolved: HashMap::new(),
            image_sizes: Mutex::new(HashMap::new()),
        };
        let t = crate::timing::phase("load: templates and data");
        if options.cache {
            let key = crate::hash::of(&(
                &site.config.base_url,
                &site.config.images,
                &site.config.links.embed_hosts,
                options.fingerprint,
            ));
            site.markdown_cache = Some(cache::MarkdownCache::load(&site.root, key));
        }
        site.load_templates();
        site.load_data();
        drop(t);
        let t = crate::timing::phase("load: walk content and collect files");
        let (content, walk_errors) = walk::walk(&site.root.join("content"), &site.root);
        site.problems.walk = walk_errors;
        site.content_others = content.others;
        site.load_files();
        drop(t);
        let t = crate::timing::phase("load: read and parse content");
        let mut pages = Vec::new();
        let mut sections = Vec::new();
        let mut left_out = HashSet::new();
        let all: Vec<&SourceFile> = content.sections.iter().chain(&content.pages).collect();
        for (file, parsed) in all.iter().zip(site.parse(&all)) {
            site.keep(file, parsed, &mut pages, &mut sections, &mut left_out);
        }
        drop(t);
        let t = crate::timing::phase("load: organise lists");
        site.organise(pages, sections, left_out);
        drop(t);
        let t = crate::timing::phase("load: markdown");
        site.render_markdown(None);
        drop(t);
        let t = crate::timing::phase("load: derive");
        site.derive();
        drop(t);
        let diagnostics = site.diagnostics();
        (Some(site), diagnostics)
    }

    /// Every problem the site has now, sorted.
    pub fn diagnostics(&self) -> Diagnostics {
        let p = &self.problems;
        let mut all = Diagnostics::new();
        for list in [
            &p.templates,
            &p.data,
            &p.files,
            &p.walk,
            &p.library,
            &p.derived,
        ] {
            all.extend(list.iter().cloned());
        }
        all.extend(p.by_file.values().flatten().cloned());
        all.sort();
        all
    }

    fn load_templates(&mut self) {
        match Templates::load(&self.root, &self.theme) {
            Ok(t) => {
                self.templates = Some(t);
                self.problems.templates.clear();
            }
            Err(errors) => {
                self.templates = None;
                self.problems.templates = errors;
            }
        }
    }

    fn load_data(&mut self) {
        let (data, sources, errors) = load_data(&self.root.join("data"), &self.root);
        self.data = data;
        self.data_sources = sources;
        self.problems.data = errors;
    }

    fn load_files(&mut self) {
        let (files, errors) = SiteFiles::collect(
            &self.root,
            &self.theme,
            &self.content_others,
            self.options.fingerprint,
        );
        self.files = files;
        self.problems.files = errors;
        self.image_sizes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        self.images.forget_sources();
    }

    /// Reads and parses content files in parallel, keeping their order.
    fn parse(&self, files: &[&SourceFile]) -> Vec<Parsed> {
        let zone = self.config.timezone;
        let visibility = Visibility {
            drafts: self.options.drafts,
            now: self.options.now,
        };
        files
            .par_iter()
            .map(|file| {
                let text = fs::read_text(&file.path).map_err(|d| vec![d])?;
                let file = (*file).clone();
                if walk::kind_of(&file.rel) == walk::ContentKind::Section {
                    Section::parse(file, &text).map(|s| Some(Loaded::Section(s)))
                } else {
                    Ok(
                        match Page::parse_or_left_out(file, &text, zone, visibility)? {
                            Ok(page) => Some(Loaded::Page(page)),
                            Err(LeftOut::Future(date)) => Some(Loaded::Future(date)),
                            Err(LeftOut::Draft) => None,
                        },
                    )
                }
            })
            .collect()
    }

    /// Files a parsed content file where it belongs, or its errors.
    fn keep(
        &mut self,
        file: &SourceFile,
        parsed: Parsed,
        pages: &mut Vec<Page>,
        sections: &mut Vec<Section>,
        left_out: &mut HashSet<String>,
    ) {
        match parsed {
            Ok(Some(Loaded::Page(page))) => pages.push(page),
            Ok(Some(Loaded::Section(section))) => sections.push(section),
            Ok(Some(Loaded::Future(date))) => {
                self.next_due = Some(self.next_due.map_or(date, |due| due.min(date)));
                left_out.insert(file.rel.clone());
            }
            Ok(None) => {
                left_out.insert(file.rel.clone());
            }
            Err(errors) => {
                self.broken.insert(file.rel.clone());
                self.problems.by_file.insert(file.rel.clone(), errors);
            }
        }
    }

    /// Builds the library's lists from the pages and sections.
    fn organise(&mut self, pages: Vec<Page>, sections: Vec<Section>, left_out: HashSet<String>) {
        let (library, errors) = Library::new(pages, sections, left_out, &self.broken);
        self.library = library;
        self.problems.library = errors;
    }

    /// Renders the Markdown of the pages and sections in `only` (all when `None`), in
    /// parallel, keeping each file's problems.
    fn render_markdown(&mut self, only: Option<&HashSet<String>>) {
        let mut cache = self.markdown_cache.take();
        let keep_text = self.config.search.enabled;
        let lib = &self.library;
        let items: Vec<(bool, usize)> = match only {
            // A few files after an edit: look them up rather than scan every page.
            Some(rels) => rels
                .iter()
                .filter_map(|rel| match lib.by_rel.get(rel.as_str()) {
                    Some(Item::Page(id)) => Some((true, *id)),
                    Some(Item::Section(id)) => Some((false, *id)),
                    None => None,
                })
                .collect(),
            None => (0..lib.pages.len())
                .map(|i| (true, i))
                .chain((0..lib.sections.len()).map(|i| (false, i)))
                .collect(),
        };
        let source = |&(is_page, i): &(bool, usize)| {
            if is_page {
                let page = &lib.pages[i];
                let source = markdown::Source {
                    body: &page.body,
                    file: &page.file.path,
                    rel: &page.file.rel,
                    body_offset: page.body_offset,
                    summary: page.meta.summary.as_deref(),
                    eager_first_image: page.meta.cover.is_none(),
                    keep_text,
                };
                (source, page.source_hash)
            } else {
                let section = &lib.sections[i];
                let source = markdown::Source {
                    body: &section.body,
                    file: &section.file.path,
                    rel: &section.file.rel,
                    body_offset: section.body_offset,
                    summary: section.meta.description.as_deref(),
                    eager_first_image: section.meta.cover.is_none(),
                    keep_text,
                };
                (source, section.source_hash)
            }
        };
        // Renderings kept from the last build, where still valid.
        let mut results: Vec<Option<Reused>> = items
            .iter()
            .map(|item| {
                let (src, hash) = source(item);
                cache.as_mut().and_then(|c| c.take(src.rel, hash, self))
            })
            .collect();
        let missing: Vec<usize> = (0..items.len()).filter(|&k| results[k].is_none()).collect();
        let fresh: Vec<(usize, Reused)> = missing
            .par_iter()
            .map(|&k| {
                let (src, _) = source(&items[k]);
                let (rendered, problems) = markdown::render(&src, self);
                let resolved = cache::resolutions(&rendered, src.rel, self);
                (k, (rendered, problems, resolved))
            })
            .collect();
        if let Some(cache) = cache.as_mut() {
            cache.changed |= !fresh.is_empty() || (only.is_none() && cache.has_leftovers());
        }
        for (k, result) in fresh {
            results[k] = Some(result);
        }
        for ((is_page, i), result) in items.into_iter().zip(results) {
            let Some((rendered, problems, resolved)) = result else {
                continue;
            };
            let (rel, hash) = if is_page {
                let page = &mut self.library.pages[i];
                page.rendered = rendered;
                (page.file.rel.clone(), page.source_hash)
            } else {
                let section = &mut self.library.sections[i];
                section.rendered = rendered;
                (section.file.rel.clone(), section.source_hash)
            };
            self.resolved.insert(rel.clone(), (hash, resolved));
            self.problems.by_file.insert(rel, problems);
        }
        self.problems
            .by_file
            .retain(|_, problems| !problems.is_empty());
        self.markdown_cache = cache;
    }

    /// Keeps this build's Markdown renderings for the next build (when caching is on
    /// and anything changed).
    pub fn save_markdown_cache(&self) {
        let Some(cache) = self.markdown_cache.as_ref().filter(|c| c.changed) else {
            return;
        };
        let lib = &self.library;
        let no_problems: &[Diagnostic] = &[];
        let entries = lib
            .pages
            .iter()
            .map(|p| (&p.file.rel, &p.rendered))
            .chain(lib.sections.iter().map(|s| (&s.file.rel, &s.rendered)))
            .filter_map(|(rel, rendered)| {
                let (hash, resolved) = *self.resolved.get(rel)?;
                let problems = self
                    .problems
                    .by_file
                    .get(rel)
                    .map_or(no_problems, Vec::as_slice);
                Some((rel.as_str(), hash, resolved, rendered, problems))
            });
        cache.save(&self.root, entries);
    }

    /// Finds again everything that depends on several files: weeks, anchors, covers.
    fn derive(&mut self) {
        let mut found = self.read_weeks();
        found.extend(self.check_links());
        found.extend(self.check_covers());
        found.extend(self.check_generated());
        self.problems.derived = found;
    }

    /// Why a content path named by a link or template leads nowhere.
    pub fn why_missing(&self, rel: &str) -> String {
        if self.broken.contains(rel) {
            return "that file has errors of its own (reported separately)".into();
        }
        if self.library.left_out.contains(rel) {
            return "that page is a draft or dated in the future, so it is left out of this build (build with --drafts to include it)".into();
        }
        let known: Vec<String> = self.library.by_rel.keys().cloned().collect();
        match yaml::nearest(rel, &known) {
            Some(near) => format!("there is no content/{rel} (did you mean {near}?)"),
            None => format!("there is no content/{rel}"),
        }
    }

    /// The first data file and line holding `needle`, by file name.
    pub(crate) fn find_in_data(&self, needle: &str) -> Option<(PathBuf, usize)> {
        let mut names: Vec<&String> = self.data_sources.keys().collect();
        names.sort();
        names.into_iter().find_map(|name| {
            let (path, text) = &self.data_sources[name];
            let line = text.lines().position(|l| l.contains(needle))? + 1;
            Some((path.clone(), line))
        })
    }

    /// The pixel size of an image file, read from its header once.
    pub fn image_size(&self, path: &Path) -> Option<(u32, u32)> {
        let mut cache = self.image_sizes.lock().unwrap_or_else(|e| e.into_inner());
        *cache
            .entry(path.to_path_buf())
            .or_insert_with(|| image::image_dimensions(path).ok())
    }
}

/// A rendering with its problems and resolution hash (see `cache`).
type Reused = (Rendered, Vec<Diagnostic>, u64);

/// A content file as parsed: a page, a section, or nothing (a draft left out).
enum Loaded {
    Page(Page),
    Section(Section),
    /// A page left out as dated after the build's "now".
    Future(DateTime<FixedOffset>),
}

type Parsed = Result<Option<Loaded>, Vec<Diagnostic>>;

/// Reads the config and finds the theme: without them nothing else can load.
fn load_config(options: &LoadOptions) -> Result<(Config, Theme), Vec<Diagnostic>> {
    let mut config = Config::load(&options.root)?;
    if let Some(url) = &options.base_url {
        config.set_base_url(url).map_err(|d| {
            vec![d.with_help("pass --base-url a full address such as https://www.example.gov.cn/")]
        })?;
    }
    let theme = Theme::locate(&options.root, &config.theme, &config.path).map_err(|d| vec![d])?;
    Ok((config, theme))
}

impl Resolver for Site {
    fn may_embed(&self, host: &str) -> bool {
        self.config.links.may_embed(host)
    }

    fn link(&self, target: &str) -> Result<String, String> {
        match self.library.by_rel.get(target) {
            Some(Item::Page(id)) => Ok(self
                .config
                .href(&encode_path(&self.library.pages[*id].path))),
            Some(Item::Section(id)) => Ok(self
                .config
                .href(&encode_path(&self.library.sections[*id].path))),
            None if self.broken.contains(target) => Ok("#".into()),
            None => Err(self.why_missing(target)),
        }
    }

    fn href(&self, site_path: &str) -> String {
        self.config.href(site_path)
    }

    fn shortcode(
        &self,
        call: &markdown::ShortcodeCall<'_>,
    ) -> Result<markdown::ShortcodeOutput, markdown::ShortcodeError> {
        self.render_shortcode(call)
    }

    fn shortcode_version(&self, name: &str) -> Option<u64> {
        self.shortcode_template_version(name)
    }

    fn file_version(&self, written: &str, from: &str) -> Option<u64> {
        self.shortcode_file_version(written, from)
    }

    fn image(&self, src: &str, from: &str) -> Result<ResolvedImage, String> {
        if src.starts_with("data:") {
            return Ok(ResolvedImage {
                src: src.to_string(),
                ..ResolvedImage::default()
            });
        }
        if is_remote(src) {
            return Err(REMOTE_IMAGE.into());
        }
        let located = self.files.locate(src, Some(from))?;
        if located.image {
            let source = located.source.as_deref().ok_or("the image has no file")?;
            let image = self.images.responsive(&located.path, source, None)?;
            let href = |path: &str| self.config.href(&encode_path(path));
            let srcset = image
                .variants
                .iter()
                .map(|(path, w)| format!("{} {w}w", href(path)))
                .collect::<Vec<_>>()
                .join(", ");
            return Ok(ResolvedImage {
                src: href(&image.src),
                width: Some(image.width),
                height: Some(image.height),
                srcset: Some(srcset),
                sizes: Some(self.images.sizes().to_string()),
                files: image.variants.into_iter().map(|(path, _)| path).collect(),
            });
        }
        let size = located.source.as_deref().and_then(|p| self.image_size(p));
        Ok(ResolvedImage {
            src: self.config.href(&encode_path(&located.path)),
            width: size.map(|s| s.0),
            height: size.map(|s| s.1),
            ..ResolvedImage::default()
        })
    }
}

/// Why an image from another host is refused.
pub(crate) const REMOTE_IMAGE: &str = "it is on another host, and Herald's pages load nothing from other hosts (readers' browsers would contact it); download it into assets/images/ and write /images/name.jpg";

/// True for URLs of other hosts (`https://…`, `//host/…`).
pub(crate) fn is_remote(url: &str) -> bool {
    url.starts_with("//")
        || url
            .split_once("://")
            .is_some_and(|(scheme, _)| scheme.chars().all(|c| c.is_ascii_alphabetic()))
}

/// Reads `data/*.yaml` (and `.yml`, `.json`) into one map by file name; a link that
/// leads outside the site folder `site` is an error, as everywhere.
fn load_data(dir: &Path, site: &Path) -> (Value, DataSources, Vec<Diagnostic>) {
    let bounds = fs::SiteBounds::new(site);
    let mut data = Map::new();
    let mut sources = HashMap::new();
    let mut errors = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (Value::Object(data), sources, errors);
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let Some(stem) = [".yaml", ".yml", ".json"]
            .iter()
            .find_map(|ext| name.strip_suffix(ext))
        else {
            continue;
        };
        if fs::is_ignored_name(&name) {
            continue;
        }
        // Resolved whatever the file is: `data/` itself may be a link.
        if let Some(escape) = bounds.escape(&path, true) {
            errors.push(escape);
            continue;
        }
        let parsed = fs::read_text(&path).and_then(|text| {
            let value = yaml::parse_value(&text).map_err(|e| e.into_diagnostic(&path, 0))?;
            Ok((value, text))
        });
        match parsed {
            Ok((value, text)) => {
                data.insert(stem.to_string(), value);
                sources.insert(stem.to_string(), (path.clone(), text));
            }
            Err(d) => errors.push(d),
        }
    }
    (Value::Object(data), sources, errors)
}
