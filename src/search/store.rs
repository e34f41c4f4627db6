//! The index kept between builds: `.herald-cache/search-index.bin`, a
//! [`cache_file`](crate::cache_file) (postcard, stamped with the Herald that wrote it).
//!
//! It holds what [`SearchIndex`] keeps, so that a build after an edit tokenises only
//! the edited articles. Posting lists are kept in their encoded form and the
//! articles' term numbers as one run of bytes, so that reading it back is mostly
//! copying. A missing, older or damaged file is no index: the next build makes it
//! from nothing.

use std::path::{Path, PathBuf};

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::SearchIndex;
use super::shards::Shards;
use super::terms::Terms;
use crate::cache_file;

/// Bumped when what is saved changes meaning (2: shard hashes of files holding
/// bitmap lists, one article per document file).
const FORMAT: u64 = 2;

fn path(root: &Path) -> PathBuf {
    root.join(".herald-cache").join("search-index.bin")
}

/// Bytes saved as one byte string (not one number per byte).
struct Bytes<'a>(&'a [u8]);

impl Serialize for Bytes<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(self.0)
    }
}

/// Bytes read back from [`Bytes`].
struct ByteBuf(Vec<u8>);

impl<'de> Deserialize<'de> for ByteBuf {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<ByteBuf, D::Error> {
        struct Bytes;
        impl Visitor<'_> for Bytes {
            type Value = ByteBuf;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<ByteBuf, E> {
                Ok(ByteBuf(v.to_vec()))
            }
            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<ByteBuf, E> {
                Ok(ByteBuf(v))
            }
        }
        deserializer.deserialize_byte_buf(Bytes)
    }
}

/// What is saved, borrowed from the index.
#[derive(Serialize)]
struct SavedRef<'a> {
    keys: &'a [u64],
    held_lengths: Vec<u32>,
    held: Bytes<'a>,
    terms: &'a [Box<str>],
    lists: &'a [String],
    postings: usize,
    members: &'a [Vec<u32>],
    shard_hashes: &'a [u64],
    groups: &'a [u64],
}

/// What is read back: the fields of [`SavedRef`], in its order.
#[derive(Deserialize)]
struct Saved {
    keys: Vec<u64>,
    held_lengths: Vec<u32>,
    held: ByteBuf,
    terms: Vec<Box<str>>,
    lists: Vec<String>,
    postings: usize,
    members: Vec<Vec<u32>>,
    shard_hashes: Vec<u64>,
    groups: Vec<u64>,
}

impl SearchIndex {
    /// The index the last build of the site at `root` saved, or an empty one.
    pub fn load(root: &Path) -> SearchIndex {
        let _t = crate::timing::phase("search: load the kept index");
        cache_file::load::<Saved>(&path(root), FORMAT)
            .and_then(SearchIndex::from_saved)
            .unwrap_or_default()
    }

    /// Saves the index for the next build of the site at `root`, when it changed
    /// since it was loaded. A cache that cannot be written only costs time.
    pub fn save(&mut self, root: &Path) {
        if !self.unsaved {
            return;
        }
        let _t = crate::timing::phase("search: save the index");
        let held: Vec<u8> = self.held.concat();
        let saved = SavedRef {
            keys: &self.keys,
            held_lengths: self.held.iter().map(|h| h.len() as u32).collect(),
            held: Bytes(&held),
            terms: self.terms.names(),
            lists: &self.lists,
            postings: self.postings,
            members: &self.shards.members,
            shard_hashes: &self.shards.hashes,
            groups: &self.groups,
        };
        if cache_file::save(&path(root), FORMAT, &saved).is_ok() {
            self.unsaved = false;
        }
    }

    fn from_saved(saved: Saved) -> Option<SearchIndex> {
        let terms = saved.terms.len();
        let consistent = saved.held_lengths.len() == saved.keys.len()
            && saved
                .held_lengths
                .iter()
                .map(|&l| l as usize)
                .sum::<usize>()
                == saved.held.0.len()
            && saved.lists.len() == terms
            && saved.members.len() == saved.shard_hashes.len()
            && saved
                .members
                .iter()
                .flatten()
                .all(|&t| (t as usize) < terms)
            && saved.groups.len() == saved.keys.len().div_ceil(super::GROUP);
        if !consistent || saved.keys.is_empty() {
            return None;
        }
        let mut held = Vec::with_capacity(saved.keys.len());
        let mut at = 0;
        for length in saved.held_lengths {
            let end = at + length as usize;
            held.push(Box::from(&saved.held.0[at..end]));
            at = end;
        }
        Some(SearchIndex {
            built: true,
            unsaved: false,
            keys: saved.keys,
            held,
            terms: Terms::from_names(saved.terms),
            lists: saved.lists,
            postings: saved.postings,
            shards: Shards {
                members: saved.members,
                hashes: saved.shard_hashes,
            },
            groups: saved.groups,
            gone: Vec::new(),
        })
    }
}
