//! Searching a written index the way the browser's `search.js` does, file by file:
//! the manifest, the shards of the query's terms, then the document files of the results
//! shown. Tests use it to check what a query finds and reads; the
//! benchmark uses it to count the bytes a query downloads.

use std::collections::{BTreeSet, HashMap};

use serde::Deserialize;

use super::postings;
use super::tokenizer::{QueryWord, query_words};
use super::writer::{Manifest, paths, shard_of};

/// Where index files come from (a folder, a served site, memory).
pub trait Fetch {
    /// The bytes of `path`, relative to the index folder; `None` when missing.
    fn fetch(&mut self, path: &str) -> Option<Vec<u8>>;
}

/// A matching article, before its document is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// Its number (higher is newer).
    pub id: u32,
    /// How many query words its title holds.
    pub title_words: u32,
    /// How often the query words occur in it.
    pub frequency: u32,
}

impl Hit {
    /// The frequency's order of magnitude: frequencies within a factor of two rank
    /// alike, so that newer articles come first among them.
    pub fn frequency_class(&self) -> u32 {
        self.frequency.max(1).ilog2()
    }
}

/// An article as a result shows it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Document {
    /// Site path.
    #[serde(rename = "u")]
    pub url: String,
    /// Title.
    #[serde(rename = "t")]
    pub title: String,
    /// Date, `2026-09-14`.
    #[serde(rename = "d")]
    pub date: String,
    /// Summary.
    #[serde(rename = "s")]
    pub summary: String,
    /// Text for snippets.
    #[serde(rename = "x")]
    pub text: String,
}

/// What a search found.
#[derive(Debug, Clone, Default)]
pub struct Results {
    /// The query's words.
    pub words: Vec<String>,
    /// Every match, best first.
    pub hits: Vec<Hit>,
    /// The documents of the first results, in order.
    pub shown: Vec<Document>,
}

/// Orders hits: more query words in the title first, then by frequency class, then
/// newest first.
pub fn rank(hits: &mut [Hit]) {
    hits.sort_by(|a, b| {
        b.title_words
            .cmp(&a.title_words)
            .then(b.frequency_class().cmp(&a.frequency_class()))
            .then(b.id.cmp(&a.id))
    });
}

/// Matches from the posting lists of the query's terms: articles holding every
/// term, scored as [`rank`] needs.
pub fn matches(words: &[QueryWord], lists: &HashMap<String, Vec<(u32, u32)>>) -> Vec<Hit> {
    let empty = Vec::new();
    let list = |t: &str| lists.get(t).unwrap_or(&empty);
    let Some(shortest) = words
        .iter()
        .flat_map(|w| &w.terms)
        .min_by_key(|t| list(t).len())
    else {
        return Vec::new();
    };
    let maps: HashMap<&str, HashMap<u32, u32>> = words
        .iter()
        .flat_map(|w| &w.terms)
        .map(|t| (t.as_str(), list(t).iter().copied().collect()))
        .collect();
    let mut hits = Vec::new();
    'docs: for &(id, _) in list(shortest) {
        let mut hit = Hit {
            id,
            title_words: 0,
            frequency: 0,
        };
        for word in words {
            let mut in_title = true;
            let mut tf = u32::MAX;
            for term in &word.terms {
                let Some(&value) = maps[term.as_str()].get(&id) else {
                    continue 'docs;
                };
                in_title &= postings::in_title(value);
                tf = tf.min(postings::tf(value));
            }
            hit.title_words += u32::from(in_title && !word.terms.is_empty());
            hit.frequency += if word.terms.is_empty() { 0 } else { tf };
        }
        hits.push(hit);
    }
    rank(&mut hits);
    hits
}

fn read_json<T: for<'de> Deserialize<'de>>(fetch: &mut dyn Fetch, path: &str) -> Result<T, String> {
    let bytes = fetch
        .fetch(path)
        .ok_or_else(|| format!("{path} is missing"))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{path}: {e}"))
}

/// Reads the manifest.
pub fn manifest(fetch: &mut dyn Fetch) -> Result<Manifest, String> {
    read_json(fetch, paths::MANIFEST)
}

