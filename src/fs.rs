//! File-system wrappers that put the path into every error.
//!
//! The pipeline calls these instead of `std::fs` so that no error reaches an
//! editor without saying which file it is about.

use std::cell::OnceCell;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, LineIndex};

/// The largest text file (Markdown, YAML, template) Herald reads: far above any real
/// article, low enough that a mistaken dump of data fails fast with a clear message.
pub const MAX_TEXT_BYTES: u64 = 16 * 1024 * 1024;

/// Reads a UTF-8 text file, refusing binary files, invalid UTF-8 and huge files
/// with an error that says which and where.
pub fn read_text(path: &Path) -> Result<String, Diagnostic> {
    use std::io::Read as _;
    // Opened once and asked its size: a site reads thousands of these per build.
    let mut file = fs::File::open(path).map_err(|e| io_error(path, "cannot read", &e))?;
    let size = file
        .metadata()
        .map_err(|e| io_error(path, "cannot read", &e))?
        .len();
    if size > MAX_TEXT_BYTES {
        return Err(Diagnostic::error(format!(
            "file is too large to be a text file ({:.1} MB; the limit is {} MB)",
            size as f64 / 1_048_576.0,
            MAX_TEXT_BYTES / 1_048_576
        ))
        .in_file(path)
        .with_help("split it into smaller files, or move large data to static/"));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0) + 1);
    file.read_to_end(&mut bytes)
        .map_err(|e| io_error(path, "cannot read", &e))?;
    text_from_bytes(path, bytes)
}

/// Turns bytes read from `path` into text, or explains why they are not text.
pub fn text_from_bytes(path: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    if let Some(nul) = memchr::memchr(0, &bytes) {
        let line = bytes[..nul].iter().filter(|&&b| b == b'\n').count() + 1;
        return Err(Diagnostic::error(
            "file contains a NUL byte: it looks like a binary file, not text",
        )
        .in_file(path)
        .at_line(line)
        .with_help("save the file as UTF-8 text, or move binary files out of this folder"));
    }
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..3);
            }
            Ok(text)
        }
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]);
            let (line, column) = LineIndex::new(&prefix).line_column(&prefix, valid);
            Err(Diagnostic::error("file is not valid UTF-8 text")
                .in_file(path)
                .at(line, column)
                .with_help("save the file with UTF-8 encoding (not GBK or GB2312)"))
        }
    }
}

/// Reads a file's bytes.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, Diagnostic> {
    fs::read(path).map_err(|e| io_error(path, "cannot read", &e))
}

/// Writes `bytes` to `path`, creating parent folders.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    if let Some(parent) = path.parent() {
        create_dir_all(parent)?;
    }
    fs::write(path, bytes).map_err(|e| io_error(path, "cannot write", &e))
}

/// Creates a folder and its parents.
pub fn create_dir_all(path: &Path) -> Result<(), Diagnostic> {
    fs::create_dir_all(path).map_err(|e| io_error(path, "cannot create folder", &e))
}

/// Removes a folder and everything in it; a folder that is already gone is fine.
pub fn remove_dir_all(path: &Path) -> Result<(), Diagnostic> {
    match fs::remove_dir_all(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(io_error(path, "cannot remove", &e)),
        _ => Ok(()),
    }
}

/// An error naming the path, the action and the system's reason.
pub fn io_error(path: &Path, action: &str, error: &io::Error) -> Diagnostic {
    let reason = match error.kind() {
        io::ErrorKind::NotFound => "no such file or folder".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => error.to_string(),
    };
    Diagnostic::error(format!("{action}: {reason}")).in_file(path)
}

/// The path with forward slashes, relative to `base`, for use as a key and in URLs.
pub fn slash_path(path: &Path, base: &Path) -> String {
    let relative = path.strip_prefix(base).unwrap_or(path);
    let mut out = String::new();
    for component in relative.components() {
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str(&component.as_os_str().to_string_lossy());
    }
    out
}

