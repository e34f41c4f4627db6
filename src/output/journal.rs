//! The commit journal: how the files a build staged replace their old versions in the
//! output one by one, so that a kill at any moment is finished by the next build.
//!
//! A commit first writes the whole list of what it will do (files to move in from the
//! staging folder, files to remove) to `.public.herald-journal` beside the output:
//! written to a temporary name, synced, then renamed, so that a journal is either
//! absent or complete. Then it carries it out: each staged file is renamed over its
//! output path (one atomic replace per file: a reader sees the old bytes or the new,
//! never a missing file), then the removed files go, then folders left empty, then
//! the stamp is written, then the staging folder and the journal are dropped.
//!
//! Every step can be done twice: a rename whose source is gone was done, a removal of
//! a missing file was done. So whoever takes the output's lock next ([`recover`])
//! carries out a journal it finds to the end, and the output is the new site, whole.
//! A staging folder without a journal is an interrupted build that never started to
//! commit: it is deleted and the output, never touched, is the old site, whole.
//!
//! The stamp (`.public.herald-stamp`) names the output a completed commit left: the
//! fingerprint of its manifest and the output folder's identity. A build trusts the
//! previous build's manifest without reading the output again only when the stamp
//! says the output is still what that manifest describes.

use std::collections::BTreeSet;
use std::fs as stdfs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use rustc_hash::FxHashSet;

use super::check_output_path;
use crate::error::Diagnostic;
use crate::fs::io_error;

/// The first record of a journal, naming its format.
const MAGIC: &str = "herald-journal 1";
/// The last record: a journal without it is damaged.
const END: &str = "end";
/// Marks what staging folders are called: `.public.herald-staging-PID`.
pub(super) const STAGING_MARK: &str = "herald-staging";
/// Folders of the previous output that older versions of Herald set aside.
const OLD_MARK: &str = "herald-old";

/// The files Herald keeps beside an output folder named `name` in `parent`.
pub(super) struct Beside {
    parent: PathBuf,
    name: String,
}

impl Beside {
    /// The files beside `output`.
    pub(super) fn of(output: &Path) -> Result<Beside, Diagnostic> {
        let (parent, name) = super::parent_and_name(output)?;
        Ok(Beside {
            parent: parent.to_path_buf(),
            name,
        })
    }

    fn file(&self, what: &str) -> PathBuf {
        self.parent.join(format!(".{}.herald-{what}", self.name))
    }

    /// The staging folder of the running process.
    pub(super) fn staging(&self) -> PathBuf {
        self.file(&format!("staging-{}", std::process::id()))
    }

    fn journal(&self) -> PathBuf {
        self.file("journal")
    }

    fn stamp(&self) -> PathBuf {
        self.file("stamp")
    }

    /// The stamp a completed commit left, if any.
    pub(super) fn read_stamp(&self) -> Option<String> {
        stdfs::read_to_string(self.stamp()).ok()
    }

    /// Records that the output is now what `stamp` names (in one rename).
    pub(super) fn write_stamp(&self, stamp: &str) -> Result<(), Diagnostic> {
        let path = self.stamp();
        let temporary = self.file("stamp.tmp");
        stdfs::write(&temporary, stamp)
            .and_then(|()| stdfs::rename(&temporary, &path))
            .map_err(|e| io_error(&path, "cannot record the finished build", &e))
    }

    /// Forgets the stamp: the output is about to change in a way no journal records.
    pub(super) fn remove_stamp(&self) -> Result<(), Diagnostic> {
        let path = self.stamp();
        match stdfs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(
                    io_error(&path, "cannot remove the stamp of the last build", &e)
                        .with_help("check the permissions of the folder that holds the output"),
                )
            }
            _ => Ok(()),
        }
    }

    /// Removes the staging folders of earlier builds that did not get as far as a
    /// journal (their output was never touched).
    fn remove_leftovers(&self) {
        let Ok(entries) = stdfs::read_dir(&self.parent) else {
            return;
        };
        let prefixes = [
            format!(".{}.{STAGING_MARK}-", self.name),
            format!(".{}.{OLD_MARK}-", self.name),
        ];
        for entry in entries.flatten() {
            let file_name = entry.file_name().to_string_lossy().to_string();
            if prefixes.iter().any(|p| file_name.starts_with(p.as_str())) {
                let _ = stdfs::remove_dir_all(entry.path());
            }
        }
        let _ = stdfs::remove_file(self.file("journal.tmp"));
        let _ = stdfs::remove_file(self.file("stamp.tmp"));
    }
}

