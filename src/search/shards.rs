//! The term shards: which terms each shard file holds ([`shard_of`] their name),
//! sorted by name, and each file's hash, so that after an edit only the shards of the
//! terms that changed are written again.

use rayon::prelude::*;

use super::postings;
use super::terms::Terms;
use super::writer::shard_of;

/// The size a term shard aims at, in bytes before compression.
pub const SHARD_TARGET: usize = 16 * 1024;
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

/// The terms of each shard and the hash of each shard's file.
#[derive(Debug, Default, Clone)]
pub struct Shards {
    /// Per shard: its terms' numbers, sorted by name. A term whose list became empty
    /// may stay; its file leaves it out.
    pub members: Vec<Vec<u32>>,
    /// Per shard: the hash of its file.
    pub hashes: Vec<u64>,
}

impl Shards {
    /// The terms of `lists` that have entries, in `count` shards (hashes not made).
    pub fn group(terms: &Terms, lists: &[String], count: usize) -> Shards {
        let mut members = vec![Vec::new(); count];
        for (id, list) in lists.iter().enumerate() {
            if !list.is_empty() {
                members[shard_of(terms.name(id as u32), count)].push(id as u32);
            }
        }
        members
            .par_iter_mut()
            .for_each(|m| m.sort_unstable_by(|&a, &b| terms.name(a).cmp(terms.name(b))));
        Shards {
            members,
            hashes: vec![0; count],
        }
    }

    /// Number of shards.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Makes term `id` a member of its shard (if it is not yet); returns the shard.
    pub fn admit(&mut self, terms: &Terms, id: u32) -> usize {
        let name = terms.name(id);
        let n = shard_of(name, self.len());
        let members = &mut self.members[n];
        if let Err(at) = members.binary_search_by(|&m| terms.name(m).cmp(name)) {
            members.insert(at, id);
        }
        n
    }

    /// Shard `n`'s file: `{"term":"<posting list>",…}`, terms sorted, each list in
    /// its shorter form ([`postings::wire`]).
    pub fn file(&self, n: usize, terms: &Terms, lists: &[String]) -> Vec<u8> {
        let members = &self.members[n];
        let size: usize = members
            .iter()
            .map(|&id| lists[id as usize].len() + 16)
            .sum();
        let mut json = String::with_capacity(size + 2);
        json.push('{');
        for &id in members {
            let list = &lists[id as usize];
            if list.is_empty() {
                continue;
            }
            if json.len() > 1 {
                json.push(',');
            }
            push_json_string(&mut json, terms.name(id));
            json.push_str(":\"");
            match postings::wire(list) {
                Some(dense) => json.push_str(&dense),
                None => json.push_str(list),
            }
            json.push('"');
        }
        json.push('}');
        json.into_bytes()
    }
}

/// Appends `text` as a JSON string.
fn push_json_string(out: &mut String, text: &str) {
    if text.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        out.push_str(&serde_json::to_string(text).unwrap_or_default());
    } else {
        out.push('"');
        out.push_str(text);
        out.push('"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::terms::TermKey;

    #[test]
    fn shards_grow_with_the_index() {
        assert_eq!(shard_count(0), 1);
        assert_eq!(shard_count(10_000), 1);
        assert_eq!(shard_count(100_000), 16);
        assert_eq!(shard_count(5_600_000), 1024);
        assert_eq!(shard_count(usize::MAX / 3), MAX_SHARDS);
    }

    #[test]
    fn a_shard_file_lists_its_terms_sorted() {
        let mut terms = Terms::default();
        let mut lists = Vec::new();
        for (name, list) in [
            ("网络", "0202"),
            ("a\"b", "01"),
            ("安全", ""),
            ("wifi", "05"),
        ] {
            terms.id(&TermKey::Long(name.into()));
            lists.push(list.to_string());
        }
        let shards = Shards::group(&terms, &lists, 1);
        assert_eq!(shards.members[0].len(), 3, "the empty list is left out");
        let file = String::from_utf8(shards.file(0, &terms, &lists)).unwrap();
        assert_eq!(file, r#"{"a\"b":"01","wifi":"05","网络":"0202"}"#);
        let back: serde_json::Value = serde_json::from_str(&file).unwrap();
        assert_eq!(back["网络"], "0202");
    }
}
