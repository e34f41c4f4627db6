//! The Markdown cache: rendered bodies kept between builds in
//! `.herald-cache/markdown.bin` (the index) and `markdown-bodies.bin` (their HTML and
//! text, read only when asked for), so an unchanged page is not rendered again.
//!
//! A rendering depends on the file, on where its `@/` links lead, on its images and
//! on the templates of its shortcodes and the files they name.
//! An entry is used only when the file's hash is the same and its links and images
//! resolve exactly as they did (checked against the site being built), so it can never
//! be stale. The whole cache is dropped when Herald (see `cache_file::BUILD_ID`) or
//! the settings that shape HTML (base URL, image settings, fingerprinting) change.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Read as _, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::Diagnostic;
use crate::hash;
use crate::markdown::body::{BodyFile, Place};
use crate::markdown::{Body, Rendered, Resolver};

/// Bumped when the cached data or the Markdown output changes shape (3: highlighting
/// by Oniguruma; 4: the body's hash kept beside it; 5: shortcodes; 6: bodies apart).
const FORMAT: u32 = 6;

/// The first bytes of the file of bodies, before its generation.
const BODIES_MAGIC: &[u8] = b"herald-markdown-bodies\n";

/// One cached rendering: file hash, resolution hash, rendering (without its HTML
/// and text), its problems, where its HTML and its text lie in the file of bodies.
type Entry = (u64, u64, Rendered, Vec<Diagnostic>, Place, Place);

/// What is saved of one rendering: path, file hash, resolution hash, rendering, problems.
pub type Saved<'a> = (&'a str, u64, u64, &'a Rendered, &'a [Diagnostic]);

/// Rendered bodies by content path, loaded from the previous build.
///
/// Two files: `markdown.bin`, the index (everything but the bodies' HTML and text,
/// with where those lie), rewritten by each build that changed a rendering; and
/// `markdown-bodies.bin`, the HTML and texts, to which a build appends the new ones
/// and which is read only for the bodies a build writes again. When it holds more
/// than twice the bytes still used, it is written anew (a new generation, which the
/// index names in its key).
#[derive(Debug, Default)]
pub struct MarkdownCache {
    key: u64,
    entries: HashMap<String, Entry>,
    /// The file of bodies the entries refer to.
    bodies: Option<Arc<BodyFile>>,
    /// True when a page was rendered afresh or went away: the file needs writing.
    pub changed: bool,
    /// Bodies rendered afresh by this run, held in memory until saved.
    pub fresh: usize,
}

impl MarkdownCache {
    /// The error for a file of bodies found damaged by reads since the last call.
    pub fn take_damage(&self) -> Option<crate::error::Diagnostic> {
        self.bodies.as_ref()?.take_damage()
    }

    /// Where the index of the cache of the site at `root` lives.
    pub fn path(root: &Path) -> PathBuf {
        root.join(".herald-cache").join("markdown.bin")
    }

    /// Where the bodies of the cache of the site at `root` live.
    pub fn bodies_path(root: &Path) -> PathBuf {
        root.join(".herald-cache").join("markdown-bodies.bin")
    }

    /// Reads the cache if it was made with the same `key`; an empty cache otherwise
    /// (a missing or damaged file is not an error: the cache only saves time).
    pub fn load(root: &Path, key: u64) -> MarkdownCache {
        let key = hash::of(&(key, FORMAT));
        let found = open_bodies(&Self::bodies_path(root)).and_then(|(bodies, len)| {
            let index_key = hash::of(&(key, bodies.generation));
            let entries =
                crate::cache_file::load_list::<(String, Entry)>(&Self::path(root), index_key)?;
            let inside = |p: &Place| p.offset.checked_add(p.len).is_some_and(|end| end <= len);
            let whole = entries.iter().all(|(_, e)| inside(&e.4) && inside(&e.5));
            whole.then_some((bodies, entries))
        });
        match found {
            Some((bodies, entries)) => MarkdownCache {
                key,
                entries: entries.into_iter().collect(),
                bodies: Some(Arc::new(bodies)),
                changed: false,
                fresh: 0,
            },
            None => MarkdownCache {
                key,
                changed: true,
                ..MarkdownCache::default()
            },
        }
    }

