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
    Committed, Discard, OutputLock, Sink, Staging, check_output_folder, manifest, resolve_output,
};
use crate::render::{self, RenderCounts, RenderState};
use crate::site::{LoadOptions, Site};

mod build_state;
use build_state::{BuildState, same_config};

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

/// `herald build`: renders into a staging folder and commits it only if there was no
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
    let mut build = Build {
        options,
        output,
        compress,
        map_path,
        started: Instant::now(),
        kept_previous_output: output.is_dir(),
        key: BuildState::key(options, output, compress),
        inputs: None,
        output_differs: false,
    };
    check_output_folder(&options.root, output).map_err(|d| build.fail(d.into()))?;
    check_map_path(map_path, output).map_err(|d| build.fail(d.into()))?;
    let t = crate::timing::phase("fingerprint the site");
    build.inputs = crate::inputs::fingerprint_of_site(&options.root, output);
    if let Some(summary) = build.last_still_holds() {
        return Ok(summary);
    }
    drop(t);
    let kept = Kept::read_beside(options, output, build.key);
    let t = crate::timing::phase("load site");
    let (site, mut diagnostics) = Site::load(options);
    drop(t);
    let Some(site) = site else {
        return Err(build.fail(diagnostics));
    };
    diagnostics.extend(crate::inspect::review::gate(&site));
    let mut site = site;
    site.forget_sources();
    if !diagnostics.has_errors() {
        let _t = crate::timing::phase("save markdown cache");
        site.spill_bodies();
    }
    let site = Arc::new(site);
    if diagnostics.has_errors() {
        // Render anyway, writing nothing, so that template errors are reported too.
        let (_, errors) = render::render_all(&site, &Discard);
        diagnostics.extend(errors);
        diagnostics.sort();
        return Err(build.fail(diagnostics));
    }
    let t = crate::timing::phase("load build state");
    let Kept {
        state: previous,
        urls: last_urls,
        search,
    } = kept
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    // Pages that moved since the last build into this output, with nothing left behind.
    let t_urls = crate::timing::phase("build state: urls");
    let last_urls = last_urls.filter(|_| build.kept_previous_output);
    let (moved, urls) = PublishedUrls::moved(last_urls.as_ref(), &site, output);
    diagnostics.extend(moved);
    diagnostics.sort();
    let beside = Beside {
        map: crate::aliases::map_text(&site),
        urls,
        published: site.files.versions(),
    };
    drop(t_urls);
    drop(t);
    // A page's text changed: the render will tell what to write, and whether anything.
    if let Some(previous) = previous.as_ref().filter(|_| !site.pages_changed()) {
        let _t = crate::timing::phase("check for changes");
        if previous.published == beside.published
            && let Some(counts) = render::up_to_date(&site, &previous.render)
        {
            if manifest(output) == previous.manifest {
                return build.unchanged(&site, counts, previous, &beside, diagnostics);
            }
            build.output_differs = true;
        }
    }
    let written = build.write(&site, previous, search, &beside, diagnostics);
    drop_later((site, beside));
    written
}

/// Drops `value` on a thread of its own: the structures of a large site take tens of
/// milliseconds to free, which `herald build` need not wait for (a process exits
/// without waiting for such a thread).
fn drop_later<T: Send + 'static>(value: T) {
    std::thread::spawn(move || drop(value));
}

/// What the last build into this output kept for the next one.
struct Kept {
    state: Option<BuildState>,
    urls: Option<PublishedUrls>,
    search: crate::search::SearchIndex,
}

impl Kept {
    /// Starts reading what the last build kept on a thread of its own, while the site
    /// loads: none of it depends on the site, and the files take a tenth of a build
    /// after an edit to read.
    fn read_beside(
        options: &LoadOptions,
        output: &Path,
        key: u64,
    ) -> std::thread::JoinHandle<Kept> {
        let (root, output) = (options.root.clone(), output.to_path_buf());
        std::thread::spawn(move || Kept {
            state: BuildState::load(&root, key),
            urls: PublishedUrls::load(&root, &output),
            search: crate::search::SearchIndex::load(&root),
        })
    }
}

/// A redirects map inside the output folder would be published: an error.
fn check_map_path(map_path: &Path, output: &Path) -> Result<(), Diagnostic> {
    // `output` is resolved already; `..` in the map's path is read as the user meant.
    let inside = crate::output::absolute(map_path).is_ok_and(|m| m.starts_with(output));
    if inside {
        return Err(Diagnostic::error(format!(
            "the redirects map {} would be inside the output folder, where readers could download it",
            map_path.display()
        ))
        .with_help("pass --redirects-map a path outside the output folder"));
    }
    Ok(())
}

/// What a build writes beside the output, and the versions of the published files.
struct Beside {
    /// The nginx map of `aliases:`.
    map: String,
    /// Every URL published, for the next build to find pages that moved.
    urls: PublishedUrls,
    /// Published files (static, assets, beside content) and their versions.
    published: HashMap<String, u64>,
}

/// One build into one output folder, once it holds the output's lock.
struct Build<'a> {
    options: &'a LoadOptions,
    output: &'a Path,
    compress: bool,
    map_path: &'a Path,
    started: Instant,
    /// There was an output folder before this build.
    kept_previous_output: bool,
    /// What identifies the build (see [`BuildState::key`]).
    key: u64,
    /// The site folder's fingerprint, when it could be taken.
    inputs: Option<u64>,
    /// The output was compared with the last build's manifest and differs from it.
    output_differs: bool,
}

