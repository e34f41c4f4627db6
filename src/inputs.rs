//! The no-change fast path of `herald build`: a fingerprint of every file in the site
//! folder (path, size, modification time), taken before a build reads anything. When
//! the next build finds the same fingerprint, the same output and no future-dated page
//! come due, it reports "up to date" without loading the site at all.
//!
//! A wrong "changed" only costs the normal build (which still skips unchanged work);
//! a wrong "unchanged" would be a stale site, so everything uncertain counts as changed.

use std::collections::HashMap;
use std::hash::Hasher;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use crate::error::Diagnostic;
use crate::output::modified_ns;

/// What the fast path needs to know about the last successful build.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LastBuild {
    /// The site folder's fingerprint when that build started.
    pub inputs: u64,
    /// The fingerprint of the output that build left.
    pub output: u64,
    /// The earliest date of a future page it left out, as RFC 3339.
    pub next_due: Option<String>,
    /// What it reported: pages, articles, topics, tags, files.
    pub counts: [usize; 5],
    /// Its warnings, shown again.
    pub warnings: Vec<Diagnostic>,
}

impl LastBuild {
    fn path(root: &Path) -> PathBuf {
        root.join(".herald-cache").join("last-build.bin")
    }

    /// The record of the last build, if it was made with `key`.
    pub fn load(root: &Path, key: u64) -> Option<LastBuild> {
        crate::cache_file::load(&Self::path(root), key)
    }

    /// Saves the record under `key` (Herald, the options and the output folder, see
    /// `BuildState::key`); a failure only costs the next build its fast path.
    pub fn save(&self, root: &Path, key: u64) {
        let _ = crate::cache_file::save(&Self::path(root), key, self);
    }

    /// True when a build now, with site fingerprint `inputs`, would make what the
    /// output folder already holds.
    pub fn still_holds(&self, inputs: u64, now: DateTime<FixedOffset>, output: &Path) -> bool {
        let due = self.next_due.as_deref().map(DateTime::parse_from_rfc3339);
        let not_due = match due {
            None => true,
            Some(Ok(due)) => now < due,
            Some(Err(_)) => false,
        };
        self.inputs == inputs && not_due && fingerprint_of_output(output) == Some(self.output)
    }
}

/// The fingerprint of the site folder: every file's path, size and modification time,
/// following symbolic links, leaving out the output folder and what builds write beside
/// it, `.herald-cache` and `.git`.
/// Also covers the Herald binary, so that a rebuilt Herald is never "up to date".
/// `None` when something could not be read.
pub fn fingerprint_of_site(root: &Path, output: &Path) -> Option<u64> {
    let output = std::path::absolute(output).ok()?;
    let root_abs = std::path::absolute(root).ok()?;
    // The redirects map beside the output is written by the build, like the output,
    // and so are the build's own files beside it (lock, stamp, commit journal).
    let map = crate::aliases::default_map_path(&output);
    let own_prefix = output.file_name().map(|name| {
        let mut prefix = std::ffi::OsString::from(".");
        prefix.push(name);
        prefix.push(".herald-");
        prefix
    });
    let is_own = |path: &Path| {
        path.parent() == output.parent()
            && own_prefix.as_ref().is_some_and(|prefix| {
                path.file_name()
                    .is_some_and(|n| n.as_encoded_bytes().starts_with(prefix.as_encoded_bytes()))
            })
    };
    let mut hasher = Xxh3::new();
    let exe = std::env::current_exe().and_then(std::fs::metadata).ok()?;
    hasher.write_u64(exe.len());
    hasher.write_u128(modified_ns(&exe));
    let walk = walkdir::WalkDir::new(&root_abs)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name();
            !(e.depth() == 1 && (name == ".herald-cache" || name == ".git"))
                && e.path() != output
                && e.path() != map
                && !is_own(e.path())
        });
    for entry in walk {
        let entry = entry.ok()?;
        let rel = entry.path().strip_prefix(&root_abs).ok()?;
        hasher.write(rel.as_os_str().as_encoded_bytes());
        hasher.write_u8(0);
        if entry.file_type().is_file() {
            let meta = entry.metadata().ok()?;
            hasher.write_u64(meta.len());
            hasher.write_u128(modified_ns(&meta));
        }
    }
    Some(hasher.finish())
}

/// The fingerprint of a build's output from its manifest (path → size, time).
pub fn fingerprint_of_manifest(manifest: &HashMap<String, (u64, u128)>) -> u64 {
    let mut entries: Vec<_> = manifest.iter().collect();
    entries.sort_unstable();
    crate::hash::of(&entries)
}

/// The fingerprint of the output folder as it is now, comparable with
/// [`fingerprint_of_manifest`] of the manifest the build wrote.
pub fn fingerprint_of_output(output: &Path) -> Option<u64> {
    output
        .is_dir()
        .then(|| fingerprint_of_manifest(&crate::output::manifest(output)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_change_in_the_site_changes_the_fingerprint_but_the_output_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::create_dir_all(root.join("public")).unwrap();
        std::fs::write(root.join("content/a.md"), "one").unwrap();
        let output = root.join("public");
        let first = fingerprint_of_site(root, &output).unwrap();
        assert_eq!(fingerprint_of_site(root, &output), Some(first));

        std::fs::write(root.join("public/index.html"), "out").unwrap();
        std::fs::create_dir_all(root.join(".herald-cache")).unwrap();
        std::fs::write(root.join(".herald-cache/x.bin"), "cache").unwrap();
        std::fs::write(root.join(".public.herald-lock"), "").unwrap();
        std::fs::write(root.join(".public.herald-stamp"), "1 2").unwrap();
        assert_eq!(fingerprint_of_site(root, &output), Some(first));

        std::fs::write(root.join("content/a.md"), "two").unwrap();
        let edited = fingerprint_of_site(root, &output).unwrap();
        assert_ne!(edited, first);
        std::fs::write(root.join("content/b.md"), "").unwrap();
        let added = fingerprint_of_site(root, &output).unwrap();
        assert_ne!(added, edited);
        std::fs::remove_file(root.join("content/b.md")).unwrap();
        std::fs::rename(root.join("content/a.md"), root.join("content/c.md")).unwrap();
        assert_ne!(fingerprint_of_site(root, &output), Some(edited));
    }
}
