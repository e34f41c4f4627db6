//! How a site is loaded, and Herald's clock.

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, Utc};

use crate::error::Diagnostic;

/// How to load a site.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The site folder (holding `config.yaml`).
    pub root: PathBuf,
    /// Replaces `base_url` from the config.
    pub base_url: Option<String>,
    /// Include drafts and future pages.
    pub drafts: bool,
    /// The build's "now", for future-dated pages.
    pub now: DateTime<FixedOffset>,
    /// Give CSS and JS content hashes in their names (off while editing, so that a
    /// stylesheet change touches only the stylesheet).
    pub fingerprint: bool,
    /// Reuse Markdown renderings kept by the last build in `.herald-cache/`.
    pub cache: bool,
}

impl LoadOptions {
    /// Options for `root` with the clock read from `HERALD_NOW` (an RFC 3339 time, for
    /// reproducible builds and tests) or the system.
    pub fn new(root: impl Into<PathBuf>) -> LoadOptions {
        let now = now();
        LoadOptions {
            root: root.into(),
            base_url: None,
            drafts: false,
            now,
            fingerprint: true,
            cache: true,
        }
    }
}

/// Checks `HERALD_NOW`: when it is set, it must be an RFC 3339 time. A typo there
/// must not quietly fall back to the real clock, which would publish or hide pages
/// by another date than the one asked for.
pub fn check_clock() -> Result<(), Diagnostic> {
    let Ok(text) = std::env::var("HERALD_NOW") else {
        return Ok(());
    };
    match DateTime::parse_from_rfc3339(&text) {
        Ok(_) => Ok(()),
        Err(e) => Err(Diagnostic::error(format!(
            "HERALD_NOW=`{text}` is not a time Herald can read: {e}"
        ))
        .with_help(
            "write it like HERALD_NOW=2026-09-14T10:00:00+08:00, or unset it to use the clock",
        )),
    }
}

/// Herald's clock: `HERALD_NOW` (an RFC 3339 time, for reproducible builds and tests)
/// or the system's.
pub fn now() -> DateTime<FixedOffset> {
    std::env::var("HERALD_NOW")
        .ok()
        .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
        .unwrap_or_else(|| Utc::now().fixed_offset())
}
