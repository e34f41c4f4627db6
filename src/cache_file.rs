//! The files of `.herald-cache/` that hold Herald's own data (the build state, the
//! Markdown cache, the no-change record): one format, stamped with the Herald that
//! wrote them.
//!
//! A file opens with a magic line, the identity of the Herald build that wrote it (a
//! hash of its sources, made by `build.rs`) and the caller's key; then the value in
//! postcard. A Herald built from other sources, a file of an older format (such as the
//! bincode files before it) or a damaged file reads as no cache at all: caches only
//! save time, so they are never an error.

use std::io::{self, Write as _};
use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Identifies the sources this Herald was built from: any change to the code, the
/// built-in theme or the locked dependencies changes it, so a rebuilt Herald that
/// renders differently never reuses what another one cached.
pub const BUILD_ID: &str = env!("HERALD_SOURCE_HASH");

const MAGIC: &[u8] = b"herald-cache postcard\n";

/// Writes `value` under `key` to `path` (through a temporary file renamed over it, so
/// a reader never sees half of it).
pub fn save<T: Serialize + ?Sized>(path: &Path, key: u64, value: &T) -> io::Result<()> {
    save_as(path, BUILD_ID, key, value)
}

/// Renames the new cache file `tmp` to `path`, removing the old one first: renaming
/// over a file makes ext4 write the new one out at once (so that a crash leaves one
/// whole), which cost a build after an edit tens of milliseconds per cache. A cache
/// lost to a crash in between only costs time; a reader sees the old file, none, or
/// the new one, never half of one.
pub fn replace_cache(tmp: &Path, path: &Path) -> io::Result<()> {
    let _ = std::fs::remove_file(path);
    std::fs::rename(tmp, path)
}

/// Reads the value saved under `key` at `path`, if this Herald saved it there.
pub fn load<T: DeserializeOwned>(path: &Path, key: u64) -> Option<T> {
    load_as(path, BUILD_ID, key)
}

/// Like [`save`], for records that must outlive an upgrade of Herald (the URLs each
/// page was published at): stamped with the format `version` only.
pub fn save_lasting<T: Serialize + ?Sized>(path: &Path, version: u64, value: &T) -> io::Result<()> {
    save_as(path, LASTING, version, value)
}

/// Reads a record written by [`save_lasting`] with the same `version`.
pub fn load_lasting<T: DeserializeOwned>(path: &Path, version: u64) -> Option<T> {
    load_as(path, LASTING, version)
}

/// Like [`save`], for a long list (the Markdown cache: 90 MB at 10,000 articles):
/// written in pieces, each after its length, that are encoded and decoded on every
/// core at once, since decoding costs far more than reading the file. Pieces are
/// encoded a few at a time, so the encoded list is never all in memory.
pub fn save_list<T: Serialize + Sync>(path: &Path, key: u64, items: &[T]) -> io::Result<()> {
    use rayon::prelude::*;
    let size = items.len().div_ceil(LIST_PIECES).max(1);
    let pieces: Vec<&[T]> = items.chunks(size).collect();
    write_atomically(path, BUILD_ID, key, |writer| {
        for batch in pieces.chunks(rayon::current_num_threads().max(1)) {
            let encoded: Vec<Vec<u8>> = batch
                .par_iter()
                .map(|piece| postcard::to_stdvec(piece).map_err(io::Error::other))
                .collect::<io::Result<_>>()?;
            for piece in encoded {
                writer.write_all(&(piece.len() as u64).to_le_bytes())?;
                writer.write_all(&piece)?;
            }
        }
        Ok(())
    })
}

/// Reads a list written by [`save_list`] under `key`, if this Herald wrote it.
pub fn load_list<T: DeserializeOwned + Send>(path: &Path, key: u64) -> Option<Vec<T>> {
    use rayon::prelude::*;
    let bytes = map(path)?;
    let mut rest = bytes.strip_prefix(header(BUILD_ID, key).as_slice())?;
    let mut pieces = Vec::new();
    while !rest.is_empty() {
        let (length, tail) = rest.split_first_chunk::<8>()?;
        let length = usize::try_from(u64::from_le_bytes(*length)).ok()?;
        if length > tail.len() {
            return None;
        }
        let (piece, tail) = tail.split_at(length);
        pieces.push(piece);
        rest = tail;
    }
    let decoded: Option<Vec<Vec<T>>> = pieces
        .into_par_iter()
        .map(|piece| postcard::from_bytes(piece).ok())
        .collect();
    Some(decoded?.into_iter().flatten().collect())
}

