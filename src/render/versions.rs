//! The current answer to each [`Dep`], as a version number: two builds give the same
//! version exactly when the dependency would show the same thing.
//!
//! Each version hashes what the matching view shows, or the inputs it is made from
//! (a page's card from the page's file, URL, summary and tag names). Missing things
//! have a version too, so that creating them counts as a change.

use std::collections::HashMap;

use super::context::{self, Shared};
use super::deps::{Dep, FeedKey, ListKey, PageDep};
use super::pagination::page_count;
use super::week;
use crate::assets::Body;
use crate::content::{Item, PageId, SectionId};
use crate::hash;
use crate::site::Site;
use crate::theme::Origin;

/// The version of something that does not exist.
const MISSING: u64 = 0x006d_6973_7369_6e67;

/// Computes versions of dependencies against one state of the site, remembering them.
pub struct Versions<'a> {
    site: &'a Site,
    shared: &'a Shared,
    memo: HashMap<Dep, u64>,
}

impl<'a> Versions<'a> {
    /// Versions against `site` as it is now.
    pub fn new(site: &'a Site, shared: &'a Shared) -> Self {
        Versions {
            site,
            shared,
            memo: HashMap::new(),
        }
    }

    /// The version of `dep`.
    pub fn get(&mut self, dep: &Dep) -> u64 {
        if let Some(&v) = self.memo.get(dep) {
            return v;
        }
        let v = self.compute(dep);
        self.memo.insert(dep.clone(), v);
        v
    }

    /// Everything computed so far.
    pub fn into_map(self) -> HashMap<Dep, u64> {
        self.memo
    }

    /// What the content path `rel` names now.
    pub fn item(&self, rel: &str) -> Option<&'a Item> {
        self.site.library.by_rel.get(rel)
    }

    fn section(&self, rel: &str) -> Option<SectionId> {
        match self.item(rel) {
            Some(Item::Section(id)) => Some(*id),
            _ => None,
        }
    }

    /// The content paths of `ids`, to hash as a sequence.
    fn rels<'b>(&self, ids: &'b [PageId]) -> hash::Seq<impl Iterator<Item = &'a str> + Clone + 'b>
    where
        'a: 'b,
    {
        let pages = &self.site.library.pages;
        hash::Seq(ids.iter().map(move |&id| pages[id].file.rel.as_str()))
    }

    /// The version of the dependency of kind `kind` on `rel`, where `item` is what
    /// `rel` names now (looked up once by the caller for every kind).
    pub fn on_page(&self, kind: PageDep, rel: &str, item: Option<&Item>) -> u64 {
        let site = self.site;
        let lib = &site.library;
        let page = match item {
            Some(Item::Page(id)) => Some(*id),
            _ => None,
        };
        match kind {
            PageDep::Card => page.map_or(MISSING, |id| card_version(site, id)),
            PageDep::Content => page.map_or(MISSING, |id| lib.pages[id].rendered.html_hash),
            PageDep::Links => page.map_or(MISSING, |id| {
                let links = &lib.links[id];
                let rel_of = |p: Option<PageId>| p.map(|p| lib.pages[p].file.rel.as_str());
                hash::of(&(
                    rel_of(links.earlier),
                    rel_of(links.later),
                    self.rels(&links.related),
                    links.parent.map(|s| lib.sections[s].file.rel.as_str()),
                ))
            }),
            PageDep::Url => match item {
                Some(Item::Page(id)) => hash::of(&lib.pages[*id].path),
                Some(Item::Section(id)) => hash::of(&lib.sections[*id].path),
                None => hash::of(&site.why_missing(rel)),
            },
        }
    }

    /// The version of `dep`, computed now and not remembered.
    pub fn compute(&self, dep: &Dep) -> u64 {
        let site = self.site;
        let lib = &site.library;
        match dep {
            Dep::Global => self.shared.global_version,
            Dep::Template(name) => site
                .templates
                .as_ref()
                .and_then(|t| t.version(name))
                .unwrap_or(MISSING),
            Dep::Card(rel) => self.on_page(PageDep::Card, rel, self.item(rel)),
            Dep::Content(rel) => self.on_page(PageDep::Content, rel, self.item(rel)),
            Dep::Links(rel) => self.on_page(PageDep::Links, rel, self.item(rel)),
            Dep::Crumb(rel) => self.section(rel).map_or(MISSING, |id| {
                hash::of(&(lib.sections[id].title(), &lib.sections[id].path))
            }),
            Dep::Section(rel) => self.section(rel).map_or(MISSING, |id| {
                let s = &lib.sections[id];
                hash::of(&(
                    s.source_hash,
                    &s.path,
                    s.rendered.html_hash,
                    &s.rendered.summary,
                ))
            }),
            Dep::Topic(topic) => lib.topic(topic).map_or(MISSING, |t| {
                let s = &lib.sections[t.section];
                hash::of(&(
                    s.source_hash,
                    &s.path,
                    s.rendered.html_hash,
                    t.pages.len(),
                    t.pinned,
                ))
            }),
            Dep::Tag(slug) => lib
                .tags
                .iter()
                .find(|t| &t.slug == slug)
                .map_or(MISSING, |t| hash::of(&(&t.name, t.pages.len()))),
            Dep::List(key, number, per_page) => {
                let items: &[PageId] = match key {
                    ListKey::Archive => &lib.archive,
                    ListKey::Year(year) => lib
                        .years
                        .iter()
                        .find(|y| y.year == *year)
                        .map_or(&[], |y| &y.pages),
                    ListKey::Tag(slug) => lib
                        .tags
                        .iter()
                        .find(|t| &t.slug == slug)
                        .map_or(&[], |t| &t.pages),
                    ListKey::Topic(id) => lib.topic(id).map_or(&[], |t| &t.pages),
                };
                let start = ((number - 1) * per_page).min(items.len());
                let end = (start + per_page).min(items.len());
                hash::of(&(
                    self.rels(&items[start..end]),
                    items.len(),
                    page_count(items.len(), *per_page),
                ))
            }
            Dep::Years => hash::of(
                &lib.years
                    .iter()
                    .map(|y| (y.year, y.pages.len()))
                    .collect::<Vec<_>>(),
            ),
            Dep::Latest(n) => {
                hash::of(&self.rels(&lib.chronological[..(*n).min(lib.chronological.len())]))
            }
            Dep::AllTopics => hash::of(&lib.topics.iter().map(|t| &t.id).collect::<Vec<_>>()),
            Dep::AllTags => hash::of(&lib.tags.iter().map(|t| &t.slug).collect::<Vec<_>>()),
            Dep::Stats => hash::of(&context::stats(site).to_string()),
            Dep::Week(rel) => self
                .section(rel)
                .map_or(MISSING, |id| week_version(site, id)),
            Dep::WeekList => {
                let years: Vec<_> = lib
                    .weeks
                    .iter()
                    .filter(|w| site.weeks.contains_key(w))
                    .map(|&w| {
                        (
                            week::year_of(site, w),
                            lib.sections[w].title(),
                            &lib.sections[w].path,
                        )
                    })
                    .collect();
                hash::of(&(
                    years,
                    week::current(site).map(|w| &lib.sections[w].file.rel),
                ))
            }
            Dep::SectionPages(rel) => self.section(rel).map_or(MISSING, |id| {
                hash::of(&self.rels(&context::section_pages(site, id)))
            }),
            Dep::File(path) => file_version(site, path),
            Dep::Asset(name) => site.files.asset(name).map_or(MISSING, hash::of),
            Dep::Url(rel) => self.on_page(PageDep::Url, rel, self.item(rel)),
            Dep::Sitemap => self.shared.sitemap_version,
            Dep::SiteMap => self.shared.site_map_version,
            Dep::Feed(FeedKey::Site) => hash::of(&self.rels(context::site_feed_entries(site))),
            Dep::Feed(FeedKey::Topic(id)) => lib
                .topics
                .iter()
                .position(|t| &t.id == id)
                .map_or(MISSING, |t| {
                    hash::of(&self.rels(&context::topic_feed_entries(site, t)))
                }),
        }
    }
}