/// Finishes what an interrupted build left beside `output`: carries out a journal to
/// the end, then removes staging folders that never got as far as a journal. Call it
/// holding the output's lock ([`super::OutputLock::take`] does), before anything reads
/// the output.
pub(super) fn recover(output: &Path) -> Result<(), Diagnostic> {
    let beside = Beside::of(output)?;
    let path = beside.journal();
    match stdfs::read(&path) {
        Ok(bytes) => match Journal::decode(&bytes) {
            Some(journal) => {
                let staging = beside.parent.join(&journal.staging);
                journal.carry_out(output, &staging, &beside)?;
            }
            // Never written by Herald: trust neither it nor the output.
            None => {
                beside.remove_stamp()?;
                remove_journal(&path)?;
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(io_error(&path, "cannot read the commit journal", &e)
                .with_help("make the file readable, or remove the output folder and build again"));
        }
    }
    beside.remove_leftovers();
    Ok(())
}

/// What one commit does to the output, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Journal {
    /// The staging folder's name (beside the output).
    pub staging: String,
    /// The stamp of the output once the commit is done.
    pub stamp: String,
    /// Files moved from the staging folder to the same path in the output.
    pub moves: Vec<String>,
    /// Files removed from the output.
    pub removals: Vec<String>,
}

impl Journal {
    fn encode(&self) -> Vec<u8> {
        // NUL separates records: it is the one byte no path can hold.
        let mut records = vec![
            MAGIC.to_string(),
            format!("staging {}", self.staging),
            format!("stamp {}", self.stamp),
        ];
        records.extend(self.moves.iter().map(|p| format!("M{p}")));
        records.extend(self.removals.iter().map(|p| format!("R{p}")));
        records.push(END.into());
        let mut bytes = records.join("\0").into_bytes();
        bytes.push(0);
        bytes
    }

    /// The journal in `bytes`, or `None` when they are not a whole journal whose
    /// paths all stay inside the output.
    fn decode(bytes: &[u8]) -> Option<Journal> {
        let text = std::str::from_utf8(bytes).ok()?;
        let mut records = text.strip_suffix('\0')?.split('\0');
        if records.next()? != MAGIC {
            return None;
        }
        let staging = records.next()?.strip_prefix("staging ")?.to_string();
        let is_staging = staging.starts_with('.')
            && staging.contains(STAGING_MARK)
            && !staging.contains(['/', '\\']);
        let stamp = records.next()?.strip_prefix("stamp ")?.to_string();
        let mut journal = Journal {
            staging,
            stamp,
            moves: Vec::new(),
            removals: Vec::new(),
        };
        let mut ended = false;
        for record in records {
            match record.split_at_checked(1)? {
                _ if ended => return None,
                ("M", path) if check_output_path(path).is_ok() => {
                    journal.moves.push(path.into());
                }
                ("R", path) if check_output_path(path).is_ok() => {
                    journal.removals.push(path.into());
                }
                _ if record == END => ended = true,
                _ => return None,
            }
        }
        (ended && is_staging).then_some(journal)
    }

    /// Makes the journal visible whole: from here on the commit is decided.
    fn publish(&self, beside: &Beside) -> Result<(), Diagnostic> {
        let path = beside.journal();
        let temporary = beside.file("journal.tmp");
        let written = (|| {
            let mut file = stdfs::File::create(&temporary)?;
            file.write_all(&self.encode())?;
            file.sync_all()?;
            stdfs::rename(&temporary, &path)?;
            sync_folder(&beside.parent)
        })();
        written.map_err(|e| {
            io_error(&path, "cannot write the commit journal", &e).with_help(
                "check the free space and permissions of the folder that holds the output",
            )
        })
    }

    /// Writes the journal, then carries it out.
    pub(super) fn commit(&self, output: &Path, staging: &Path) -> Result<(), Diagnostic> {
        let beside = Beside::of(output)?;
        check_same_file_system(staging, output)?;
        let t = crate::timing::phase("commit: write the journal");
        self.publish(&beside)?;
        drop(t);
        crate::pause::point("build-journal");
        let _t = crate::timing::phase("commit: carry out the journal");
        self.carry_out(output, staging, &beside)
    }

