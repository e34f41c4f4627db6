//! The Markdown of pages and sections, rendered in parallel and kept in a cache
//! between builds.

use std::collections::HashSet;

use rayon::prelude::*;

use super::{Site, cache, parsed};
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
        // Renderings kept from the last build, where still valid.
        let mut results: Vec<Option<Reused>> = items
            .iter()
            .map(|item| {
                let (src, hash) = source_of(&self.library, keep_text, *item);
                cache.as_mut().and_then(|c| c.take(src.rel, hash, self))
            })
            .collect();
        let mut missing: Vec<usize> = (0..items.len()).filter(|&k| results[k].is_none()).collect();
        let unreadable = self.read_pending_bodies(missing.iter().map(|&k| items[k]));
        missing.retain(|&k| !(items[k].0 && unreadable.iter().any(|(i, _)| *i == items[k].1)));
        let lib = &self.library;
        let fresh: Vec<(usize, Reused)> = missing
            .par_iter()
            .map(|&k| {
                let (src, _) = source_of(lib, keep_text, items[k]);
                let (rendered, problems) = markdown::render(&src, self);
                let resolved = cache::resolutions(&rendered, src.rel, self);
                (k, (rendered, problems, resolved))
            })
            .collect();
        if let Some(cache) = cache.as_mut() {
            cache.changed |= !fresh.is_empty() || (only.is_none() && cache.has_leftovers());
            cache.fresh += fresh.len();
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
        for (i, error) in unreadable {
            let rel = self.library.pages[i].file.rel.clone();
            self.resolved.remove(&rel);
            self.problems.by_file.insert(rel, vec![error]);
        }
        self.problems
            .by_file
            .retain(|_, problems| !problems.is_empty());
        self.markdown_cache = cache;
    }

    /// The error for the Markdown cache's file of bodies found damaged while this run
    /// read it (its pages would have shown no text), if it was.
    pub fn markdown_cache_damage(&self) -> Option<Diagnostic> {
        self.markdown_cache.as_ref()?.take_damage()
    }

    /// Reads the body of every page the parse cache gave without one, for what reads
    /// the Markdown itself (`herald inspect`'s rules); with the errors of files that
    /// changed meanwhile.
    pub fn read_every_body(&mut self) -> Vec<Diagnostic> {
        let pages = (0..self.library.pages.len()).map(|i| (true, i));
        let unreadable = self.read_pending_bodies(pages);
        unreadable.into_iter().map(|(_, error)| error).collect()
    }

    /// Reads the bodies of the pages among `items` that came from the parse cache
    /// without one, as their Markdown is about to be rendered. Returns the pages whose
    /// file is no longer what was parsed (changed while this build ran), each with its
    /// error: they are not rendered.
    fn read_pending_bodies(
        &mut self,
        items: impl Iterator<Item = (bool, usize)>,
    ) -> Vec<(usize, Diagnostic)> {
        let pending: Vec<usize> = items
            .filter(|&(is_page, i)| is_page && self.library.pages[i].body_pending)
            .map(|(_, i)| i)
            .collect();
        let pages = &self.library.pages;
        let bodies: Vec<(usize, Result<String, Diagnostic>)> = pending
            .par_iter()
            .map(|&i| {
                let page = &pages[i];
                let body = crate::fs::read_text(&page.file.path).and_then(|text| {
                    page.body_of(&text).ok_or_else(|| {
                        Diagnostic::error("the file changed while Herald was reading the site")
                            .in_file(&page.file.path)
                            .with_help("run the command again")
                    })
                });
                (i, body)
            })
            .collect();
        if bodies.iter().any(|(_, body)| body.is_err()) {
            // What was parsed is no longer there: the next run reads every page again.
            parsed::ParseCache::discard(&self.root);
            self.parse_cache = None;
        }
        let mut unreadable = Vec::new();
        for (i, body) in bodies {
            let page = &mut self.library.pages[i];
            match body {
                Ok(body) => {
                    page.body = body;
                    page.body_pending = false;
                }
                Err(error) => unreadable.push((i, error)),
            }
        }
        unreadable
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

    /// True when the parse cache saw a page whose text changed, appeared or went away
    /// since the build that kept it (false when there is no parse cache).
    pub fn pages_changed(&self) -> bool {
        self.parse_cache
            .as_ref()
            .is_some_and(parsed::ParseCache::differs)
    }

    /// Keeps this build's parsed pages and Markdown renderings for the next build
    /// (when caching is on and anything changed).
    pub fn save_content_caches(&self) {
        if let Some(parsed) = &self.parse_cache {
            parsed.save(&self.root);
        }
        if self.related.changed && self.options.cache {
            let path = super::related_path(&self.root);
            let _ = crate::cache_file::save(&path, super::RELATED_FORMAT, &self.related);
        }
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
        // A few bodies rendered afresh (an edit's) are not worth saving the cache for
        // now: the save at the end of the build runs beside the others. From 500, or
        // `HERALD_SPILL_AT` (tests).
        let worth_it = crate::pause::setting("HERALD_SPILL_AT", 500) as usize;
        let Some(mut cache) = self
            .markdown_cache
            .take_if(|cache| cache.changed && cache.fresh >= worth_it)
        else {
            return;
        };
        let (items, entries): (Vec<Item>, Vec<cache::Saved<'_>>) = self.cached_renderings().unzip();
        let saved = cache.save_and_reopen(&self.root, entries.into_iter());
        if let (Some(places), Some(file)) = (saved, cache.bodies()) {
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

/// What the Markdown stage renders of item `(is_page, index)` of `lib`, with its file's hash.
fn source_of(
    lib: &crate::content::Library,
    keep_text: bool,
    (is_page, i): (bool, usize),
) -> (markdown::Source<'_>, u64) {
    // (file, body, its offset, summary as written, cover, file hash)
    let (file, body, body_offset, summary, cover, hash) = if is_page {
        let p = &lib.pages[i];
        let summary = p.meta.summary.as_deref();
        (
            &p.file,
            &p.body,
            p.body_offset,
            summary,
            &p.meta.cover,
            p.source_hash,
        )
    } else {
        let s = &lib.sections[i];
        let summary = s.meta.description.as_deref();
        (
            &s.file,
            &s.body,
            s.body_offset,
            summary,
            &s.meta.cover,
            s.source_hash,
        )
    };
    let source = markdown::Source {
        body,
        file: &file.path,
        rel: &file.rel,
        body_offset,
        summary,
        eager_first_image: cover.is_none(),
        keep_text,
    };
    (source, hash)
}
