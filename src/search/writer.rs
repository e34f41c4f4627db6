//! Writes the index files from the articles' search documents.
//!
//! Layout under `search/` (every name but the manifest carries a hash of its bytes,
//! so a cache can never mix two builds):
//!
//! - `index.json`: the manifest: the number of articles, the hash of each term
//!   shard and of each block of articles.
//! - `terms/<n>.<hash>.json`: shard `n`: `{"term": "<posting list>", …}` for the terms
//!   whose [`shard_of`] is `n` (see `shards.rs`).
//! - `docs/<n>.<hash>/<i>.json.gz`: article `n × BLOCK + i`: URL, title, date,
//!   summary and text for the snippet, gzip-compressed (the browser inflates it with
//!   `DecompressionStream`). Articles go in blocks of [`BLOCK`] whose folder is named
//!   after a hash of their contents (in the manifest), so that a result's file is
//!   known from the manifest alone: one round trip after the shards.
//!   A changed article renames its block's folder: [`BLOCK`] small files.
//!
//! Articles are numbered oldest first (by date; on one date, by path, last first), so
//! a new article takes the next number and older articles keep theirs, and a higher
//! number is a newer article.

use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;

use flate2::Compression;
use flate2::write::GzEncoder;
use serde::Serialize;

use super::postings;
use super::shards::Shards;
use super::tokenizer::for_each_term;
use crate::hash;

/// Articles per block (folder) of document files.
pub const BLOCK: usize = 64;
/// Characters of an article's text kept for snippets.
pub const SNIPPET_TEXT_CHARS: usize = 5000;
/// Format version, in the manifest.
pub const VERSION: u32 = 1;

/// What is indexed of one article (borrowed from the loaded site).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Document<'a> {
    /// Site path (`articles/x/`), relative to the site's base path.
    pub url: &'a str,
    /// Title.
    pub title: &'a str,
    /// Date as `2026-09-14`.
    pub date: String,
    /// The summary shown when the text has no match.
    pub summary: &'a str,
    /// Text indexed besides title and body: a summary written in front matter, tags,
    /// topic titles.
    pub extra: String,
    /// Body text without markup or code.
    pub body: &'a str,
}

/// An article made ready for the index: its terms and its compressed document file.
#[derive(Debug)]
pub struct Prepared {
    /// Terms, each followed by a newline.
    terms: String,
    /// Per term: the hash that picks its shard, and its value.
    entries: Vec<(u32, u32)>,
    /// A hash of the document file's contents.
    pub name: String,
    /// The gzip-compressed document file.
    pub file: Arc<[u8]>,
}

/// The document file as the browser reads it.
#[derive(Serialize)]
struct DocFile<'a> {
    u: &'a str,
    t: &'a str,
    d: &'a str,
    s: &'a str,
    x: &'a str,
}

/// FNV-1a over the term's UTF-8 bytes: the browser computes the same.
pub fn term_hash(term: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in term.as_bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// The shard of a term among `shards`.
pub fn shard_of(term: &str, shards: usize) -> usize {
    term_hash(term) as usize % shards.max(1)
}

impl Prepared {
    /// Tokenises and compresses one article.
    pub fn new(doc: &Document<'_>) -> Prepared {
        let mut counts: HashMap<String, (u32, bool)> = HashMap::new();
        for (text, title) in [(doc.title, true), (&doc.extra, false), (doc.body, false)] {
            for_each_term(text, |term| {
                let entry = match counts.get_mut(term) {
                    Some(entry) => entry,
                    None => counts.entry(term.to_string()).or_default(),
                };
                entry.0 += 1;
                entry.1 |= title;
            });
        }
        let mut sorted: Vec<(String, (u32, bool))> = counts.into_iter().collect();
        sorted.sort_unstable();
        let mut terms = String::new();
        let mut entries = Vec::with_capacity(sorted.len());
        for (term, (tf, title)) in sorted {
            entries.push((term_hash(&term), postings::value(tf, title)));
            terms.push_str(&term);
            terms.push('\n');
        }
        let text: String = doc.body.chars().take(SNIPPET_TEXT_CHARS).collect();
        let json = serde_json::to_vec(&DocFile {
            u: doc.url,
            t: doc.title,
            d: &doc.date,
            s: doc.summary,
            x: &text,
        })
        .unwrap_or_default();
        Prepared {
            terms,
            entries,
            name: hash::short_hex(hash::of_bytes(&json)),
            file: gzip(&json).into(),
        }
    }

    /// Number of distinct terms.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True for an article without any term.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Its terms with their hashes and values.
    pub fn terms(&self) -> impl Iterator<Item = (&str, u32, u32)> {
        self.terms
            .split_terminator('\n')
            .zip(&self.entries)
            .map(|(t, &(h, v))| (t, h, v))
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 2), Compression::default());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// The manifest.
#[derive(Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// Format version.
    pub version: u32,
    /// Number of articles.
    pub documents: usize,
    /// Articles per block.
    pub block: usize,
    /// Hash of each term shard, by shard number.
    pub shards: Vec<String>,
    /// Hash of each block of document files (its folder's name).
    pub blocks: Vec<String>,
}