    /// Does what the journal says, from wherever an earlier attempt stopped.
    fn carry_out(&self, output: &Path, staging: &Path, beside: &Beside) -> Result<(), Diagnostic> {
        let mut folders = Folders::new(output);
        for (i, path) in self.moves.iter().enumerate() {
            if i == self.moves.len() / 2 {
                crate::pause::point("build-moving");
            }
            move_in(staging, &mut folders, path)?;
        }
        crate::pause::point("build-moved");
        let mut emptied = BTreeSet::new();
        for path in &self.removals {
            remove_from(&mut folders, path)?;
            let mut parent = Path::new(path.as_str()).parent();
            while let Some(folder) = parent.filter(|p| !p.as_os_str().is_empty()) {
                emptied.insert(folder.to_path_buf());
                parent = folder.parent();
            }
        }
        // Deepest first; a folder that still holds something stays.
        for folder in emptied.iter().rev() {
            let _ = stdfs::remove_dir(output.join(folder));
        }
        beside.write_stamp(&self.stamp)?;
        crate::pause::point("build-removed");
        if staging.exists() {
            crate::fs::remove_dir_all(staging)?;
        }
        remove_journal(&beside.journal())
    }
}

fn remove_journal(path: &Path) -> Result<(), Diagnostic> {
    match stdfs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(
                io_error(path, "cannot remove the finished commit journal", &e)
                    .with_help("remove the file by hand; the output is complete"),
            )
        }
        _ => Ok(()),
    }
}

/// The folders of the output, checked to be real folders (not links leading out of
/// it, not files) before anything is moved into them or removed from them.
struct Folders {
    output: PathBuf,
    checked: FxHashSet<PathBuf>,
}

impl Folders {
    fn new(output: &Path) -> Folders {
        Folders {
            output: output.to_path_buf(),
            checked: FxHashSet::default(),
        }
    }

    /// Makes `rel` (a folder path inside the output) a chain of real folders: what
    /// stands in the way is what the new site no longer has (a file where it now has a
    /// folder, or a link Herald never made) and is removed.
    fn make(&mut self, rel: &Path) -> std::io::Result<()> {
        let mut folder = PathBuf::new();
        for part in rel.components() {
            folder.push(part);
            if self.checked.contains(&folder) {
                continue;
            }
            let path = self.output.join(&folder);
            match stdfs::symlink_metadata(&path) {
                Ok(meta) if meta.is_dir() => {}
                Ok(_) => {
                    stdfs::remove_file(&path)?;
                    stdfs::create_dir(&path)?;
                }
                Err(_) => stdfs::create_dir(&path)?,
            }
            self.checked.insert(folder.clone());
        }
        Ok(())
    }

    /// True if `rel` is a chain of real folders inside the output.
    fn are_real(&mut self, rel: &Path) -> bool {
        let mut folder = PathBuf::new();
        for part in rel.components() {
            folder.push(part);
            if self.checked.contains(&folder) {
                continue;
            }
            let real = stdfs::symlink_metadata(self.output.join(&folder)).is_ok_and(|m| m.is_dir());
            if !real {
                return false;
            }
            self.checked.insert(folder.clone());
        }
        true
    }
}

/// Renames the staged `path` over the output's: done already if it is gone.
fn move_in(staging: &Path, folders: &mut Folders, path: &str) -> Result<(), Diagnostic> {
    let from = staging.join(path);
    let to = folders.output.join(path);
    if stdfs::symlink_metadata(&from).is_err() {
        return Ok(());
    }
    let moved = (|| {
        folders.make(Path::new(path).parent().unwrap_or(Path::new("")))?;
        // A folder where the new site has a file: everything in it is gone from the site.
        if stdfs::symlink_metadata(&to).is_ok_and(|m| m.is_dir()) {
            stdfs::remove_dir_all(&to)?;
        }
        stdfs::rename(&from, &to)
    })();
    moved.map_err(|e| {
        io_error(&to, "cannot move the new version in place", &e).with_help(
            "check the permissions of the output folder; the next build finishes this commit",
        )
    })
}

