//! Site search: an index of the articles written under `search/` at build time, and
//! read by the theme's `search.js` in the reader's browser (no server, no third-party
//! script).
//!
//! Chinese has no spaces between words, so text is indexed by character bigrams
//! ([`tokenizer`]); posting lists are split into shards by a hash of the term so that
//! a query downloads only its terms' shards, then the document files of the results
//! it shows ([`writer`] describes the files). [`query`] searches a written index
//! exactly as the browser does, for tests and the benchmark.
//!
//! This module never reads the disk: it indexes what the site has loaded.

pub mod postings;
pub mod query;
pub mod shards;
pub mod tokenizer;
pub mod writer;

use std::collections::BTreeSet;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::content::{Item, PageId};
use crate::hash;
use crate::site::{Site, Touched};
use shards::Shards;
pub use writer::{Document, Prepared};

/// The folder of the index in the output.
pub const DIR: &str = "search/";

/// The ids of the indexed articles, oldest first (their numbers).
fn numbered(site: &Site) -> impl Iterator<Item = PageId> + '_ {
    site.library.chronological.iter().rev().copied()
}

/// The article `id` as the index sees it.
fn document(site: &Site, id: PageId) -> Document<'_> {
    let lib = &site.library;
    let page = &lib.pages[id];
    let mut extra = page.meta.summary.clone().unwrap_or_default();
    for tag in &page.meta.tags {
        extra.push('\n');
        extra.push_str(tag);
    }
    for topic in &page.meta.topics {
        extra.push('\n');
        match lib.topic(topic) {
            Some(t) => extra.push_str(lib.sections[t.section].title()),
            None => extra.push_str(topic),
        }
    }
    Document {
        url: &page.path,
        title: &page.meta.title,
        date: page
            .meta
            .date
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        summary: &page.rendered.description,
        extra,
        body: &page.rendered.text,
    }
}

/// Builds the index, keeping each article's tokens and compressed document, and the
/// posting lists, between builds: after an edit that leaves the other articles'
/// numbers alone (a changed text, title or tag; a new newest article), only the
/// edited articles are tokenised again and only the shards of their terms written.
#[derive(Debug, Default)]
pub struct SearchIndex {
    keys: Vec<u64>,
    docs: Vec<Arc<Prepared>>,
    shards: Shards,
    built: bool,
}

/// Index files: output paths (under [`DIR`]) and bytes, sorted by path.
pub type Files = Vec<(String, Arc<[u8]>)>;

/// At most this many changed articles are patched into the shards; more are rebuilt.
const MAX_PATCHED: usize = 256;

impl SearchIndex {
    /// The index files of `site` (none when search is off).
    pub fn build(&mut self, site: &Site) -> Files {
        self.update(site, &Touched::All).unwrap_or_default()
    }

    /// The index files of `site`, or `None` when no indexed article changed since
    /// the last call; `touched` says which pages may have changed since then.
    pub fn update(&mut self, site: &Site, touched: &Touched) -> Option<Files> {
        if !site.config.search.enabled {
            let was = self.built;
            *self = SearchIndex::default();
            return was.then(Vec::new);
        }
        let t = crate::timing::phase("search: documents");
        let ids: Vec<PageId> = numbered(site).collect();
        let keys = self.keys_now(site, &ids, touched);
        drop(t);
        if self.built && keys == self.keys {
            return None;
        }
        let t = crate::timing::phase("search: tokenise and compress");
        let known: FxHashMap<u64, &Arc<Prepared>> =
            self.keys.iter().copied().zip(&self.docs).collect();
        let prepared: Vec<Arc<Prepared>> = ids
            .par_iter()
            .zip(&keys)
            .map(|(&id, key)| match known.get(key) {
                Some(&p) => p.clone(),
                None => Arc::new(Prepared::new(&document(site, id))),
            })
            .collect();
        drop(known);
        drop(t);
        let changed: Vec<usize> = (0..keys.len().max(self.keys.len()))
            .filter(|&i| keys.get(i) != self.keys.get(i))
            .collect();
        let count = shards::shard_count(shards::postings_of(&prepared));
        if self.built && changed.len() <= MAX_PATCHED && count == self.shards.len() {
            let t = crate::timing::phase("search: patch shards");
            let mut dirty = BTreeSet::new();
            for &id in &changed {
                let (old, new) = (self.docs.get(id), prepared.get(id));
                self.shards
                    .replace(id as u32, old.map(|p| &**p), new.map(|p| &**p), &mut dirty);
            }
            drop(t);
            self.shards.rewrite(&dirty);
        } else {
            self.shards = Shards::build(&prepared);
        }
        let t = crate::timing::phase("search: assemble");
        let files = writer::assemble(&prepared, &self.shards);
        self.docs = prepared;
        self.keys = keys;
        self.built = true;
        let files = files
            .into_iter()
            .map(|(path, bytes)| (format!("{DIR}{path}"), bytes))
            .collect();
        drop(t);
        Some(files)
    }

    /// The key of each article's document, in the order of `ids`. When the lists
    /// stayed the same and only some pages were touched, the articles keep their
    /// numbers and only the touched ones need their documents hashed again.
    fn keys_now(&self, site: &Site, ids: &[PageId], touched: &Touched) -> Vec<u64> {
        match touched {
            Touched::Only(rels) if self.built && ids.len() == self.keys.len() => {
                let mut keys = self.keys.clone();
                let lib = &site.library;
                let number: FxHashMap<PageId, usize> =
                    ids.iter().enumerate().map(|(n, &id)| (id, n)).collect();
                let fresh: Vec<(usize, u64)> = rels
                    .par_iter()
                    .filter_map(|rel| match lib.by_rel.get(rel.as_str()) {
                        Some(Item::Page(id)) => Some(*id),
                        _ => None,
                    })
                    .filter_map(|id| Some((*number.get(&id)?, hash::of(&document(site, id)))))
                    .collect();
                for (n, key) in fresh {
                    keys[n] = key;
                }
                keys
            }
            _ => ids
                .par_iter()
                .map(|&id| hash::of(&document(site, id)))
                .collect(),
        }
    }
}
