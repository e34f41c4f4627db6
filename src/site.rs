//! The site: everything loaded from a site folder, and the two steps every command is
//! made of, [`Site::load`] (pure data in, data out) and rendering into a sink.
//!
//! Loading never stops at the first problem: a page with an error is left out and the
//! error recorded, so that one run reports everything wrong with the site.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, Utc};
use rayon::prelude::*;
use serde_json::{Map, Value};

use crate::assets::{SiteFiles, encode_path};
use crate::config::Config;
use crate::content::page::Visibility;
use crate::content::walk::{self, SourceFile};
use crate::content::week::{Quiz, Week};
use crate::content::{Item, Library, Page, Section, SectionId, SectionKind};
use crate::error::{Diagnostic, Diagnostics};
use crate::markdown::{self, Rendered, ResolvedImage, Resolver};
use crate::output::{Discard, Sink, Staging, check_output_folder};
use crate::render::templates::Templates;
use crate::render::{self, RenderCounts};
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
}

impl LoadOptions {
    /// Options for `root` with the clock read from `HERALD_NOW` (an RFC 3339 time, for
    /// reproducible builds and tests) or the system.
    pub fn new(root: impl Into<PathBuf>) -> LoadOptions {
        let now = std::env::var("HERALD_NOW")
            .ok()
            .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
            .unwrap_or_else(|| Utc::now().fixed_offset());
        LoadOptions {
            root: root.into(),
            base_url: None,
            drafts: false,
            now,
        }
    }
}

/// A loaded site.
#[derive(Debug)]
pub struct Site {
    /// The site folder.
    pub root: PathBuf,
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
    image_sizes: Mutex<HashMap<PathBuf, Option<(u32, u32)>>>,
}

impl Site {
    /// Loads the site. `None` means nothing could be loaded (no usable config).
    pub fn load(options: &LoadOptions) -> (Option<Site>, Diagnostics) {
        let mut diagnostics = Diagnostics::new();
        let root = options.root.clone();
        let mut config = match Config::load(&root) {
            Ok(config) => config,
            Err(errors) => {
                diagnostics.extend(errors);
                return (None, diagnostics);
            }
        };
        if let Some(url) = &options.base_url
            && let Err(d) = config.set_base_url(url)
        {
            diagnostics.push(
                d.with_help("pass --base-url a full address such as https://www.example.gov.cn/"),
            );
            return (None, diagnostics);
        }
        markdown::highlight::preload();
        let theme = match Theme::locate(&root, &config.theme, &config.path) {
            Ok(theme) => theme,
            Err(d) => {
                diagnostics.push(d);
                return (None, diagnostics);
            }
        };
        let templates = match Templates::load(&root, &theme) {
            Ok(t) => Some(t),
            Err(errors) => {
                diagnostics.extend(errors);
                None
            }
        };
        let (content, walk_errors) = walk::walk(&root.join("content"));
        diagnostics.extend(walk_errors);
        let visibility = Visibility {
            drafts: options.drafts,
            now: options.now,
        };
        let zone = config.timezone;

        let sections = parse_all(&content.sections, |file, text| {
            Section::parse(file, text).map(Some)
        });
        let pages = parse_all(&content.pages, |file, text| {
            Page::parse(file, text, zone, visibility)
        });
        let mut broken = HashSet::new();
        let mut left_out = HashSet::new();
        let mut keep_sections = Vec::new();
        for (file, result) in content.sections.iter().zip(sections) {
            match result {
                Ok(Some(section)) => keep_sections.push(section),
                Ok(None) => {}
                Err(errors) => {
                    broken.insert(file.rel.clone());
                    diagnostics.extend(errors);
                }
            }
        }
        let mut keep_pages = Vec::new();
        for (file, result) in content.pages.iter().zip(pages) {
            match result {
                Ok(Some(page)) => keep_pages.push(page),
                Ok(None) => {
                    left_out.insert(file.rel.clone());
                }
                Err(errors) => {
                    broken.insert(file.rel.clone());
                    diagnostics.extend(errors);
                }
            }
        }
        let (data, data_sources, data_errors) = load_data(&root.join("data"));
        diagnostics.extend(data_errors);
        let (files, file_errors) = SiteFiles::collect(&root, &theme, &content.others);
        diagnostics.extend(file_errors);
        let (library, library_errors) = Library::new(keep_pages, keep_sections, left_out);
        diagnostics.extend(library_errors);

        let mut site = Site {
            root,
            config,
            theme,
            templates,
            library,
            files,
            data,
            broken,
            weeks: HashMap::new(),
            quizzes: HashMap::new(),
            image_sizes: Mutex::new(HashMap::new()),
        };
        diagnostics.extend(site.read_weeks(&data_sources));
        diagnostics.extend(site.render_markdown());
        diagnostics.extend(site.check_links());
        diagnostics.extend(site.check_covers());
        (Some(site), diagnostics)
    }

