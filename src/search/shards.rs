//! The term shards: every term's posting list, grouped by [`shard_of`], kept in
//! memory with each shard's written file, so that after an edit only the shards of
//! the terms that changed are written again.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use super::postings;
use super::writer::Prepared;
use crate::hash;

/// The size a term shard aims at, in bytes before compression.
pub const SHARD_TARGET: usize = 8 * 1024;
/// The most shards an index has.
pub const MAX_SHARDS: usize = 4096;

/// How many shards suit `postings` postings: about [`SHARD_TARGET`] bytes each (a
/// posting takes about 2.5 characters), a power of two.
pub fn shard_count(postings: usize) -> usize {
    (postings / 2 * 5 / SHARD_TARGET)
        .max(1)
        .next_power_of_two()
        .min(MAX_SHARDS)
}

/// The number of postings of `docs`.
pub fn postings_of(docs: &[Arc<Prepared>]) -> usize {
    docs.iter().map(|d| d.len()).sum()
}

type Lists = HashMap<Box<str>, Vec<(u32, u32)>>;

/// Posting lists by shard, and each shard's file (hash, bytes).
#[derive(Debug, Default)]
pub struct Shards {
    lists: Vec<Lists>,
    files: Vec<(String, Arc<[u8]>)>,
}

impl Shards {
    /// The shards of `docs`, numbered in order.
    pub fn build(docs: &[Arc<Prepared>]) -> Shards {
        let count = shard_count(postings_of(docs));
        let t = crate::timing::phase("search: group by shard");
        let mut by_shard: Vec<Vec<(u32, &str, u32)>> = vec![Vec::new(); count];
        for (id, doc) in docs.iter().enumerate() {
            for (term, h, value) in doc.terms() {
                by_shard[h as usize % count].push((id as u32, term, value));
            }
        }
        drop(t);
        let _t = crate::timing::phase("search: write shards");
        let lists: Vec<Lists> = by_shard
            .par_iter()
            .map(|entries| {
                let mut lists = Lists::new();
                for &(id, term, value) in entries {
                    match lists.get_mut(term) {
                        Some(list) => list.push((id, value)),
                        None => {
                            lists.insert(term.into(), vec![(id, value)]);
                        }
                    }
                }
                lists
            })
            .collect();
        drop(by_shard);
        let files = lists.par_iter().map(serialize).collect();
        Shards { lists, files }
    }

    /// Number of shards.
    pub fn len(&self) -> usize {
        self.lists.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.lists.is_empty()
    }

    /// Each shard's hash and bytes, by number.
    pub fn files(&self) -> impl Iterator<Item = (&str, &Arc<[u8]>)> {
        self.files.iter().map(|(h, b)| (h.as_str(), b))
    }

    /// Article `id` was `old` and is now `new` (either may be missing): updates the
    /// lists of the terms that differ, noting their shards in `dirty`.
    pub fn replace(
        &mut self,
        id: u32,
        old: Option<&Prepared>,
        new: Option<&Prepared>,
        dirty: &mut BTreeSet<usize>,
    ) {
        let mut old = old.into_iter().flat_map(Prepared::terms).peekable();
        let mut new = new.into_iter().flat_map(Prepared::terms).peekable();
        // Both lists are sorted by term: walk them together.
        loop {
            let order = match (old.peek(), new.peek()) {
                (None, None) => break,
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (Some(a), Some(b)) => a.0.cmp(b.0),
            };
            match order {
                std::cmp::Ordering::Less => {
                    if let Some((term, h, _)) = old.next() {
                        self.remove(id, term, h, dirty);
                    }
                }
                std::cmp::Ordering::Greater => {
                    if let Some((term, h, value)) = new.next() {
                        self.insert(id, term, h, value, dirty);
                    }
                }
                std::cmp::Ordering::Equal => {
                    if let (Some(a), Some((term, h, value))) = (old.next(), new.next())
                        && a.2 != value
                    {
                        self.insert(id, term, h, value, dirty);
                    }
                }
            }
        }
    }

