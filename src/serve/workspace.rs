//! The rebuild engine of `serve`: keeps the loaded site and what each served file was
//! made from, and after each change renders only the files the change affects.
//!
//! A rebuild with errors is not applied: the last good site stays served, and the
//! site (which reflects the disk) catches up on the next save.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::error::Diagnostics;
use crate::render::{self, RenderState, pipeline};
use crate::search::SearchIndex;
use crate::site::{Changes, LoadOptions, Site, Touched};

use super::store::{Collect, SharedStore};

/// What one rebuild did.
#[derive(Debug)]
pub enum Outcome {
    /// Files changed and are now served.
    Applied {
        /// Files rendered or copied again.
        written: usize,
        /// Files that no longer exist.
        removed: usize,
        /// When only stylesheets changed: their URLs, to swap without a reload.
        css_only: Vec<String>,
    },
    /// The change made no difference to any served file.
    Unchanged,
    /// The site has errors; nothing was applied.
    Failed(Diagnostics),
}

/// The result of a rebuild and how long it took.
#[derive(Debug)]
pub struct Rebuild {
    /// What happened.
    pub outcome: Outcome,
    /// Warnings of a successful rebuild.
    pub warnings: Diagnostics,
    /// Wall time.
    pub elapsed: Duration,
    /// Open tabs were told to reload as soon as the pages were shown (see
    /// [`Workspace::reload_early`]).
    pub reloaded: bool,
}

/// What tells open tabs to reload.
pub type Reloader = Box<dyn Fn() + Send + Sync>;

/// The loaded site and what its served files were made from.
pub struct Workspace {
    options: LoadOptions,
    site: Option<Arc<Site>>,
    state: RenderState,
    published: HashMap<String, u64>,
    search: SearchIndex,
    /// The search index files served, with a version of each (see `update_search`).
    search_files: HashMap<String, u64>,
    /// The pages changed since `state` was made (kept over failed rebuilds).
    touched: Touched,
    needs_full: bool,
    /// Called when a rebuild's pages are shown, before its search index files.
    early_reload: Option<Reloader>,
}

impl Workspace {
    /// A workspace that will load the site with `options`.
    pub fn new(options: LoadOptions) -> Self {
        Workspace {
            options,
            site: None,
            state: RenderState::default(),
            published: HashMap::new(),
            search: SearchIndex::default(),
            search_files: HashMap::new(),
            touched: Touched::All,
            needs_full: true,
            early_reload: None,
        }
    }

    /// After an edit, tells open tabs to reload with `reload` as soon as the changed
    /// pages are served (while no error is shown), rather than after the search index
    /// files: the index a tab may then read is the last one, whole.
    pub fn reload_early(&mut self, reload: Reloader) {
        self.early_reload = Some(reload);
    }

    /// The current site, if one loaded.
    pub fn site(&self) -> Option<&Site> {
        self.site.as_deref()
    }

    /// Brings the served site up to date with `changes` (everything when a full load
    /// is due).
    pub fn rebuild(&mut self, changes: &Changes, store: &SharedStore) -> Rebuild {
        let started = Instant::now();
        let reloaded = AtomicBool::new(false);
        let (outcome, warnings) = if self.needs_full || changes.config || self.site.is_none() {
            self.full(store)
        } else {
            self.incremental(changes, store, &reloaded)
        };
        Rebuild {
            outcome,
            warnings,
            elapsed: started.elapsed(),
            reloaded: reloaded.into_inner(),
        }
    }

    fn full(&mut self, store: &SharedStore) -> (Outcome, Diagnostics) {
        let (site, diagnostics) = Site::load(&self.options);
        let Some(site) = site else {
            self.needs_full = true;
            return (Outcome::Failed(diagnostics), Diagnostics::new());
        };
        self.site = Some(Arc::new(site));
        self.needs_full = diagnostics.has_errors();
        if diagnostics.has_errors() {
            return (Outcome::Failed(diagnostics), Diagnostics::new());
        }
        self.state = RenderState::default();
        self.touched = Touched::All;
        self.published.clear();
        self.search = SearchIndex::default();
        self.search_files.clear();
        let outcome = self.render(store, true, &AtomicBool::new(false));
        if matches!(outcome, Outcome::Failed(_)) {
            self.needs_full = true;
        }
        (outcome, warnings(diagnostics))
    }

    fn incremental(
        &mut self,
        changes: &Changes,
        store: &SharedStore,
        reloaded: &AtomicBool,
    ) -> (Outcome, Diagnostics) {
        let Some(site) = self.site.as_mut().and_then(Arc::get_mut) else {
            self.needs_full = true;
            return self.full(store);
        };
        self.touched.merge(site.apply(changes));
        let t = crate::timing::phase("site: diagnostics");
        let diagnostics = site.diagnostics();
        drop(t);
        if diagnostics.has_errors() {
            return (Outcome::Failed(diagnostics), Diagnostics::new());
        }
        let outcome = self.render(store, changes.files, reloaded);
        (outcome, warnings(diagnostics))
    }