    /// Renders every page's and section's Markdown in parallel.
    fn render_markdown(&mut self) -> Vec<Diagnostic> {
        let lib = &self.library;
        let (pages, mut problems): (Vec<Rendered>, Vec<Vec<Diagnostic>>) = lib
            .pages
            .par_iter()
            .map(|page| {
                let source = markdown::Source {
                    body: &page.body,
                    file: &page.file.path,
                    rel: &page.file.rel,
                    body_offset: page.body_offset,
                    summary: page.meta.summary.as_deref(),
                };
                markdown::render(&source, self)
            })
            .unzip();
        let (sections, section_problems): (Vec<Rendered>, Vec<Vec<Diagnostic>>) = lib
            .sections
            .par_iter()
            .map(|section| {
                let source = markdown::Source {
                    body: &section.body,
                    file: &section.file.path,
                    rel: &section.file.rel,
                    body_offset: section.body_offset,
                    summary: section.meta.description.as_deref(),
                };
                markdown::render(&source, self)
            })
            .unzip();
        problems.extend(section_problems);
        for (page, rendered) in self.library.pages.iter_mut().zip(pages) {
            page.rendered = rendered;
        }
        for (section, rendered) in self.library.sections.iter_mut().zip(sections) {
            section.rendered = rendered;
        }
        problems.into_iter().flatten().collect()
    }

    /// Reads each year of the security week, its files and its quiz.
    fn read_weeks(&mut self, data_sources: &DataSources) -> Vec<Diagnostic> {
        let mut errors = Vec::new();
        for &id in &self.library.weeks {
            let section = &self.library.sections[id];
            let SectionKind::Week(year) = section.kind else {
                continue;
            };
            let week = match Week::read(section, year, self.config.timezone) {
                Ok(week) => week,
                Err(e) => {
                    errors.extend(e);
                    continue;
                }
            };
            let at = |key: &str| {
                Diagnostic::error(String::new())
                    .in_file(&section.file.path)
                    .at_opt(section.key_line(key), None)
            };
            for material in &week.materials {
                if let Err(why) = self.files.locate(&material.file, Some(&section.file.rel)) {
                    let mut d = at("materials");
                    d.message = format!("material `{}`: {why}", material.file);
                    errors.push(d.with_help("put downloads in static/ (e.g. static/downloads/) and write `file: /downloads/name.pdf`"));
                }
            }
            for poster in &week.gallery {
                if let Err(why) = self.files.locate(&poster.image, Some(&section.file.rel)) {
                    let mut d = at("gallery");
                    d.message = format!("gallery image `{}`: {why}", poster.image);
                    errors.push(d);
                }
            }
            if let Some(topic) = &week.topic
                && self.library.topic(topic).is_none()
            {
                let mut d = at("topic");
                d.message = format!(
                    "unknown topic `{topic}`: there is no content/topics/{topic}/_index.md"
                );
                errors.push(d);
            }
            if let Some(name) = &week.quiz {
                match data_sources.get(name) {
                    Some((path, text)) => match Quiz::read(&self.data[name], path, text) {
                        Ok(quiz) => {
                            self.quizzes.insert(name.clone(), quiz);
                        }
                        Err(d) => errors.push(d),
                    },
                    None => {
                        let mut d = at("quiz");
                        d.message = format!("quiz `{name}`: there is no data/{name}.yaml");
                        errors.push(d.with_help("write the questions in data/<name>.yaml and name it here without the extension"));
                    }
                }
            }
            self.weeks.insert(id, week);
        }
        errors
    }

    /// Checks that every `@/path.md#anchor` names a heading that exists.
    fn check_links(&self) -> Vec<Diagnostic> {
        let lib = &self.library;
        let mut errors = Vec::new();
        let sources = lib
            .pages
            .iter()
            .map(|p| (&p.file, &p.rendered))
            .chain(lib.sections.iter().map(|s| (&s.file, &s.rendered)));
        for (file, rendered) in sources {
            for link in &rendered.links {
                let Some(anchor) = &link.anchor else { continue };
                let target = match lib.by_rel.get(&link.target) {
                    Some(Item::Page(id)) => &lib.pages[*id].rendered,
                    Some(Item::Section(id)) => &lib.sections[*id].rendered,
                    None => continue,
                };
                if !target.anchors.iter().any(|a| a == anchor) {
                    let known: Vec<&str> =
                        target.anchors.iter().take(8).map(String::as_str).collect();
                    let help = if known.is_empty() {
                        "that page has no headings".to_string()
                    } else {
                        format!("its headings' ids are: {}", known.join(", "))
                    };
                    errors.push(
                        Diagnostic::error(format!("broken link `@/{}#{anchor}`: that page has no heading with id `{anchor}`", link.target))
                            .in_file(&file.path)
                            .at_line(link.line)
                            .with_help(help),
                    );
                }
            }
        }
        errors
    }

