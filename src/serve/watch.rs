//! Watching the site's folders with notify, through its debouncer.
//!
//! Folders are watched, never single files: an editor that saves `config.yaml` by
//! writing a temporary file and renaming it over the old one replaces the file, and a
//! watch on the old file would go quiet. The site root is watched without recursion
//! (for `config.yaml` and folders created later); its content folders with recursion.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use super::classify::WATCHED_FOLDERS;
use crate::error::Diagnostic;

/// How long a path must be quiet before its events are passed on.
const DEBOUNCE: Duration = Duration::from_millis(6);
/// After a first event, how long to wait for more before rebuilding, so that a burst
/// of saves (or a save touching several files) is one rebuild.
const SETTLE: Duration = Duration::from_millis(4);
/// When a changed file has vanished, how long to wait for it to come back: editors
/// that save by renaming the old file away and writing a new one leave a moment
/// without it, and rebuilding then would remove the page and reload tabs onto a 404.
/// Removals are never urgent, so they may wait. `HERALD_VANISHED_GRACE_MS` changes
/// it, so that tests of slow saves do not depend on the machine's speed.
fn vanished_grace() -> Duration {
    Duration::from_millis(crate::pause::setting("HERALD_VANISHED_GRACE_MS", 60))
}

/// Watches a site folder and hands out batches of changed paths.
pub struct Watcher {
    root: PathBuf,
    /// The site folder's identity when watching began (see [`Watcher::site_moved`]).
    root_id: Option<FolderId>,
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    events: Receiver<Vec<PathBuf>>,
    watched: BTreeSet<String>,
}

impl Watcher {
    /// Starts watching `root`.
    pub fn start(root: &Path) -> Result<Watcher, Diagnostic> {
        let (sender, events) = channel();
        let debouncer = new_debouncer(
            DEBOUNCE,
            Some(Duration::from_millis(2)),
            move |result: DebounceEventResult| {
                if let Ok(events) = result {
                    if std::env::var_os("HERALD_WATCH_TRACE").is_some() {
                        for e in &events {
                            eprintln!("watch: {:?} {:?}", e.event.kind, e.event.paths);
                        }
                    } // Reading a file is an event too (Herald's own reads among them): skip those.
                    let paths: Vec<PathBuf> = events
                        .into_iter()
                        .filter(|e| !matches!(e.event.kind, EventKind::Access(_)))
                        .flat_map(|e| e.event.paths)
                        .collect();
                    if !paths.is_empty() {
                        let _ = sender.send(paths);
                    }
                }
            },
        )
        .map_err(|e| {
            Diagnostic::error(format!("cannot watch the site folder: {e}")).in_file(root)
        })?;
        let mut watcher = Watcher {
            root: root.to_path_buf(),
            root_id: folder_id(root),
            debouncer,
            events,
            watched: BTreeSet::new(),
        };
        watcher
            .debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| {
                Diagnostic::error(format!("cannot watch the site folder: {e}")).in_file(root)
            })?;
        watcher.watch_folders();
        Ok(watcher)
    }

    /// Starts watching site folders that exist now and were not watched yet.
    fn watch_folders(&mut self) {
        // A watched folder that was removed is watched again once it is back.
        self.watched
            .retain(|folder| self.root.join(folder).is_dir());
        for folder in WATCHED_FOLDERS {
            let path = self.root.join(folder);
            if !self.watched.contains(*folder)
                && path.is_dir()
                && self
                    .debouncer
                    .watch(&path, RecursiveMode::Recursive)
                    .is_ok()
            {
                self.watched.insert((*folder).to_string());
            }
        }
    }

    /// Waits for changes and returns the changed paths of one burst; `None` when the
    /// watcher has stopped. A burst ends after [`SETTLE`] without events, except that
    /// while a changed file is missing it waits up to [`vanished_grace`] for it.
    pub fn next_batch(&mut self) -> Option<Vec<PathBuf>> {
        let mut paths: BTreeSet<PathBuf> = self.events.recv().ok()?.into_iter().collect();
        let mut grace_ends = None;
        loop {
            let wait = if self.missing(&paths) {
                let ends = *grace_ends.get_or_insert_with(|| Instant::now() + vanished_grace());
                ends.saturating_duration_since(Instant::now()).max(SETTLE)
            } else {
                SETTLE
            };
            match self.events.recv_timeout(wait) {
                Ok(more) => paths.extend(more),
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        self.watch_folders();
        Some(paths.into_iter().collect())
    }

    /// True when the site folder is no longer at its path (moved, renamed or removed,
    /// or another folder put in its place). The watches follow the folder while their
    /// paths do not, so going on would read files that are not there and drop pages.
    pub fn site_moved(&self) -> bool {
        folder_id(&self.root) != self.root_id
    }

    /// True when a changed file that could be content (not an editor's backup or
    /// swap file, which go away for good) is missing now.
    fn missing(&self, paths: &BTreeSet<PathBuf>) -> bool {
        paths.iter().any(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy());
            !name.is_some_and(|n| crate::fs::is_ignored_name(&n)) && !p.exists()
        })
    }
}

/// What tells one folder from another at the same path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FolderId(u64, u64);

#[cfg(unix)]
fn folder_id(path: &Path) -> Option<FolderId> {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata(path)
        .ok()
        .map(|m| FolderId(m.dev(), m.ino()))
}

/// Elsewhere only a removed (or moved) folder is told apart.
#[cfg(not(unix))]
fn folder_id(path: &Path) -> Option<FolderId> {
    path.is_dir().then_some(FolderId(0, 0))
}
