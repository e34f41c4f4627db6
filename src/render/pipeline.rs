//! The build pipeline, written once: pages → images → files → search → links.
//!
//! `build`, `check`, `serve` and `inspect` all run [`run`]; [`Options`] says how each
//! stage runs for them (which pages changed, whether image variants are made, whether
//! all files are copied or only the changed ones, how the search index is made,
//! whether links are checked).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::assets::Body;
use crate::check::{self, Recording};
use crate::error::Diagnostic;
use crate::hash;
use crate::images::ImageStats;
use crate::output::Sink;
use crate::search::{Changes, IndexFile, SearchIndex};
use crate::site::{Site, Touched};

use super::{RenderOutcome, RenderState, Report, jobs, publish_files, render_pages, write_files};

/// How the image stage runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Images {
    /// Publishes every variant the pages use.
    Publish,
    /// Publishes only the variants not published before (`serve`).
    PublishNew,
    /// Makes no variant, but counts their paths as written (`inspect`, which only
    /// needs to know they exist and must not write the image cache).
    PathsOnly,
}

/// How the file stage (static files, assets, files beside content) runs.
pub enum Files<'a> {
    /// Publishes every file.
    All,
    /// Publishes the files whose version differs from `served` (when `changed` says
    /// files may have changed, or nothing was served yet), and records the new
    /// versions there (`serve`).
    Changed {
        /// Each file served, with its version.
        served: &'a mut HashMap<String, u64>,
        /// Whether files may have changed since `served` was made.
        changed: bool,
    },
}

/// How the search stage runs.
pub enum Search<'a> {
    /// No search index (`inspect`: its files are only read by the search page's
    /// script), but its manifest's path counts as written: the page preloads it.
    Skip,
    /// Builds the whole index and writes every file of it.
    Full,
    /// Brings `index` (kept between builds) up to date and puts every index file in
    /// the sink: the previous output's copy when the sink still has it, else its bytes
    /// (`build`; files are named after their bytes, so a file of the same name is the
    /// same file).
    Kept(&'a mut SearchIndex),
    /// Brings `index` up to date with the touched pages and writes only the index files
    /// whose version differs from `served` (`serve`).
    Update {
        /// The index kept between rebuilds.
        index: &'a mut SearchIndex,
        /// The index files served, with a version of each.
        served: &'a mut HashMap<String, u64>,
    },
}

/// How one run of the pipeline goes.
pub struct Options<'a> {
    /// What the previous render made (an empty state renders everything).
    pub previous: &'a RenderState,
    /// The pages changed since `previous` was made.
    pub touched: &'a Touched,
    /// What the page render reports.
    pub report: Report,
    /// The image stage.
    pub images: Images,
    /// The file stage.
    pub files: Files<'a>,
    /// The search stage.
    pub search: Search<'a>,
    /// Whether every link of every page must lead to a file written.
    pub check_links: bool,
    /// The output of the last build, whose link check passed, made with the same
    /// settings: the pages kept from it are checked again only if a file it published
    /// is gone and one of its links may lead there (see [`Checked`]).
    pub checked_before: Option<Checked<'a>>,
    /// Whether a stage with errors ends the run (`serve`, which applies nothing then),
    /// or every stage runs so that all problems are reported at once.
    pub stop_on_error: bool,
    /// Called once the pages, image variants and files are in the sink without an
    /// error, before the search stage: `serve` shows the pages then, while the index
    /// is brought up to date (it cannot fail in memory). Only with `stop_on_error`:
    /// otherwise the index is made while the pages render.
    pub pages_ready: Option<&'a (dyn Fn(&Built) + Sync)>,
}

impl Options<'_> {
    /// A whole render from nothing, as `check` makes: every stage, links checked.
    pub fn everything(previous: &RenderState) -> Options<'_> {
        Options {
            previous,
            touched: &Touched::All,
            report: Report::Links,
            images: Images::Publish,
            files: Files::All,
            search: Search::Full,
            check_links: true,
            checked_before: None,
            stop_on_error: false,
            pages_ready: None,
        }
    }
}

