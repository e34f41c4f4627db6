//! Where rendered files go.
//!
//! A build writes into a fresh staging folder beside the output folder and swaps it in
//! only when everything succeeded, so a failed or killed build leaves the previous
//! output complete. Files whose bytes did not change are hard-linked from the previous
//! output, keeping their modification time, so `rsync` sends only what changed.
//!
//! Nothing is ever written outside the staging folder: every path is checked first.
//! With `--compress`, [`compress`] adds a `.gz` beside text files before the swap.

pub mod compress;
mod target;

pub use target::{OutputLock, resolve_output};

use std::collections::{HashMap, HashSet};
use std::fs as stdfs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

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

/// A fresh folder beside the output that becomes the output on [`Staging::commit`].
#[derive(Debug)]
pub struct Staging {
    output: PathBuf,
    dir: PathBuf,
    previous: Option<PathBuf>,
    made_dirs: Mutex<HashSet<PathBuf>>,
    /// What the previous build left in the output: path → (size, time). A file is
    /// kept from it only when it is still exactly that.
    expected: HashMap<String, (u64, u128)>,
    /// What this build put in the staging folder: path → (size, time), noted as each
    /// file is made so that no second pass has to look them up again.
    staged: Mutex<HashMap<String, (u64, u128)>>,
}

const STAGING_MARK: &str = "herald-staging";
const OLD_MARK: &str = "herald-old";

impl Staging {
    /// Prepares a staging folder for `output`, first removing what earlier
    /// interrupted builds left behind.
    pub fn begin(output: &Path) -> Result<Staging, Diagnostic> {
        let output = absolute(output)?;
        let (parent, name) = parent_and_name(&output)?;
        remove_leftovers(parent, &name);
        if output.exists() && !output.is_dir() {
            return Err(
                Diagnostic::error("the output path exists and is not a folder")
                    .in_file(&output)
                    .with_help("remove it or choose another --output"),
            );
        }
        let dir = parent.join(format!(".{name}.{STAGING_MARK}-{}", std::process::id()));
        fs::remove_dir_all(&dir)?;
        fs::create_dir_all(&dir)?;
        let previous = output.is_dir().then(|| output.clone());
        Ok(Staging {
            output,
            dir,
            previous,
            made_dirs: Mutex::new(HashSet::new()),
            expected: HashMap::new(),
            staged: Mutex::new(HashMap::new()),
        })
    }

    /// Lets [`Sink::keep`] carry over the previous output's files that still are what
    /// the previous build left (`path → (size, modification time in ns)`).
    pub fn expect(&mut self, manifest: HashMap<String, (u64, u128)>) {
        self.expected = manifest;
    }