/// Runs `query` against the index `fetch` reads, and reads the documents of the
/// first `shown` results.
pub fn search(fetch: &mut dyn Fetch, query: &str, shown: usize) -> Result<Results, String> {
    let words = query_words(query);
    let mut results = Results {
        words: words.iter().map(|w| w.text.clone()).collect(),
        ..Results::default()
    };
    if words.is_empty() {
        return Ok(results);
    }
    let manifest = manifest(fetch)?;
    let shards = manifest.shards.len();
    let terms: BTreeSet<&str> = words
        .iter()
        .flat_map(|w| w.terms.iter().map(String::as_str))
        .collect();
    let mut by_shard: HashMap<usize, Vec<&str>> = HashMap::new();
    for term in &terms {
        by_shard
            .entry(shard_of(term, shards))
            .or_default()
            .push(term);
    }
    let mut shard_ids: Vec<usize> = by_shard.keys().copied().collect();
    shard_ids.sort_unstable();
    let mut lists = HashMap::new();
    for n in shard_ids {
        let path = paths::shard(n, &manifest.shards[n]);
        let shard: HashMap<String, String> = read_json(fetch, &path)?;
        for term in &by_shard[&n] {
            if let Some(text) = shard.get(*term) {
                lists.insert(term.to_string(), postings::decode(text)?);
            }
        }
    }
    results.hits = matches(&words, &lists);
    let mut files = Documents::default();
    for hit in results.hits.iter().take(shown) {
        results.shown.push(files.get(fetch, &manifest, hit.id)?);
    }
    Ok(results)
}

/// Document files read, each once (several results may share one file).
#[derive(Debug, Default)]
pub struct Documents {
    files: HashMap<String, Vec<Document>>,
}

impl Documents {
    /// Article `id`'s document, reading its file unless it was read already.
    pub fn get(
        &mut self,
        fetch: &mut dyn Fetch,
        manifest: &Manifest,
        id: u32,
    ) -> Result<Document, String> {
        let (path, at) = manifest
            .doc_path(id as usize)
            .ok_or("article out of range")?;
        if !self.files.contains_key(&path) {
            let docs: Vec<Document> = read_json(fetch, &path)?;
            self.files.insert(path.clone(), docs);
        }
        self.files[&path]
            .get(at)
            .cloned()
            .ok_or_else(|| format!("{path} has no article {at}"))
    }
}

/// Reads article `id`'s document file.
pub fn document(fetch: &mut dyn Fetch, manifest: &Manifest, id: u32) -> Result<Document, String> {
    Documents::default().get(fetch, manifest, id)
}

/// A folder of index files, remembering what was read.
#[derive(Debug)]
pub struct Folder {
    root: std::path::PathBuf,
    /// Every path read, in order, with its size.
    pub read: Vec<(String, usize)>,
}

impl Folder {
    /// Reads from `root` (the `search/` folder of a build).
    pub fn new(root: impl Into<std::path::PathBuf>) -> Folder {
        Folder {
            root: root.into(),
            read: Vec::new(),
        }
    }
}

impl Fetch for Folder {
    fn fetch(&mut self, path: &str) -> Option<Vec<u8>> {
        let bytes = std::fs::read(self.root.join(path)).ok()?;
        self.read.push((path.to_string(), bytes.len()));
        Some(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(id: u32, title_words: u32, frequency: u32) -> Hit {
        Hit {
            id,
            title_words,
            frequency,
        }
    }

    #[test]
    fn titles_first_then_frequency_then_newest() {
        let mut hits = vec![
            hit(1, 0, 9),
            hit(2, 1, 1),
            hit(3, 0, 2),
            hit(4, 0, 3),
            hit(5, 0, 8),
            hit(6, 2, 1),
        ];
        rank(&mut hits);
        let order: Vec<u32> = hits.iter().map(|h| h.id).collect();
        // 6 and 2 have the words in their titles; 5 and 1 (8 and 9 times) rank alike,
        // newest first; so do 4 and 3 (3 and 2 times).
        assert_eq!(order, [6, 2, 5, 1, 4, 3]);
    }

    #[test]
    fn every_term_must_match() {
        let words = query_words("网络安全 wifi");
        let mut lists = HashMap::new();
        let v = postings::value;
        lists.insert(
            "网络".into(),
            vec![(0, v(2, true)), (1, v(1, false)), (2, v(5, false))],
        );
        lists.insert("络安".into(), vec![(0, v(1, true)), (2, v(4, false))]);
        lists.insert(
            "安全".into(),
            vec![(0, v(3, true)), (1, v(1, false)), (2, v(4, false))],
        );
        lists.insert("wifi".into(), vec![(1, v(1, false)), (2, v(1, false))]);
        let hits = matches(&words, &lists);
        assert_eq!(hits, vec![hit(2, 0, 5)]);
        lists.insert("wifi".into(), vec![(0, v(1, false)), (2, v(1, false))]);
        let hits = matches(&words, &lists);
        // Article 0 has 网络安全 in its title.
        assert_eq!(hits, vec![hit(0, 1, 2), hit(2, 0, 5)]);
        lists.remove("wifi");
        assert!(matches(&words, &lists).is_empty());
    }
}
