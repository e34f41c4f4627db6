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
//! [`SearchIndex`] keeps what it made between updates (in memory for `serve`, in
//! `.herald-cache/` between builds, see [`store`]): after an edit only the edited
//! articles are tokenised again and only the files whose bytes change are made.
//!
//! This module reads no site file: it indexes what the site has loaded.

pub mod inverted;
pub mod patch;
pub mod postings;
pub mod query;
pub mod shards;
mod store;
pub mod terms;
pub mod tokenizer;
pub mod writer;

use std::borrow::Cow;
use std::collections::BTreeSet;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::content::{Item, PageId};
use crate::hash;
use crate::site::{Site, Touched};
use patch::Plan;
use shards::Shards;
use terms::Terms;
pub use writer::Document;
use writer::{GROUP, Manifest, PER_FILE, paths};

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
        date: page.meta.date.map(day).unwrap_or_default(),
        summary: &page.rendered.description,
        extra,
        body: &page.rendered.text,
    }
}

/// A date as `2026-09-14`.
fn day(date: chrono::DateTime<chrono::FixedOffset>) -> String {
    use chrono::Datelike;
    match date.year() {
        // What `%Y-%m-%d` writes, without parsing that format for every article.
        0..=9999 => format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day()),
        _ => date.format("%Y-%m-%d").to_string(),
    }
}

/// The index of a site's articles, kept between updates: each article's key (a hash of
/// its document) and terms, every term's posting list, and the hash of every file.
/// The files' bytes are not kept: they are made when they change (or when asked for
/// again, [`SearchIndex::bytes_of`]).
#[derive(Debug, Default)]
pub struct SearchIndex {
    built: bool,
    /// Changed since it was loaded or saved.
    unsaved: bool,
    /// Per article, oldest first: the hash of its document.
    keys: Vec<u64>,
    /// Per article: the numbers of its terms ([`terms::encode_ids`]).
    held: Vec<Box<[u8]>>,
    terms: Terms,
    /// Per term: its posting list, encoded ([`postings`]); empty when no article
    /// holds it any more.
    lists: Vec<String>,
    /// Entries in all lists.
    postings: usize,
    shards: Shards,
    /// Per group of articles: the hash of its document files.
    groups: Vec<u64>,
    /// The files (paths under [`DIR`]) the last update replaced or removed.
    gone: Vec<String>,
    /// What the kept index's base file holds (see `store`), when there is one.
    base: Option<store::Base>,
}

/// Index files: output paths (under [`DIR`]) and bytes, sorted by path.
pub type Files = Vec<(String, Vec<u8>)>;

/// Where an update puts each file it makes, as soon as it is made (so that the
/// index's bytes are never all in memory at once): output path (under [`DIR`]) and
/// bytes. Called from several threads; the manifest comes last.
pub type Emit<'a> = dyn Fn(&str, &[u8]) + Sync + 'a;

/// What an update changed ([`SearchIndex::update_changes`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changes {
    /// Output paths (under [`DIR`]) of the files made, the manifest among them, and
    /// of the files that are no longer part of the index.
    Some {
        /// Made (and emitted).
        made: Vec<String>,
        /// Gone.
        gone: Vec<String>,
    },
    /// Made from nothing: every file of the index.
    All(Vec<IndexFile>),
}

/// One file of the index, as an update leaves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexFile {
    /// Output path, under [`DIR`].
    pub path: String,
    /// True when this update made it (and emitted it); else it was made before and
    /// has the same bytes under the same path ([`SearchIndex::bytes_of`] makes them
    /// again).
    pub made: bool,
}

impl SearchIndex {
    /// Every index file of `site` made from nothing (none when search is off).
    pub fn build(site: &Site) -> Files {
        let mut index = SearchIndex::default();
        let made = std::sync::Mutex::new(Vec::new());
        let emit = |path: &str, bytes: &[u8]| {
            let mut made = made.lock().unwrap_or_else(|e| e.into_inner());
            made.push((path.to_string(), bytes.to_vec()));
        };
        index.update(site, &Touched::All, &emit);
        let mut files = made.into_inner().unwrap_or_else(|e| e.into_inner());
        files.sort_by(|a, b| a.0.cmp(&b.0));
        files
    }