impl Build<'_> {
    fn fail(&self, diagnostics: Diagnostics) -> Failure {
        Failure {
            diagnostics,
            root: self.options.root.clone(),
            kept_previous_output: self.kept_previous_output,
        }
    }

    /// The fast path: when no input changed since the last build and its output is
    /// as that build left it, what that build did.
    fn last_still_holds(&self) -> Option<Summary> {
        let inputs = self.inputs?;
        let last = LastBuild::load(&self.options.root, self.key)?;
        if !(last.still_holds(inputs, self.options.now, self.output) && self.map_path.is_file()) {
            return None;
        }
        let [pages, articles, topics, tags, files] = last.counts;
        Some(Summary {
            pages,
            articles,
            topics,
            tags,
            files,
            images: Default::default(),
            compressed: None,
            elapsed: self.started.elapsed(),
            warnings: last.warnings.clone(),
            unchanged: true,
        })
    }

    /// Saved when this build succeeds, for the next build's fast path.
    fn remember(&self, site: &Site, summary: &Summary, output_print: u64) {
        let Some(inputs) = self.inputs else { return };
        LastBuild {
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
        .save(&site.root, self.key);
    }

    /// Nothing would change in the output: it is left as it is.
    fn unchanged(
        &self,
        site: &Site,
        counts: RenderCounts,
        previous: &BuildState,
        beside: &Beside,
        diagnostics: Diagnostics,
    ) -> Result<Summary, Failure> {
        site.save_content_caches();
        crate::aliases::write_map(self.map_path, &beside.map).map_err(|d| self.fail(d.into()))?;
        beside.urls.save(&site.root);
        let warnings = split_warnings(diagnostics);
        let mut summary = Summary::new(site, counts, self.started, warnings);
        summary.unchanged = true;
        self.remember(site, &summary, fingerprint_of_manifest(&previous.manifest));
        Ok(summary)
    }

    /// Runs the pipeline into a staging folder and commits it if there was no error.
    fn write(
        &self,
        site: &Arc<Site>,
        previous: Option<BuildState>,
        search: crate::search::SearchIndex,
        beside: &Beside,
        diagnostics: Diagnostics,
    ) -> Result<Summary, Failure> {
        std::thread::scope(|scope| {
            // The parse and Markdown caches depend on the site alone: saved while the
            // pages render, on the core the link check and the commit leave idle.
            scope.spawn(|| {
                let _t = crate::timing::phase("save content caches");
                site.save_content_caches();
            });
            self.write_output(site, previous, search, beside, diagnostics)
        })
    }

    /// What [`Build::write`] does besides saving the content caches: the pipeline into
    /// the staging folder, the commit, and the build state and search index saved.
    fn write_output(
        &self,
        site: &Arc<Site>,
        previous: Option<BuildState>,
        mut search: crate::search::SearchIndex,
        beside: &Beside,
        mut diagnostics: Diagnostics,
    ) -> Result<Summary, Failure> {
        let mut staging = Staging::begin(self.output).map_err(|d| self.fail(d.into()))?;
        crate::pause::point("build-staging");
        let same_config = same_config(site, previous.as_ref());
        let base = previous.as_ref().map(|p| p.base.clone());
        let (state, before) = match previous {
            Some(previous) => (
                previous.render,
                Committed {
                    files: previous.manifest,
                    gzipped: previous.gzipped,
                    changed: None,
                },
            ),
            None => (RenderState::default(), Committed::default()),
        };
        staging.expect(before);
        if self.output_differs {
            staging.distrust_output();
        }
        let options = render::pipeline::Options {
            report: render::Report::StateAndLinks,
            search: render::pipeline::Search::Kept(&mut search),
            checked_before: same_config.then(|| {
                let (files, gzipped) = staging.expected();
                render::pipeline::Checked { files, gzipped }
            }),
            ..render::pipeline::Options::everything(&state)
        };
        let built = render::pipeline::run(site, &staging, options);
        let mut outcome = built.outcome;
        diagnostics.extend(std::mem::take(&mut outcome.errors));
        diagnostics.sort();
        if diagnostics.has_errors() {
            staging.abandon();
            return Err(self.fail(diagnostics));
        }
        crate::pause::point("build-written");
        let compressed = if self.compress {
            let _t = crate::timing::phase("compress");
            match staging.compress() {
                Ok(stats) => Some(stats),
                Err(d) => {
                    staging.abandon();
                    return Err(self.fail(d.into()));
                }
            }
        } else {
            None
        };
        crate::pause::point("build-compressed");
        let t = crate::timing::phase("staging: commit");
        let committed = staging.commit().map_err(|d| self.fail(d.into()))?;
        drop(t);
        crate::aliases::write_map(self.map_path, &beside.map).map_err(|d| self.fail(d.into()))?;
        beside.urls.save(&site.root);
        // Two files of their own: written at once, each on a core of its own when free.
        let t = crate::timing::phase("save caches");
        rayon::join(
            || {
                let _t = crate::timing::phase("save build state");
                let render = (&state, &outcome.update);
                let (base, published) = (base.as_ref(), &beside.published);
                BuildState::save(site, self.key, render, base, published, &committed);
            },
            || search.save(&site.root),
        );
        drop(t);
        let warnings = split_warnings(diagnostics);
        let mut summary = Summary::new(site, outcome.counts, self.started, warnings);
        summary.compressed = compressed;
        self.remember(site, &summary, fingerprint_of_manifest(&committed.files));
        drop_later((state, search, committed, outcome, built.published));
        Ok(summary)
    }
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
