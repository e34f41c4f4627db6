//! The index kept between builds, so that a build after an edit tokenises only the
//! edited articles: two [`cache_file`](crate::cache_file)s (postcard, stamped with the
//! Herald that wrote them) in `.herald-cache/`.
//!
//! - `search-index.bin`, the base: everything [`SearchIndex`] keeps. Posting lists are
//!   kept in their encoded form and the articles' term numbers as one run of bytes, so
//!   that reading it back is mostly copying.
//! - `search-index-delta.bin`: what changed since the base was written (the articles'
//!   term numbers and the posting lists that changed, new terms, and the small
//!   tables whole), keyed by the base's id. A build after an edit writes this file
//!   instead of the base, which was 23 MB at 10,000 articles and the longest save of
//!   such a build; once the changes reach an eighth of the base, the base is written
//!   anew and the delta removed.
//!
//! A missing, older or damaged base is no index: the next build makes it from
//! nothing. A damaged delta, or one of another base (a crash between the two
//! writes), is left out: the base alone is an older index, which an update brings
//! up to date like any kept index. A delta that reads but does not fit its base is
//! no index.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use rustc_hash::FxHashSet;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::SearchIndex;
use super::shards::Shards;
use super::terms::Terms;
use crate::cache_file;

/// Bumped when what is saved changes meaning (2: shard hashes of files holding
/// bitmap lists, one article per document file; 3: a base and its delta).
const FORMAT: u64 = 3;

fn path(root: &Path) -> PathBuf {
    root.join(".herald-cache").join("search-index.bin")
}

fn delta_path(root: &Path) -> PathBuf {
    root.join(".herald-cache").join("search-index-delta.bin")
}

/// The key a delta is saved under: only the base it was made against reads it.
fn delta_key(base: u64) -> u64 {
    crate::hash::of(&(FORMAT, base))
}

/// What the base file on disk holds, for saving only what changed since.
#[derive(Debug, Default, Clone)]
pub struct Base {
    /// Names this base; its delta is keyed by it.
    id: u64,
    /// The articles' keys as the base holds them: an article whose key differs has
    /// other term numbers now.
    keys: Vec<u64>,
    /// How many terms the base holds: later ones are new.
    terms: usize,
    /// Bytes of term numbers and lists in the base.
    size: usize,
    /// Terms whose lists changed since the base was written.
    pub lists: FxHashSet<u32>,
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
    id: u64,
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
    id: u64,
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

/// The tables every delta holds whole: small beside the lists.
#[derive(Serialize, Deserialize)]
struct Tables<'a> {
    keys: Cow<'a, [u64]>,
    postings: usize,
    members: Cow<'a, [Vec<u32>]>,
    shard_hashes: Cow<'a, [u64]>,
    groups: Cow<'a, [u64]>,
}