    /// The cached rendering of `rel`, if its file and the resolution of its links and
    /// images are still what they were; with the resolution hash to keep.
    pub fn take(
        &mut self,
        rel: &str,
        source_hash: u64,
        resolver: &dyn Resolver,
    ) -> Option<(Rendered, Vec<Diagnostic>, u64)> {
        let (hash, resolved, rendered, ..) = self.entries.get(rel)?;
        if *hash != source_hash {
            return None;
        }
        let now = resolutions(rendered, rel, resolver);
        if now != *resolved {
            return None;
        }
        let bodies = self.bodies.as_ref()?;
        let (_, _, mut rendered, problems, html, text) = self.entries.remove(rel)?;
        rendered.html = Body::stored(bodies, html);
        rendered.text = Body::stored(bodies, text);
        Some((rendered, problems, now))
    }

    /// True when entries of pages that no longer exist are left.
    pub fn has_leftovers(&self) -> bool {
        !self.entries.is_empty()
    }

    /// The file of bodies the entries refer to, once one was read or written.
    pub fn bodies(&self) -> Option<&Arc<BodyFile>> {
        self.bodies.as_ref()
    }

    /// Writes the renderings of the current pages. Bodies the file of bodies holds
    /// stay where they are; others are appended to it, or all are written to a new one.
    pub fn save<'a>(&self, root: &Path, pages: impl Iterator<Item = Saved<'a>>) {
        let _ = self.write(root, pages);
    }

    /// [`MarkdownCache::save`], then refers to the file of bodies as written: returns
    /// every body's place there, in the order given (the HTML, then the text, of each
    /// page); nothing is left to save.
    pub fn save_and_reopen<'a>(
        &mut self,
        root: &Path,
        pages: impl Iterator<Item = Saved<'a>>,
    ) -> Option<Vec<Place>> {
        let (generation, places) = self.write(root, pages)?;
        let (file, _) = open_bodies(&Self::bodies_path(root))?;
        // Another run may have written its own file of bodies since (a build of the
        // same site into another folder): then these bodies stay where they are.
        if file.generation != generation {
            return None;
        }
        self.bodies = Some(Arc::new(file));
        self.changed = false;
        self.fresh = 0;
        Some(places)
    }

    fn write<'a>(
        &self,
        root: &Path,
        pages: impl Iterator<Item = Saved<'a>>,
    ) -> Option<(u64, Vec<Place>)> {
        let pages: Vec<_> = pages.collect();
        let bodies: Vec<&Body> = pages.iter().flat_map(|p| [&p.3.html, &p.3.text]).collect();
        let path = Self::bodies_path(root);
        let placed = self
            .bodies
            .as_deref()
            .and_then(|file| append(&path, file, &bodies).ok());
        let (generation, places) = placed.or_else(|| write_new(&path, &bodies).ok())?;
        let entries: Vec<_> = pages
            .iter()
            .zip(places.chunks_exact(2))
            .map(|((rel, hash, resolved, rendered, problems), at)| {
                (*rel, *hash, *resolved, *rendered, *problems, at[0], at[1])
            })
            .collect();
        let key = hash::of(&(self.key, generation));
        crate::cache_file::save_list(&Self::path(root), key, &entries).ok()?;
        Some((generation, places))
    }
}

/// Opens the file of bodies at `path`: the file, with its generation, and its length.
fn open_bodies(path: &Path) -> Option<(BodyFile, u64)> {
    let mut file = File::open(path).ok()?;
    let mut head = vec![0; BODIES_MAGIC.len() + 8];
    file.read_exact(&mut head).ok()?;
    let generation = head.strip_prefix(BODIES_MAGIC)?;
    let generation = u64::from_le_bytes(generation.try_into().ok()?);
    let len = file.metadata().ok()?.len();
    Some((BodyFile::new(file, path, generation), len))
}