    fn remove(&mut self, id: u32, term: &str, h: u32, dirty: &mut BTreeSet<usize>) {
        let n = h as usize % self.lists.len();
        let lists = &mut self.lists[n];
        if let Some(list) = lists.get_mut(term) {
            if let Ok(i) = list.binary_search_by_key(&id, |e| e.0) {
                list.remove(i);
                dirty.insert(n);
            }
            if list.is_empty() {
                lists.remove(term);
            }
        }
    }

    fn insert(&mut self, id: u32, term: &str, h: u32, value: u32, dirty: &mut BTreeSet<usize>) {
        let n = h as usize % self.lists.len();
        let list = match self.lists[n].get_mut(term) {
            Some(list) => list,
            None => self.lists[n].entry(term.into()).or_default(),
        };
        match list.binary_search_by_key(&id, |e| e.0) {
            Ok(i) => list[i].1 = value,
            Err(i) => list.insert(i, (id, value)),
        }
        dirty.insert(n);
    }

    /// Writes the files of the shards in `dirty` again.
    pub fn rewrite(&mut self, dirty: &BTreeSet<usize>) {
        let _t = crate::timing::phase("search: rewrite changed shards");
        let dirty: Vec<usize> = dirty.iter().copied().collect();
        let files: Vec<(String, Arc<[u8]>)> = dirty
            .par_iter()
            .map(|&n| serialize(&self.lists[n]))
            .collect();
        for (n, file) in dirty.into_iter().zip(files) {
            self.files[n] = file;
        }
    }
}

/// A shard's file: `{"term":"<posting list>",…}`, terms sorted.
fn serialize(lists: &Lists) -> (String, Arc<[u8]>) {
    let mut terms: Vec<(&str, &Vec<(u32, u32)>)> =
        lists.iter().map(|(t, l)| (t.as_ref(), l)).collect();
    terms.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut json = String::with_capacity(terms.iter().map(|t| t.1.len() * 3 + 12).sum());
    json.push('{');
    for (i, (term, list)) in terms.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&serde_json::to_string(term).unwrap_or_default());
        json.push_str(":\"");
        json.push_str(&postings::encode(list));
        json.push('"');
    }
    json.push('}');
    let hash = hash::short_hex(hash::of_bytes(json.as_bytes()));
    (hash, Arc::from(json.into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::writer::Document;

    fn doc(title: &str, body: &str) -> Arc<Prepared> {
        let url = format!("articles/{title}/");
        Arc::new(Prepared::new(&Document {
            url: &url,
            title,
            date: "2026-09-14".into(),
            summary: "",
            extra: String::new(),
            body,
        }))
    }

    #[test]
    fn shards_grow_with_the_index() {
        assert_eq!(shard_count(0), 1);
        assert_eq!(shard_count(10_000), 4);
        assert_eq!(shard_count(5_600_000), 2048);
        assert_eq!(shard_count(usize::MAX / 3), MAX_SHARDS);
    }

    #[test]
    fn patching_gives_what_a_fresh_build_gives() {
        let mut docs: Vec<Arc<Prepared>> = (0..1500)
            .map(|i| {
                let body: String = (0..40)
                    .map(|k| char::from_u32(0x4e00 + (i * 37 + k * 101) % 3000).unwrap())
                    .collect();
                doc(&format!("标题{i}"), &format!("{body} word{}", i % 7))
            })
            .collect();
        let mut shards = Shards::build(&docs);
        assert!(shards.len() > 1);
        let mut dirty = BTreeSet::new();
        // Article 5 rewritten, one appended.
        let edited = doc("标题5", "全新 word5");
        shards.replace(5, Some(&docs[5]), Some(&edited), &mut dirty);
        docs[5] = edited;
        let added = doc("追加", "追加的文章");
        shards.replace(1500, None, Some(&added), &mut dirty);
        docs.push(added);
        shards.rewrite(&dirty);
        let fresh = Shards::build(&docs);
        assert_eq!(shards.len(), fresh.len());
        let a: Vec<_> = shards.files().collect();
        let b: Vec<_> = fresh.files().collect();
        assert_eq!(a, b);
        assert!(dirty.len() < shards.len(), "only some shards were written");
    }
}