    /// Checks that covers and banners written in front matter exist.
    fn check_covers(&self) -> Vec<Diagnostic> {
        let lib = &self.library;
        let covers = lib
            .pages
            .iter()
            .map(|p| (&p.file, p.meta.cover.as_deref(), p.key_line("cover")))
            .chain(
                lib.sections
                    .iter()
                    .map(|s| (&s.file, s.meta.cover.as_deref(), s.key_line("cover"))),
            );
        covers
            .filter_map(|(file, cover, line)| {
                let cover = cover?;
                if cover.contains("://") {
                    return None;
                }
                let why = self.files.locate(cover, Some(&file.rel)).err()?;
                Some(
                    Diagnostic::error(format!("cover image `{cover}`: {why}"))
                        .in_file(&file.path)
                        .at_opt(line, None),
                )
            })
            .collect()
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

impl Resolver for Site {
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

    fn image(&self, src: &str, from: &str) -> Result<ResolvedImage, String> {
        if src.contains("://") || src.starts_with("data:") || src.starts_with("//") {
            return Ok(ResolvedImage {
                src: src.to_string(),
                ..ResolvedImage::default()
            });
        }
        let located = self.files.locate(src, Some(from))?;
        let size = located.source.as_deref().and_then(|p| self.image_size(p));
        Ok(ResolvedImage {
            src: self.config.href(&encode_path(&located.path)),
            width: size.map(|s| s.0),
            height: size.map(|s| s.1),
            ..ResolvedImage::default()
        })
    }
}

/// Reads and parses files in parallel, keeping their order.
fn parse_all<T: Send>(
    files: &[SourceFile],
    parse: impl Fn(SourceFile, &str) -> Result<Option<T>, Vec<Diagnostic>> + Sync,
) -> Vec<Result<Option<T>, Vec<Diagnostic>>> {
    files
        .par_iter()
        .map(|file| {
            let text = fs::read_text(&file.path).map_err(|d| vec![d])?;
            parse(file.clone(), &text)
        })
        .collect()
}

/// Data files by name: where each was read from and its text.
type DataSources = HashMap<String, (PathBuf, String)>;

/// Reads `data/*.yaml` (and `.yml`, `.json`) into one map by file name.
fn load_data(dir: &Path) -> (Value, DataSources, Vec<Diagnostic>) {
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

/// What a build or check did.
#[derive(Debug, Clone)]
pub struct Summary {
    /// HTML pages written.
    pub pages: usize,
    /// Articles.
    pub articles: usize,
    /// Topics.
    pub topics: usize,
    /// Tags.
    pub tags: usize,
    /// Files written in all.
    pub files: usize,
    /// Wall time.
    pub elapsed: Duration,
    /// Warnings (errors make the command fail instead).
    pub warnings: Vec<Diagnostic>,
}

impl Summary {
    fn new(
        site: &Site,
        counts: RenderCounts,
        started: Instant,
        warnings: Vec<Diagnostic>,
    ) -> Summary {
        Summary {
            pages: counts.pages,
            articles: site.library.article_count(),
            topics: site.library.topics.len(),
            tags: site.library.tags.len(),
            files: counts.files,
            elapsed: started.elapsed(),
            warnings,
        }
    }
}

/// Why a build or check failed, with everything it found.
#[derive(Debug)]
pub struct Failure {
    /// Errors and warnings, sorted.
    pub diagnostics: Diagnostics,
    /// The site folder, to show paths relative to it.
    pub root: PathBuf,
}

/// Loads and renders the site into `sink`; returns the site and everything found.
pub fn load_and_render(
    options: &LoadOptions,
    sink: &dyn Sink,
) -> (Option<(Arc<Site>, RenderCounts)>, Diagnostics) {
    let (site, mut diagnostics) = Site::load(options);
    let Some(site) = site else {
        return (None, diagnostics);
    };
    let site = Arc::new(site);
    let (counts, errors) = render::render_all(&site, sink);
    diagnostics.extend(errors);
    diagnostics.sort();
    (Some((site, counts)), diagnostics)
}

fn split_warnings(diagnostics: Diagnostics) -> Vec<Diagnostic> {
    diagnostics.into_iter().filter(|d| !d.is_error()).collect()
}

/// `herald build`: renders into a staging folder and swaps it in only if there was no
/// error.
pub fn build(options: &LoadOptions, output: &Path) -> Result<Summary, Failure> {
    let started = Instant::now();
    let root = options.root.clone();
    let fail = |diagnostics: Diagnostics| Failure {
        diagnostics,
        root: root.clone(),
    };
    check_output_folder(&options.root, output).map_err(|d| fail(d.into()))?;
    let staging = Staging::begin(output).map_err(|d| fail(d.into()))?;
    let (rendered, diagnostics) = load_and_render(options, &staging);
    let Some((site, counts)) = rendered.filter(|_| !diagnostics.has_errors()) else {
        staging.abandon();
        return Err(fail(diagnostics));
    };
    staging.commit().map_err(|d| fail(d.into()))?;
    Ok(Summary::new(
        &site,
        counts,
        started,
        split_warnings(diagnostics),
    ))
}

/// `herald check`: the whole pipeline, writing nothing.
pub fn check(options: &LoadOptions) -> Result<Summary, Failure> {
    let started = Instant::now();
    let (rendered, diagnostics) = load_and_render(options, &Discard);
    match rendered {
        Some((site, counts)) if !diagnostics.has_errors() => Ok(Summary::new(
            &site,
            counts,
            started,
            split_warnings(diagnostics),
        )),
        _ => Err(Failure {
            diagnostics,
            root: options.root.clone(),
        }),
    }
}
