//! Themes: `themes/<name>/` with `templates/`, `static/` and `assets/`.
//!
//! The default theme is also compiled into Herald: a site that names `default` but
//! has no `themes/default/` folder uses the built-in copy, and `herald init` writes
//! that copy out for editing.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use crate::error::Diagnostic;
use crate::fs::{self, SiteBounds, site_walk, slash_path};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));
}

/// The name of the theme compiled into Herald.
pub const DEFAULT_THEME: &str = "default";

/// Where a file of a theme or site comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A file on disk.
    Disk(PathBuf),
    /// A file of the built-in default theme, shown as this path.
    Embedded(&'static str, &'static [u8]),
}

impl Origin {
    /// The file's bytes.
    pub fn read(&self) -> Result<Cow<'static, [u8]>, Diagnostic> {
        match self {
            Origin::Disk(path) => fs::read_bytes(path).map(Cow::Owned),
            Origin::Embedded(_, bytes) => Ok(Cow::Borrowed(bytes)),
        }
    }

    /// The file's text.
    pub fn read_text(&self) -> Result<String, Diagnostic> {
        match self {
            Origin::Disk(path) => fs::read_text(path),
            Origin::Embedded(name, bytes) => fs::text_from_bytes(Path::new(name), bytes.to_vec()),
        }
    }

    /// The path to show in messages.
    pub fn display_path(&self) -> PathBuf {
        match self {
            Origin::Disk(path) => path.clone(),
            Origin::Embedded(name, _) => PathBuf::from(format!("<built-in theme>/{name}")),
        }
    }

    /// The path on disk, for files that have one.
    pub fn disk_path(&self) -> Option<&Path> {
        match self {
            Origin::Disk(path) => Some(path),
            Origin::Embedded(..) => None,
        }
    }
}

/// One file of a folder of a theme or site, by its path inside that folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedFile {
    /// Path inside the folder, with forward slashes.
    pub rel: String,
    /// Where it comes from.
    pub origin: Origin,
}

/// The theme a site uses.
#[derive(Debug, Clone)]
pub struct Theme {
    /// Its name.
    pub name: String,
    /// Its folder, or `None` for the built-in default theme.
    pub dir: Option<PathBuf>,
    /// The site folder, which the theme's files must not link out of.
    pub site: PathBuf,
}

impl Theme {
    /// Finds the theme `name` of the site at `root`.
    pub fn locate(root: &Path, name: &str, config_file: &Path) -> Result<Theme, Diagnostic> {
        let dir = root.join("themes").join(name);
        if dir.is_dir() {
            return Ok(Theme {
                name: name.into(),
                dir: Some(dir),
                site: root.to_path_buf(),
            });
        }
        if name == DEFAULT_THEME {
            return Ok(Theme {
                name: name.into(),
                dir: None,
                site: root.to_path_buf(),
            });
        }
        let mut d = Diagnostic::error(format!(
            "theme `{name}` not found: there is no folder themes/{name}/"
        ))
        .in_file(config_file)
        .with_help(format!(
            "create themes/{name}/templates/, or use `theme: {DEFAULT_THEME}`"
        ));
        d.line = crate::yaml::key_line(
            &std::fs::read_to_string(config_file).unwrap_or_default(),
            "theme",
        );
        Err(d)
    }

    /// The files of one of the theme's folders (`templates`, `static`, `assets`).
    pub fn files(&self, folder: &str) -> (Vec<NamedFile>, Vec<Diagnostic>) {
        match &self.dir {
            Some(dir) => list_folder(&dir.join(folder), &self.site),
            None => (embedded_files(folder), Vec::new()),
        }
    }
}

/// The built-in theme's files under `folder`.
pub fn embedded_files(folder: &str) -> Vec<NamedFile> {
    let prefix = format!("{folder}/");
    embedded::FILES
        .iter()
        .filter_map(|(path, bytes)| {
            path.strip_prefix(&prefix).map(|rel| NamedFile {
                rel: rel.to_string(),
                origin: Origin::Embedded(path, bytes),
            })
        })
        .collect()
}

/// Every file of the built-in theme: path inside the theme, bytes.
pub fn embedded_theme() -> &'static [(&'static str, &'static [u8])] {
    embedded::FILES
}

/// Lists the files under `dir` (missing is empty), skipping hidden and editor files.
/// Symbolic links that lead outside the site folder `site` are errors, and nothing
/// behind them is listed.
pub fn list_folder(dir: &Path, site: &Path) -> (Vec<NamedFile>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    if !dir.is_dir() {
        return (files, errors);
    }
    let bounds = SiteBounds::new(site);
    let mut escapes = Vec::new();
    for entry in site_walk(dir, &bounds, &mut escapes) {
        match entry {
            Ok(entry) if entry.file_type().is_file() => files.push(NamedFile {
                rel: slash_path(entry.path(), dir),
                origin: Origin::Disk(entry.path().to_path_buf()),
            }),
            Ok(_) => {}
            Err(e) => {
                let path = e
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| dir.to_path_buf());
                let message = if e.loop_ancestor().is_some() {
                    "symlink loop: this link points back to a folder above it".to_string()
                } else {
                    format!("cannot read: {e}")
                };
                errors.push(Diagnostic::error(message).in_file(path));
            }
        }
    }
    errors.extend(escapes);
    (files, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_theme_has_templates() {
        let names: Vec<_> = embedded_files("templates")
            .into_iter()
            .map(|f| f.rel)
            .collect();
        for needed in ["base.html", "page.html", "index.html"] {
            assert!(names.iter().any(|n| n == needed), "{needed} in {names:?}");
        }
    }

    #[test]
    fn unknown_theme_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = Theme::locate(dir.path(), "fancy", &dir.path().join("config.yaml")).unwrap_err();
        assert!(err.message.contains("theme `fancy` not found"));
        assert!(
            Theme::locate(dir.path(), "default", &dir.path().join("config.yaml"))
                .unwrap()
                .dir
                .is_none()
        );
    }
}