/// The output of a build whose link check passed (see [`Options::checked_before`]).
/// A page kept from that build has the same links, which led to files that build
/// published: they still do unless such a file is gone.
#[derive(Debug, Clone, Copy)]
pub struct Checked<'a> {
    /// Its files: path → (size, modification time).
    pub files: &'a HashMap<String, (u64, u128)>,
    /// Of those, the `.gz` copies Herald made.
    pub gzipped: &'a HashSet<String>,
}

impl Checked<'_> {
    /// The files it published that are not in `now`.
    fn gone(&self, now: &BTreeSet<String>) -> Vec<&str> {
        self.files
            .keys()
            .filter(|path| !(now.contains(*path) || self.gzipped.contains(*path)))
            .map(String::as_str)
            .collect()
    }
}

/// What a run of the pipeline did.
#[derive(Debug, Default)]
pub struct Built {
    /// The page render, with the counts, errors and removed outputs of every stage.
    pub outcome: RenderOutcome,
    /// Files published by the file stage ([`Files::Changed`] only).
    pub files_written: Vec<String>,
    /// Search index files written ([`Search::Update`] only).
    pub search_written: usize,
    /// Every path written, when links were checked.
    pub published: BTreeSet<String>,
}

/// Runs the pipeline for `site` into `sink`.
pub fn run(site: &Arc<Site>, sink: &dyn Sink, options: Options<'_>) -> Built {
    let recording = options.check_links.then(|| Recording::new(sink));
    let target: &dyn Sink = match &recording {
        Some(recording) => recording,
        None => sink,
    };
    let stop = options.stop_on_error;
    let render = || {
        render_pages(
            site,
            target,
            options.previous,
            options.touched,
            options.report,
        )
    };
    let mut built = Built::default();
    let searched = if stop {
        // Nothing is applied after a failed stage (`serve`): the index must not move on
        // while the pages stay behind, so the search waits for the other stages.
        built.outcome = render();
        let failed = |built: &Built| !built.outcome.errors.is_empty();
        if failed(&built) {
            return built;
        }
        images(site, target, options.images, &mut built);
        if failed(&built) {
            return built;
        }
        files(site, target, options.files, &mut built);
        if failed(&built) {
            return built;
        }
        if let Some(ready) = options.pages_ready {
            ready(&built);
        }
        search(site, target, options.search, options.touched)
    } else {
        // The index reads the site, not the pages: it is made while they render, on
        // the cores the render leaves idle in its slower stretches.
        let (outcome, searched) = rayon::join(render, || {
            search(site, target, options.search, options.touched)
        });
        built.outcome = outcome;
        images(site, target, options.images, &mut built);
        files(site, target, options.files, &mut built);
        searched
    };
    searched.apply(&mut built);
    if let Some(recording) = recording {
        let _t = crate::timing::phase("check links");
        built.published = recording.into_paths();
        let mut reachable = built.published.clone();
        reachable.extend(jobs::intended_outputs(site));
        let kept_are_fine = options.checked_before.is_some_and(|before| {
            let gone = before.gone(&reachable);
            gone.is_empty() || options.previous.leads_nowhere_into(&gone, &site.config)
        });
        if !kept_are_fine {
            let outcome = &built.outcome;
            let kept = options
                .previous
                .kept_links(&outcome.written, &outcome.removed);
            built.outcome.links.extend(kept);
        }
        let errors = check::check_links(site, &built.outcome.links, &reachable);
        built.outcome.errors.extend(errors);
    }
    built.outcome.errors.extend(site.markdown_cache_damage());
    built
}

