//! Finding the files of `content/`: Markdown pages, `_index.md` sections, and other
//! files that sit beside them (copied to the output as they are).
//!
//! Hidden files and editors' temporary files are skipped; a symlink loop is an error
//! naming the link, never a hang.

use std::path::{Path, PathBuf};

use crate::error::Diagnostic;
use crate::fs::{SiteBounds, site_walk, slash_path};

/// The file that makes a folder a section.
pub const SECTION_FILE: &str = "_index.md";

/// One file found under `content/`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceFile {
    /// Where it is on disk.
    pub path: PathBuf,
    /// Its path inside `content/` with forward slashes, e.g. `articles/x.md`.
    pub rel: String,
}

/// The files of `content/`, sorted by path.
#[derive(Debug, Default, Clone)]
pub struct ContentFiles {
    /// `_index.md` files.
    pub sections: Vec<SourceFile>,
    /// Other `.md` files.
    pub pages: Vec<SourceFile>,
    /// Everything else, copied as is.
    pub others: Vec<SourceFile>,
}

/// What kind of content file a path is, judged by its name alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentKind {
    /// An `_index.md`.
    Section,
    /// Another Markdown file.
    Page,
    /// Any other file.
    Other,
}

/// Classifies a content file by its name.
pub fn kind_of(rel: &str) -> ContentKind {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if name == SECTION_FILE {
        ContentKind::Section
    } else if name.ends_with(".md") {
        ContentKind::Page
    } else {
        ContentKind::Other
    }
}

/// Lists the files of `content_dir`; problems (unreadable folders, symlink loops) come
/// back beside the files that could be listed.
/// Symbolic links that lead outside the site folder `site` are errors, and nothing
/// behind them is listed.
pub fn walk(content_dir: &Path, site: &Path) -> (ContentFiles, Vec<Diagnostic>) {
    let mut files = ContentFiles::default();
    let mut errors = Vec::new();
    if !content_dir.is_dir() {
        errors.push(
            Diagnostic::error("there is no content/ folder")
                .in_file(content_dir)
                .with_help("create content/_index.md for the landing page and content/articles/ for articles"),
        );
        return (files, errors);
    }
    let bounds = SiteBounds::new(site);
    let mut escapes = Vec::new();
    for entry in site_walk(content_dir, &bounds, &mut escapes) {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                errors.push(walk_error(&e, content_dir));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = slash_path(entry.path(), content_dir);
        let file = SourceFile {
            path: entry.path().to_path_buf(),
            rel,
        };
        match kind_of(&file.rel) {
            ContentKind::Section => files.sections.push(file),
            ContentKind::Page => files.pages.push(file),
            ContentKind::Other => files.others.push(file),
        }
    }
    errors.extend(escapes);
    (files, errors)
}

fn walk_error(error: &walkdir::Error, content_dir: &Path) -> Diagnostic {
    let path = error.path().map(Path::to_path_buf).unwrap_or_default();
    if let Some(ancestor) = error.loop_ancestor() {
        // Name the folder as the editor sees it, from the site folder.
        let site = content_dir.parent().unwrap_or(content_dir);
        let shown = ancestor.strip_prefix(site).unwrap_or(ancestor);
        return Diagnostic::error(format!(
            "symlink loop: this link points back to {}",
            shown.display()
        ))
        .in_file(path)
        .with_help("remove the link or point it somewhere outside its own folder");
    }
    let reason = error
        .io_error()
        .map_or_else(|| error.to_string(), ToString::to_string);
    Diagnostic::error(format!("cannot read: {reason}")).in_file(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_name() {
        assert_eq!(kind_of("articles/_index.md"), ContentKind::Section);
        assert_eq!(kind_of("articles/x.md"), ContentKind::Page);
        assert_eq!(kind_of("articles/x.png"), ContentKind::Other);
    }

    #[test]
    fn walks_sorted_and_skips_editor_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("articles")).unwrap();
        for name in [
            "_index.md",
            "articles/b.md",
            "articles/a.md",
            "articles/.a.md.swp",
            "articles/a.md~",
            "articles/pic.png",
        ] {
            std::fs::write(root.join(name), "x").unwrap();
        }
        let (files, errors) = walk(root, root);
        assert!(errors.is_empty());
        let pages: Vec<_> = files.pages.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(pages, ["articles/a.md", "articles/b.md"]);
        assert_eq!(files.sections[0].rel, "_index.md");
        assert_eq!(files.others[0].rel, "articles/pic.png");
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loop_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("a")).unwrap();
        std::os::unix::fs::symlink(root.join("a"), root.join("a/loop")).unwrap();
        let (_, errors) = walk(root, root);
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].message.contains("symlink loop"),
            "{}",
            errors[0].message
        );
    }
}
