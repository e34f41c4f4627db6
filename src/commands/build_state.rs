//! What a build leaves for the next build of the same site into the same folder, in
//! `.herald-cache/`: the render state, the published files' versions, the output's
//! manifest and the config's hash.
//!
//! Two [`cache_file`](crate::cache_file)s: `build-state.bin`, the base, holds it all
//! (9.6 MB at 10,000 articles); `build-state-delta.bin` holds what changed since the
//! base was written (records and versions by value, manifest entries), keyed by the
//! base's id. A build after an edit that committed file by file writes only the
//! delta; once that reaches an eighth of the base, the base is written anew and the
//! delta removed. A missing or damaged delta, or one of another base, is left out:
//! the base alone describes an older output, which the output's stamp tells apart
//! like any state whose save was lost.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::output::Committed;
use crate::render::{self, RenderState, StateUpdate};
use crate::site::{LoadOptions, Site};

/// The saved form of a [`BuildState`]: render state, published, manifest, `.gz` made,
/// the config's hash, the base's id.
type SavedState = (
    render::state::LoadedState,
    HashMap<String, u64>,
    HashMap<String, Stat>,
    Vec<String>,
    u64,
    u64,
);

/// The saved form of a delta: what changed in the render state, published,
/// manifest entries changed (`None`: gone), `.gz` made, the config's hash.
type SavedDelta = (
    render::state::LoadedDelta,
    HashMap<String, u64>,
    Vec<(String, Option<Stat>)>,
    Vec<String>,
    u64,
);

/// A file's size and modification time (ns).
type Stat = (u64, u128);

/// What a build leaves for the next build of the same site into the same folder.
pub(super) struct BuildState {
    pub render: RenderState,
    /// Published files (static, assets, beside content) and their versions.
    pub published: HashMap<String, u64>,
    /// The output as written: path → (size, modification time).
    pub manifest: HashMap<String, Stat>,
    /// Of those, the `.gz` files Herald made (`--compress`).
    pub gzipped: Vec<String>,
    /// The hash of the config the build was made with (see [`config_hash`]).
    pub config: u64,
    /// The base file this state was read from.
    pub base: Base,
}

/// The base file a state was read from, for saving only what changed since.
#[derive(Debug, Clone, Default)]
pub(super) struct Base {
    id: u64,
    /// Manifest paths whose entry changed since the base was written.
    manifest_changed: Vec<String>,
}

/// The hash of a site's config: the link check of a page kept from a build made with
/// another config is made again (the base URL and path say where links lead).
pub(super) fn config_hash(site: &Site) -> u64 {
    crate::hash::of(&format!("{:?}", site.config))
}

/// Whether the link check of the last build holds for the pages this build keeps
/// from it: it was made with the same config.
pub(super) fn same_config(site: &Site, previous: Option<&BuildState>) -> bool {
    previous.is_some_and(|p| p.config == config_hash(site))
}

impl BuildState {
    fn path(root: &Path) -> PathBuf {
        root.join(".herald-cache").join("build-state.bin")
    }

    fn delta_path(root: &Path) -> PathBuf {
        root.join(".herald-cache").join("build-state-delta.bin")
    }

    /// The key of the delta of the base `id`, for builds identified by `key`.
    fn delta_key(key: u64, id: u64) -> u64 {
        crate::hash::of(&(key, id))
    }

    /// What identifies a build: Herald itself, the options and the output folder.
    pub fn key(options: &LoadOptions, output: &Path, compress: bool) -> u64 {
        let output = std::path::absolute(output).unwrap_or_else(|_| output.to_path_buf());
        crate::hash::of(&(
            &options.base_url,
            options.drafts,
            options.fingerprint,
            compress,
            output,
        ))
    }

    /// The state the last build identified by `key` left, its delta applied.
    pub fn load(root: &Path, key: u64) -> Option<BuildState> {
        let t = crate::timing::phase("build state: read");
        let (render, published, manifest, gzipped, config, id): SavedState =
            crate::cache_file::load(&Self::path(root), key)?;
        let delta: Option<SavedDelta> =
            crate::cache_file::load(&Self::delta_path(root), Self::delta_key(key, id));
        drop(t);
        let _t = crate::timing::phase("build state: index");
        let mut state = BuildState {
            render: RenderState::default(),
            published,
            manifest,
            gzipped,
            config,
            base: Base {
                id,
                manifest_changed: Vec::new(),
            },
        };
        let render_delta = delta.map(|(render, published, changed, gzipped, config)| {
            for (path, stat) in &changed {
                match stat {
                    Some(stat) => state.manifest.insert(path.clone(), *stat),
                    None => state.manifest.remove(path),
                };
            }
            state.base.manifest_changed = changed.into_iter().map(|(path, _)| path).collect();
            (state.published, state.gzipped, state.config) = (published, gzipped, config);
            render
        });
        state.render = RenderState::from_saved(render, render_delta);
        Some(state)
    }

    /// Saves what this build leaves: the changes since `base` when the commit went
    /// file by file and they are small, else everything as a new base.
    pub fn save(
        site: &Site,
        key: u64,
        (render, update): (&RenderState, &StateUpdate),
        base: Option<&Base>,
        published: &HashMap<String, u64>,
        output: &Committed,
    ) {
        let root = &site.root;
        let config = config_hash(site);
        if let Some(base) = base
            && let Some(changed) = &output.changed
            && let Some(render_delta) = render.delta_with(update)
        {
            let mut paths: HashSet<&str> =
                base.manifest_changed.iter().map(String::as_str).collect();
            paths.extend(changed.iter().map(String::as_str));
            let entries: Vec<(&str, Option<&Stat>)> = paths
                .into_iter()
                .map(|path| (path, output.files.get(path)))
                .collect();
            if (entries.len() + output.gzipped.len()) * crate::cache_file::delta_share()
                < output.files.len()
            {
                let delta = (render_delta, published, entries, &output.gzipped, config);
                let path = Self::delta_path(root);
                let _ = crate::cache_file::save(&path, Self::delta_key(key, base.id), &delta);
                return;
            }
        }
        let id = crate::hash::of(&(std::time::SystemTime::now(), std::process::id()));
        let saved = (
            render.saved_with(update),
            published,
            &output.files,
            &output.gzipped,
            config,
            id,
        );
        if crate::cache_file::save(&Self::path(root), key, &saved).is_ok() {
            let _ = std::fs::remove_file(Self::delta_path(root));
        }
    }
}