    /// The size and modification time (ns) of every file staged through the [`Sink`]
    /// methods, by output path. Files added to the folder by other means (the `.gz`
    /// files of [`Staging::compress`]) are not in it.
    pub fn staged(&self) -> HashMap<String, (u64, u128)> {
        std::mem::take(&mut *self.staged.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn note(&self, path: &str, meta: &stdfs::Metadata) {
        let count = {
            let mut staged = self.staged.lock().unwrap_or_else(|e| e.into_inner());
            staged.insert(path.to_string(), (meta.len(), modified_ns(meta)));
            staged.len()
        };
        if count == 50 {
            crate::pause::point("build-writing");
        }
    }

    /// The staging folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Makes the staged files the output, replacing the previous output at once.
    pub fn commit(self) -> Result<(), Diagnostic> {
        if self.previous.is_none() {
            return stdfs::rename(&self.dir, &self.output)
                .map_err(|e| io_error(&self.output, "cannot create the output folder", &e));
        }
        if swap(&self.dir, &self.output).is_ok() {
            // The staging path now holds the previous output.
            crate::pause::point("build-swapped");
            return fs::remove_dir_all(&self.dir);
        }
        let old = old_name(&self.output);
        stdfs::rename(&self.output, &old)
            .map_err(|e| io_error(&self.output, "cannot move the previous output aside", &e))?;
        stdfs::rename(&self.dir, &self.output)
            .map_err(|e| io_error(&self.output, "cannot move the new output in place", &e))?;
        fs::remove_dir_all(&old)
    }

    /// Drops the staged files; the output is untouched.
    pub fn abandon(self) {
        let _ = stdfs::remove_dir_all(&self.dir);
    }

    fn target(&self, path: &str) -> Result<PathBuf, Diagnostic> {
        check_output_path(path).map_err(Diagnostic::error)?;
        let target = self.dir.join(path);
        if let Some(parent) = target.parent() {
            let mut made = self.made_dirs.lock().unwrap_or_else(|e| e.into_inner());
            if !made.contains(parent) {
                fs::create_dir_all(parent)?;
                made.insert(parent.to_path_buf());
            }
        }
        Ok(target)
    }

    /// Makes room for writing `path` again: a file staged already may be a hard link
    /// into the previous output, which writing through it would change.
    fn unstage(&self, path: &str, target: &Path) -> Result<(), Diagnostic> {
        let staged = self.staged.lock().unwrap_or_else(|e| e.into_inner());
        if staged.contains_key(path) && target.exists() {
            stdfs::remove_file(target).map_err(|e| io_error(target, "cannot replace", &e))?;
        }
        Ok(())
    }

    fn previous_file(&self, path: &str) -> Option<(PathBuf, stdfs::Metadata)> {
        let file = self.previous.as_ref()?.join(path);
        let meta = stdfs::symlink_metadata(&file).ok()?;
        meta.is_file().then_some((file, meta))
    }
}

impl Sink for Staging {
    fn keep(&self, path: &str) -> bool {
        if self
            .staged
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains_key(path)
        {
            return true; // an image variant that several pages show
        }
        let Some(expected) = self.expected.get(path) else {
            return false;
        };
        let Ok(target) = self.target(path) else {
            return false;
        };
        match self.previous_file(path) {
            Some((old, meta)) if (meta.len(), modified_ns(&meta)) == *expected => {
                let kept = link_or_copy(&old, &target).is_ok();
                if kept {
                    self.note(path, &meta);
                }
                kept
            }
            _ => false,
        }
    }
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let target = self.target(path)?;
        self.unstage(path, &target)?;
        if let Some((old, meta)) = self.previous_file(path)
            && meta.len() == bytes.len() as u64
            && stdfs::read(&old).is_ok_and(|old_bytes| old_bytes == bytes)
            && link_or_copy(&old, &target).is_ok()
        {
            self.note(path, &meta);
            return Ok(());
        }
        let written = (|| {
            let mut file = stdfs::File::create(&target)?;
            file.write_all(bytes)?;
            // Read from the open file: cheaper than looking the path up again later.
            file.metadata()
        })();
        let meta = written.map_err(|e| io_error(&target, "cannot write", &e))?;
        self.note(path, &meta);
        Ok(())
    }

    fn copy(&self, path: &str, origin: &Origin) -> Result<(), Diagnostic> {
        let target = self.target(path)?;
        self.unstage(path, &target)?;
        let Origin::Disk(source) = origin else {
            return self.write(path, &origin.read()?);
        };
        let source_meta =
            stdfs::metadata(source).map_err(|e| io_error(source, "cannot read", &e))?;
        if let Some((old, meta)) = self.previous_file(path)
            && meta.len() == source_meta.len()
            && meta.modified().ok() == source_meta.modified().ok()
            && link_or_copy(&old, &target).is_ok()
        {
            self.note(path, &meta);
            return Ok(());
        }
        stdfs::copy(source, &target).map_err(|e| io_error(source, "cannot copy", &e))?;
        // The copy carries the source's time, so an unchanged source is seen as unchanged.
        if let Ok(modified) = source_meta.modified()
            && let Ok(file) = stdfs::File::options().write(true).open(&target)
        {
            let _ = file.set_modified(modified);
            if let Ok(meta) = file.metadata() {
                self.note(path, &meta);
            }
        }
        Ok(())
    }
}

/// A file's modification time in nanoseconds since the epoch (0 when unknown).
pub fn modified_ns(meta: &stdfs::Metadata) -> u128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

/// The size and time of each of `paths` (relative to `dir`) that is a file there,
/// read in parallel.
pub fn manifest_of(
    dir: &Path,
    paths: impl IntoIterator<Item = String>,
) -> HashMap<String, (u64, u128)> {
    use rayon::prelude::*;
    let paths: Vec<String> = paths.into_iter().collect();
    paths
        .into_par_iter()
        .filter_map(|rel| {
            let meta = stdfs::symlink_metadata(dir.join(&rel)).ok()?;
            meta.is_file()
                .then(|| (rel, (meta.len(), modified_ns(&meta))))
        })
        .collect()
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

fn link_or_copy(old: &Path, new: &Path) -> std::io::Result<()> {
    match stdfs::hard_link(old, new) {
        Ok(()) => return Ok(()),
        // Another job kept the same file a moment ago (an image variant several pages
        // show): `new` is already a link to `old`, and copying onto it would empty both.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(()),
        Err(_) => {}
    }
    stdfs::copy(old, new)?;
    let modified = stdfs::metadata(old)?.modified()?;
    stdfs::File::options()
        .write(true)
        .open(new)?
        .set_modified(modified)
}

/// Exchanges two folders in one step where the system can.
fn swap(a: &Path, b: &Path) -> std::io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let _ = (a, b);
        Err(std::io::Error::other("no atomic exchange here"))
    }
}