/// What a delta saves, borrowed from the index.
#[derive(Serialize)]
struct DeltaRef<'a> {
    held: Vec<(u32, Bytes<'a>)>,
    new_terms: &'a [Box<str>],
    lists: Vec<(u32, &'a str)>,
    tables: Tables<'a>,
}

/// A delta read back: the fields of [`DeltaRef`], in its order.
#[derive(Deserialize)]
struct Delta {
    held: Vec<(u32, ByteBuf)>,
    new_terms: Vec<Box<str>>,
    lists: Vec<(u32, String)>,
    tables: Tables<'static>,
}

impl SearchIndex {
    /// The index the last build of the site at `root` saved, or an empty one.
    pub fn load(root: &Path) -> SearchIndex {
        let _t = crate::timing::phase("search: load the kept index");
        let Some(mut index) =
            cache_file::load::<Saved>(&path(root), FORMAT).and_then(SearchIndex::from_saved)
        else {
            return SearchIndex::default();
        };
        let id = index.base.as_ref().map_or(0, |b| b.id);
        match cache_file::load::<Delta>(&delta_path(root), delta_key(id)) {
            None => index,
            Some(delta) => match index.apply_delta(delta) {
                Some(()) => index,
                // The delta read but does not fit its base: no index.
                None => SearchIndex::default(),
            },
        }
    }

    /// Saves the index for the next build of the site at `root`, when it changed
    /// since it was loaded: what changed since the base, or a new base when that is
    /// an eighth of it or more. A cache that cannot be written only costs time.
    pub fn save(&mut self, root: &Path) {
        if !self.unsaved {
            return;
        }
        let _t = crate::timing::phase("search: save the index");
        let saved = match self.delta() {
            Some((id, delta)) => cache_file::save(&delta_path(root), delta_key(id), &delta),
            None => self.save_base(root),
        };
        if saved.is_ok() {
            self.unsaved = false;
        }
    }

    /// What changed since the base, while it is small beside the base.
    fn delta(&self) -> Option<(u64, DeltaRef<'_>)> {
        let base = self.base.as_ref()?;
        if base.keys.len() != self.keys.len() || self.terms.len() < base.terms {
            return None;
        }
        let held: Vec<(u32, Bytes<'_>)> = (0..self.keys.len())
            .filter(|&i| self.keys[i] != base.keys[i])
            .map(|i| (i as u32, Bytes(&self.held[i])))
            .collect();
        let mut lists: Vec<(u32, &str)> = (base.terms..self.terms.len())
            .map(|t| t as u32)
            .chain(
                base.lists
                    .iter()
                    .copied()
                    .filter(|&t| (t as usize) < base.terms),
            )
            .map(|t| (t, self.lists[t as usize].as_str()))
            .collect();
        lists.sort_unstable_by_key(|&(t, _)| t);
        let size = held.iter().map(|(_, h)| h.0.len()).sum::<usize>()
            + lists.iter().map(|(_, l)| l.len()).sum::<usize>();
        if size * crate::cache_file::delta_share() >= base.size {
            return None;
        }
        let delta = DeltaRef {
            held,
            new_terms: &self.terms.names()[base.terms..],
            lists,
            tables: self.tables(),
        };
        Some((base.id, delta))
    }

    fn tables(&self) -> Tables<'_> {
        Tables {
            keys: Cow::Borrowed(&self.keys),
            postings: self.postings,
            members: Cow::Borrowed(&self.shards.members),
            shard_hashes: Cow::Borrowed(&self.shards.hashes),
            groups: Cow::Borrowed(&self.groups),
        }
    }

    /// Writes the whole index as a new base, and removes the delta of the old one.
    fn save_base(&mut self, root: &Path) -> std::io::Result<()> {
        let id = crate::hash::of(&(std::time::SystemTime::now(), std::process::id()));
        let held: Vec<u8> = self.held.concat();
        let saved = SavedRef {
            id,
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
        cache_file::save(&path(root), FORMAT, &saved)?;
        let _ = std::fs::remove_file(delta_path(root));
        self.base = Some(self.base_of(id));
        Ok(())
    }

    /// The index as it is, as the base named `id`.
    fn base_of(&self, id: u64) -> Base {
        Base {
            id,
            keys: self.keys.clone(),
            terms: self.terms.len(),
            size: self.held.iter().map(|h| h.len()).sum::<usize>()
                + self.lists.iter().map(String::len).sum::<usize>(),
            lists: FxHashSet::default(),
        }
    }

    /// Brings the base just read up to date with its delta; `None` when the delta
    /// does not fit it.
    fn apply_delta(&mut self, delta: Delta) -> Option<()> {
        let base = self.base.as_mut()?;
        let tables = delta.tables;
        if tables.keys.len() != self.keys.len() {
            return None;
        }
        for name in delta.new_terms {
            self.terms.push(name);
        }
        let terms = self.terms.len();
        self.lists.resize(terms, String::new());
        for (t, list) in delta.lists {
            *self.lists.get_mut(t as usize)? = list;
            base.lists.insert(t);
        }
        for (i, held) in delta.held {
            *self.held.get_mut(i as usize)? = held.0.into_boxed_slice();
        }
        if !tables_fit(
            &tables.members,
            &tables.shard_hashes,
            &tables.groups,
            &tables.keys,
            terms,
        ) {
            return None;
        }
        self.keys = tables.keys.into_owned();
        self.postings = tables.postings;
        self.shards = Shards {
            members: tables.members.into_owned(),
            hashes: tables.shard_hashes.into_owned(),
        };
        self.groups = tables.groups.into_owned();
        Some(())
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
            && tables_fit(
                &saved.members,
                &saved.shard_hashes,
                &saved.groups,
                &saved.keys,
                terms,
            );
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
        let mut index = SearchIndex {
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
            base: None,
        };
        index.base = Some(index.base_of(saved.id));
        Some(index)
    }
}

/// Whether the shard and group tables fit an index of `keys.len()` articles and
/// `terms` terms.
fn tables_fit(
    members: &[Vec<u32>],
    hashes: &[u64],
    groups: &[u64],
    keys: &[u64],
    terms: usize,
) -> bool {
    members.len() == hashes.len()
        && members.iter().flatten().all(|&t| (t as usize) < terms)
        && groups.len() == keys.len().div_ceil(super::GROUP)
}
