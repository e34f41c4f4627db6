//! The staging folder a build writes into, and the commit that makes it the output.
//!
//! A build writes nothing into the output while it renders: every new or changed file
//! goes into a hidden staging folder beside it (`.public.herald-staging-PID`), and a
//! failed build just drops that folder. How the staged files then become the output
//! depends on what the build knows of the output ([`Staging::begin`],
//! [`Staging::expect`]):
//!
//! - **Changes** (the usual case): the output is exactly what the previous build's
//!   manifest says, as the stamp beside it proves (see [`super::journal`]). Only new
//!   and changed files are staged; a file whose bytes did not change is not touched
//!   (nor linked, nor read again unless it was rendered anew), so it keeps its time and
//!   `rsync` skips it. The commit renames each staged file over its output path and
//!   removes what the site no longer has, under a journal that the next build finishes
//!   if this one is killed. Its cost is that of the changed files.
//! - **Whole**: an output the build cannot vouch for (the first build with these
//!   options, an output changed by hand, a stamp that does not match). The staging
//!   folder receives the whole site, unchanged files hard-linked from the output, and
//!   replaces the output in one exchange of the two folders where the system has one
//!   (Linux's `renameat2`). Elsewhere (macOS, Windows, or `HERALD_PORTABLE_FS=1`), the
//!   changed files are moved in one by one under a journal, as in the changes commit.
//! - **Fresh**: no output yet; the staging folder is renamed to it.
//!
//! So a reader of the output never finds a page missing: the output folder is always
//! there, and each file is replaced in one rename. A build killed before its commit
//! leaves the previous output untouched; one killed during it is completed by the next
//! build, which then is the new site, byte for byte. Staged files are not synced: the
//! guarantee covers killed processes, not power cuts.

use std::collections::{HashMap, HashSet};
use std::fs as stdfs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::journal::{self, Beside, Journal};
use super::{Sink, absolute, check_output_path, modified_ns};
use crate::error::Diagnostic;
use crate::fs::{self, io_error};
use crate::theme::Origin;

/// A file's size and modification time (ns), as the manifests hold them.
pub type Stat = (u64, u128);

/// How the staged files become the output (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Fresh,
    Whole,
    Changes,
}

/// One file of this build: its size and time, and whether the staging folder holds
/// new bytes for it (`fresh`) rather than what the output has already.
#[derive(Debug, Clone, Copy)]
pub(super) struct Noted {
    pub stat: Stat,
    pub fresh: bool,
}

/// The output as a commit left it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Committed {
    /// Every file of the output: path → (size, modification time in ns).
    pub files: HashMap<String, Stat>,
    /// Of those, the `.gz` files Herald made (`--compress`), as opposed to the site's
    /// own; sorted.
    pub gzipped: Vec<String>,
    /// When the commit changed the output file by file: the paths whose entry may
    /// differ from the manifest it expected (written or removed). `None` when the
    /// output was made anew.
    pub changed: Option<Vec<String>>,
}

/// A fresh folder beside the output that becomes the output on [`Staging::commit`].
/// Make one while holding the output's [`super::OutputLock`].
#[derive(Debug)]
pub struct Staging {
    pub(super) output: PathBuf,
    pub(super) dir: PathBuf,
    mode: Mode,
    made_dirs: Mutex<HashSet<PathBuf>>,
    /// What the previous build left in the output: path → (size, time).
    pub(super) expected: HashMap<String, Stat>,
    /// The `.gz` files the previous build made itself.
    pub(super) expected_gz: HashSet<String>,
    /// Every file of this build, noted as each is written, copied or kept.
    pub(super) noted: Mutex<HashMap<String, Noted>>,
    /// The `.gz` files of [`Staging::compress`].
    pub(super) gzipped: Mutex<HashMap<String, Noted>>,
}