fn old_name(output: &Path) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    output.with_file_name(format!(".{name}.{OLD_MARK}-{}", std::process::id()))
}

/// Removes staging and old folders of `name` left by builds that are no longer running.
fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = stdfs::read_dir(parent) else {
        return;
    };
    let prefixes = [
        format!(".{name}.{STAGING_MARK}-"),
        format!(".{name}.{OLD_MARK}-"),
    ];
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().to_string();
        let Some(pid) = prefixes
            .iter()
            .find_map(|p| file_name.strip_prefix(p.as_str()))
        else {
            continue;
        };
        let running = pid.parse::<u32>().is_ok_and(|pid| {
            pid != std::process::id() && Path::new("/proc").join(pid.to_string()).exists()
        });
        if !running {
            let _ = stdfs::remove_dir_all(entry.path());
        }
    }
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
    fn commit_replaces_and_keeps_unchanged_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = Staging::begin(&out).unwrap();
        first.write("a/index.html", b"same").unwrap();
        first.write("b.html", b"old").unwrap();
        first.commit().unwrap();
        let before = stdfs::metadata(out.join("a/index.html"))
            .unwrap()
            .modified()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));

        let second = Staging::begin(&out).unwrap();
        second.write("a/index.html", b"same").unwrap();
        second.write("b.html", b"new!").unwrap();
        assert_eq!(
            stdfs::read(out.join("b.html")).unwrap(),
            b"old",
            "output untouched before commit"
        );
        second.commit().unwrap();
        assert_eq!(stdfs::read(out.join("b.html")).unwrap(), b"new!");
        let after = stdfs::metadata(out.join("a/index.html"))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(before, after, "unchanged file keeps its time");
        let names: Vec<_> = stdfs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["public"], "no staging folders left");
    }

    #[test]
    fn abandon_leaves_output_alone_and_leftovers_are_cleaned() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        stdfs::create_dir_all(&out).unwrap();
        stdfs::write(out.join("keep.html"), "keep").unwrap();
        let stale = dir.path().join(".public.herald-staging-999999999");
        stdfs::create_dir_all(&stale).unwrap();
        let staging = Staging::begin(&out).unwrap();
        assert!(!stale.exists());
        staging.write("x.html", b"x").unwrap();
        staging.abandon();
        assert_eq!(stdfs::read(out.join("keep.html")).unwrap(), b"keep");
        assert!(!out.join("x.html").exists());
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