/// Removes `path` from the output, if it is still there.
fn remove_from(folders: &mut Folders, path: &str) -> Result<(), Diagnostic> {
    let rel = Path::new(path);
    if !folders.are_real(rel.parent().unwrap_or(Path::new(""))) {
        return Ok(()); // not inside the output proper: nothing of the site's to remove
    }
    let file = folders.output.join(rel);
    match stdfs::symlink_metadata(&file) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => stdfs::remove_file(&file).map_err(|e| {
            io_error(&file, "cannot remove a file the site no longer has", &e).with_help(
                "check the permissions of the output folder; the next build finishes this commit",
            )
        }),
        Err(_) => Ok(()),
    }
}

/// Files move from the staging folder into the output by renaming, which cannot cross
/// file systems: refuse before anything is decided, so the output stays as it is.
fn check_same_file_system(staging: &Path, output: &Path) -> Result<(), Diagnostic> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        let device = |path: &Path| {
            stdfs::metadata(path)
                .map(|m| m.dev())
                .map_err(|e| io_error(path, "cannot read", &e))
        };
        if device(staging)? != device(output)? {
            return Err(Diagnostic::error(
                "the output folder is on another file system than the folder that holds it (a mount point?), so files cannot be moved into it in one step",
            )
            .in_file(output)
            .with_help("use a folder inside the mounted one as --output, such as `--output /mnt/www/public`"));
        }
    }
    #[cfg(not(unix))]
    let _ = (staging, output);
    Ok(())
}

/// Makes a rename inside `folder` last through a power cut (where the system can).
fn sync_folder(folder: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        stdfs::File::open(folder)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = folder;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn journal() -> Journal {
        Journal {
            staging: ".public.herald-staging-7".into(),
            stamp: "00ff 12".into(),
            moves: vec!["a/index.html".into(), "新/文件 名.css".into()],
            removals: vec!["old/index.html".into()],
        }
    }

    #[test]
    fn a_journal_reads_back_only_whole_and_inside_the_output() {
        let bytes = journal().encode();
        assert_eq!(Journal::decode(&bytes), Some(journal()));
        for cut in 0..bytes.len() {
            assert_eq!(Journal::decode(&bytes[..cut]), None, "cut at {cut}");
        }
        let mut escaping = journal();
        escaping.moves.push("../etc/passwd".into());
        assert_eq!(Journal::decode(&escaping.encode()), None);
        let mut elsewhere = journal();
        elsewhere.staging = "../../home".into();
        assert_eq!(Journal::decode(&elsewhere.encode()), None);
    }

    #[test]
    fn carrying_out_twice_or_after_a_stop_gives_the_same_output() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let staging = dir.path().join(".public.herald-staging-7");
        for (rel, text) in [
            ("a/index.html", "old a"),
            ("old/index.html", "gone"),
            ("x", "file"),
        ] {
            stdfs::create_dir_all(output.join(rel).parent().unwrap()).unwrap();
            stdfs::write(output.join(rel), text).unwrap();
        }
        for (rel, text) in [("a/index.html", "new a"), ("x/index.html", "now a folder")] {
            stdfs::create_dir_all(staging.join(rel).parent().unwrap()).unwrap();
            stdfs::write(staging.join(rel), text).unwrap();
        }
        let journal = Journal {
            moves: vec!["a/index.html".into(), "x/index.html".into()],
            removals: vec!["old/index.html".into(), "x".into()],
            ..journal()
        };
        journal.commit(&output, &staging).unwrap();
        let read = |rel: &str| stdfs::read_to_string(output.join(rel)).unwrap();
        assert_eq!(read("a/index.html"), "new a");
        assert_eq!(read("x/index.html"), "now a folder");
        assert!(!output.join("old").exists(), "emptied folders go");
        assert!(!staging.exists());
        let beside = Beside::of(&output).unwrap();
        assert_eq!(beside.read_stamp().as_deref(), Some("00ff 12"));
        // Found again (as if killed before dropping it): carried out again, harmlessly.
        stdfs::write(beside.journal(), journal.encode()).unwrap();
        recover(&output).unwrap();
        assert_eq!(read("a/index.html"), "new a");
        assert!(!beside.journal().exists());
    }

    #[test]
    fn a_damaged_journal_is_dropped_with_the_stamp() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        stdfs::create_dir_all(&output).unwrap();
        let beside = Beside::of(&output).unwrap();
        beside.write_stamp("1 2").unwrap();
        stdfs::write(
            beside.journal(),
            b"herald-journal 1\0staging .public.herald-sta",
        )
        .unwrap();
        recover(&output).unwrap();
        assert!(!beside.journal().exists());
        assert_eq!(beside.read_stamp(), None);
    }
}