fn images(site: &Site, sink: &dyn Sink, how: Images, built: &mut Built) {
    let _t = crate::timing::phase("images");
    let (stats, errors) = match how {
        Images::Publish => site.images.publish(sink, false),
        Images::PublishNew => site.images.publish(sink, true),
        Images::PathsOnly => {
            for path in site.images.variant_paths() {
                sink.keep(&path);
            }
            (ImageStats::default(), Vec::new())
        }
    };
    built.outcome.errors.extend(errors);
    built.outcome.counts.images = stats;
    built.outcome.counts.files += stats.variants;
}

fn files(site: &Site, sink: &dyn Sink, how: Files<'_>, built: &mut Built) {
    let _t = crate::timing::phase("copy files");
    let (served, changed) = match how {
        Files::All => {
            built.outcome.errors.extend(publish_files(site, sink));
            return;
        }
        Files::Changed { served, changed } => (served, changed),
    };
    if !changed && !served.is_empty() {
        return;
    }
    let now = site.files.versions();
    let changed_files: Vec<String> = now
        .iter()
        .filter(|(path, version)| served.get(*path) != Some(*version))
        .map(|(path, _)| path.clone())
        .collect();
    let removed = served.keys().filter(|p| !now.contains_key(*p)).cloned();
    built.outcome.removed.extend(removed);
    for path in &changed_files {
        let result = match &site.files.published[path].body {
            Body::File(origin) => sink.copy(path, origin),
            Body::Bytes(bytes) => sink.write(path, bytes),
        };
        if let Err(d) = result {
            built.outcome.errors.push(d);
            return;
        }
    }
    built.files_written = changed_files;
    *served = now;
}

/// What the search stage did, to add to the run's [`Built`].
#[derive(Default)]
struct Searched {
    files: usize,
    errors: Vec<Diagnostic>,
    written: usize,
    removed: Vec<String>,
}

impl Searched {
    fn apply(self, built: &mut Built) {
        built.outcome.counts.files += self.files;
        built.outcome.errors.extend(self.errors);
        built.search_written = self.written;
        built.outcome.removed.extend(self.removed);
    }
}

fn search(site: &Site, sink: &dyn Sink, how: Search<'_>, touched: &Touched) -> Searched {
    let _t = crate::timing::phase("search index");
    let mut searched = Searched::default();
    match how {
        Search::Skip => {
            if site.config.search.enabled {
                let manifest = crate::search::writer::paths::MANIFEST;
                sink.keep(&format!("{}{manifest}", crate::search::DIR));
            }
        }
        Search::Full => {
            let files = SearchIndex::build(site);
            searched.files = files.len();
            searched.errors = write_files(&files, sink);
        }
        Search::Kept(index) => {
            let errors = Mutex::new(Vec::new());
            // A file of the same name in the previous output has the same bytes.
            let emit = |path: &str, bytes: &[u8]| {
                if !(named_by_content(path) && sink.keep(path))
                    && let Err(d) = sink.write(path, bytes)
                {
                    errors.lock().unwrap_or_else(|e| e.into_inner()).push(d);
                }
            };
            let files = index
                .update(site, touched, &emit)
                .unwrap_or_else(|| index.files());
            searched.files = files.len();
            let _t = crate::timing::phase("search: keep the others");
            searched.errors = errors.into_inner().unwrap_or_else(|e| e.into_inner());
            searched.errors.extend(put_kept(index, site, &files, sink));
        }
        Search::Update { index, served } => {
            searched.written =
                update_search(index, served, site, touched, sink, &mut searched.removed);
        }
    }
    searched
}

/// True for every index file but the manifest: named after its bytes.
fn named_by_content(path: &str) -> bool {
    !path.ends_with(crate::search::writer::paths::MANIFEST)
}

/// Puts the files the update did not make into `sink`: the previous output's copy
/// when it has one, else their bytes made again.
fn put_kept(
    index: &SearchIndex,
    site: &Site,
    files: &[IndexFile],
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    files
        .par_iter()
        // Made this time: written already. Named by its bytes and kept: unchanged.
        .filter(|file| !(file.made || named_by_content(&file.path) && sink.keep(&file.path)))
        .filter_map(|file| write_again(index, site, &file.path, sink).err())
        .collect()
}

