//! The site: everything loaded from a site folder. [`Site::load`] reads it all;
//! [`Site::apply`] (in `reload.rs`) brings it up to date after files changed, redoing
//! only the work those files affect. Rendering is separate (`render`).
//!
//! Loading never stops at the first problem: a file with an error is left out and the
//! error kept, so that one run reports everything wrong with the site. Problems are
//! kept by where they come from, so that a fixed file's errors go away.
//!
//! Beside this file: `options.rs` (how to load, the clock), `data.rs` (`data/*.yaml`),
//! `rendering.rs` (Markdown, with its cache), `resolver.rs` (what Markdown links to),
//! `checks.rs` (problems across files) and `reload.rs` (changes while serving).

mod cache;
mod checks;
mod data;
mod options;
pub mod parsed;
mod reload;
mod rendering;
mod resolver;
mod shortcodes;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, FixedOffset};
use rayon::prelude::*;
use serde_json::{Map, Value};

pub(crate) use data::DataSources;
use data::load_data;
pub use options::{LoadOptions, check_clock, now};
pub use reload::{Changes, Touched};
pub(crate) use resolver::{REMOTE_IMAGE, is_remote};

use crate::assets::SiteFiles;
use crate::config::Config;
use crate::content::page::{LeftOut, Visibility};
use crate::content::walk::{self, SourceFile};
use crate::content::week::{Quiz, Week};
use crate::content::{Library, Page, Section, SectionId};
use crate::error::{Diagnostic, Diagnostics};
use crate::images::Pipeline;
use crate::markdown;
use crate::render::templates::Templates;
use crate::theme::Theme;
use crate::{fs, yaml};

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
    /// What the last build parsed of each page (see `parsed`), while loading and
    /// until this build saves it.
    parse_cache: Option<parsed::ParseCache>,
    /// The related articles as last weighed, kept between builds and edits.
    related: crate::content::library::RelatedMemo,
    /// Per content path: the file hash and where its links and images led when its
    /// Markdown was rendered (what the Markdown cache checks).
    resolved: HashMap<String, (u64, u64)>,
    image_sizes: Mutex<HashMap<PathBuf, Option<(u32, u32)>>>,
    /// The plan of every output, made once for this state of the site (see
    /// `render::jobs::plan`); [`Site::apply`] keeps it only when no change can alter it.
    pub(crate) plan_memo: Mutex<Option<crate::render::jobs::Plan>>,
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
            parse_cache: None,
            related: Default::default(),
            resolved: HashMap::new(),
            image_sizes: Mutex::new(HashMap::new()),
            plan_memo: Mutex::new(None),
        };
        let t = crate::timing::phase("load: templates and data");
        if options.cache {
            let key = crate::hash::of(&(
                &site.config.base_url,
                &site.config.images,
                &site.config.links.embed_hosts,
                options.fingerprint,
            ));
            let _t = crate::timing::phase("load: markdown cache");
            site.markdown_cache = Some(cache::MarkdownCache::load(&site.root, key));
            site.related = crate::cache_file::load(&related_path(&site.root), RELATED_FORMAT)
                .unwrap_or_default();
        }
        let t_templates = crate::timing::phase("load: templates");
        site.load_templates();
        drop(t_templates);
        site.load_data();
        drop(t);
        let t = crate::timing::phase("load: walk content and collect files");
        let (content, walk_errors) = walk::walk(&site.root.join("content"), &site.root);
        site.problems.walk = walk_errors;
        site.content_others = content.others;
        site.load_files();
        drop(t);
        let t = crate::timing::phase("load: read and parse content");
        let all: Vec<&SourceFile> = content.sections.iter().chain(&content.pages).collect();
        let (pages, sections, left_out) = site.read_content(&all);
        drop(t);
        crate::pause::point("load-parsed");
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

    /// The pages and sections of `files`, and the paths of pages left out (drafts,
    /// future pages), through the parse cache when caching is on; keeps the cache for
    /// this build to save.
    fn read_content(
        &mut self,
        files: &[&SourceFile],
    ) -> (Vec<Page>, Vec<Section>, HashSet<String>) {
        let (mut pages, mut sections, mut left_out) = (Vec::new(), Vec::new(), HashSet::new());
        let mut cache = self
            .options
            .cache
            .then(|| parsed::ParseCache::load(&self.root, self.config.timezone));
        if let Some(cache) = &mut cache {
            cache.start_reading();
        }
        let results = self.parse_with(files, cache.as_ref());
        for (file, (parsed, stamp)) in files.iter().zip(results) {
            if let (Some(cache), Some(stamp), Ok(Some(Loaded::Page(page)))) =
                (&mut cache, stamp, &parsed)
            {
                cache.keep(page, stamp);
            }
            self.keep(file, parsed, &mut pages, &mut sections, &mut left_out);
        }
        if let Some(cache) = &mut cache {
            cache.keep_only(&pages.iter().map(|p| p.file.rel.as_str()).collect());
        }
        self.parse_cache = cache;
        (pages, sections, left_out)
    }

    /// Reads and parses content files in parallel, keeping their order.
    fn parse(&self, files: &[&SourceFile]) -> Vec<Parsed> {
        self.parse_with(files, None)
            .into_iter()
            .map(|(parsed, _)| parsed)
            .collect()
    }

    /// [`Site::parse`], taking unchanged pages from `cache` rather than reading them;
    /// with each page's stamp, taken before its file was read.
    fn parse_with(
        &self,
        files: &[&SourceFile],
        cache: Option<&parsed::ParseCache>,
    ) -> Vec<(Parsed, Option<parsed::Stamp>)> {
        let zone = self.config.timezone;
        let visibility = Visibility {
            drafts: self.options.drafts,
            now: self.options.now,
        };
        let visible = |page: Page| match visibility.left_out(&page.meta) {
            None => Some(Loaded::Page(page)),
            Some(LeftOut::Future(date)) => Some(Loaded::Future(date)),
            Some(LeftOut::Draft) => None,
        };
        files
            .par_iter()
            .map(|file| {
                if walk::kind_of(&file.rel) == walk::ContentKind::Section {
                    let text = fs::read_text(&file.path).map_err(|d| vec![d]);
                    let section = text.and_then(|text| Section::parse((*file).clone(), &text));
                    return (section.map(|s| Some(Loaded::Section(s))), None);
                }
                let stamp = cache.and_then(|_| parsed::Stamp::of(&file.path));
                if let Some(page) = cache.zip(stamp).and_then(|(c, s)| c.page(file, s)) {
                    return (Ok(visible(page)), stamp);
                }
                let page = fs::read_text(&file.path)
                    .map_err(|d| vec![d])
                    .and_then(|text| Page::parse_any((*file).clone(), &text, zone));
                (page.map(visible), stamp)
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
        let (library, errors) =
            Library::new(pages, sections, left_out, &self.broken, &mut self.related);
        self.library = library;
        self.problems.library = errors;
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

    /// The pixel size of an image file, read from its header once.
    pub fn image_size(&self, path: &Path) -> Option<(u32, u32)> {
        let mut cache = self.image_sizes.lock().unwrap_or_else(|e| e.into_inner());
        *cache
            .entry(path.to_path_buf())
            .or_insert_with(|| image::image_dimensions(path).ok())
    }
}

/// Where the related articles are kept between builds.
fn related_path(root: &Path) -> PathBuf {
    root.join(".herald-cache").join("related.bin")
}

/// Bumped when the weighing of related articles changes.
const RELATED_FORMAT: u64 = 1;

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