/// Appends the bodies `file` does not hold to it (found at `path`, still of its
/// generation); with the generation and every body's place. Fails when the file
/// would then hold more than twice the bytes still used (plus a megabyte).
fn append(path: &Path, file: &BodyFile, bodies: &[&Body]) -> io::Result<(u64, Vec<Place>)> {
    let mut new = Vec::new();
    let mut used = 0;
    // Bodies placed already, or new: (offset among the new bytes, length, hash).
    let mut places: Vec<Result<Place, Place>> = Vec::with_capacity(bodies.len());
    for body in bodies {
        let place = match body.place_in(file) {
            Some(place) => Ok(place),
            None => {
                let offset = new.len() as u64;
                new.extend_from_slice(body.as_bytes());
                let len = body.len() as u64;
                Err(Place {
                    offset,
                    len,
                    hash: body.hash(),
                })
            }
        };
        used += match &place {
            Ok(p) | Err(p) => p.len,
        };
        places.push(place);
    }
    let (mut out, generation) = open_for_append(path)?;
    let end = out.metadata()?.len() + new.len() as u64;
    if generation != file.generation || end > 2 * used + (1 << 20) {
        return Err(io::Error::other("written anew"));
    }
    if !new.is_empty() {
        out.write_all(&new)?;
    }
    // Appending puts the bytes at the end, wherever another run left it.
    let base = out.stream_position()? - new.len() as u64;
    let placed = places.into_iter().map(|p| match p {
        Ok(place) => place,
        Err(new) => Place {
            offset: base + new.offset,
            ..new
        },
    });
    Ok((generation, placed.collect()))
}

/// Opens the file of bodies at `path` to append to it; with its generation.
fn open_for_append(path: &Path) -> io::Result<(File, u64)> {
    let mut out = OpenOptions::new().read(true).append(true).open(path)?;
    let mut head = vec![0; BODIES_MAGIC.len() + 8];
    out.read_exact(&mut head)?;
    let generation = head
        .strip_prefix(BODIES_MAGIC)
        .and_then(|g| g.try_into().ok())
        .map(u64::from_le_bytes)
        .ok_or_else(|| io::Error::other("not a file of bodies"))?;
    out.seek(SeekFrom::End(0))?;
    Ok((out, generation))
}

/// Writes every body to a new file of bodies of a new generation, renamed over
/// `path`; with the generation and every body's place.
fn write_new(path: &Path, bodies: &[&Body]) -> io::Result<(u64, Vec<Place>)> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let generation = hash::of(&(stamp, std::process::id(), path));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut out = io::BufWriter::with_capacity(1 << 20, File::create(&tmp)?);
    out.write_all(BODIES_MAGIC)?;
    out.write_all(&generation.to_le_bytes())?;
    let mut offset = (BODIES_MAGIC.len() + 8) as u64;
    let mut places = Vec::with_capacity(bodies.len());
    for body in bodies {
        // A kept body its file no longer holds is not copied as an empty one: the save
        // fails, and the run that reads it reports the damage.
        let text = body
            .checked_text()
            .ok_or_else(|| io::Error::other("a kept body is damaged"))?;
        out.write_all(text.as_bytes())?;
        let len = text.len() as u64;
        places.push(Place {
            offset,
            len,
            hash: body.hash(),
        });
        offset += len;
    }
    out.flush()?;
    drop(out);
    crate::cache_file::replace_cache(&tmp, path)?;
    Ok((generation, places))
}

