//! The index files and their layout.
//!
//! Layout under `search/` (every name but the manifest carries a hash of its bytes,
//! so a cache can never mix two builds):
//!
//! - `index.json`: the manifest: the number of articles, the hash of each term
//!   shard and of each group of articles (each list of hashes one string of
//!   [`HASH_CHARS`] characters per hash).
//! - `terms/<n>.<hash>.json`: shard `n`: `{"term": "<posting list>", …}` for the terms
//!   whose [`shard_of`] is `n`, sorted (see `shards.rs`, and `postings.rs` for the
//!   lists).
//! - `docs/<g>.<hash>/<k>.json`: articles `g × GROUP + k × PER_FILE` and the next
//!   [`PER_FILE`] − 1: a JSON array of their URL, title, date, summary and text for
//!   the snippet. Articles go in groups of [`GROUP`] whose folder is named after a
//!   hash of their files (in the manifest), so that a result's file is known from the
//!   manifest alone: one round trip after the shards. A changed article renames its
//!   group's folder: [`GROUP`] / [`PER_FILE`] small files.
//!
//! The files are plain JSON: servers compress them (with `--compress`, nginx's
//! `gzip_static` sends the `.gz` beside each) and the browser reads them natively.
//!
//! Articles are numbered oldest first (by date; on one date, by path, last first), so
//! a new article takes the next number and older articles keep theirs, and a higher
//! number is a newer article.

use std::borrow::Cow;

use serde::Serialize;

/// Articles per group (folder) of document files.
pub const GROUP: usize = 64;
/// Articles per document file: one, so that a query downloads the text of the
/// results it shows and no other (ten results' files are 30–60 KB before
/// compression, where files of eight articles were 250–290 KB).
pub const PER_FILE: usize = 1;
/// Characters of an article's text kept for snippets.
pub const SNIPPET_TEXT_CHARS: usize = 5000;
/// Characters of each hash in a file's name ([`crate::hash::short_hex`]).
pub const HASH_CHARS: usize = 8;
/// Format version, in the manifest.
pub const VERSION: u32 = 3;

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
    /// Body text without markup or code (read only when tokenised or written: its
    /// hash is known without).
    pub body: &'a crate::markdown::Body,
}

impl Document<'_> {
    /// The texts indexed, each with whether it is the title.
    pub fn texts(&self) -> [(Cow<'_, str>, bool); 3] {
        [
            (Cow::Borrowed(self.title), true),
            (Cow::Borrowed(&self.extra), false),
            (self.body.text(), false),
        ]
    }

    /// A hash of everything indexed and shown of the article (the body hashed where
    /// it lies rather than copied).
    pub fn key(&self) -> u64 {
        let body = self.body.hash();
        crate::hash::of(&(
            self.url,
            self.title,
            &self.date,
            self.summary,
            &self.extra,
            body,
        ))
    }

    /// Appends the article as its document file shows it (a JSON object).
    pub fn write_json(&self, out: &mut Vec<u8>) {
        let body = self.body.text();
        // A body of fewer bytes than that has fewer characters: nothing to count.
        let end = match body.len() <= SNIPPET_TEXT_CHARS {
            true => body.len(),
            false => body
                .char_indices()
                .nth(SNIPPET_TEXT_CHARS)
                .map_or(body.len(), |(i, _)| i),
        };
        let file = DocFile {
            u: self.url,
            t: self.title,
            d: &self.date,
            s: self.summary,
            x: &body[..end],
        };
        // Writing strings to a Vec cannot fail.
        let _ = serde_json::to_writer(out, &file);
    }
}

/// An article as the browser reads it.
#[derive(Serialize)]
struct DocFile<'a> {
    u: &'a str,
    t: &'a str,
    d: &'a str,
    s: &'a str,
    x: &'a str,
}

/// One document file: the JSON array of `docs` (at most [`PER_FILE`]).
pub fn doc_file<'a, D>(docs: impl IntoIterator<Item = D>) -> Vec<u8>
where
    D: std::ops::Deref<Target = Document<'a>>,
{
    let mut out = Vec::with_capacity(PER_FILE * 4096);
    out.push(b'[');
    for (i, doc) in docs.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        doc.write_json(&mut out);
    }
    out.push(b']');
    out
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

/// The manifest.
#[derive(Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// Format version.
    pub version: u32,
    /// Number of articles.
    pub documents: usize,
    /// Articles per group (folder of document files).
    pub block: usize,
    /// Articles per document file.
    pub per_file: usize,
    /// Hash of each term shard, by shard number.
    #[serde(with = "joined")]
    pub shards: Vec<String>,
    /// Hash of each group of document files (its folder's name).
    #[serde(with = "joined")]
    pub blocks: Vec<String>,
}

/// A list of hashes written as one string, each [`HASH_CHARS`] characters long
/// (1,024 shards take 8 KB so, rather than 11 KB as a JSON array).
mod joined {
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serializer};

    use super::HASH_CHARS;

    pub fn serialize<S: Serializer>(hashes: &[String], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hashes.concat())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        let text = String::deserialize(d)?;
        if !text.is_ascii() || text.len() % HASH_CHARS != 0 {
            return Err(D::Error::custom("hashes of the wrong length"));
        }
        Ok(text
            .as_bytes()
            .chunks(HASH_CHARS)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect())
    }
}

