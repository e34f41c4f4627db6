//! A sink that reads each rendered HTML page as it is made (on the render's own
//! threads, keeping only what the rules need, never the whole site's HTML) and notes
//! every path published, so that `inspect` sees the site as it would be served
//! without writing it anywhere.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Mutex;

use super::html::{self, PageScan};
use crate::error::Diagnostic;
use crate::output::{Sink, check_output_path};
use crate::theme::Origin;

/// The pages and files a render produced.
#[derive(Default)]
pub struct Capture {
    pages: Mutex<Vec<(String, PageScan)>>,
    paths: Mutex<BTreeSet<String>>,
    attachments: Mutex<Vec<(String, PathBuf)>>,
}

/// What [`Capture`] kept.
#[derive(Debug, Default)]
pub struct Captured {
    /// HTML pages as read: (output path, what it shows), sorted by path.
    pub pages: Vec<(String, PageScan)>,
    /// Every output path.
    pub paths: BTreeSet<String>,
    /// Text attachments copied from disk: (output path, source file).
    pub attachments: Vec<(String, PathBuf)>,
}

/// Extensions of attachments whose text `personal-info` reads.
pub const TEXT_ATTACHMENTS: &[&str] = &["txt", "csv", "html", "htm"];

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Capture {
    /// Everything kept, sorted.
    pub fn into_captured(self) -> Captured {
        let mut pages = self.pages.into_inner().unwrap_or_else(|e| e.into_inner());
        pages.sort_by(|a, b| a.0.cmp(&b.0));
        let mut attachments = self
            .attachments
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        attachments.sort();
        Captured {
            pages,
            paths: self.paths.into_inner().unwrap_or_else(|e| e.into_inner()),
            attachments,
        }
    }
}

impl Sink for Capture {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        check_output_path(path).map_err(Diagnostic::error)?;
        lock(&self.paths).insert(path.to_string());
        if path.ends_with("index.html") {
            let scan = html::scan(&String::from_utf8_lossy(bytes));
            lock(&self.pages).push((path.to_string(), scan));
        }
        Ok(())
    }

    fn copy(&self, path: &str, origin: &Origin) -> Result<(), Diagnostic> {
        check_output_path(path).map_err(Diagnostic::error)?;
        lock(&self.paths).insert(path.to_string());
        let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
        if let Origin::Disk(source) = origin
            && TEXT_ATTACHMENTS.contains(&ext.to_ascii_lowercase().as_str())
        {
            lock(&self.attachments).push((path.to_string(), source.clone()));
        }
        Ok(())
    }

    fn keep(&self, path: &str) -> bool {
        // Images are not made again: only their paths matter here.
        lock(&self.paths).insert(path.to_string());
        true
    }
}