/// A cache kept as a base and a delta (the build state, the search index) writes
/// only the delta while it is smaller than the base divided by this: 8, or
/// `HERALD_DELTA_SHARE` (tests set 1, so that short edit sequences go through deltas).
pub fn delta_share() -> usize {
    crate::pause::setting("HERALD_DELTA_SHARE", 8) as usize
}

/// How many pieces [`save_list`] cuts a list into: enough for any number of cores
/// to share the decoding evenly.
const LIST_PIECES: usize = 64;

/// What stands for the Herald build in lasting records.
const LASTING: &str = "lasting";

fn save_as<T: Serialize + ?Sized>(path: &Path, build: &str, key: u64, value: &T) -> io::Result<()> {
    write_atomically(path, build, key, |writer| {
        postcard::to_io(value, writer)
            .map(drop)
            .map_err(io::Error::other)
    })
}

/// Writes the header and what `body` writes to a temporary file, then renames it over
/// `path`, so a reader never sees half of it.
fn write_atomically(
    path: &Path,
    build: &str,
    key: u64,
    body: impl FnOnce(&mut io::BufWriter<std::fs::File>) -> io::Result<()>,
) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut writer = io::BufWriter::new(std::fs::File::create(&tmp)?);
    writer.write_all(&header(build, key))?;
    body(&mut writer)?;
    writer.flush()?;
    drop(writer);
    if build == LASTING {
        // A lasting record outlives upgrades: never none of it.
        std::fs::rename(&tmp, path)
    } else {
        replace_cache(&tmp, path)
    }
}

fn load_as<T: DeserializeOwned>(path: &Path, build: &str, key: u64) -> Option<T> {
    let bytes = map(path)?;
    let body = bytes.strip_prefix(header(build, key).as_slice())?;
    postcard::from_bytes(body).ok()
}

/// The bytes of the cache file at `path`, mapped instead of read: the caches of a large
/// site run to tens of megabytes, and reading copies them into new memory that the
/// system clears first, which was a tenth of a build after an edit at 10,000 articles.
fn map(path: &Path) -> Option<memmap2::Mmap> {
    let file = std::fs::File::open(path).ok()?;
    // SAFETY: the bytes must not change while mapped. Herald never writes a cache file
    // in place: `write_atomically` writes a new file and renames it over the old one,
    // so a mapped file keeps its bytes even while another Herald saves the cache.
    unsafe { memmap2::Mmap::map(&file) }.ok()
}

fn header(build: &str, key: u64) -> Vec<u8> {
    let mut header = MAGIC.to_vec();
    header.extend_from_slice(&crate::hash::of(&build).to_le_bytes());
    header.extend_from_slice(&key.to_le_bytes());
    header
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn a_value_comes_back_only_for_the_same_herald_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.bin");
        let value: HashMap<String, (u64, u128)> =
            [("a/index.html".into(), (3, 7u128 << 70))].into();
        save_as(&path, "herald-a", 1, &value).unwrap();
        assert_eq!(
            load_as::<HashMap<String, (u64, u128)>>(&path, "herald-a", 1),
            Some(value)
        );
        assert_eq!(
            load_as::<HashMap<String, (u64, u128)>>(&path, "herald-b", 1),
            None
        );
        assert_eq!(
            load_as::<HashMap<String, (u64, u128)>>(&path, "herald-a", 2),
            None
        );
    }

    #[test]
    fn a_list_comes_back_whole_in_order_and_damage_is_no_cache() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("list.bin");
        for count in [0, 1, 63, 64, 65, 1000] {
            let items: Vec<(String, u64)> = (0..count).map(|i| (format!("p{i}"), i)).collect();
            save_list(&path, 7, &items).unwrap();
            assert_eq!(load_list::<(String, u64)>(&path, 7), Some(items));
            assert_eq!(load_list::<(String, u64)>(&path, 8), None);
        }
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.truncate(bytes.len() - 3);
        std::fs::write(&path, bytes).unwrap();
        assert_eq!(load_list::<(String, u64)>(&path, 7), None);
    }

    #[test]
    fn older_formats_and_damage_are_no_cache() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.bin");
        // What bincode 1 wrote for (key, Vec<String>): no magic line.
        std::fs::write(&path, [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]).unwrap();
        assert_eq!(load::<(u64, Vec<String>)>(&path, 1), None);
        save(&path, 1, &vec!["one".to_string()]).unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.truncate(bytes.len() - 2);
        std::fs::write(&path, bytes).unwrap();
        assert_eq!(load::<Vec<String>>(&path, 1), None);
        assert_eq!(
            load::<Vec<String>>(&dir.path().join("missing.bin"), 1),
            None
        );
    }
}