/// Paths of the index files, relative to the index folder.
pub mod paths {
    /// The manifest.
    pub const MANIFEST: &str = "index.json";

    /// A term shard.
    pub fn shard(n: usize, hash: &str) -> String {
        format!("terms/{n}.{hash}.json")
    }

    /// The document file of article `i` of block `n`, whose hash is `hash`.
    pub fn doc(n: usize, hash: &str, i: usize) -> String {
        format!("docs/{n}.{hash}/{i}.json.gz")
    }
}

/// Every index file for `docs` (numbered in order) with their term shards, as paths
/// relative to the index folder with their bytes, sorted by path.
pub fn assemble(docs: &[Arc<Prepared>], shards: &Shards) -> Vec<(String, Arc<[u8]>)> {
    let mut files = Vec::with_capacity(shards.len() + docs.len() + docs.len() / BLOCK + 2);
    let mut manifest = Manifest {
        version: VERSION,
        documents: docs.len(),
        block: BLOCK,
        shards: Vec::with_capacity(shards.len()),
        blocks: Vec::new(),
    };
    for (n, (hash, bytes)) in shards.files().enumerate() {
        files.push((paths::shard(n, hash), bytes.clone()));
        manifest.shards.push(hash.to_string());
    }
    for (n, block) in docs.chunks(BLOCK).enumerate() {
        let names: Vec<&str> = block.iter().map(|d| d.name.as_str()).collect();
        let hash = hash::short_hex(hash::of(&names));
        for (i, doc) in block.iter().enumerate() {
            files.push((paths::doc(n, &hash, i), doc.file.clone()));
        }
        manifest.blocks.push(hash);
    }
    let json = serde_json::to_vec(&manifest).unwrap_or_default();
    files.push((paths::MANIFEST.to_string(), Arc::from(json)));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files.dedup_by(|a, b| a.0 == b.0);
    files
}

/// Every index file for `docs`, built from scratch.
pub fn write(docs: &[Arc<Prepared>]) -> Vec<(String, Arc<[u8]>)> {
    assemble(docs, &Shards::build(docs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc<'a>(title: &'a str, body: &'a str) -> Document<'a> {
        Document {
            url: "articles/x/",
            title,
            date: "2026-09-14".into(),
            summary: "",
            extra: String::new(),
            body,
        }
    }

    #[test]
    fn term_hash_is_fnv1a() {
        assert_eq!(term_hash(""), 0x811c_9dc5);
        assert_eq!(term_hash("a"), 0xe40c_292c);
    }

    #[test]
    fn prepared_counts_terms_and_marks_the_title() {
        let p = Prepared::new(&doc("网络安全", "安全第一，安全。"));
        let terms: Vec<(&str, u32)> = p.terms().map(|(t, _, v)| (t, v)).collect();
        assert!(terms.contains(&("安全", postings::value(3, true))));
        assert!(terms.contains(&("第一", postings::value(1, false))));
    }

    #[test]
    fn output_is_deterministic_and_complete() {
        let docs: Vec<Arc<Prepared>> = (0..100)
            .map(|i| Arc::new(Prepared::new(&doc(&format!("标题{i}"), "正文 text"))))
            .collect();
        let a = write(&docs);
        let b = write(&docs);
        assert_eq!(a, b);
        let manifest: Manifest =
            serde_json::from_slice(&a.iter().find(|(p, _)| p == paths::MANIFEST).unwrap().1)
                .unwrap();
        assert_eq!(manifest.documents, 100);
        assert_eq!(manifest.blocks.len(), 2);
        assert!(
            a.iter()
                .any(|(p, _)| *p == paths::doc(1, &manifest.blocks[1], 35))
        );
    }
}
