//! Precompressed copies for nginx's `gzip_static`: `x.html.gz` beside `x.html`
//! (`herald build --compress`).
//!
//! The gzip header carries no file name and no time, so the same bytes always give the
//! same `.gz`. Only new and changed files are compressed: an unchanged file keeps its
//! previous `.gz`, untouched, with its time, so `rsync` skips both; the `.gz` of a
//! file the site no longer has goes with it. A `.gz` the site publishes itself (in
//! `static/`) wins over the one Herald would make.

use std::fs as stdfs;
use std::io::Write as _;
use std::path::Path;

use flate2::{Compression, GzBuilder};
use rayon::prelude::*;

use super::staging::Noted;
use super::{Staging, Stat, modified_ns};
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
    /// Gives every compressible file of this build a `.gz` beside it, in parallel:
    /// made anew for new and changed files, carried over for the others.
    pub fn compress(&self) -> Result<CompressStats, Diagnostic> {
        let files: Vec<(String, Noted)> = {
            let noted = self.noted.lock().unwrap_or_else(|e| e.into_inner());
            noted
                .iter()
                .filter(|(path, _)| {
                    is_compressible(Path::new(path)) && !noted.contains_key(&gz_path(path))
                })
                .map(|(path, file)| (path.clone(), *file))
                .collect()
        };
        let made: Vec<bool> = files
            .par_iter()
            .map(|(path, file)| self.compress_one(path, *file))
            .collect::<Result<_, _>>()?;
        Ok(CompressStats {
            files: made.len(),
            made: made.iter().filter(|&&m| m).count(),
        })
    }

    /// Gives `path` its `.gz`; true if it had to be written anew.
    fn compress_one(&self, path: &str, file: Noted) -> Result<bool, Diagnostic> {
        let gz = gz_path(path);
        // The file is unchanged, and so is the `.gz` Herald made of it last time.
        if !file.fresh
            && self.expected_gz.contains(&gz)
            && let Some((old, stat)) = self.in_output(&gz)
            && self.expected.get(&gz) == Some(&stat)
            && self.carry_over(&gz, &old)?
        {
            self.note_gz(&gz, stat, false);
            return Ok(false);
        }
        // A file that is not fresh is the output's (and, in a whole staging, a link to it).
        let source = if file.fresh {
            self.dir.join(path)
        } else {
            self.output.join(path)
        };
        let bytes = stdfs::read(&source).map_err(|e| io_error(&source, "cannot read", &e))?;
        let packed = gzip(&bytes);
        // The same bytes as the `.gz` in the output (the site's own, or a file written
        // again unchanged): keep that one, with its time.
        if let Some((old, stat)) = self.in_output(&gz)
            && stat.0 == packed.len() as u64
            && stdfs::read(&old).is_ok_and(|old_bytes| old_bytes == packed)
            && self.carry_over(&gz, &old)?
        {
            self.note_gz(&gz, stat, false);
            return Ok(false);
        }
        let target = self.target(&gz)?;
        let written = (|| {
            let mut file = stdfs::File::create(&target)?;
            file.write_all(&packed)?;
            file.metadata()
        })();
        let meta = written.map_err(|e| io_error(&target, "cannot write", &e))?;
        self.note_gz(&gz, (meta.len(), modified_ns(&meta)), true);
        Ok(true)
    }

    fn note_gz(&self, gz: &str, stat: Stat, fresh: bool) {
        let mut gzipped = self.gzipped.lock().unwrap_or_else(|e| e.into_inner());
        gzipped.insert(gz.to_string(), Noted { stat, fresh });
    }
}

fn gz_path(path: &str) -> String {
    format!("{path}.gz")
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

    fn time(path: &Path) -> std::time::SystemTime {
        std::fs::metadata(path).unwrap().modified().unwrap()
    }

    /// Two builds staging the whole site; returns what the second committed.
    fn two_whole_builds(out: &Path) -> crate::output::Committed {
        let first = Staging::begin(out).unwrap();
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
        let before = time(&out.join("a/index.html.gz"));
        std::thread::sleep(std::time::Duration::from_millis(20));

        let second = Staging::begin(out).unwrap();
        second.write("a/index.html", b"<p>same</p>").unwrap();
        second.write("b.css", b"p{color:blue}").unwrap();
        assert_eq!(
            second.compress().unwrap(),
            CompressStats { files: 2, made: 1 }
        );
        let committed = second.commit().unwrap();
        assert_eq!(time(&out.join("a/index.html.gz")), before);
        let css = gunzip(&std::fs::read(out.join("b.css.gz")).unwrap());
        assert_eq!(css, b"p{color:blue}");
        assert!(!out.join("d.json.gz").exists());
        assert_eq!(committed.gzipped, ["a/index.html.gz", "b.css.gz"]);
        committed
    }

    #[test]
    fn unchanged_files_keep_their_gz_and_site_gz_wins() {
        let dir = tempfile::tempdir().unwrap();
        two_whole_builds(&dir.path().join("public"));
    }

    #[test]
    fn staging_only_changes_compresses_only_them() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let committed = two_whole_builds(&out);
        let before = time(&out.join("a/index.html.gz"));
        // The unchanged file's `.gz` stays, a removed file's goes, and a file whose
        // own `.gz` the site stopped shipping gets Herald's.
        let mut third = Staging::begin(&out).unwrap();
        third.expect(committed);
        assert!(third.stages_changes_only());
        third.write("a/index.html", b"<p>same</p>").unwrap();
        third.write("e.txt", b"new text").unwrap();
        third.write("e.txt.gz", b"the site's own").unwrap();
        assert_eq!(
            third.compress().unwrap(),
            CompressStats { files: 1, made: 0 }
        );
        let committed = third.commit().unwrap();
        assert!(!out.join("b.css.gz").exists());
        assert_eq!(committed.gzipped, ["a/index.html.gz"]);
        assert_eq!(committed.files, crate::output::manifest(&out));

        let mut fourth = Staging::begin(&out).unwrap();
        fourth.expect(committed);
        assert!(fourth.keep("a/index.html") && fourth.keep("e.txt"));
        assert_eq!(
            fourth.compress().unwrap(),
            CompressStats { files: 2, made: 1 }
        );
        fourth.commit().unwrap();
        assert_eq!(
            gunzip(&std::fs::read(out.join("e.txt.gz")).unwrap()),
            b"new text"
        );
        assert_eq!(time(&out.join("a/index.html.gz")), before);
    }
}