impl Staging {
    /// Prepares a staging folder for `output`, first finishing or removing what
    /// interrupted builds left behind.
    pub fn begin(output: &Path) -> Result<Staging, Diagnostic> {
        let output = absolute(output)?;
        journal::recover(&output)?;
        if output.exists() && !output.is_dir() {
            return Err(
                Diagnostic::error("the output path exists and is not a folder")
                    .in_file(&output)
                    .with_help("remove it or choose another --output"),
            );
        }
        let dir = Beside::of(&output)?.staging();
        fs::remove_dir_all(&dir)?;
        fs::create_dir_all(&dir)?;
        let mode = if output.is_dir() {
            Mode::Whole
        } else {
            Mode::Fresh
        };
        Ok(Staging {
            output,
            dir,
            mode,
            made_dirs: Mutex::new(HashSet::new()),
            expected: HashMap::new(),
            expected_gz: HashSet::new(),
            noted: Mutex::new(HashMap::new()),
            gzipped: Mutex::new(HashMap::new()),
        })
    }

    /// Tells what the previous build committed: the files of the output it left and
    /// the `.gz` files it made. [`Sink::keep`] carries over files that are still that.
    /// When the stamp beside the output says the output is exactly `previous`, only
    /// changed files are staged and committed.
    pub fn expect(&mut self, previous: Committed) {
        self.expected = previous.files;
        self.expected_gz = previous.gzipped.into_iter().collect();
        let proven = !self.expected.is_empty()
            && Beside::of(&self.output)
                .ok()
                .and_then(|beside| beside.read_stamp())
                .is_some_and(|stamp| stamp == self.stamp_of(&self.expected));
        if self.mode == Mode::Whole && proven {
            self.mode = Mode::Changes;
        }
    }

    /// What the previous build left, as [`Staging::expect`] was told: its files with
    /// their size and time, and the `.gz` copies it made.
    pub fn expected(&self) -> (&HashMap<String, Stat>, &HashSet<String>) {
        (&self.expected, &self.expected_gz)
    }

    /// The output was found to differ from what the previous build left (changed by
    /// hand): stage the whole site and compare every file instead of trusting it.
    pub fn distrust_output(&mut self) {
        if self.mode == Mode::Changes {
            self.mode = Mode::Whole;
        }
    }

    /// True when only new and changed files are staged (see the module documentation).
    pub fn stages_changes_only(&self) -> bool {
        self.mode == Mode::Changes
    }

    /// The staging folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What a stamp says of an output holding `files`: their fingerprint and the
    /// output folder's identity (a folder put in its place is not the same output).
    fn stamp_of(&self, files: &HashMap<String, Stat>) -> String {
        let fingerprint = crate::inputs::fingerprint_of_manifest(files);
        format!("{fingerprint:016x} {}", folder_id(&self.output))
    }

    pub(super) fn note(&self, path: &str, stat: Stat, fresh: bool) {
        let count = {
            let mut noted = self.noted.lock().unwrap_or_else(|e| e.into_inner());
            noted.insert(path.to_string(), Noted { stat, fresh });
            noted.len()
        };
        if count == 50 {
            crate::pause::point("build-writing");
        }
    }

    pub(super) fn noted(&self, path: &str) -> Option<Noted> {
        let noted = self.noted.lock().unwrap_or_else(|e| e.into_inner());
        noted.get(path).copied()
    }

    /// Makes the staged files the output (see the module documentation); returns
    /// what the output holds now.
    pub fn commit(self) -> Result<Committed, Diagnostic> {
        let t = crate::timing::phase("commit: manifest");
        let (committed, fresh) = self.take_noted();
        drop(t);
        let beside = Beside::of(&self.output)?;
        match self.mode {
            Mode::Fresh => {
                beside.remove_stamp()?;
                stdfs::rename(&self.dir, &self.output)
                    .map_err(|e| io_error(&self.output, "cannot create the output folder", &e))?;
                beside.write_stamp(&self.stamp_of(&committed.files))?;
            }
            Mode::Whole => self.replace_whole(&beside, &committed, fresh)?,
            Mode::Changes => {
                let removals: Vec<String> = self
                    .expected
                    .keys()
                    .filter(|p| !committed.files.contains_key(*p))
                    .cloned()
                    .collect();
                let changed = fresh.iter().chain(&removals).cloned().collect();
                self.commit_by_journal(&committed, fresh, removals)?;
                return Ok(Committed {
                    changed: Some(changed),
                    ..committed
                });
            }
        }
        Ok(committed)
    }