    /// Brings the index up to date with `site`, putting the files it makes anew
    /// through `emit`; returns every index file, or `None` when no indexed article
    /// changed since the last call. `touched` says which pages may have changed
    /// since then.
    pub fn update(
        &mut self,
        site: &Site,
        touched: &Touched,
        emit: &Emit<'_>,
    ) -> Option<Vec<IndexFile>> {
        let (made, _) = self.refresh(site, touched, emit)?;
        Some(self.listing(&made))
    }

    /// [`SearchIndex::update`], returning only what changed (when the index was not
    /// made from nothing): its cost follows the articles changed, not the site.
    pub fn update_changes(
        &mut self,
        site: &Site,
        touched: &Touched,
        emit: &Emit<'_>,
    ) -> Option<Changes> {
        let (made, from_nothing) = self.refresh(site, touched, emit)?;
        if from_nothing {
            return Some(Changes::All(self.listing(&made)));
        }
        let mut made: Vec<String> = made.into_iter().map(|p| format!("{DIR}{p}")).collect();
        made.push(format!("{DIR}{}", paths::MANIFEST));
        let gone = std::mem::take(&mut self.gone);
        Some(Changes::Some { made, gone })
    }

    /// The work of [`SearchIndex::update`]: the paths (relative to [`DIR`]) of the
    /// files made but the manifest, and whether the index was made from nothing.
    fn refresh(
        &mut self,
        site: &Site,
        touched: &Touched,
        emit: &Emit<'_>,
    ) -> Option<(FxHashSet<String>, bool)> {
        self.gone.clear();
        if !site.config.search.enabled {
            let was = self.built;
            *self = SearchIndex::default();
            self.unsaved = was;
            return was.then(|| (FxHashSet::default(), true));
        }
        let t = crate::timing::phase("search: documents");
        let ids: Vec<PageId> = numbered(site).collect();
        let (docs, keys) = match touched {
            Touched::Only(rels) if self.built && ids.len() == self.keys.len() => {
                let keys = self.keys_touched(site, &ids, rels);
                (Docs::Lazy(site, &ids), keys)
            }
            _ => {
                let docs: Vec<Document> = ids.par_iter().map(|&id| document(site, id)).collect();
                let keys = docs.par_iter().map(Document::key).collect();
                (Docs::All(docs), keys)
            }
        };
        drop(t);
        if self.built && keys == self.keys {
            return None;
        }
        let plan = self.built.then(|| Plan::new(&self.keys, &keys)).flatten();
        let mut from_nothing = plan.is_none();
        let made = match plan {
            Some(plan) => self.apply(&docs, keys.clone(), plan, emit),
            None => Err(String::new()),
        };
        let made = made.unwrap_or_else(|_| {
            // Made from nothing: also when what was kept turned out damaged.
            from_nothing = true;
            *self = SearchIndex::default();
            let plan = Plan::everything(keys.len());
            self.apply(&docs, keys, plan, emit).unwrap_or_default()
        });
        emit(&format!("{DIR}{}", paths::MANIFEST), &self.manifest_bytes());
        Some((made, from_nothing))
    }

    /// Every index file as the last update left it, none of them made.
    pub fn files(&self) -> Vec<IndexFile> {
        if !self.built {
            return Vec::new();
        }
        let mut files = self.listing(&FxHashSet::default());
        for file in &mut files {
            file.made = false;
        }
        files
    }

