//! Which folder a build replaces, and the lock that makes two builds into it take turns.
//!
//! Only the build holding the lock touches the output and what lies beside it (the
//! staging folder, the commit journal, the stamp), so whatever such files the lock's
//! new holder finds were left by a build that no longer runs.
//!
//! Deploy layouts often make the served folder a symbolic link (`/srv/www/current →
//! releases/2026-09-14`). A build into such a link replaces the folder the link points
//! to and keeps the link: replacing the link with a folder would leave the target,
//! and so anything else reading it, on the old site without a word.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};

use crate::error::Diagnostic;
use crate::fs::io_error;

/// How many links in a chain Herald follows before giving up (as the kernel does).
const MAX_LINKS: usize = 40;

/// The folder a build into `output` replaces: `output` itself, or the final target of
/// the link (or chain of links) `output` is, whether or not that target exists yet.
pub fn resolve_output(output: &Path) -> Result<PathBuf, Diagnostic> {
    let mut path = super::absolute(output)?;
    for _ in 0..MAX_LINKS {
        let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_symlink());
        if !is_link {
            return Ok(path);
        }
        let target =
            std::fs::read_link(&path).map_err(|e| io_error(&path, "cannot read the link", &e))?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        path = super::absolute(&base.join(target))?;
    }
    Err(Diagnostic::error("too many levels of symbolic links")
        .in_file(output)
        .with_help("point --output at a folder, or at a link to one"))
}

/// A build's hold on its output folder, released when dropped. The lock is a hidden
/// file beside the output (`.public.herald-lock`), removed again on release where the
/// system allows it (Unix; elsewhere it stays, empty).
#[derive(Debug)]
pub struct OutputLock {
    file: File,
    path: PathBuf,
}

impl OutputLock {
    /// Takes the lock of `output` (already resolved), waiting for another build that
    /// holds it, and saying so on stderr. Then, before anything reads the output,
    /// finishes the commit of a build that was killed during it, and removes what
    /// builds killed earlier left (no other build can be running: the lock is ours).
    pub fn take(output: &Path) -> Result<OutputLock, Diagnostic> {
        let lock = Self::wait_for(output)?;
        super::journal::recover(output)?;
        Ok(lock)
    }

    fn wait_for(output: &Path) -> Result<OutputLock, Diagnostic> {
        let (parent, name) = super::parent_and_name(output)?;
        let path = parent.join(format!(".{name}.herald-lock"));
        let mut said = false;
        loop {
            let file = File::options()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(|e| io_error(&path, "cannot create the build lock", &e))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    if !said {
                        eprintln!(
                            "waiting for another build into {} to finish…",
                            output.display()
                        );
                        said = true;
                    }
                    file.lock()
                        .map_err(|e| io_error(&path, "cannot take the build lock", &e))?;
                }
                Err(TryLockError::Error(e)) => {
                    return Err(io_error(&path, "cannot take the build lock", &e));
                }
            }
            // The build that held it may have removed the file as it finished: then
            // this lock is on a file nobody else will see, so start again.
            if still_named(&file, &path) {
                return Ok(OutputLock { file, path });
            }
        }
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Removed while still held, so a build waiting on it starts again (above).
        #[cfg(unix)]
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// True when `path` still names the open `file`.
fn still_named(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        // The file is never removed there, so it is always the same file.
        let _ = (file, path);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_folders_resolve_to_themselves() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        assert_eq!(resolve_output(&out).unwrap(), out);
    }

    #[cfg(unix)]
    #[test]
    fn chains_of_links_resolve_to_their_last_target() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::os::unix::fs::symlink("releases/r2", root.join("next")).unwrap();
        std::os::unix::fs::symlink(root.join("next"), root.join("current")).unwrap();
        assert_eq!(
            resolve_output(&root.join("current")).unwrap(),
            root.join("releases/r2")
        );
        std::os::unix::fs::symlink("loop", root.join("loop")).unwrap();
        let err = resolve_output(&root.join("loop")).unwrap_err();
        assert!(err.message.contains("too many levels"), "{}", err.message);
    }

    #[test]
    fn a_second_lock_waits_for_the_first_and_the_file_goes_with_the_last() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = OutputLock::take(&out).unwrap();
        let lock_file = dir.path().join(".public.herald-lock");
        let probe = File::options().write(true).open(&lock_file).unwrap();
        assert!(matches!(probe.try_lock(), Err(TryLockError::WouldBlock)));
        let waiting = std::thread::spawn(move || OutputLock::take(&out).unwrap());
        drop(first);
        let second = waiting.join().unwrap();
        assert!(lock_file.exists());
        drop(second);
        #[cfg(unix)]
        assert!(!lock_file.exists());
    }
}