    /// Every file of this build, and those the staging folder holds new bytes for.
    fn take_noted(&self) -> (Committed, Vec<String>) {
        let take = |map: &Mutex<HashMap<String, Noted>>| {
            std::mem::take(&mut *map.lock().unwrap_or_else(|e| e.into_inner()))
        };
        let (noted, gzipped) = (take(&self.noted), take(&self.gzipped));
        let fresh = noted
            .iter()
            .chain(&gzipped)
            .filter(|(_, n)| n.fresh)
            .map(|(p, _)| p.clone())
            .collect();
        let mut gz: Vec<String> = gzipped.keys().cloned().collect();
        gz.sort_unstable();
        let files = noted.into_iter().chain(gzipped).map(|(p, n)| (p, n.stat));
        let committed = Committed {
            files: files.collect(),
            gzipped: gz,
            changed: None,
        };
        (committed, fresh)
    }

    /// Replaces the output with the staging folder, which holds the whole site.
    fn replace_whole(
        &self,
        beside: &Beside,
        committed: &Committed,
        fresh: Vec<String>,
    ) -> Result<(), Diagnostic> {
        beside.remove_stamp()?;
        if exchange(&self.dir, &self.output).is_ok() {
            // The staging path now holds the previous output.
            crate::pause::point("build-swapped");
            beside.write_stamp(&self.stamp_of(&committed.files))?;
            return fs::remove_dir_all(&self.dir);
        }
        let removals = walk_files(&self.output)
            .into_iter()
            .filter(|p| !committed.files.contains_key(p))
            .collect();
        self.commit_by_journal(committed, fresh, removals)
    }

    fn commit_by_journal(
        &self,
        committed: &Committed,
        mut moves: Vec<String>,
        mut removals: Vec<String>,
    ) -> Result<(), Diagnostic> {
        if moves.is_empty() && removals.is_empty() {
            return fs::remove_dir_all(&self.dir); // the output is the new site already
        }
        // Assets first, pages last: a new page finds the new files it refers to.
        let is_page = |p: &str| p.ends_with(".html") || p.ends_with(".html.gz");
        moves.sort_unstable_by(|a, b| (is_page(a), a).cmp(&(is_page(b), b)));
        removals.sort_unstable();
        let _t = crate::timing::phase("commit: journal and stamp");
        let journal = Journal {
            staging: self
                .dir
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            stamp: self.stamp_of(&committed.files),
            moves,
            removals,
        };
        journal.commit(&self.output, &self.dir)
    }

    /// Drops the staged files; the output is untouched.
    pub fn abandon(self) {
        let _ = stdfs::remove_dir_all(&self.dir);
    }

