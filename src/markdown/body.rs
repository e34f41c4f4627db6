//! A text of a rendering (its HTML, its plain text for search) that may still lie in
//! the Markdown cache's file of bodies ([`BodyFile`]): read from there the first time
//! it is asked for, so that a build after a one-page edit reads only the bodies of
//! the pages it writes again.
//!
//! A body knows its hash (`hash::of_bytes` of its text) without being read, so
//! versions and search keys never read it.

use std::borrow::Cow;
use std::fmt;
use std::fs::File;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use crate::hash;

/// A text, here or in a file of bodies. Clones share the text.
#[derive(Clone)]
pub struct Body(Arc<Inner>);

struct Inner {
    text: OnceLock<String>,
    hash: OnceLock<u64>,
    stored: Option<(Arc<BodyFile>, Place)>,
}

/// Where a body lies in a file of bodies, with the hash of its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    /// Offset of the first byte.
    pub offset: u64,
    /// Length in bytes.
    pub len: u64,
    /// `hash::of_bytes` of the bytes.
    pub hash: u64,
}

/// An open file of bodies (see `site::cache`): read by [`Body`] when asked.
#[derive(Debug)]
pub struct BodyFile {
    file: File,
    path: PathBuf,
    /// Set when a read found the file no longer holding what was written.
    damaged: std::sync::atomic::AtomicBool,
    /// Which file it is: written in its header and in the index that refers to it.
    pub generation: u64,
}

impl Body {
    /// A text in memory.
    pub fn new(text: String) -> Body {
        Body(Arc::new(Inner {
            text: OnceLock::from(text),
            hash: OnceLock::new(),
            stored: None,
        }))
    }

    /// A text at `place` in `file`, read when first asked for.
    pub fn stored(file: &Arc<BodyFile>, place: Place) -> Body {
        let text = OnceLock::new();
        if place.len == 0 && place.hash == hash::of_bytes(b"") {
            let _ = text.set(String::new());
        }
        Body(Arc::new(Inner {
            text,
            hash: OnceLock::from(place.hash),
            stored: Some((file.clone(), place)),
        }))
    }

    /// The text (read from its file the first time).
    pub fn as_str(&self) -> &str {
        self.0.text.get_or_init(|| match &self.0.stored {
            Some((file, place)) => file.read_or_fail(*place),
            None => String::new(),
        })
    }

    /// The text, without keeping a stored one in memory: read from its file on each
    /// call. What pages and the search index use, so that a build holds the bodies of
    /// the pages being written, not those of every article (165 MB at 10,000).
    pub fn text(&self) -> Cow<'_, str> {
        match (self.0.text.get(), &self.0.stored) {
            (Some(text), _) => Cow::Borrowed(text),
            (None, Some((file, place))) => Cow::Owned(file.read_or_fail(*place)),
            (None, None) => Cow::Borrowed(""),
        }
    }

    /// The text, or `None` when it lies in a file that no longer holds it (nothing is
    /// noted: for copying bodies from one file of bodies to another).
    pub fn checked_text(&self) -> Option<Cow<'_, str>> {
        match (self.0.text.get(), &self.0.stored) {
            (Some(text), _) => Some(Cow::Borrowed(text)),
            (None, Some((file, place))) => file.read(*place).map(Cow::Owned),
            (None, None) => Some(Cow::Borrowed("")),
        }
    }

    /// `hash::of_bytes` of the text, without reading a stored text.
    pub fn hash(&self) -> u64 {
        *self
            .0
            .hash
            .get_or_init(|| hash::of_bytes(self.as_str().as_bytes()))
    }

    /// Where the text lies in `file`, if it lies there.
    pub fn place_in(&self, file: &BodyFile) -> Option<Place> {
        match &self.0.stored {
            Some((stored, place)) if std::ptr::eq(&**stored, file) => Some(*place),
            _ => None,
        }
    }

    /// The text, owned.
    pub fn into_string(self) -> String {
        match Arc::try_unwrap(self.0) {
            Ok(inner) if inner.text.get().is_some() => inner.text.into_inner().unwrap_or_default(),
            Ok(inner) => Body(Arc::new(inner)).as_str().to_string(),
            Err(shared) => Body(shared).as_str().to_string(),
        }
    }

    /// Appends `more` to the text.
    pub fn push_str(&mut self, more: &str) {
        let mut text = std::mem::take(self).into_string();
        text.push_str(more);
        *self = Body::new(text);
    }
}

impl BodyFile {
    /// Opens a file of bodies of generation `generation`.
    pub fn open(path: &Path, generation: u64) -> std::io::Result<BodyFile> {
        Ok(BodyFile::new(File::open(path)?, path, generation))
    }

    /// A file of bodies opened already as `file`, found at `path`.
    pub fn new(file: File, path: &Path, generation: u64) -> BodyFile {
        BodyFile {
            file,
            path: path.to_path_buf(),
            damaged: std::sync::atomic::AtomicBool::new(false),
            generation,
        }
    }