    /// The bytes of the index file at output path `path` (under [`DIR`]), made again
    /// from what the index keeps and `site` (the site of the last update).
    pub fn bytes_of(&self, site: &Site, path: &str) -> Option<Vec<u8>> {
        let rel = path.strip_prefix(DIR)?;
        match paths::parse(rel)? {
            paths::Named::Manifest => Some(self.manifest_bytes()),
            paths::Named::Shard(n) => {
                let hash = self.shards.hashes.get(n)?;
                (rel == paths::shard(n, &hash::short_hex(*hash)))
                    .then(|| self.shards.file(n, &self.terms, &self.lists))
            }
            paths::Named::Doc(g, k) => {
                let hash = self.groups.get(g)?;
                if rel != paths::doc(g, &hash::short_hex(*hash), k) {
                    return None;
                }
                let ids: Vec<PageId> = numbered(site).collect();
                let files = group_files(&Docs::Lazy(site, &ids), g);
                files.into_iter().nth(k)
            }
        }
    }

    /// Applies `plan`: tokenises its fresh articles, brings the lists, shards and
    /// groups up to date, emitting the files whose bytes are new; returns their paths
    /// (relative to [`DIR`]).
    fn apply(
        &mut self,
        docs: &Docs<'_>,
        keys: Vec<u64>,
        plan: Plan,
        emit: &Emit<'_>,
    ) -> Result<FxHashSet<String>, String> {
        let old_count = self.keys.len();
        let tokenised = inverted::tokenise(&plan.fresh, |a| docs.get(a), &mut self.terms);
        self.lists.resize(self.terms.len(), String::new());
        let changed = self.update_lists(&plan, &tokenised)?;
        let mut held = vec![Box::<[u8]>::default(); keys.len()];
        for (i, now) in plan.moved.iter().enumerate() {
            if let Some(j) = now {
                held[*j as usize] = std::mem::take(&mut self.held[i]);
            }
        }
        for (article, terms) in tokenised.held {
            held[article as usize] = terms;
        }
        self.held = held;
        let keys_len = keys.len();
        self.keys = keys;
        let mut made = self.update_shards(&changed, emit);
        let shards = made.len();
        made.extend(self.update_groups(docs, &plan, old_count, emit));
        crate::timing::note(format_args!(
            "search: {} of {} articles tokenised, {} posting lists changed, {} shard and {} document files made",
            plan.fresh.len(),
            keys_len,
            changed.len(),
            shards,
            made.len() - shards,
        ));
        self.built = true;
        self.unsaved = true;
        Ok(made)
    }

    /// Brings the posting lists up to date with `plan` and the entries of the
    /// articles tokenised; returns the terms whose lists changed.
    fn update_lists(
        &mut self,
        plan: &Plan,
        tokenised: &inverted::Tokenised,
    ) -> Result<Vec<u32>, String> {
        let _t = crate::timing::phase("search: posting lists");
        if self.postings == 0 && plan.moved.is_empty() {
            // From nothing: every list written in one pass, and saved whole.
            self.base = None;
            self.postings = tokenised.encode_all(&mut self.lists);
            let changed =
                (0..self.lists.len() as u32).filter(|&t| !self.lists[t as usize].is_empty());
            return Ok(changed.collect());
        }
        let affected: Vec<u32> = if plan.renumbered {
            (0..self.lists.len() as u32).collect()
        } else {
            let mut affected: Vec<bool> = (0..self.lists.len() as u32)
                .into_par_iter()
                .map(|t| tokenised.holds(t))
                .collect();
            for i in plan.dropped() {
                for t in terms::decode_ids(&self.held[i]).ok_or("damaged")? {
                    *affected.get_mut(t as usize).ok_or("damaged")? = true;
                }
            }
            (0..affected.len() as u32)
                .filter(|&t| affected[t as usize])
                .collect()
        };
        let lists = &self.lists;
        let mut dropped = plan.dropped().map(|i| i as u32);
        let dropped = dropped
            .next()
            .map(|first| (first, dropped.last().unwrap_or(first)));
        let updated: Vec<(u32, patch::Updated)> = affected
            .par_iter()
            .map(|&t| {
                let (list, adds) = (&lists[t as usize], tokenised.adds(t));
                match plan.renumbered {
                    false => patch::update_in_place(list, &plan.moved, dropped, adds),
                    true => patch::update_list(list, &plan.moved, adds),
                }
                .map(|u| (t, u))
            })
            .collect::<Result<_, String>>()?;
        let mut changed = Vec::with_capacity(updated.len());
        for (t, now) in updated {
            let list = &mut self.lists[t as usize];
            if now.list != *list {
                self.postings = (self.postings + now.added)
                    .checked_sub(now.removed)
                    .ok_or("damaged")?;
                *list = now.list;
                changed.push(t);
                if let Some(base) = &mut self.base {
                    base.lists.insert(t);
                }
            }
        }
        Ok(changed)
    }