    pub(super) fn target(&self, path: &str) -> Result<PathBuf, Diagnostic> {
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
    fn unstage(&self, path: &str) -> Result<(), Diagnostic> {
        let target = self.dir.join(path);
        if self.noted(path).is_some() && stdfs::symlink_metadata(&target).is_ok() {
            stdfs::remove_file(&target).map_err(|e| io_error(&target, "cannot replace", &e))?;
        }
        Ok(())
    }

    /// The output's file at `path` and its size and time, if this build may use it as
    /// its own when the bytes are the same: one the manifest vouches for (changes), or
    /// one that is there (whole).
    pub(super) fn in_output(&self, path: &str) -> Option<(PathBuf, Stat)> {
        let file = self.output.join(path);
        match self.mode {
            Mode::Fresh => None,
            Mode::Changes => self.expected.get(path).map(|stat| (file, *stat)),
            Mode::Whole => {
                let meta = stdfs::symlink_metadata(&file).ok()?;
                meta.is_file()
                    .then(|| (file, (meta.len(), modified_ns(&meta))))
            }
        }
    }

    /// Takes the output's file `old` (at `path`) as this build's, and notes it.
    fn reuse(&self, path: &str, old: &Path, stat: Stat) -> Result<bool, Diagnostic> {
        let carried = self.carry_over(path, old)?;
        if carried {
            self.note(path, stat, false);
        }
        Ok(carried)
    }

    /// Takes the output's file `old` (at `path`) as this build's: linked into the
    /// staging folder when that replaces the output whole. False if that failed.
    pub(super) fn carry_over(&self, path: &str, old: &Path) -> Result<bool, Diagnostic> {
        self.unstage(path)?;
        Ok(self.mode != Mode::Whole || link_or_copy(old, &self.target(path)?).is_ok())
    }

    /// Publishes a copy of the file `source`, with its time.
    fn copy_file(&self, path: &str, source: &Path) -> Result<(), Diagnostic> {
        let source_meta =
            stdfs::metadata(source).map_err(|e| io_error(source, "cannot read", &e))?;
        let source_stat = (source_meta.len(), modified_ns(&source_meta));
        if let Some((old, stat)) = self.in_output(path)
            && stat == source_stat
            && self.reuse(path, &old, stat)?
        {
            return Ok(());
        }
        let target = self.target(path)?;
        self.unstage(path)?;
        stdfs::copy(source, &target).map_err(|e| io_error(source, "cannot copy", &e))?;
        // The copy carries the source's time, so an unchanged source is seen as unchanged.
        let copied = (|| {
            let file = stdfs::File::options().write(true).open(&target)?;
            if let Ok(modified) = source_meta.modified() {
                let _ = file.set_modified(modified);
            }
            file.metadata()
        })();
        let meta = copied.map_err(|e| io_error(&target, "cannot write", &e))?;
        self.note(path, (meta.len(), modified_ns(&meta)), true);
        Ok(())
    }
}

impl Sink for Staging {
    fn keep(&self, path: &str) -> bool {
        if self.noted(path).is_some() {
            return true; // an image variant that several pages show
        }
        let Some(&expected) = self.expected.get(path) else {
            return false;
        };
        if self.mode == Mode::Changes {
            // What `reuse` comes to here, without making the paths it does not need:
            // a build after an edit keeps some 20,000 files at 10,000 articles.
            self.note(path, expected, false);
            return true;
        }
        match self.in_output(path) {
            Some((old, stat)) if stat == expected => self.reuse(path, &old, stat).unwrap_or(false),
            _ => false,
        }
    }

    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        check_output_path(path).map_err(Diagnostic::error)?;
        if let Some((old, stat)) = self.in_output(path)
            && stat.0 == bytes.len() as u64
            && stdfs::read(&old).is_ok_and(|old_bytes| old_bytes == bytes)
            && self.reuse(path, &old, stat)?
        {
            return Ok(());
        }
        let target = self.target(path)?;
        self.unstage(path)?;
        let written = (|| {
            let mut file = stdfs::File::create(&target)?;
            file.write_all(bytes)?;
            // Read from the open file: cheaper than looking the path up again later.
            file.metadata()
        })();
        let meta = written.map_err(|e| io_error(&target, "cannot write", &e))?;
        self.note(path, (meta.len(), modified_ns(&meta)), true);
        Ok(())
    }

    fn copy(&self, path: &str, origin: &Origin) -> Result<(), Diagnostic> {
        check_output_path(path).map_err(Diagnostic::error)?;
        match origin {
            Origin::Disk(source) => self.copy_file(path, source),
            _ => self.write(path, &origin.read()?),
        }
    }
}

/// Exchanges two folders in one step. The one system-specific call of the output:
/// Linux's `renameat2(RENAME_EXCHANGE)`. Elsewhere, on a file system without it, or
/// with `HERALD_PORTABLE_FS=1` (which tests use to run the portable path here), it
/// fails and the caller commits file by file under a journal instead.
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    if std::env::var_os("HERALD_PORTABLE_FS").is_some_and(|v| v == "1") {
        return Err(std::io::Error::from(std::io::ErrorKind::Unsupported));
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let _ = (a, b);
        Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
    }
}

