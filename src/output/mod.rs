//! Where rendered files go.
//!
//! A build writes new and changed files into a staging folder beside the output and
//! commits them only when everything succeeded, so a failed build leaves the previous
//! output as it was, and a build killed at any moment leaves either the previous output
//! or a commit that the next build finishes (`staging.rs` tells how, `journal.rs` how a
//! commit survives a kill). Files whose bytes did not change are not touched and keep
//! their modification time, so `rsync` sends only what changed.
//!
//! Nothing is ever written outside the staging folder and the output: every path is
//! checked first. With `--compress`, [`compress`] adds a `.gz` beside text files before
//! the commit.

pub mod compress;
mod journal;
mod staging;
mod target;

pub use staging::{Committed, Staging, Stat};
pub use target::{OutputLock, resolve_output};

use std::collections::HashMap;
use std::fs as stdfs;
use std::path::{Component, Path, PathBuf};

use crate::error::Diagnostic;
use crate::fs::{self, io_error};
use crate::theme::Origin;

/// A destination for rendered files. Paths are relative, with `/`.
pub trait Sink: Sync {
    /// Writes a file.
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic>;
    /// Publishes a copy of a file.
    fn copy(&self, path: &str, origin: &Origin) -> Result<(), Diagnostic>;
    /// Keeps the file the previous build wrote at `path`, unchanged; false when that
    /// file is not available (it must then be written).
    fn keep(&self, path: &str) -> bool {
        let _ = path;
        false
    }
}

/// Checks that a relative output path stays inside the output folder.
pub fn check_output_path(path: &str) -> Result<(), String> {
    if path.is_empty() {
        return Err("the output path is empty".into());
    }
    if path.starts_with('/') || path.contains('\\') || path.contains('\0') {
        return Err(format!(
            "`{path}` is not a relative path inside the output folder"
        ));
    }
    for part in path.split('/') {
        if part.is_empty() || part == "." || part == ".." {
            return Err(format!("`{path}` would leave the output folder"));
        }
        if part.len() > MAX_NAME_BYTES {
            return Err(format!(
                "the name `{}…` is {} bytes long; file systems allow {MAX_NAME_BYTES}",
                part.chars().take(24).collect::<String>(),
                part.len()
            ));
        }
    }
    Ok(())
}

/// The longest file or folder name that common file systems (ext4, NTFS, APFS) take.
pub const MAX_NAME_BYTES: usize = 255;

/// A sink that keeps nothing: `herald check` renders everything and writes nothing.
#[derive(Debug, Default)]
pub struct Discard;

impl Sink for Discard {
    fn write(&self, path: &str, _bytes: &[u8]) -> Result<(), Diagnostic> {
        check_output_path(path).map_err(Diagnostic::error)
    }
    fn keep(&self, _path: &str) -> bool {
        true
    }
    fn copy(&self, path: &str, _origin: &Origin) -> Result<(), Diagnostic> {
        check_output_path(path).map_err(Diagnostic::error)
    }
}

/// A file's modification time in nanoseconds since the epoch (0 when unknown).
pub fn modified_ns(meta: &stdfs::Metadata) -> u128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

/// Every file under `dir` with its size and time, by path relative to `dir`.
pub fn manifest(dir: &Path) -> HashMap<String, (u64, u128)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            Some((
                crate::fs::slash_path(e.path(), dir),
                (meta.len(), modified_ns(&meta)),
            ))
        })
        .collect()
}

/// The folder that holds `output` (made if missing), and `output`'s name: staging
/// folders and the lock go beside the output, in that folder.
fn parent_and_name(output: &Path) -> Result<(&Path, String), Diagnostic> {
    let parent = output
        .parent()
        .ok_or_else(|| Diagnostic::error("the output folder cannot be the file-system root"))?;
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    fs::create_dir_all(parent)?;
    Ok((parent, name))
}

/// `path` made absolute, with `.` and `..` dropped lexically.
pub(crate) fn absolute(path: &Path) -> Result<PathBuf, Diagnostic> {
    let path = std::path::absolute(path).map_err(|e| io_error(path, "cannot resolve", &e))?;
    // Drop `.` and `..` lexically, so the parent and name are what the user meant.
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    Ok(out)
}

/// Refuses output folders whose replacement would destroy the site itself.
pub fn check_output_folder(root: &Path, output: &Path) -> Result<(), Diagnostic> {
    let root = absolute(root)?;
    let output = absolute(output)?;
    let protected = [
        "content",
        "static",
        "assets",
        "themes",
        "templates",
        "data",
        "src",
        ".git",
    ];
    let bad =
        root.starts_with(&output) || protected.iter().any(|p| output.starts_with(root.join(p)));
    if bad {
        return Err(Diagnostic::error(format!(
            "refusing to use {} as the output folder: building replaces it entirely, and it holds the site's own files",
            output.display()
        ))
        .with_help("use a folder of its own, such as the default `public`"));
    }
    if !looks_built(&output) {
        return Err(Diagnostic::error(format!(
            "refusing to replace {}: it holds files but no index.html or 404.html, so it does not look like a site Herald built, and building replaces the folder entirely",
            output.display()
        ))
        .with_help("choose a new or empty folder, or move its files away first"));
    }
    Ok(())
}

/// True if `output` is missing, empty, or holds a site Herald built (whose files it
/// may replace).
fn looks_built(output: &Path) -> bool {
    let Ok(mut entries) = stdfs::read_dir(output) else {
        return true;
    };
    entries.next().is_none()
        || output.join("index.html").is_file()
        || output.join("404.html").is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_escape() {
        assert!(check_output_path("articles/x/index.html").is_ok());
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "a\\b",
            "./a",
        ] {
            assert!(check_output_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn refuses_to_replace_a_folder_of_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        assert!(check_output_folder(dir.path(), &out).is_ok(), "new");
        stdfs::create_dir_all(&out).unwrap();
        assert!(check_output_folder(dir.path(), &out).is_ok(), "empty");
        stdfs::write(out.join("thesis.docx"), "years of work").unwrap();
        let err = check_output_folder(dir.path(), &out).unwrap_err();
        assert!(err.message.contains("does not look like a site"), "{err}");
        stdfs::write(out.join("index.html"), "a site").unwrap();
        assert!(
            check_output_folder(dir.path(), &out).is_ok(),
            "a built site"
        );
    }

    #[test]
    fn refuses_to_replace_the_site() {
        let root = Path::new("/site");
        assert!(check_output_folder(root, Path::new("/site")).is_err());
        assert!(check_output_folder(root, Path::new("/")).is_err());
        assert!(check_output_folder(root, Path::new("/site/content")).is_err());
        assert!(check_output_folder(root, Path::new("/site/public")).is_ok());
    }
}