    /// Makes the files of the shards holding `changed` terms (of every shard when
    /// their number changes); emits those whose bytes are new and returns their paths.
    fn update_shards(&mut self, changed: &[u32], emit: &Emit<'_>) -> FxHashSet<String> {
        let _t = crate::timing::phase("search: shards");
        let count = shards::shard_count(self.postings);
        let regrouped = count != self.shards.len();
        let mut dirty: Vec<usize> = if !regrouped {
            changed
                .iter()
                .map(|&t| match self.lists[t as usize].is_empty() {
                    true => writer::shard_of(self.terms.name(t), count),
                    false => self.shards.admit(&self.terms, t),
                })
                .collect()
        } else {
            let old = self.shards.hashes.iter().enumerate();
            self.gone.extend(old.map(|(n, &h)| shard_path(n, h)));
            self.shards = Shards::group(&self.terms, &self.lists, count);
            (0..count).collect()
        };
        dirty.sort_unstable();
        dirty.dedup();
        let (shards, terms, lists) = (&self.shards, &self.terms, &self.lists);
        let made: Vec<(usize, u64)> = dirty
            .par_iter()
            .filter_map(|&n| {
                let bytes = shards.file(n, terms, lists);
                let h = hash::of_bytes(&bytes);
                let new = h != shards.hashes[n];
                if new {
                    emit(
                        &format!("{DIR}{}", paths::shard(n, &hash::short_hex(h))),
                        &bytes,
                    );
                }
                new.then_some((n, h))
            })
            .collect();
        made.into_iter()
            .map(|(n, h)| {
                if !regrouped {
                    self.gone.push(shard_path(n, self.shards.hashes[n]));
                }
                self.shards.hashes[n] = h;
                paths::shard(n, &hash::short_hex(h))
            })
            .collect()
    }

    /// Makes the document files of the groups whose articles changed; emits those
    /// whose bytes are new and returns their paths.
    fn update_groups(
        &mut self,
        docs: &Docs<'_>,
        plan: &Plan,
        old_count: usize,
        emit: &Emit<'_>,
    ) -> FxHashSet<String> {
        let _t = crate::timing::phase("search: document files");
        let count = docs.len();
        let mut dirty = vec![false; count.div_ceil(GROUP)];
        for &j in &plan.fresh {
            dirty[j as usize / GROUP] = true;
        }
        for (i, now) in plan.moved.iter().enumerate() {
            if let Some(j) = *now
                && j as usize != i
            {
                dirty[j as usize / GROUP] = true;
            }
        }
        // The groups whose number of articles changed.
        if old_count != count {
            dirty[old_count.min(count) / GROUP..].fill(true);
        }
        let old_groups = self.groups.len();
        for g in dirty.len()..old_groups {
            let files = files_in_group(old_count, g);
            self.gone.extend(group_paths(g, self.groups[g], files));
        }
        self.groups.resize(dirty.len(), 0);
        let dirty: Vec<usize> = (0..dirty.len()).filter(|&g| dirty[g]).collect();
        let groups = &self.groups;
        let made: Vec<(usize, u64, usize)> = dirty
            .par_iter()
            .filter_map(|&g| {
                let files = group_files(docs, g);
                let hashes: Vec<u64> = files.iter().map(|f| hash::of_bytes(f)).collect();
                let h = hash::of(&hashes);
                if h == groups[g] {
                    return None;
                }
                let name = hash::short_hex(h);
                for (k, bytes) in files.iter().enumerate() {
                    emit(&format!("{DIR}{}", paths::doc(g, &name, k)), bytes);
                }
                Some((g, h, files.len()))
            })
            .collect();
        let mut out = FxHashSet::default();
        for (g, h, files) in made {
            if g < old_groups {
                let old = files_in_group(old_count, g);
                self.gone.extend(group_paths(g, self.groups[g], old));
            }
            self.groups[g] = h;
            let name = hash::short_hex(h);
            out.extend((0..files).map(|k| paths::doc(g, &name, k)));
        }
        out
    }