/// What tells one output folder from another put in its place.
fn folder_id(folder: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        stdfs::metadata(folder).map_or_else(|_| "-".into(), |m| format!("{}:{}", m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = folder;
        "-".into()
    }
}

/// Every path under `dir` that is not a folder, relative, with `/`.
fn walk_files(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .map(|e| crate::fs::slash_path(e.path(), dir))
        .collect()
}

pub(super) fn link_or_copy(old: &Path, new: &Path) -> std::io::Result<()> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn time(path: &Path) -> std::time::SystemTime {
        stdfs::metadata(path).unwrap().modified().unwrap()
    }

    /// Names in `dir` other than the stamp a commit leaves.
    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = stdfs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.ends_with(".herald-stamp"))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn commit_replaces_and_keeps_unchanged_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = Staging::begin(&out).unwrap();
        first.write("a/index.html", b"same").unwrap();
        first.write("b.html", b"old").unwrap();
        first.commit().unwrap();
        let before = time(&out.join("a/index.html"));
        std::thread::sleep(std::time::Duration::from_millis(20));

        let second = Staging::begin(&out).unwrap();
        assert!(
            !second.stages_changes_only(),
            "nothing said what the output is"
        );
        second.write("a/index.html", b"same").unwrap();
        second.write("b.html", b"new!").unwrap();
        assert_eq!(
            stdfs::read(out.join("b.html")).unwrap(),
            b"old",
            "output untouched before commit"
        );
        second.commit().unwrap();
        assert_eq!(stdfs::read(out.join("b.html")).unwrap(), b"new!");
        assert_eq!(
            before,
            time(&out.join("a/index.html")),
            "unchanged file keeps its time"
        );
        assert_eq!(names(dir.path()), ["public"], "no staging folders left");
    }

    #[test]
    fn a_proven_output_gets_only_the_changes() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = Staging::begin(&out).unwrap();
        for (path, text) in [("kept.html", "k"), ("same.html", "s"), ("b.html", "old")] {
            first.write(path, text.as_bytes()).unwrap();
        }
        first.write("gone/deep/index.html", b"g").unwrap();
        let committed = first.commit().unwrap();
        assert_eq!(committed.files, super::super::manifest(&out));
        let before = |p: &str| time(&out.join(p));
        let (kept, same) = (before("kept.html"), before("same.html"));
        std::thread::sleep(std::time::Duration::from_millis(20));

        let mut second = Staging::begin(&out).unwrap();
        second.expect(committed);
        assert!(second.stages_changes_only());
        assert!(second.keep("kept.html"));
        assert!(!second.keep("never.html"));
        second.write("same.html", b"s").unwrap();
        second.write("b.html", b"new").unwrap();
        second.write("c/index.html", b"added").unwrap();
        let staged = super::walk_files(second.dir());
        let mut staged: Vec<&str> = staged.iter().map(String::as_str).collect();
        staged.sort_unstable();
        assert_eq!(
            staged,
            ["b.html", "c/index.html"],
            "only changes are staged"
        );
        let committed = second.commit().unwrap();
        assert_eq!(
            committed.files,
            super::super::manifest(&out),
            "the manifest is the output"
        );
        assert_eq!(stdfs::read(out.join("b.html")).unwrap(), b"new");
        assert_eq!(stdfs::read(out.join("c/index.html")).unwrap(), b"added");
        assert_eq!((kept, same), (before("kept.html"), before("same.html")));
        assert!(
            !out.join("gone").exists(),
            "removed files and their folders go"
        );
        assert_eq!(names(dir.path()), ["public"]);

        // Without the stamp (or told the output differs), the whole site is staged.
        let mut third = Staging::begin(&out).unwrap();
        third.expect(committed.clone());
        third.distrust_output();
        assert!(!third.stages_changes_only());
        third.abandon();
        stdfs::remove_file(dir.path().join(".public.herald-stamp")).unwrap();
        let mut fourth = Staging::begin(&out).unwrap();
        fourth.expect(committed);
        assert!(!fourth.stages_changes_only());
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
}
