//! Rendering: every planned job through its Tera template, in parallel, each written
//! to the sink as soon as it is made (pages are not all held in memory).
//!
//! Each render also returns a [`RenderState`]: what every file was made from. Given
//! the previous state, a render skips the files whose dependencies did not change,
//! which is what makes rebuilds after an edit fast.

pub mod context;
pub mod deps;
pub mod filters;
pub mod fragments;
pub mod functions;
pub mod jobs;
mod known;
mod numbered;
pub mod pagination;
pub mod pipeline;
pub mod qr;
pub mod shortcodes;
pub mod site_map;
pub mod state;
pub mod templates;
pub mod versions;
pub mod views;
pub mod week;

use std::sync::Arc;

use rayon::prelude::*;

use crate::assets::Body;
use crate::check::{PageLinks, links_in_html};
use crate::error::Diagnostic;
use crate::images::ImageStats;
use crate::output::Sink;
use crate::site::{Site, Touched};
use deps::Dep;
pub use jobs::{Job, Planned};
pub use state::{RenderState, StateUpdate};
use versions::Versions;

/// What a render wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderCounts {
    /// HTML pages readers browse.
    pub pages: usize,
    /// Every file written (pages, feeds, copies).
    pub files: usize,
    /// Image variants published, made and taken from the cache.
    pub images: ImageStats,
}

/// The result of rendering the pages.
#[derive(Debug, Default)]
pub struct RenderOutcome {
    /// What was rendered in all (skipped files count too).
    pub counts: RenderCounts,
    /// Problems found.
    pub errors: Vec<Diagnostic>,
    /// What the rendered outputs were made from, to apply to the state if kept.
    pub update: StateUpdate,
    /// Outputs rendered this time.
    pub written: Vec<String>,
    /// Outputs of the previous state that no longer exist.
    pub removed: Vec<String>,
    /// The links of every HTML page rendered, for [`crate::check`] (the pipeline adds
    /// those of the pages kept when it checks them).
    pub links: Vec<PageLinks>,
}

/// A file rendered: what it was made from, and its links.
type Rendered = (deps::Recorded, Vec<String>);

/// What a render reports beside the files it writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    /// The links of every HTML page rendered, but not what each file was made from:
    /// a one-off render.
    Links,
    /// What each rendered file was made from, for the next render, and the links of
    /// every HTML page rendered: `herald build`.
    StateAndLinks,
    /// What each rendered file was made from, and the links of the rendered pages only:
    /// `serve`, which checks no links and must not spend a rebuild listing the others.
    State,
}

/// Renders the pages of `site` into `sink`, skipping those that `previous` says are
/// unchanged (an empty state renders everything), reporting what `report` asks for.
/// `touched` says which pages changed since `previous` was made ([`Touched::All`]
/// unless the caller followed every change, as `serve` does).
pub fn render_pages(
    site: &Arc<Site>,
    sink: &dyn Sink,
    previous: &RenderState,
    touched: &Touched,
    report: Report,
) -> RenderOutcome {
    let t = crate::timing::phase("render: plan");
    let (plan, mut errors) = jobs::plan(site);
    drop(t);
    let Some(templates) = &site.templates else {
        return RenderOutcome {
            errors,
            ..RenderOutcome::default()
        };
    };
    let t = crate::timing::phase("render: shared context");
    let (shared, shared_errors) = context::Shared::new(site, &plan);
    drop(t);
    errors.extend(shared_errors);
    let t = crate::timing::phase("render: changed dependencies");
    let mut versions = Versions::new(site, &shared);
    let dirty_outputs = previous.dirty(&plan, &versions, touched);
    drop(t);
    let t = crate::timing::phase("render: jobs to render");
    let dirty = to_render(&plan, &dirty_outputs, sink, previous);
    drop(t);
    let t = crate::timing::phase("render: render dirty jobs");
    let tera = instance(site, templates, &shared);
    let results: Vec<(&Planned, Result<Rendered, Diagnostic>)> = dirty
        .par_iter()
        .map(|planned| {
            (
                *planned,
                render_job(site, &shared, (templates, &*tera), sink, planned),
            )
        })
        .collect();
    drop(t);
    let _t = crate::timing::phase("render: record state");
    let mut outcome = record(results, report, &mut versions);
    outcome.errors.splice(0..0, errors);
    outcome.removed = previous.removed(&plan);
    for output in &outcome.removed {
        outcome.update.forget(output);
    }
    outcome.written.sort();
    outcome.counts = RenderCounts {
        pages: plan.iter().filter(|p| p.is_html_page()).count(),
        files: plan.len() + site.files.published.len(),
        images: ImageStats::default(),
    };
    outcome
}