/// The site folder as a boundary for symbolic links found while listing its files.
///
/// A link inside the site that resolves outside it (`static/passwd.txt` → `/etc/passwd`)
/// would publish a file of the machine to the world, so every listing of the site's
/// folders refuses such links. Links that stay inside the site keep working.
pub struct SiteBounds {
    root: PathBuf,
    /// The real path of the site folder, resolved at the first link met.
    real_root: OnceCell<Option<PathBuf>>,
}

impl SiteBounds {
    /// The bounds of the site folder `root`.
    pub fn new(root: &Path) -> SiteBounds {
        SiteBounds {
            root: root.to_path_buf(),
            real_root: OnceCell::new(),
        }
    }

    /// The error for `path` when it resolves outside the site folder (through a link,
    /// a chain of links or a linked folder above it); `None` for anything else.
    /// `may_be_link: false` says the caller knows that neither `path` nor a folder
    /// above it inside the listing is a link, and skips the lookup. A dangling link is
    /// left to the reader, which reports it as unreadable.
    pub fn escape(&self, path: &Path, may_be_link: bool) -> Option<Diagnostic> {
        if !may_be_link {
            return None;
        }
        let target = fs::canonicalize(path).ok()?;
        let root = self
            .real_root
            .get_or_init(|| fs::canonicalize(&self.root).ok())
            .as_deref()?;
        if target.starts_with(root) {
            return None;
        }
        Some(
            Diagnostic::error(format!(
                "symbolic link leads outside the site folder, to {}: it is not published",
                target.display()
            ))
            .in_file(path)
            .with_help(
                "copy the file into the site folder instead of linking to it; \
                 Herald publishes only files that lie inside the site",
            ),
        )
    }
}

/// Walks `dir` as every listing of the site does: sorted by name, links followed,
/// editors' leftovers skipped, and links out of the site (`bounds`) refused, with
/// their errors put in `escapes`.
pub fn site_walk<'a>(
    dir: &Path,
    bounds: &'a SiteBounds,
    escapes: &'a mut Vec<Diagnostic>,
) -> impl Iterator<Item = walkdir::Result<walkdir::DirEntry>> + 'a {
    walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(move |e| {
            if e.depth() > 0 && is_ignored_name(&e.file_name().to_string_lossy()) {
                return false;
            }
            let escape = bounds.escape(e.path(), e.path_is_symlink());
            escapes.extend(escape.clone());
            escape.is_none()
        })
}

/// True for names that editors and tools leave behind and Herald must never treat as
/// content: hidden files, vim swap and backup files, emacs lock and autosave files,
/// and temporary files of atomic saves.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name == "4913" // vim probes whether it may write a folder with this name
        || [".swp", ".swo", ".swx", ".tmp", ".bak", ".part", ".crdownload"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_names_line_and_column() {
        let bytes = b"title\n\xe7\xbd\x91 ok \xff".to_vec();
        let err = text_from_bytes(Path::new("a.md"), bytes).unwrap_err();
        assert_eq!((err.line, err.column), (Some(2), Some(6)));
        assert!(err.message.contains("UTF-8"));
    }

    #[test]
    fn nul_byte_is_a_binary_file() {
        let err = text_from_bytes(Path::new("a.md"), b"a\nb\0".to_vec()).unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("NUL"));
    }

    #[test]
    fn bom_is_dropped() {
        let text = text_from_bytes(Path::new("a.md"), "\u{feff}hi".as_bytes().to_vec()).unwrap();
        assert_eq!(text, "hi");
    }

    #[test]
    fn editor_leftovers_are_ignored() {
        for name in [
            ".a.md.swp",
            "a.md~",
            "#a.md#",
            ".#a.md",
            "4913",
            "x.tmp",
            ".hidden",
        ] {
            assert!(is_ignored_name(name), "{name}");
        }
        for name in ["a.md", "网络安全.md", "_index.md"] {
            assert!(!is_ignored_name(name), "{name}");
        }
    }

    #[test]
    fn slash_path_is_relative_with_forward_slashes() {
        let p = Path::new("/site/content/articles/x.md");
        assert_eq!(slash_path(p, Path::new("/site/content")), "articles/x.md");
    }
}