impl Manifest {
    /// The manifest of an index with these shard and group hashes.
    pub fn new(documents: usize, shards: &[u64], groups: &[u64]) -> Manifest {
        Manifest {
            version: VERSION,
            documents,
            block: GROUP,
            per_file: PER_FILE,
            shards: shards.iter().map(|&h| crate::hash::short_hex(h)).collect(),
            blocks: groups.iter().map(|&h| crate::hash::short_hex(h)).collect(),
        }
    }

    /// The path of article `id`'s document file and its place in that file's array.
    pub fn doc_path(&self, id: usize) -> Option<(String, usize)> {
        let (group, within) = (id / self.block, id % self.block);
        let hash = self.blocks.get(group)?;
        let per_file = self.per_file.max(1);
        Some((
            paths::doc(group, hash, within / per_file),
            within % per_file,
        ))
    }
}

/// Paths of the index files, relative to the index folder.
pub mod paths {
    /// The manifest.
    pub const MANIFEST: &str = "index.json";

    /// A term shard.
    pub fn shard(n: usize, hash: &str) -> String {
        format!("terms/{n}.{hash}.json")
    }

    /// Document file `k` of group `g`, whose hash is `hash`.
    pub fn doc(g: usize, hash: &str, k: usize) -> String {
        format!("docs/{g}.{hash}/{k}.json")
    }

    /// What an index path names.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Named {
        /// The manifest.
        Manifest,
        /// Shard `n`.
        Shard(usize),
        /// Document file `k` of group `g`.
        Doc(usize, usize),
    }

    /// What `path` (relative to the index folder) names, hashes aside.
    pub fn parse(path: &str) -> Option<Named> {
        if path == MANIFEST {
            return Some(Named::Manifest);
        }
        if let Some(rest) = path.strip_prefix("terms/") {
            let n = rest.split('.').next()?.parse().ok()?;
            return Some(Named::Shard(n));
        }
        let rest = path.strip_prefix("docs/")?;
        let (group, file) = rest.split_once('/')?;
        let g = group.split('.').next()?.parse().ok()?;
        let k = file.strip_suffix(".json")?.parse().ok()?;
        Some(Named::Doc(g, k))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_hash_is_fnv1a() {
        assert_eq!(term_hash(""), 0x811c_9dc5);
        assert_eq!(term_hash("a"), 0xe40c_292c);
    }

    #[test]
    fn a_document_file_is_an_array_of_articles() {
        let body = "正文".into();
        let doc = |url| Document {
            url,
            title: "标题\"引号\"",
            date: "2026-09-14".into(),
            summary: "摘要",
            extra: String::new(),
            body: &body,
        };
        let (a, b) = (doc("a/"), doc("b/"));
        let bytes = doc_file([&a, &b]);
        let back: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back[1]["u"], "b/");
        assert_eq!(back[0]["t"], "标题\"引号\"");
        assert_eq!(back[0]["x"], "正文");
    }

    #[test]
    fn long_texts_are_cut_for_snippets() {
        let body = "字".repeat(SNIPPET_TEXT_CHARS + 10).into();
        let doc = Document {
            url: "a/",
            title: "t",
            date: String::new(),
            summary: "",
            extra: String::new(),
            body: &body,
        };
        let mut out = Vec::new();
        doc.write_json(&mut out);
        let back: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            back["x"].as_str().unwrap().chars().count(),
            SNIPPET_TEXT_CHARS
        );
    }

    #[test]
    fn paths_say_what_they_name() {
        use paths::Named;
        assert_eq!(paths::parse("index.json"), Some(Named::Manifest));
        assert_eq!(
            paths::parse(&paths::shard(12, "abcd1234")),
            Some(Named::Shard(12))
        );
        assert_eq!(
            paths::parse(&paths::doc(3, "abcd1234", 15)),
            Some(Named::Doc(3, 15))
        );
        assert_eq!(paths::parse("docs/x"), None);
        let manifest = Manifest::new(200, &[1], &[2, 3, 4, 5]);
        // Article 70: the seventh of group 1, alone in its file.
        let (path, at) = manifest.doc_path(70).unwrap();
        assert_eq!(path, paths::doc(1, &manifest.blocks[1], 6));
        assert_eq!(at, 0);
        assert_eq!(manifest.doc_path(64 * 4), None);
    }

    #[test]
    fn the_manifest_joins_its_hashes() {
        let manifest = Manifest::new(200, &[1 << 40, 2 << 40], &[3 << 40]);
        let json = serde_json::to_string(&manifest).unwrap();
        let shards = format!(r#""shards":"{}{}""#, manifest.shards[0], manifest.shards[1]);
        assert!(json.contains(&shards), "{json}");
        let back: Manifest = serde_json::from_str(&json).unwrap();
        assert_eq!(back, manifest);
        let bad = json.replace(&manifest.blocks[0], "abc");
        assert!(serde_json::from_str::<Manifest>(&bad).is_err());
    }
}
