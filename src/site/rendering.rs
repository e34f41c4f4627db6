//! The Markdown of pages and sections, rendered in parallel and kept in a cache
//! between builds.

use std::collections::HashSet;

use rayon::prelude::*;

use super::{Site, cache};
use crate::content::Item;
use crate::error::Diagnostic;
use crate::markdown::{self, Rendered};

/// A rendering with its problems and resolution hash (see `cache`).
type Reused = (Rendered, Vec<Diagnostic>, u64);

impl Site {
    /// Renders the Markdown of the pages and sections in `only` (all when `None`), in
    /// parallel, keeping each file's problems.
    pub(super) fn render_markdown(&mut self, only: Option<&HashSet<String>>) {
        let mut cache = self.markdown_cache.take();
        let keep_text = self.config.search.enabled;
        let lib = &self.library;
        let items: Vec<(bool, usize)> = match only {
            // A few files after an edit: look them up rather than scan every page.
            Some(rels) => rels
                .iter()
                .filter_map(|rel| match lib.by_rel.get(rel.as_str()) {
                    Some(Item::Page(id)) => Some((true, *id)),
                    Some(Item::Section(id)) => Some((false, *id)),
                    None => None,
                })
                .collect(),
            None => (0..lib.pages.len())
                .map(|i| (true, i))
                .chain((0..lib.sections.len()).map(|i| (false, i)))
                .collect(),
        };
        let source = |&(is_page, i): &(bool, usize)| {
            if is_page {
                let page = &lib.pages[i];
                let source = markdown::Source {
                    body: &page.body,
                    file: &page.file.path,
                    rel: &page.file.rel,
                    body_offset: page.body_offset,
                    summary: page.meta.summary.as_deref(),
                    eager_first_image: page.meta.cover.is_none(),
                    keep_text,
                };
                (source, page.source_hash)
            } else {
                let section = &lib.sections[i];
                let source = markdown::Source {
                    body: &section.body,
                    file: &section.file.path,
                    rel: &section.file.rel,
                    body_offset: section.body_offset,
                    summary: section.meta.description.as_deref(),
                    eager_first_image: section.meta.cover.is_none(),
                    keep_text,
                };
                (source, section.source_hash)
            }
        };
        // Renderings kept from the last build, where still valid.
        let mut results: Vec<Option<Reused>> = items
            .iter()
            .map(|item| {
                let (src, hash) = source(item);
                cache.as_mut().and_then(|c| c.take(src.rel, hash, self))
            })
            .collect();
        let missing: Vec<usize> = (0..items.len()).filter(|&k| results[k].is_none()).collect();
        let fresh: Vec<(usize, Reused)> = missing
            .par_iter()
            .map(|&k| {
                let (src, _) = source(&items[k]);
                let (rendered, problems) = markdown::render(&src, self);
                let resolved = cache::resolutions(&rendered, src.rel, self);
                (k, (rendered, problems, resolved))
            })
            .collect();
        if let Some(cache) = cache.as_mut() {
            cache.changed |= !fresh.is_empty() || (only.is_none() && cache.has_leftovers());
        }
        for (k, result) in fresh {
            results[k] = Some(result);
        }
        for ((is_page, i), result) in items.into_iter().zip(results) {
            let Some((rendered, problems, resolved)) = result else {
                continue;
            };
            let (rel, hash) = if is_page {
                let page = &mut self.library.pages[i];
                page.rendered = rendered;
                (page.file.rel.clone(), page.source_hash)
            } else {
                let section = &mut self.library.sections[i];
                section.rendered = rendered;
                (section.file.rel.clone(), section.source_hash)
            };
            self.resolved.insert(rel.clone(), (hash, resolved));
            self.problems.by_file.insert(rel, problems);
        }
        self.problems
            .by_file
            .retain(|_, problems| !problems.is_empty());
        self.markdown_cache = cache;
    }

    /// Keeps this build's Markdown renderings for the next build (when caching is on
    /// and anything changed).
    /// The error for the Markdown cache's file of bodies found damaged while this run
    /// read it (its pages would have shown no text), if it was.
    pub fn markdown_cache_damage(&self) -> Option<Diagnostic> {
        self.markdown_cache.as_ref()?.take_damage()
    }

    /// Drops the Markdown text of every page and section, rendered by now, for a
    /// build that renders once (35 MB at 10,000 articles, 350 MB at 100,000).
    /// `serve`, which renders bodies again after an edit, keeps them.
    pub fn forget_sources(&mut self) {
        for page in &mut self.library.pages {
            page.body = String::new();
        }
        for section in &mut self.library.sections {
            section.body = String::new();
        }
    }

    pub fn save_markdown_cache(&self) {
        let Some(cache) = self.markdown_cache.as_ref().filter(|c| c.changed) else {
            return;
        };
        cache.save(&self.root, self.cached_renderings().map(|(_, entry)| entry));
    }

    /// Saves the Markdown cache now, and lets every page and section read its rendered
    /// body back from the cache's file when it is written (`Body::text`) instead of
    /// holding it: a build renders each page once, and the bodies of 10,000 articles
    /// are 165 MB. `serve`, which renders pages again after each edit, keeps them.
    pub fn spill_bodies(&mut self) {
        let Some(mut cache) = self.markdown_cache.take() else {
            return;
        };
        let saved = cache
            .changed
            .then(|| {
                let items: Vec<Item> = self.cached_renderings().map(|(item, _)| item).collect();
                let entries = self.cached_renderings().map(|(_, entry)| entry);
                cache
                    .save_and_reopen(&self.root, entries)
                    .map(|places| (items, places))
            })
            .flatten();
        if let (Some((items, places)), Some(file)) = (saved, cache.bodies()) {
            for (item, at) in items.into_iter().zip(places.chunks_exact(2)) {
                let rendered = match item {
                    Item::Page(id) => &mut self.library.pages[id].rendered,
                    Item::Section(id) => &mut self.library.sections[id].rendered,
                };
                rendered.html = markdown::Body::stored(file, at[0]);
                rendered.text = markdown::Body::stored(file, at[1]);
            }
        }
        self.markdown_cache = Some(cache);
    }

    /// What the Markdown cache keeps of every page and section rendered: `(path, file
    /// hash, resolution hash, rendering, problems)`, with the item it belongs to.
    fn cached_renderings(&self) -> impl Iterator<Item = (Item, cache::Saved<'_>)> {
        let lib = &self.library;
        let no_problems: &[Diagnostic] = &[];
        let pages = lib
            .pages
            .iter()
            .enumerate()
            .map(|(id, p)| (Item::Page(id), &p.file.rel, &p.rendered));
        let sections = lib
            .sections
            .iter()
            .enumerate()
            .map(|(id, s)| (Item::Section(id), &s.file.rel, &s.rendered));
        pages
            .chain(sections)
            .filter_map(move |(item, rel, rendered)| {
                let (hash, resolved) = *self.resolved.get(rel)?;
                let problems = self
                    .problems
                    .by_file
                    .get(rel)
                    .map_or(no_problems, Vec::as_slice);
                Some((item, (rel.as_str(), hash, resolved, rendered, problems)))
            })
    }
}
