//! Precompressed copies for nginx's `gzip_static`: `x.html.gz` beside `x.html`
//! (`herald build --compress`).
//!
//! The gzip header carries no file name and no time, so the same bytes always give the
//! same `.gz`. A file unchanged since the previous build keeps its previous `.gz`
//! (hard-linked, with its time), so `rsync` skips both. A `.gz` the site publishes
//! itself (in `static/`) wins over the one Herald would make.

use std::fs as stdfs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use flate2::{Compression, GzBuilder};
use rayon::prelude::*;
use walkdir::WalkDir;

use super::{Staging, link_or_copy};
use crate::error::Diagnostic;
use crate::fs::io_error;

/// Extensions of the files that get a `.gz`: text that servers send compressed.
pub const EXTENSIONS: &[&str] = &["html", "css", "js", "xml", "json", "svg", "txt"];

/// What [`Staging::compress`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CompressStats {
    /// Files given a `.gz` by Herald (not counting those the site ships its own for).
    pub files: usize,
    /// Of those, the `.gz` files compressed in this build (the others were unchanged).
    pub made: usize,
}

/// Gzips `bytes` at the best level, with an empty header (no name, no time), so the
/// result depends on the bytes alone.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzBuilder::new().write(
        Vec::with_capacity(bytes.len() / 3 + 64),
        Compression::best(),
    );
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// True for files that get a `.gz` beside them.
pub fn is_compressible(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e))
}

impl Staging {
    /// Writes a `.gz` beside every compressible staged file, in parallel.
    pub fn compress(&self) -> Result<CompressStats, Diagnostic> {
        let mut files: Vec<PathBuf> = WalkDir::new(&self.dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file() && is_compressible(e.path()))
            .map(walkdir::DirEntry::into_path)
            .collect();
        files.sort();
        let made: Vec<bool> = files
            .par_iter()
            .filter(|file| !gz_path(file).exists())
            .map(|file| self.compress_one(file))
            .collect::<Result<_, _>>()?;
        Ok(CompressStats {
            files: made.len(),
            made: made.iter().filter(|&&m| m).count(),
        })
    }

    /// Gives `file` its `.gz`; true if it had to be compressed anew.
    fn compress_one(&self, file: &Path) -> Result<bool, Diagnostic> {
        let target = gz_path(file);
        if let Some(previous_gz) = self.unchanged_gz(file)
            && link_or_copy(&previous_gz, &target).is_ok()
        {
            return Ok(false);
        }
        let bytes = stdfs::read(file).map_err(|e| io_error(file, "cannot read", &e))?;
        stdfs::write(&target, gzip(&bytes)).map_err(|e| io_error(&target, "cannot write", &e))?;
        Ok(true)
    }

    /// The previous output's `.gz` of `file`, if `file` did not change since then.
    fn unchanged_gz(&self, file: &Path) -> Option<PathBuf> {
        let rel = file.strip_prefix(&self.dir).ok()?;
        let previous = self.previous.as_ref()?.join(rel);
        let previous_gz = gz_path(&previous);
        if !stdfs::symlink_metadata(&previous_gz).ok()?.is_file() {
            return None;
        }
        let old = stdfs::symlink_metadata(&previous).ok()?;
        let new = stdfs::metadata(file).ok()?;
        if !old.is_file() || old.len() != new.len() {
            return None;
        }
        // Unchanged files are hard links of the previous ones; compare bytes otherwise.
        let same =
            same_inode(&old, &new) || stdfs::read(&previous).ok()? == stdfs::read(file).ok()?;
        same.then_some(previous_gz)
    }
}

fn gz_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".gz");
    PathBuf::from(name)
}

#[cfg(unix)]
fn same_inode(a: &stdfs::Metadata, b: &stdfs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_inode(_: &stdfs::Metadata, _: &stdfs::Metadata) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;
    use crate::output::Sink;

    fn gunzip(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn gzip_is_deterministic_with_an_empty_header() {
        let text = "网络安全为人民，网络安全靠人民。".repeat(50);
        let a = gzip(text.as_bytes());
        assert_eq!(a, gzip(text.as_bytes()));
        assert_eq!(&a[..4], &[0x1f, 0x8b, 8, 0], "no file name or other flags");
        assert_eq!(&a[4..8], &[0, 0, 0, 0], "no time");
        assert_eq!(gunzip(&a), text.as_bytes());
        assert!(a.len() < text.len() / 5);
    }

    #[test]
    fn unchanged_files_keep_their_gz_and_site_gz_wins() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = Staging::begin(&out).unwrap();
        first.write("a/index.html", b"<p>same</p>").unwrap();
        first.write("b.css", b"p{color:red}").unwrap();
        first.write("c.png", b"not text").unwrap();
        first.write("d.json", b"{}").unwrap();
        first.write("d.json.gz", b"the site's own").unwrap();
        assert_eq!(
            first.compress().unwrap(),
            CompressStats { files: 2, made: 2 }
        );
        first.commit().unwrap();
        assert!(!out.join("c.png.gz").exists());
        assert_eq!(
            std::fs::read(out.join("d.json.gz")).unwrap(),
            b"the site's own"
        );
        let time = |p: &str| std::fs::metadata(out.join(p)).unwrap().modified().unwrap();
        let before = time("a/index.html.gz");
        std::thread::sleep(std::time::Duration::from_millis(20));

        let second = Staging::begin(&out).unwrap();
        second.write("a/index.html", b"<p>same</p>").unwrap();
        second.write("b.css", b"p{color:blue}").unwrap();
        assert_eq!(
            second.compress().unwrap(),
            CompressStats { files: 2, made: 1 }
        );
        second.commit().unwrap();
        assert_eq!(time("a/index.html.gz"), before);
        let css = gunzip(&std::fs::read(out.join("b.css.gz")).unwrap());
        assert_eq!(css, b"p{color:blue}");
        assert!(!out.join("d.json.gz").exists());
    }
}