/// The build's copy of the templates, with the site's functions registered.
fn instance(
    site: &Arc<Site>,
    templates: &templates::Templates,
    shared: &context::Shared,
) -> Arc<tera::Tera> {
    let mut tera = templates.instance();
    functions::register(&mut tera, site);
    let (partial_cached, renderer) = fragments::PartialCached::new(shared.globals());
    tera.register_function("partial_cached", partial_cached);
    let tera = Arc::new(tera);
    // Set once, on an instance of this build's own: cannot already be set.
    let _ = renderer.set(Arc::downgrade(&tera));
    tera
}

/// The jobs to render: the dirty ones, and the clean ones whose last output (with the
/// image variants it refers to, which only a render registers for publishing) cannot
/// be kept.
fn to_render<'p>(
    plan: &'p [Planned],
    dirty_outputs: &rustc_hash::FxHashSet<Arc<str>>,
    sink: &dyn Sink,
    previous: &RenderState,
) -> Vec<&'p Planned> {
    plan.par_iter()
        .filter(|p| {
            dirty_outputs.contains(p.output.as_str())
                || !sink.keep(&p.output)
                || !previous.files_of(&p.output).iter().all(|f| sink.keep(f))
        })
        .collect()
}

/// Renders one job into `sink`, recording what it was made from; returns its links.
fn render_job(
    site: &Arc<Site>,
    shared: &context::Shared,
    (templates, tera): (&templates::Templates, &tera::Tera),
    sink: &dyn Sink,
    planned: &Planned,
) -> Result<Rendered, Diagnostic> {
    let (result, deps) = deps::collect(|| {
        deps::record(Dep::Template(planned.template.to_string()));
        let ctx = context::build(site, shared, planned)?;
        let html = tera
            .render(&planned.template, &ctx)
            .map_err(|e| with_page(templates.render_error(&e, &planned.template), site, planned))?;
        sink.write(&planned.output, html.as_bytes())?;
        Ok(if planned.output.ends_with(".html") {
            links_in_html(&html)
        } else {
            Vec::new()
        })
    });
    result.map(|hrefs| (deps, hrefs))
}

/// Gathers the rendered jobs: what each was made from (unless `report` is a one-off),
/// the outputs written, their links and the errors.
fn record(
    results: Vec<(&Planned, Result<Rendered, Diagnostic>)>,
    report: Report,
    versions: &mut Versions,
) -> RenderOutcome {
    let track = report != Report::Links;
    let mut outcome = RenderOutcome {
        written: Vec::with_capacity(results.len()),
        ..RenderOutcome::default()
    };
    for (planned, result) in results {
        match result {
            Ok((recorded, hrefs)) => {
                let hrefs: Arc<[String]> = hrefs.into();
                if track {
                    outcome.update.rendered(
                        &planned.output,
                        &planned.template,
                        recorded,
                        hrefs.clone(),
                        versions,
                    );
                }
                outcome.written.push(planned.output.clone());
                outcome.links.push(PageLinks {
                    output: planned.output.clone(),
                    template: planned.template.to_string(),
                    hrefs,
                });
            }
            Err(d) => {
                outcome.update.forget(&planned.output);
                outcome.errors.push(d);
            }
        }
    }
    outcome
}

/// When rendering `site` over `previous` would change no output file, what it would
/// have rendered.
pub fn up_to_date(site: &Site, previous: &RenderState) -> Option<RenderCounts> {
    if previous.is_empty() || site.templates.is_none() {
        return None;
    }
    let (plan, errors) = jobs::plan(site);
    let (shared, shared_errors) = context::Shared::new(site, &plan);
    let versions = Versions::new(site, &shared);
    let unchanged = errors.is_empty()
        && shared_errors.is_empty()
        && previous.dirty(&plan, &versions, &Touched::All).is_empty()
        && previous.removed(&plan).is_empty();
    unchanged.then(|| RenderCounts {
        pages: plan.iter().filter(|p| p.is_html_page()).count(),
        files: plan.len() + site.files.published.len(),
        images: ImageStats::default(),
    })
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

/// Writes generated files (the search index) into `sink`.
pub fn write_files(files: &crate::search::Files, sink: &dyn Sink) -> Vec<Diagnostic> {
    files
        .par_iter()
        .filter_map(|(path, bytes)| sink.write(path, bytes).err())
        .collect()
}

/// Renders every page and publishes every file of `site` into `sink`, then checks
/// that every link of every page leads to a file written.
pub fn render_all(site: &Arc<Site>, sink: &dyn Sink) -> (RenderCounts, Vec<Diagnostic>) {
    let previous = RenderState::default();
    let built = pipeline::run(site, sink, pipeline::Options::everything(&previous));
    (built.outcome.counts, built.outcome.errors)
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
