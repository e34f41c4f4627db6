//! The site as `serve` answers it: rendered files in memory, copies as references to
//! their source files. A rebuild is collected aside and applied in one step, so a
//! reader never sees half of a rebuild, and a rebuild with errors is never applied.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

use crate::error::Diagnostic;
use crate::output::{Sink, check_output_path};
use crate::theme::Origin;

/// One file of the served site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// Rendered bytes.
    Bytes(Arc<Vec<u8>>),
    /// A file on disk, read when asked for.
    File(PathBuf),
}

/// The served site.
#[derive(Debug, Default)]
pub struct Store {
    files: HashMap<String, Entry>,
    /// Problems of the last rebuild, shown over every page until fixed.
    pub errors: Option<String>,
    /// Counts successful rebuilds, so a reconnecting tab knows it missed one.
    pub generation: u64,
    /// Output paths of articles shown with the "not signed off" banner.
    pub unreviewed: std::collections::HashSet<String>,
}

impl Store {
    /// The file at an output path.
    pub fn get(&self, path: &str) -> Option<&Entry> {
        self.files.get(path)
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when nothing is served yet.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Every output path, sorted (for tests and comparisons).
    pub fn paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = self.files.keys().cloned().collect();
        paths.sort();
        paths
    }

    /// Replaces everything with a full rebuild.
    pub fn replace(&mut self, collected: Collected) {
        self.files = collected.files;
        self.errors = None;
        self.generation += 1;
    }

    /// Applies a collected rebuild: new and changed files, then removals.
    pub fn apply(&mut self, collected: Collected, removed: &[String]) {
        for path in removed {
            self.files.remove(path);
        }
        self.files.extend(collected.files);
        self.errors = None;
        self.generation += 1;
    }
}

/// A store shared between the HTTP server and the rebuild loop.
pub type SharedStore = Arc<RwLock<Store>>;

/// Files written by a rebuild, not yet applied.
#[derive(Debug, Default)]
pub struct Collected {
    /// Output path → entry.
    pub files: HashMap<String, Entry>,
}

/// A sink that collects what a rebuild writes.
#[derive(Debug, Default)]
pub struct Collect {
    files: Mutex<HashMap<String, Entry>>,
}

impl Collect {
    /// What was written so far, taken out.
    pub fn take(&self) -> Collected {
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        Collected {
            files: std::mem::take(&mut *files),
        }
    }

    /// What was written.
    pub fn finish(self) -> Collected {
        Collected {
            files: self.files.into_inner().unwrap_or_else(|e| e.into_inner()),
        }
    }
}

impl Sink for Collect {
    fn keep(&self, _path: &str) -> bool {
        // The store keeps what it has until a rebuild replaces it.
        true
    }
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        check_output_path(path).map_err(Diagnostic::error)?;
        let entry = Entry::Bytes(Arc::new(bytes.to_vec()));
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), entry);
        Ok(())
    }

    fn copy(&self, path: &str, origin: &Origin) -> Result<(), Diagnostic> {
        check_output_path(path).map_err(Diagnostic::error)?;
        let entry = match origin {
            Origin::Disk(source) => Entry::File(source.clone()),
            Origin::Embedded(_, bytes) => Entry::Bytes(Arc::new(bytes.to_vec())),
        };
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), entry);
        Ok(())
    }
}