/// Writes an index file made before, making its bytes again.
fn write_again(
    index: &SearchIndex,
    site: &Site,
    path: &str,
    sink: &dyn Sink,
) -> Result<(), Diagnostic> {
    match index.bytes_of(site, path) {
        Some(bytes) => sink.write(path, &bytes),
        None => Err(Diagnostic::error(format!(
            "the search index file {path} could not be made again"
        ))
        .with_help("delete the .herald-cache folder and build again")),
    }
}

/// Writes the search index files that changed into `sink`, adds those that went
/// to `removed`, and returns how many were written. `served` holds a version of
/// each index file served; `touched`, the pages changed since the index was made.
/// After an edit its cost follows the files changed, not the whole index.
fn update_search(
    index: &mut SearchIndex,
    served: &mut HashMap<String, u64>,
    site: &Site,
    touched: &Touched,
    sink: &dyn Sink,
    removed: &mut Vec<String>,
) -> usize {
    // Other index files are named after their bytes: only the manifest's can change,
    // so it is versioned by its bytes and the others by their names.
    let version = |path: &str, bytes: &[u8]| match named_by_content(path) {
        true => 0,
        false => hash::of_bytes(bytes),
    };
    let written = AtomicUsize::new(0);
    let failed = AtomicUsize::new(0);
    let manifest = Mutex::new(0);
    let emit = |path: &str, bytes: &[u8]| {
        let v = version(path, bytes);
        if !named_by_content(path) {
            *manifest.lock().unwrap_or_else(|e| e.into_inner()) = v;
        }
        if served.get(path) != Some(&v) {
            let count = match sink.write(path, bytes) {
                Ok(()) => &written,
                Err(_) => &failed,
            };
            count.fetch_add(1, Ordering::Relaxed);
        }
    };
    let Some(changes) = index.update_changes(site, touched, &emit) else {
        return 0;
    };
    let manifest = manifest.into_inner().unwrap_or_else(|e| e.into_inner());
    let version_of = |path: &str| match named_by_content(path) {
        true => 0,
        false => manifest,
    };
    let written = written.into_inner();
    let files = match changes {
        Changes::Some { made, gone } if failed.into_inner() == 0 => {
            let made_now: BTreeSet<&String> = made.iter().collect();
            for path in gone.iter().filter(|p| !made_now.contains(p)) {
                if served.remove(path).is_some() {
                    removed.push(path.clone());
                }
            }
            for path in made {
                let v = version_of(&path);
                served.insert(path, v);
            }
            return written;
        }
        // A write failed, or made from nothing: every file, compared with `served`.
        Changes::Some { .. } => index.files(),
        Changes::All(files) => files,
    };
    written + reconcile(index, site, &files, served, version_of, sink, removed)
}

/// Makes `served` the index's `files` (versioned by `version`): writes those made
/// before but not served (after a failed write, say), adds those served but gone
/// to `removed`; returns how many were written.
fn reconcile(
    index: &SearchIndex,
    site: &Site,
    files: &[IndexFile],
    served: &mut HashMap<String, u64>,
    version: impl Fn(&str) -> u64,
    sink: &dyn Sink,
    removed: &mut Vec<String>,
) -> usize {
    let now: HashMap<String, u64> = files
        .iter()
        .map(|file| (file.path.clone(), version(&file.path)))
        .collect();
    let written = files
        .iter()
        .filter(|f| !f.made && !served.contains_key(&f.path))
        .filter(|f| write_again(index, site, &f.path, sink).is_ok())
        .count();
    removed.extend(served.keys().filter(|p| !now.contains_key(*p)).cloned());
    *served = now;
    written
}
