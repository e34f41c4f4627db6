//! The commands that load and render a whole site: `build` and `check`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use std::collections::HashMap;

use crate::aliases::PublishedUrls;
use crate::error::{Diagnostic, Diagnostics};
use crate::inputs::{LastBuild, fingerprint_of_manifest};
use crate::output::compress::CompressStats;
use crate::output::{
    Discard, OutputLock, Sink, Staging, check_output_folder, manifest, manifest_of, resolve_output,
};
use crate::render::{self, RenderCounts, RenderState};
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
    /// True when nothing changed since the last build and the output was left as it was.
    pub unchanged: bool,
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
            unchanged: false,
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
    let t = crate::timing::phase("load site");
    let (site, mut diagnostics) = Site::load(options);
    drop(t);
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

/// The saved form of a [`BuildState`]: render state, published, manifest.
type SavedState = (
    render::state::LoadedState,
    HashMap<String, u64>,
    HashMap<String, (u64, u128)>,
);

/// What a build leaves for the next build of the same site into the same folder.
struct BuildState {
    render: RenderState,
    /// Published files (static, assets, beside content) and their versions.
    published: HashMap<String, u64>,
    /// The output as written: path → (size, modification time).
    manifest: HashMap<String, (u64, u128)>,
}

impl BuildState {
    fn path(root: &Path) -> PathBuf {
        root.join(".herald-cache").join("build-state.bin")
    }

    /// What identifies a build: Herald itself, the options and the output folder.
    fn key(options: &LoadOptions, output: &Path, compress: bool) -> u64 {
        let output = std::path::absolute(output).unwrap_or_else(|_| output.to_path_buf());
        crate::hash::of(&(
            &options.base_url,
            options.drafts,
            options.fingerprint,
            compress,
            output,
        ))
    }

    fn load(root: &Path, key: u64) -> Option<BuildState> {
        let (render, published, manifest): SavedState =
            crate::cache_file::load(&Self::path(root), key)?;
        Some(BuildState {
            render: RenderState::from_saved(render),
            published,
            manifest,
        })
    }

    fn save(
        root: &Path,
        key: u64,
        render: render::state::SavedState<'_>,
        published: &HashMap<String, u64>,
        manifest: &HashMap<String, (u64, u128)>,
    ) {
        let _ = crate::cache_file::save(&Self::path(root), key, &(render, published, manifest));
    }
}

/// `herald build`: renders into a staging folder and swaps it in only if there was no
/// error. Pages and files that did not change since the last build into the same
/// folder are carried over instead of made again; when nothing changed at all and the
/// output is as that build left it, the output is not touched. With `compress`, every
/// text file gets a `.gz` beside it.
///
/// An `output` that is a symbolic link is resolved first: the build replaces the
/// folder it points to and keeps the link. Two builds into one output take turns.
pub fn build(options: &LoadOptions, output: &Path, compress: bool) -> Result<Summary, Failure> {
    build_with(options, output, compress, None)
}

/// [`build`], writing the nginx map of `aliases:` to `redirects_map` instead of
/// beside the output folder.
pub fn build_with(
    options: &LoadOptions,
    output: &Path,
    compress: bool,
    redirects_map: Option<&Path>,
) -> Result<Summary, Failure> {
    // Beside the output as named: a linked output's map stays where nginx looks.
    let map_path = redirects_map.map_or_else(
        || crate::aliases::default_map_path(output),
        Path::to_path_buf,
    );
    let fail = |d: Diagnostic| Failure {
        diagnostics: d.into(),
        root: options.root.clone(),
        kept_previous_output: output.is_dir(),
    };
    let output = resolve_output(output).map_err(fail)?;
    let _lock = OutputLock::take(&output).map_err(fail)?;
    build_locked(options, &output, compress, &map_path)
}

