//! The commands that load and render a whole site: `build` and `check`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::error::{Diagnostic, Diagnostics};
use crate::output::compress::CompressStats;
use crate::output::{Discard, Sink, Staging, check_output_folder};
use crate::render::{self, RenderCounts};
use crate::site::{LoadOptions, Site};

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
    /// Image variants published, made and taken from the cache.
    pub images: crate::images::ImageStats,
    /// `.gz` copies written beside text files (`build --compress`).
    pub compressed: Option<CompressStats>,
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
            images: counts.images,
            compressed: None,
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
    /// For a build: there was an output folder before, and it was left as it was.
    pub kept_previous_output: bool,
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
/// error. With `compress`, every text file gets a `.gz` beside it first.
pub fn build(options: &LoadOptions, output: &Path, compress: bool) -> Result<Summary, Failure> {
    let started = Instant::now();
    let root = options.root.clone();
    let kept_previous_output = output.is_dir();
    let fail = |diagnostics: Diagnostics| Failure {
        diagnostics,
        root: root.clone(),
        kept_previous_output,
    };
    check_output_folder(&options.root, output).map_err(|d| fail(d.into()))?;
    let staging = Staging::begin(output).map_err(|d| fail(d.into()))?;
    let (rendered, diagnostics) = load_and_render(options, &staging);
    let Some((site, counts)) = rendered.filter(|_| !diagnostics.has_errors()) else {
        staging.abandon();
        return Err(fail(diagnostics));
    };
    let compressed = if compress {
        match staging.compress() {
            Ok(stats) => Some(stats),
            Err(d) => {
                staging.abandon();
                return Err(fail(d.into()));
            }
        }
    } else {
        None
    };
    staging.commit().map_err(|d| fail(d.into()))?;
    let mut summary = Summary::new(&site, counts, started, split_warnings(diagnostics));
    summary.compressed = compressed;
    Ok(summary)
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
            kept_previous_output: false,
        }),
    }
}
