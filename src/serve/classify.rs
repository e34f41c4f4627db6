//! Sorting changed paths into [`Changes`]: a pure function, so that watch-mode rules
//! are tested without touching the disk.

use std::path::{Component, Path};

use crate::fs::is_ignored_name;
use crate::site::Changes;

/// The folders of a site that `serve` watches, besides `config.yaml` in the root.
pub const WATCHED_FOLDERS: &[&str] =
    &["content", "templates", "themes", "static", "assets", "data"];

/// What the changed `paths` (absolute, under `root`) mean for a site using `theme`.
/// Editors' temporary, swap and backup files and everything outside the site's own
/// folders (the output, `target/`) are ignored.
pub fn classify(root: &Path, theme: &str, paths: &[impl AsRef<Path>]) -> Changes {
    let mut changes = Changes::default();
    for path in paths {
        let Ok(rel) = path.as_ref().strip_prefix(root) else {
            continue;
        };
        let parts: Vec<String> = rel
            .components()
            .filter_map(|c| match c {
                Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        if parts.is_empty() || parts.iter().any(|p| is_ignored_name(p)) {
            continue;
        }
        let inner = || parts[1..].join("/");
        match parts[0].as_str() {
            "config.yaml" if parts.len() == 1 => changes.config = true,
            "content" if parts.len() > 1 => {
                let rel = inner();
                if rel.ends_with(".md") {
                    changes.content.insert(rel);
                } else {
                    // A picture beside an article, or a whole folder created, renamed or
                    // removed. Which one cannot be told from the name (`v1.2/` is a
                    // folder), so the path is also rescanned as a folder: for a file
                    // that finds no Markdown, and costs little.
                    changes.files = true;
                    changes.content_folders.insert(rel);
                }
            }
            "content" => {
                changes.content_folders.insert(String::new());
                changes.files = true;
            }
            "templates" => changes.templates = true,
            "static" | "assets" => changes.files = true,
            "data" => changes.data = true,
            "themes" if parts.get(1).is_some_and(|t| t == theme) => {
                match parts.get(2).map(String::as_str) {
                    Some("templates") => changes.templates = true,
                    Some("static" | "assets") => changes.files = true,
                    None => {
                        changes.templates = true;
                        changes.files = true;
                    }
                    Some(_) => {}
                }
            }
            _ => {}
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn changes(paths: &[&str]) -> Changes {
        let root = PathBuf::from("/site");
        let paths: Vec<PathBuf> = paths.iter().map(|p| root.join(p)).collect();
        classify(&root, "default", &paths)
    }

    #[test]
    fn content_files_by_kind() {
        let c = changes(&["content/articles/a.md", "content/articles/pic.png"]);
        assert_eq!(c.content.iter().collect::<Vec<_>>(), ["articles/a.md"]);
        assert!(c.files);
        assert!(!c.templates && !c.config && !c.data);
    }

    #[test]
    fn editor_leftovers_and_outside_paths_are_ignored() {
        let c = changes(&[
            "content/articles/.a.md.swp",
            "content/articles/a.md~",
            "content/4913",
            "public/index.html",
            "target/x",
            "/elsewhere/a.md",
            "content/.git/x",
        ]);
        assert!(c.is_empty(), "{c:?}");
    }

    #[test]
    fn config_templates_data_and_theme() {
        assert!(changes(&["config.yaml"]).config);
        assert!(!changes(&["config.yaml.tmp"]).config);
        assert!(changes(&["templates/page.html"]).templates);
        assert!(changes(&["themes/default/templates/base.html"]).templates);
        assert!(changes(&["themes/default/assets/css/site.css"]).files);
        assert!(changes(&["themes/other/templates/base.html"]).is_empty());
        assert!(changes(&["data/quiz-2026.yaml"]).data);
        assert!(changes(&["static/downloads/a.pdf"]).files);
    }

    #[test]
    fn folders_are_rescanned() {
        let c = changes(&["content/articles/2026", "content/articles/v1.2"]);
        assert_eq!(
            c.content_folders.iter().collect::<Vec<_>>(),
            ["articles/2026", "articles/v1.2"]
        );
        let c = changes(&["content"]);
        assert!(c.content_folders.contains(""));
    }
}