fn build_locked(
    options: &LoadOptions,
    output: &Path,
    compress: bool,
    map_path: &Path,
) -> Result<Summary, Failure> {
    let started = Instant::now();
    let root = options.root.clone();
    let kept_previous_output = output.is_dir();
    let fail = |diagnostics: Diagnostics| Failure {
        diagnostics,
        root: root.clone(),
        kept_previous_output,
    };
    check_output_folder(&options.root, output).map_err(|d| fail(d.into()))?;
    let inside = |a: &Path, b: &Path| {
        let (a, b) = (std::path::absolute(a), std::path::absolute(b));
        a.ok().zip(b.ok()).is_some_and(|(a, b)| a.starts_with(b))
    };
    if inside(map_path, output) {
        return Err(fail(
            Diagnostic::error(format!(
                "the redirects map {} would be inside the output folder, where readers could download it",
                map_path.display()
            ))
            .with_help("pass --redirects-map a path outside the output folder")
            .into(),
        ));
    }
    let key = BuildState::key(options, output, compress);
    let t = crate::timing::phase("fingerprint the site");
    let inputs = crate::inputs::fingerprint_of_site(&options.root, output);
    let last = LastBuild::load(&options.root, key);
    if let (Some(inputs), Some(last)) = (inputs, &last)
        && last.still_holds(inputs, options.now, output)
        && map_path.is_file()
    {
        let [pages, articles, topics, tags, files] = last.counts;
        return Ok(Summary {
            pages,
            articles,
            topics,
            tags,
            files,
            images: Default::default(),
            compressed: None,
            elapsed: started.elapsed(),
            warnings: last.warnings.clone(),
            unchanged: true,
        });
    }
    drop(t);
    // Saved when this build succeeds, for the next build's fast path.
    let remember = |site: &Site, summary: &Summary, output_print: u64| {
        let Some(inputs) = inputs else { return };
        LastBuild {
            key,
            inputs,
            output: output_print,
            next_due: site.next_due.map(|d| d.to_rfc3339()),
            counts: [
                summary.pages,
                summary.articles,
                summary.topics,
                summary.tags,
                summary.files,
            ],
            warnings: summary.warnings.clone(),
        }
        .save(&site.root);
    };
    let t = crate::timing::phase("load site");
    let (site, mut diagnostics) = Site::load(options);
    drop(t);
    let Some(site) = site else {
        return Err(fail(diagnostics));
    };
    diagnostics.extend(crate::inspect::review::gate(&site));
    let site = Arc::new(site);
    if diagnostics.has_errors() {
        // Render anyway, writing nothing, so that template errors are reported too.
        let (_, errors) = render::render_all(&site, &Discard);
        diagnostics.extend(errors);
        diagnostics.sort();
        return Err(fail(diagnostics));
    }
    let t = crate::timing::phase("load build state");
    let previous = BuildState::load(&site.root, key);
    // Pages that moved since the last build into this output, with nothing left behind.
    let last_urls = PublishedUrls::load(&site.root, output).filter(|_| kept_previous_output);
    let (moved, urls) = PublishedUrls::moved(last_urls.as_ref(), &site, output);
    diagnostics.extend(moved);
    diagnostics.sort();
    let map = crate::aliases::map_text(&site);
    drop(t);
    let published = site.files.versions();
    if let Some(previous) = &previous {
        let _t = crate::timing::phase("check for changes");
        if previous.published == published
            && let Some(counts) = render::up_to_date(&site, &previous.render)
            && manifest(output) == previous.manifest
        {
            site.save_markdown_cache();
            crate::aliases::write_map(map_path, &map).map_err(|d| fail(d.into()))?;
            urls.save(&site.root);
            let mut summary = Summary::new(&site, counts, started, split_warnings(diagnostics));
            summary.unchanged = true;
            remember(&site, &summary, fingerprint_of_manifest(&previous.manifest));
            return Ok(summary);
        }
    }
    let mut staging = Staging::begin(output).map_err(|d| fail(d.into()))?;
    crate::pause::point("build-staging");
    let (state, manifest_before) = match previous {
        Some(previous) => (previous.render, previous.manifest),
        None => (RenderState::default(), HashMap::new()),
    };
    staging.expect(manifest_before);
    let built = render::pipeline::run(
        &site,
        &staging,
        render::pipeline::Options {
            report: render::Report::StateAndLinks,
            ..render::pipeline::Options::everything(&state)
        },
    );
    let (outcome, written) = (built.outcome, built.published);
    diagnostics.extend(outcome.errors);
    diagnostics.sort();
    if diagnostics.has_errors() {
        staging.abandon();
        return Err(fail(diagnostics));
    }
    crate::pause::point("build-written");
    let compressed = if compress {
        let _t = crate::timing::phase("compress");
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
    let mut manifest = staging.staged();
    crate::pause::point("build-compressed");
    let t = crate::timing::phase("staging: commit");
    staging.commit().map_err(|d| fail(d.into()))?;
    drop(t);
    crate::aliases::write_map(map_path, &map).map_err(|d| fail(d.into()))?;
    urls.save(&site.root);
    let t = crate::timing::phase("save build state");
    if compress {
        let gz = written.iter().map(|p| format!("{p}.gz"));
        manifest.extend(manifest_of(output, gz));
    }
    BuildState::save(
        &site.root,
        key,
        state.saved_with(&outcome.update),
        &published,
        &manifest,
    );
    let output_print = fingerprint_of_manifest(&manifest);
    drop(t);
    let _t = crate::timing::phase("save markdown cache");
    site.save_markdown_cache();
    let mut summary = Summary::new(&site, outcome.counts, started, split_warnings(diagnostics));
    summary.compressed = compressed;
    remember(&site, &summary, output_print);
    Ok(summary)
}

/// `herald check`: the whole pipeline, writing nothing.
pub fn check(options: &LoadOptions) -> Result<Summary, Failure> {
    let started = Instant::now();
    let (rendered, mut diagnostics) = load_and_render(options, &Discard);
    if let Some((site, _)) = &rendered {
        diagnostics.extend(crate::inspect::review::gate(site));
        diagnostics.sort();
    }
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