    /// The text at `place`, if the file still holds it as written.
    pub fn read(&self, place: Place) -> Option<String> {
        let mut bytes = vec![0; usize::try_from(place.len).ok()?];
        self.read_at(&mut bytes, place.offset).ok()?;
        if hash::of_bytes(&bytes) != place.hash {
            return None;
        }
        String::from_utf8(bytes).ok()
    }

    /// Fills `bytes` from `offset` with positional reads (`pread` on Unix), which move
    /// no shared cursor: every render thread reads at once.
    fn read_at(&self, bytes: &mut [u8], offset: u64) -> std::io::Result<()> {
        #[cfg(unix)]
        {
            std::os::unix::fs::FileExt::read_exact_at(&self.file, bytes, offset)
        }
        #[cfg(windows)]
        {
            let mut done = 0;
            while done < bytes.len() {
                let at = offset + done as u64;
                match std::os::windows::fs::FileExt::seek_read(&self.file, &mut bytes[done..], at)?
                {
                    0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
                    n => done += n,
                }
            }
            Ok(())
        }
        #[cfg(not(any(unix, windows)))]
        {
            use std::io::{Read as _, Seek as _, SeekFrom};
            static CURSOR: std::sync::Mutex<()> = std::sync::Mutex::new(());
            let _one_at_a_time = CURSOR.lock().unwrap_or_else(|e| e.into_inner());
            let mut file = &self.file;
            file.seek(SeekFrom::Start(offset))?;
            file.read_exact(bytes)
        }
    }

    /// [`BodyFile::read`], or, when the file was damaged since it was opened, an empty
    /// text and the damage noted for [`BodyFile::take_damage`]: the run that read it fails
    /// instead of publishing the empty text. The file is removed so that the next run
    /// renders the Markdown again.
    fn read_or_fail(&self, place: Place) -> String {
        match self.read(place) {
            Some(text) => text,
            None => {
                let _ = std::fs::remove_file(&self.path);
                self.damaged
                    .store(true, std::sync::atomic::Ordering::Relaxed);
                String::new()
            }
        }
    }

    /// The error for damage found by reads since the last call, if any: every run of
    /// the pipeline asks, and fails with it.
    pub fn take_damage(&self) -> Option<crate::error::Diagnostic> {
        let damaged = self
            .damaged
            .swap(false, std::sync::atomic::Ordering::Relaxed);
        damaged.then(|| {
            crate::error::Diagnostic::error(format!(
                "the Markdown cache {} was damaged while Herald read it, so some pages would have lost their text",
                self.path.display()
            ))
            .with_help("it was removed: run the command again (nothing was published from this run)")
        })
    }
}

impl Default for Body {
    fn default() -> Body {
        Body::new(String::new())
    }
}

impl Deref for Body {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<String> for Body {
    fn from(text: String) -> Body {
        Body::new(text)
    }
}

impl From<&str> for Body {
    fn from(text: &str) -> Body {
        Body::new(text.to_string())
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq for Body {
    fn eq(&self, other: &Body) -> bool {
        self.hash() == other.hash() && self.as_str() == other.as_str()
    }
}

impl Eq for Body {}

impl std::hash::Hash for Body {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialEq<str> for Body {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Body {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    #[test]
    fn a_stored_body_is_read_once_asked_and_knows_its_hash_before() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bodies.bin");
        let text = "<p>正文</p>";
        let mut file = File::create(&path).unwrap();
        file.write_all(b"head").unwrap();
        file.write_all(text.as_bytes()).unwrap();
        drop(file);
        let place = Place {
            offset: 4,
            len: text.len() as u64,
            hash: hash::of_bytes(text.as_bytes()),
        };
        let bodies = Arc::new(BodyFile::open(&path, 1).unwrap());
        let body = Body::stored(&bodies, place);
        assert_eq!(body.hash(), Body::from(text).hash());
        assert!(matches!(body.text(), Cow::Owned(t) if t == text));
        assert!(body.0.text.get().is_none(), "text() keeps nothing");
        assert_eq!(body.place_in(&bodies), Some(place));
        assert_eq!(body.clone().into_string(), text);
        assert_eq!(body, Body::from(text));
        let wrong = Place { hash: 1, ..place };
        assert_eq!(bodies.read(wrong), None);
        let mut more = Body::stored(&bodies, place);
        more.push_str("!");
        assert_eq!(more, "<p>正文</p>!");
        assert_eq!(more.place_in(&bodies), None);
    }

    #[test]
    fn a_body_damaged_after_opening_is_an_error_of_the_run_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bodies.bin");
        std::fs::write(&path, "head<p>正文</p>").unwrap();
        let bodies = Arc::new(BodyFile::open(&path, 1).unwrap());
        let place = Place {
            offset: 4,
            len: "<p>正文</p>".len() as u64,
            hash: 7, // not the bytes' hash: the file no longer holds what was written
        };
        assert_eq!(Body::stored(&bodies, place).as_str(), "");
        let error = bodies.take_damage().expect("the damage is reported");
        assert!(
            error.message.contains("was damaged while Herald read it"),
            "{error:?}"
        );
        assert!(!path.exists(), "the damaged file is removed");
        assert!(bodies.take_damage().is_none(), "reported once");
    }
}
