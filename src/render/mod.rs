//! Rendering: every planned job through its Tera template, in parallel, each written
//! to the sink as soon as it is made (pages are not all held in memory).
//!
//! Each render also returns a [`RenderState`]: what every file was made from. Given
//! the previous state, a render skips the files whose dependencies did not change,
//! which is what makes rebuilds after an edit fast.

pub mod context;
pub mod deps;
pub mod filters;
pub mod functions;
pub mod jobs;
pub mod pagination;
pub mod templates;
pub mod versions;
pub mod views;
pub mod week;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::assets::Body;
use crate::error::Diagnostic;
use crate::output::Sink;
use crate::site::Site;
use deps::Dep;
pub use jobs::{Job, Planned};
use versions::Versions;

/// What a render wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderCounts {
    /// HTML pages readers browse.
    pub pages: usize,
    /// Every file written (pages, feeds, copies).
    pub files: usize,
}

/// What one output file was rendered from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct JobRecord {
    template: String,
    deps: Vec<Dep>,
}

/// What the last render made, for the next render to skip what did not change.
#[derive(Debug, Clone, Default)]
pub struct RenderState {
    records: HashMap<String, JobRecord>,
    versions: HashMap<Dep, u64>,
}

impl RenderState {
    /// How many output files the state knows.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// True before the first render.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

/// The result of rendering the pages.
#[derive(Debug, Default)]
pub struct RenderOutcome {
    /// What was rendered in all (skipped files count too).
    pub counts: RenderCounts,
    /// Problems found.
    pub errors: Vec<Diagnostic>,
    /// What each output was made from, for the next render.
    pub state: RenderState,
    /// Outputs rendered this time.
    pub written: Vec<String>,
    /// Outputs of the previous state that no longer exist.
    pub removed: Vec<String>,
}

/// Renders the pages of `site` into `sink`, skipping those that `previous` says are
/// unchanged (an empty state renders everything).
pub fn render_pages(site: &Arc<Site>, sink: &dyn Sink, previous: &RenderState) -> RenderOutcome {
    let (plan, mut errors) = jobs::plan(site);
    let Some(templates) = &site.templates else {
        return RenderOutcome { errors, ..RenderOutcome::default() };
    };
    let (shared, shared_errors) = context::Shared::new(site, &plan);
    errors.extend(shared_errors);
    let mut versions = Versions::new(site, &shared);
    let dirty: Vec<&Planned> = plan
        .iter()
        .filter(|p| match previous.records.get(&p.output) {
            Some(record) if record.template == p.template => {
                record.deps.iter().any(|dep| previous.versions.get(dep) != Some(&versions.get(dep)))
            }
            _ => true,
        })
        .collect();

    let mut tera = templates.instance();
    functions::register(&mut tera, site);
        let results: Vec<(&Planned, Result<Vec<Dep>, Diagnostic>)> = dirty
        .par_iter()
        .map(|planned| {
            let (result, deps) = deps::collect(|| {
                deps::record(Dep::Template(planned.template.clone()));
                let ctx = context::build(site, &shared, planned)?;
                let html = tera
                    .render(&planned.template, &ctx)
                    .map_err(|e| with_page(templates.render_error(&e, &planned.template), site, planned))?;
                sink.write(&planned.output, html.as_bytes())
            });
                        (*planned, result.map(|()| deps))
        })
        .collect();

    let mut records: HashMap<String, JobRecord> = HashMap::with_capacity(plan.len());
    for planned in &plan {
        if let Some(record) = previous.records.get(&planned.output) {
            records.insert(planned.output.clone(), record.clone());
        }
    }
    let mut written = Vec::with_capacity(results.len());
        for (planned, result) in results {
        match result {
            Ok(deps) => {
                let record = JobRecord { template: planned.template.clone(), deps };
                records.insert(planned.output.clone(), record);
                written.push(planned.output.clone());
            }
            Err(d) => {
                records.remove(&planned.output);
                errors.push(d);
            }
        }
    }
    let mut used: HashMap<Dep, u64> = HashMap::new();
    for record in records.values() {
        for dep in &record.deps {
            if !used.contains_key(dep) {
                used.insert(dep.clone(), versions.get(dep));
            }
        }
    }
    let planned_outputs: HashSet<&str> = plan.iter().map(|p| p.output.as_str()).collect();
    let mut removed: Vec<String> = previous.records.keys().filter(|o| !planned_outputs.contains(o.as_str())).cloned().collect();
    removed.sort();
    written.sort();
    RenderOutcome {
        counts: RenderCounts {
            pages: plan.iter().filter(|p| p.is_html_page()).count(),
            files: plan.len() + site.files.published.len(),
        },
        errors,
        state: RenderState { records, versions: used },
        written,
        removed,
    }
}

/// Publishes the static files, assets and files beside content into `sink`.
pub fn publish_files(site: &Site, sink: &dyn Sink) -> Vec<Diagnostic> {
    site.files
        .published
        .par_iter()
        .filter_map(|(path, published)| {
            match &published.body {
                Body::File(origin) => sink.copy(path, origin),
                Body::Bytes(bytes) => sink.write(path, bytes),
            }
            .err()
        })
        .collect()
}

/// Renders every page and publishes every file of `site` into `sink`.
pub fn render_all(site: &Arc<Site>, sink: &dyn Sink) -> (RenderCounts, Vec<Diagnostic>) {
    let mut outcome = render_pages(site, sink, &RenderState::default());
    outcome.errors.extend(publish_files(site, sink));
    (outcome.counts, outcome.errors)
}

/// Adds which page was being rendered to a template error.
fn with_page(mut diagnostic: Diagnostic, site: &Site, planned: &Planned) -> Diagnostic {
    let page = match planned.job {
        Job::Page(id) => format!("content/{}", site.library.pages[id].file.rel),
        _ => format!("/{}", planned.path),
    };
    diagnostic.message = format!("{} (while rendering {page})", diagnostic.message);
    diagnostic
}
