//! Rendering: every planned job through its Tera template, in parallel, each
//! written to the sink as soon as it is made (pages are not all held in memory).

pub mod context;
pub mod filters;
pub mod functions;
pub mod jobs;
pub mod pagination;
pub mod templates;
pub mod views;
pub mod week;

use std::sync::Arc;

use rayon::prelude::*;

use crate::assets::Body;
use crate::error::Diagnostic;
use crate::output::Sink;
use crate::site::Site;
pub use jobs::{Job, Planned};

/// What a render wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderCounts {
    /// HTML pages readers browse.
    pub pages: usize,
    /// Every file written (pages, feeds, copies).
    pub files: usize,
}

/// Renders every page and publishes every file of `site` into `sink`.
pub fn render_all(site: &Arc<Site>, sink: &dyn Sink) -> (RenderCounts, Vec<Diagnostic>) {
    let (plan, mut errors) = jobs::plan(site);
    let Some(templates) = &site.templates else {
        return (RenderCounts::default(), errors);
    };
    let mut tera = templates.instance();
    functions::register(&mut tera, site);
    let (shared, shared_errors) = context::Shared::new(site, &plan);
    errors.extend(shared_errors);

    let render_errors: Vec<Diagnostic> = plan
        .par_iter()
        .filter_map(|planned| {
            let result = context::build(site, &shared, planned).and_then(|ctx| {
                let html = tera.render(&planned.template, &ctx).map_err(|e| {
                    with_page(templates.render_error(&e, &planned.template), site, planned)
                })?;
                sink.write(&planned.output, html.as_bytes())
            });
            result.err()
        })
        .collect();
    errors.extend(render_errors);

    let copy_errors: Vec<Diagnostic> = site
        .files
        .published
        .par_iter()
        .filter_map(|(path, published)| {
            match &published.body {
                Body::File(origin) => sink.copy(path, origin),
                Body::Bytes(bytes) => sink.write(path, bytes),
            }
            .err()
        })
        .collect();
    errors.extend(copy_errors);

    let counts = RenderCounts {
        pages: plan.iter().filter(|p| p.is_html_page()).count(),
        files: plan.len() + site.files.published.len(),
    };
    (counts, errors)
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