    fn manifest(&self) -> Manifest {
        Manifest::new(self.keys.len(), &self.shards.hashes, &self.groups)
    }

    /// The manifest's bytes.
    pub fn manifest_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(&self.manifest()).unwrap_or_default()
    }

    /// Every file of the index, sorted by path, marked made when `made` holds its
    /// path (relative to [`DIR`]) and for the manifest.
    fn listing(&self, made: &FxHashSet<String>) -> Vec<IndexFile> {
        let manifest = self.manifest();
        let mut files = Vec::with_capacity(self.shards.len() + self.keys.len() / PER_FILE + 2);
        let mut add = |rel: String| {
            files.push(IndexFile {
                made: made.contains(&rel),
                path: format!("{DIR}{rel}"),
            });
        };
        for (n, h) in manifest.shards.iter().enumerate() {
            add(paths::shard(n, h));
        }
        for (g, h) in manifest.blocks.iter().enumerate() {
            for k in 0..files_in_group(self.keys.len(), g) {
                add(paths::doc(g, h, k));
            }
        }
        files.push(IndexFile {
            path: format!("{DIR}{}", paths::MANIFEST),
            made: true,
        });
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }

    /// The key of each article's document, in the order of `ids`, when the articles
    /// kept their numbers and only the pages `rels` may have changed: only those are
    /// hashed again.
    fn keys_touched(&self, site: &Site, ids: &[PageId], rels: &BTreeSet<String>) -> Vec<u64> {
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
            .filter_map(|id| Some((*number.get(&id)?, document(site, id).key())))
            .collect();
        for (n, key) in fresh {
            keys[n] = key;
        }
        keys
    }
}

/// The documents of the articles indexed, by number: all made at once when most are
/// needed, else each when it is asked for.
enum Docs<'a> {
    All(Vec<Document<'a>>),
    Lazy(&'a Site, &'a [PageId]),
}

impl<'a> Docs<'a> {
    fn get(&self, article: u32) -> Cow<'_, Document<'a>> {
        match self {
            Docs::All(docs) => Cow::Borrowed(&docs[article as usize]),
            Docs::Lazy(site, ids) => Cow::Owned(document(site, ids[article as usize])),
        }
    }

    fn len(&self) -> usize {
        match self {
            Docs::All(docs) => docs.len(),
            Docs::Lazy(_, ids) => ids.len(),
        }
    }
}

/// The output path of shard `n` whose file's hash is `h`.
fn shard_path(n: usize, h: u64) -> String {
    format!("{DIR}{}", paths::shard(n, &hash::short_hex(h)))
}

/// The output paths of the `files` document files of group `g` whose hash is `h`.
fn group_paths(g: usize, h: u64, files: usize) -> impl Iterator<Item = String> {
    let name = hash::short_hex(h);
    (0..files).map(move |k| format!("{DIR}{}", paths::doc(g, &name, k)))
}

/// The number of document files of group `g` among `count` articles.
fn files_in_group(count: usize, g: usize) -> usize {
    count
        .saturating_sub(g * GROUP)
        .min(GROUP)
        .div_ceil(PER_FILE)
}

/// The document files of group `g` of the articles.
fn group_files(docs: &Docs<'_>, g: usize) -> Vec<Vec<u8>> {
    let start = g * GROUP;
    let end = (start + GROUP).min(docs.len());
    (start.min(end)..end)
        .step_by(PER_FILE)
        .map(|first| {
            let last = (first + PER_FILE).min(end);
            writer::doc_file((first..last).map(|a| docs.get(a as u32)))
        })
        .collect()
}