/// Where a rendering's links and images lead now, as one hash.
pub fn resolutions(rendered: &Rendered, rel: &str, resolver: &dyn Resolver) -> u64 {
    let links: Vec<Result<String, String>> = rendered
        .links
        .iter()
        .map(|l| resolver.link(&l.target))
        .collect();
    let images: Vec<String> = rendered
        .images
        .iter()
        .map(|src| format!("{:?}", resolver.image(src, rel)))
        .collect();
    // Shortcodes: their templates, and the files their arguments named (sizes).
    let shortcodes: Vec<Option<u64>> = rendered
        .shortcodes
        .iter()
        .map(|name| resolver.shortcode_version(name))
        .collect();
    let files: Vec<Option<u64>> = rendered
        .shortcode_files
        .iter()
        .map(|path| resolver.file_version(path, rel))
        .collect();
    hash::of(&(links, images, shortcodes, files))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(file: &Arc<BodyFile>, places: &[Place]) -> Vec<String> {
        places
            .iter()
            .map(|p| Body::stored(file, *p).as_str().to_string())
            .collect()
    }

    #[test]
    fn new_bodies_are_appended_and_a_file_mostly_unused_is_written_anew() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bodies.bin");
        let (a, b) = (Body::from("<p>甲</p>"), Body::from("乙"));
        let (generation, places) = write_new(&path, &[&a, &b]).unwrap();
        let (file, len) = open_bodies(&path).unwrap();
        assert_eq!((file.generation, len), (generation, places[1].offset + 3));
        let file = Arc::new(file);
        let kept = Body::stored(&file, places[0]);
        let edited = Body::from("乙改");
        let (again, now) = append(&path, &file, &[&kept, &edited]).unwrap();
        assert_eq!((again, now[0]), (generation, places[0]));
        assert_eq!(now[1].offset, len);
        assert_eq!(texts(&file, &now[..1]), ["<p>甲</p>"]);
        let reopened = Arc::new(open_bodies(&path).unwrap().0);
        assert_eq!(texts(&reopened, &now), ["<p>甲</p>", "乙改"]);
        // Over a megabyte more than twice what is used: written anew.
        let big = Body::from("字".repeat(400_000));
        let (_, grown) = append(&path, &reopened, &[&big]).unwrap();
        let (reopened, _) = open_bodies(&path).unwrap();
        let reopened = Arc::new(reopened);
        let small = Body::stored(&reopened, now[0]);
        assert!(append(&path, &reopened, &[&small]).is_err());
        let (fresh, places) = write_new(&path, &[&small]).unwrap();
        assert_ne!(fresh, generation);
        let (file, len) = open_bodies(&path).unwrap();
        assert_eq!(len, places[0].offset + places[0].len);
        assert_eq!(texts(&Arc::new(file), &places), ["<p>甲</p>"]);
        assert!(grown[0].len > 1 << 20);
    }

    #[test]
    fn a_kept_body_its_file_lost_is_not_copied_as_an_empty_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bodies.bin");
        let (_, places) = write_new(&path, &[&Body::from("<p>甲乙</p>")]).unwrap();
        let file = Arc::new(open_bodies(&path).unwrap().0);
        let kept = Body::stored(&file, places[0]);
        let mut bytes = std::fs::read(&path).unwrap();
        let at = places[0].offset as usize + 3;
        bytes[at..at + 3].copy_from_slice("丙".as_bytes());
        // In place, as a disk would: the open file sees it.
        use std::io::Write as _;
        let mut same = OpenOptions::new().write(true).open(&path).unwrap();
        same.write_all(&bytes).unwrap();
        assert!(write_new(&dir.path().join("new.bin"), &[&kept]).is_err());
        assert!(kept.checked_text().is_none());
    }

    #[test]
    fn a_damaged_file_of_bodies_is_no_cache() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bodies.bin");
        std::fs::write(&path, "garbage").unwrap();
        assert!(open_bodies(&path).is_none());
        let body = Body::from("正文");
        let (_, places) = write_new(&path, &[&body]).unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        *bytes.last_mut().unwrap() ^= 1;
        std::fs::write(&path, bytes).unwrap();
        let (file, _) = open_bodies(&path).unwrap();
        assert_eq!(file.read(places[0]), None);
    }
}
