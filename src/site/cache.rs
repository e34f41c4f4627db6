//! The Markdown cache: rendered bodies kept between builds in
//! `.herald-cache/markdown.bin`, so an unchanged page is not rendered again.
//!
//! A rendering depends on the file, on where its `@/` links lead, on its images and
//! on the templates of its shortcodes and the files they name.
//! An entry is used only when the file's hash is the same and its links and images
//! resolve exactly as they did (checked against the site being built), so it can never
//! be stale. The whole cache is dropped when Herald (see `cache_file::BUILD_ID`) or
//! the settings that shape HTML (base URL, image settings, fingerprinting) change.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::error::Diagnostic;
use crate::hash;
use crate::markdown::{Rendered, Resolver};

/// Bumped when the cached data or the Markdown output changes shape (3: highlighting
/// by Oniguruma; 4: the body's hash kept beside it; 5: shortcodes).
const FORMAT: u32 = 5;

/// One cached rendering: file hash, resolution hash, rendering, its problems.
type Entry = (u64, u64, Rendered, Vec<Diagnostic>);

/// Rendered bodies by content path, loaded from the previous build.
#[derive(Debug, Default)]
pub struct MarkdownCache {
    key: u64,
    entries: HashMap<String, Entry>,
    /// True when a page was rendered afresh or went away: the file needs writing.
    pub changed: bool,
}

impl MarkdownCache {
    /// Where the cache of the site at `root` lives.
    pub fn path(root: &Path) -> PathBuf {
        root.join(".herald-cache").join("markdown.bin")
    }

    /// Reads the cache if it was made with the same `key`; an empty cache otherwise
    /// (a missing or damaged file is not an error: the cache only saves time).
    pub fn load(root: &Path, key: u64) -> MarkdownCache {
        let key = hash::of(&(key, FORMAT));
        let loaded = crate::cache_file::load_list::<(String, Entry)>(&Self::path(root), key);
        match loaded {
            Some(entries) => MarkdownCache {
                key,
                entries: entries.into_iter().collect(),
                changed: false,
            },
            None => MarkdownCache {
                key,
                entries: HashMap::new(),
                changed: true,
            },
        }
    }

    /// The cached rendering of `rel`, if its file and the resolution of its links and
    /// images are still what they were; with the resolution hash to keep.
    pub fn take(
        &mut self,
        rel: &str,
        source_hash: u64,
        resolver: &dyn Resolver,
    ) -> Option<(Rendered, Vec<Diagnostic>, u64)> {
        let (hash, resolved, rendered, _) = self.entries.get(rel)?;
        if *hash != source_hash {
            return None;
        }
        let now = resolutions(rendered, rel, resolver);
        if now != *resolved {
            return None;
        }
        let (_, _, rendered, problems) = self.entries.remove(rel)?;
        Some((rendered, problems, now))
    }

    /// True when entries of pages that no longer exist are left.
    pub fn has_leftovers(&self) -> bool {
        !self.entries.is_empty()
    }

    /// Writes the renderings of the current pages: `(path, file hash, resolution
    /// hash, rendering, problems)`.
    pub fn save<'a>(
        &self,
        root: &Path,
        pages: impl Iterator<Item = (&'a str, u64, u64, &'a Rendered, &'a [Diagnostic])>,
    ) {
        let entries: Vec<_> = pages.collect();
        let _ = crate::cache_file::save_list(&Self::path(root), self.key, &entries);
    }
}

/// Where a rendering's links and images lead now, as one hash.
pub fn resolutions(rendered: &Rendered, rel: &str, resolver: &dyn Resolver) -> u64 {
    let links: Vec<Result<String, String>> = rendered
        .links
        .iter()
        .map(|l| resolver.link(&l.target))
        .collect();
    let images: Vec<String> = rendered
        .images
        .iter()
        .map(|src| format!("{:?}", resolver.image(src, rel)))
        .collect();
    // Shortcodes: their templates, and the files their arguments named (sizes).
    let shortcodes: Vec<Option<u64>> = rendered
        .shortcodes
        .iter()
        .map(|name| resolver.shortcode_version(name))
        .collect();
    let files: Vec<Option<u64>> = rendered
        .shortcode_files
        .iter()
        .map(|path| resolver.file_version(path, rel))
        .collect();
    hash::of(&(links, images, shortcodes, files))
}