/// A page's card: everything a list shows of it comes from its file, its URL, its
/// rendered summary (links in it) and the names of its tags.
fn card_version(site: &Site, id: PageId) -> u64 {
    let lib = &site.library;
    let page = &lib.pages[id];
    let tags = hash::Seq(
        lib.links[id]
            .tags
            .iter()
            .map(|&t| (lib.tags[t].name.as_str(), lib.tags[t].slug.as_str())),
    );
    hash::of(&(page.source_hash, &page.path, &page.rendered.summary, tags))
}

/// A week: its data, its section, which articles it lists and the sizes of its files.
fn week_version(site: &Site, id: SectionId) -> u64 {
    let Some(week) = site.weeks.get(&id) else {
        return MISSING;
    };
    let section = &site.library.sections[id];
    let sizes: Vec<Option<u64>> = week
        .materials
        .iter()
        .map(|m| {
            site.files
                .locate(&m.file, Some(&section.file.rel))
                .ok()
                .and_then(|l| site.files.size(&l.path))
        })
        .collect();
    let articles: Vec<&str> = week::articles(site, id)
        .iter()
        .map(|&p| site.library.pages[p].file.rel.as_str())
        .collect();
    let quiz = week::quiz(site, id).map(|q| serde_json::to_string(q).unwrap_or_default());
    let data = serde_json::to_string(week).unwrap_or_default();
    hash::of(&(
        data,
        section.source_hash,
        section.rendered.html_hash,
        articles,
        sizes,
        quiz,
    ))
}

/// A published file: its bytes' hash, or its size and time for copies.
fn file_version(site: &Site, path: &str) -> u64 {
    if let Some(source) = site.files.images.get(path) {
        return disk_version(source);
    }
    let Some(published) = site.files.published.get(path) else {
        return MISSING;
    };
    match &published.body {
        Body::Bytes(bytes) => hash::of_bytes(bytes),
        Body::File(Origin::Embedded(_, bytes)) => hash::of_bytes(bytes),
        Body::File(Origin::Disk(source)) => disk_version(source),
    }
}

/// A file on disk: its size and modification time.
fn disk_version(source: &std::path::Path) -> u64 {
    std::fs::metadata(source).map_or(MISSING, |m| {
        let modified = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_nanos());
        hash::of(&(m.len(), modified))
    })
}