    /// Renders what changed into a collection and applies it to the store (the pages
    /// first, then reloading open tabs if `reloaded` is set when they are reloaded).
    fn render(
        &mut self,
        store: &SharedStore,
        files_changed: bool,
        reloaded: &AtomicBool,
    ) -> Outcome {
        let Some(site) = &self.site else {
            return Outcome::Unchanged;
        };
        let collect = Collect::default();
        let first = self.state.is_empty();
        // After an edit, the pages are shown as soon as they are made; the search
        // index files follow when the index is up to date.
        let show_pages = pages_shown(&collect, store, self.early_reload.as_deref(), reloaded);
        let built = pipeline::run(
            site,
            &collect,
            pipeline::Options {
                previous: &self.state,
                touched: &self.touched,
                report: render::Report::State,
                images: pipeline::Images::PublishNew,
                files: pipeline::Files::Changed {
                    served: &mut self.published,
                    changed: files_changed,
                },
                search: pipeline::Search::Update {
                    index: &mut self.search,
                    served: &mut self.search_files,
                },
                check_links: false,
                checked_before: None,
                stop_on_error: true,
                pages_ready: (!first).then_some(&show_pages as _),
            },
        );
        drop(show_pages);
        let pipeline::Built {
            outcome,
            files_written: changed_files,
            search_written,
            ..
        } = built;
        if !outcome.errors.is_empty() {
            return Outcome::Failed(outcome.errors.into());
        }
        let mut removed = outcome.removed;
        let written = outcome.written.len()
            + changed_files.len()
            + outcome.counts.images.variants
            + search_written;
        let only_files = outcome.written.is_empty() && search_written == 0 && removed.is_empty();
        let css_only = css_only(site, only_files, &changed_files);
        self.state.apply(outcome.update);
        self.touched = Touched::none();
        // Variants no page refers to any more go, as a full build would not make them.
        removed.extend(unused_variants(site, &self.state));
        if written == 0 && removed.is_empty() {
            return Outcome::Unchanged;
        }
        let collected = collect.finish();
        let mut store = store.write().unwrap_or_else(|e| e.into_inner());
        if first {
            store.replace(collected);
        } else {
            store.apply(collected, &removed);
        }
        Outcome::Applied {
            written,
            removed: removed.len(),
            css_only,
        }
    }
}

/// What applies the pages collected so far to `store` (with the outputs removed), and
/// reloads open tabs with `early_reload` when they showed no error and a page changed,
/// setting `reloaded`.
fn pages_shown<'a>(
    collect: &'a Collect,
    store: &'a SharedStore,
    early_reload: Option<&'a (dyn Fn() + Send + Sync)>,
    reloaded: &'a AtomicBool,
) -> impl Fn(&pipeline::Built) + Sync + 'a {
    move |built: &pipeline::Built| {
        let removed = &built.outcome.removed;
        let pages = collect.take();
        if pages.files.is_empty() && removed.is_empty() {
            return;
        }
        let mut store = store.write().unwrap_or_else(|e| e.into_inner());
        let no_errors = store.errors.is_none();
        let html = pages.files.keys().any(|p| p.ends_with(".html"));
        store.apply(pages, removed);
        drop(store);
        if let Some(reload) = early_reload.filter(|_| no_errors && html) {
            reload();
            reloaded.store(true, Ordering::Relaxed);
        }
    }
}

/// When only stylesheets changed (`only_files` says no page, index file or removal
/// went with them): their URLs, to swap without a reload.
fn css_only(site: &Site, only_files: bool, changed_files: &[String]) -> Vec<String> {
    if only_files && changed_files.iter().all(|p| p.ends_with(".css")) {
        changed_files.iter().map(|p| site.config.href(p)).collect()
    } else {
        Vec::new()
    }
}

/// Forgets the image variants that neither a rendered file nor any Markdown refers to,
/// and returns their paths.
fn unused_variants(site: &Site, state: &RenderState) -> Vec<String> {
    let lib = &site.library;
    let live: rustc_hash::FxHashSet<&str> = state
        .files()
        .chain(
            lib.pages
                .iter()
                .flat_map(|p| &p.rendered.files)
                .map(String::as_str),
        )
        .chain(
            lib.sections
                .iter()
                .flat_map(|s| &s.rendered.files)
                .map(String::as_str),
        )
        .collect();
    site.images.retain(|path| live.contains(path))
}

fn warnings(diagnostics: Diagnostics) -> Diagnostics {
    diagnostics
        .into_iter()
        .filter(|d| !d.is_error())
        .collect::<Vec<_>>()
        .into()
}
